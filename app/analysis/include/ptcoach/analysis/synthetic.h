#pragma once
// Synthetic landmark frames built from joint angles: a simple articulated body posed in 3D and
// seen by a pinhole-free (orthographic) camera from the front or a side. For tests and demos:
// sequences with known reps, injected faults, jitter and people walking out of the picture.
#include <array>
#include <cstdint>
#include <random>

#include "ptcoach/analysis/landmark_frame.h"

namespace ptcoach::analysis {

// Angles in degrees; [0] is the left side, [1] the right.
struct BodyPose {
    float trunk = 0;                     // trunk inclination forward from vertical (< 0 back; -90 supine, 90 prone)
    std::array<float, 2> hipFlex{};      // thigh forward from the trunk line (0 standing, 90 sitting)
    std::array<float, 2> kneeFlex{};     // 0 straight
    std::array<float, 2> ankleFlex{};    // dorsiflexion: keeps the foot flat when the shank leans forward
    std::array<float, 2> shoulderFlex{}; // arm forward/up from hanging (90 horizontal forward, 180 overhead)
    std::array<float, 2> elbowFlex{};    // 0 straight
    std::array<float, 2> shoulderOut{};  // arm raised out to the side (abduction; 90: level with the shoulder)
    float neckForward = 0;               // head tipped forward of the trunk line
    float lateralLean = 0;               // trunk lean toward the person's left (front plane)
    float twist = 0;                     // shoulder line rotated against the hip line (about the vertical)
    float pelvisDrop = 0;                // right hip lower than the left, metres
    float shoulderDrop = 0;              // right shoulder lower than the left, metres
    std::array<float, 2> kneeIn{};       // knee moved toward the midline, metres
    float roll = 0;                      // whole body turned about its forward axis toward its left
                                         // (90: lying on the left side; seen in-plane from the front)
    float kneeFall = 0;                  // both legs turned about the trunk's long axis at the hips,
                                         // the knees toward the person's left (lower trunk rotation)
};

// A squat-like leg and trunk: knee flexion split between thigh and shank, trunk leaning forward.
BodyPose squatPose(float kneeFlex, float trunkLean);

enum class CameraView { Front, LeftSide, RightSide };  // LeftSide: the camera sees the person's left side

struct SyntheticCamera {
    CameraView view = CameraView::Front;
    int width = 640, height = 480;
    float bodyFill = 0.75f;          // standing height as a fraction of the image height
    float offsetX = 0;               // horizontal shift of the person, fraction of the width (walking)
    float nearVisibility = 0.95f;
    float farVisibility = 0.8f;      // far side in a side view
    bool world = true;               // also fill world landmarks
};

LandmarkFrame synthesizeFrame(const BodyPose& pose, const SyntheticCamera& camera, int64_t tMs);

// Adds Gaussian noise (sigma in normalised image units; world gets sigma metres scaled) in place.
void addJitter(LandmarkFrame& f, float sigma, std::mt19937& rng);

}  // namespace ptcoach::analysis
