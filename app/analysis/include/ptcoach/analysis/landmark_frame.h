#pragma once
// One frame of pose landmarks as the analysis sees it: independent of the vision library, so the
// analysis runs on CSV, on ptcoach-pose JSON or on the live pipeline alike.
#include <array>
#include <initializer_list>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ptcoach::analysis {

inline constexpr int kLandmarks = 33;  // BlazePose order (see vision/pose_topology.h)

struct Point {
    float x = 0, y = 0, z = 0;  // image: x, y normalised to [0,1]; z relative depth
    float visibility = 0;       // 0 where the landmark is unknown
};

struct WorldPoint {
    float x = 0, y = 0, z = 0;  // metres, origin between the hips
};

struct LandmarkFrame {
    int64_t tMs = 0;
    bool person = false;                    // false: nobody in the frame (points meaningless)
    std::array<Point, kLandmarks> points{};
    std::optional<std::array<WorldPoint, kLandmarks>> world;  // when the source has them
    int imageWidth = 0, imageHeight = 0;    // 0 when unknown
    // Bit i set when the source provides landmark i at all (a CSV may carry only some landmarks);
    // a landmark the source never has is "unknown", not "out of the picture".
    uint64_t provided = (uint64_t{1} << kLandmarks) - 1;
    bool isProvided(int i) const { return (provided >> i) & 1u; }
    // The visibility below which a landmark of this frame is not judged: it depends on the pose
    // model that made the frame (see visibilityCutoff()).
    float minVisibility = 0.5f;
    // Which way the person faces in the image (+1 right, -1 left) as the tracker remembers it
    // from earlier frames; 0 when unknown. Used only when the frame itself does not show it.
    int facingHint = 0;
    bool visible(int i) const { return person && points[static_cast<size_t>(i)].visibility >= minVisibility; }
};

// BlazePose landmark indices (the same order as vision/pose_topology.h).
namespace lm {
inline constexpr int Nose = 0, LeftEar = 7, RightEar = 8, LeftShoulder = 11, RightShoulder = 12, LeftElbow = 13,
                     RightElbow = 14, LeftWrist = 15, RightWrist = 16, LeftHip = 23, RightHip = 24, LeftKnee = 25,
                     RightKnee = 26, LeftAnkle = 27, RightAnkle = 28, LeftHeel = 29, RightHeel = 30,
                     LeftFootIndex = 31, RightFootIndex = 32;
}  // namespace lm

// The visibility below which a landmark is not judged, for the lite and full models (and sources
// that do not say which model made them).
inline constexpr float kMinVisibility = 0.5f;
// The heavy model reports 0.3-0.5 for legs that are in the right place on lying bodies (seen on
// real floor clips), where lite and full report 0.9 and more: its cut-off is lower.
inline constexpr float kMinVisibilityHeavy = 0.3f;
// The cut-off for a pose model by name ("lite", "full", "heavy", or a model file path containing
// one of them); kMinVisibility for anything else.
float visibilityCutoff(std::string_view model);

// True when every listed landmark is visible enough to be judged (at the frame's own cut-off).
bool allVisible(const LandmarkFrame& f, std::initializer_list<int> landmarks);

}  // namespace ptcoach::analysis
