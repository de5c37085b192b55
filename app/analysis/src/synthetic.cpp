#include "ptcoach/analysis/synthetic.h"

#include <algorithm>
#include <cmath>

#include <glm/vec2.hpp>
#include <glm/vec3.hpp>
#include <glm/geometric.hpp>

namespace ptcoach::analysis {

namespace {
constexpr float kDeg = 3.14159265f / 180.0f;
// Body dimensions, metres.
constexpr float kTrunk = 0.5f, kThigh = 0.45f, kShank = 0.43f, kUpperArm = 0.3f, kForearm = 0.27f, kNeck = 0.22f,
                kHipHalf = 0.1f, kShoulderHalf = 0.19f, kFoot = 0.18f;

// Rotates a sagittal vector (forward, up) counter-clockwise by deg (toward the front of the body).
glm::vec2 rot(glm::vec2 v, float deg) {
    float c = std::cos(deg * kDeg), s = std::sin(deg * kDeg);
    return {c * v.x - s * v.y, s * v.x + c * v.y};
}
// Body frame: X to the person's left, Y up, Z forward; sagittal (f, u) -> (Z, Y).
glm::vec3 sag(glm::vec2 fu, float x) { return {x, fu.y, fu.x}; }
}  // namespace

BodyPose squatPose(float kneeFlex, float trunkLean) {
    BodyPose p;
    float thigh = 0.65f * kneeFlex;  // thigh from vertical; the shank takes the rest
    p.trunk = trunkLean;
    p.hipFlex = {thigh + trunkLean, thigh + trunkLean};
    p.kneeFlex = {kneeFlex, kneeFlex};
    p.ankleFlex = {kneeFlex - thigh, kneeFlex - thigh};
    p.shoulderFlex = {20, 20};
    p.elbowFlex = {10, 10};
    return p;
}

LandmarkFrame synthesizeFrame(const BodyPose& b, const SyntheticCamera& cam, int64_t tMs) {
    std::array<glm::vec3, kLandmarks> P{};
    const glm::vec2 ut = rot({0, 1}, -b.trunk);  // hip -> shoulder, sagittal
    const float lean = b.lateralLean * kDeg, tw = b.twist * kDeg;
    glm::vec3 hipC(0, 0, 0);
    glm::vec3 trunkV(kTrunk * std::sin(lean), kTrunk * std::cos(lean) * ut.y, kTrunk * std::cos(lean) * ut.x);
    glm::vec3 shC = hipC + trunkV;
    glm::vec3 shOff(kShoulderHalf * std::cos(lean) * std::cos(tw), -kShoulderHalf * std::sin(lean),
                    kShoulderHalf * std::sin(tw));
    P[lm::LeftShoulder] = shC + shOff + glm::vec3(0, b.shoulderDrop / 2, 0);
    P[lm::RightShoulder] = shC - shOff - glm::vec3(0, b.shoulderDrop / 2, 0);
    P[lm::LeftHip] = hipC + glm::vec3(kHipHalf, b.pelvisDrop / 2, 0);
    P[lm::RightHip] = hipC + glm::vec3(-kHipHalf, -b.pelvisDrop / 2, 0);

    // Head: ears above the shoulders along the (tipped) neck; nose and eyes in front.
    glm::vec2 neck = rot(ut, -b.neckForward);
    glm::vec2 front = rot(neck, -90);  // the way the face points
    glm::vec3 earC = shC + sag(neck * kNeck, 0);
    P[lm::LeftEar] = earC + glm::vec3(0.07f, 0, 0);
    P[lm::RightEar] = earC - glm::vec3(0.07f, 0, 0);
    glm::vec3 nose = earC + sag(front * 0.1f + neck * 0.02f, 0);
    P[lm::Nose] = nose;
    for (int i = 1; i <= 6; ++i) {
        float side = i <= 3 ? 1.0f : -1.0f;  // 1-3 left eye, 4-6 right eye
        float k = static_cast<float>((i - 1) % 3);
        P[static_cast<size_t>(i)] = nose + sag(neck * 0.03f - front * 0.01f, side * (0.015f + 0.012f * k));
    }
    P[9] = nose + sag(-neck * 0.03f, 0.025f);
    P[10] = nose + sag(-neck * 0.03f, -0.025f);

    for (int s = 0; s < 2; ++s) {
        float sx = s == 0 ? 1.0f : -1.0f;
        size_t S = static_cast<size_t>(s);
        // arm
        glm::vec3 sh = P[static_cast<size_t>(lm::LeftShoulder + s)];
        glm::vec2 upper = rot(-ut, b.shoulderFlex[S]);
        glm::vec2 fore = rot(upper, b.elbowFlex[S]);
        // abduction: the arm turned out to its side about the body's forward axis
        const float ab = sx * b.shoulderOut[S] * kDeg;
        auto out = [&](glm::vec3 v) {
            return glm::vec3(v.x * std::cos(ab) - v.y * std::sin(ab), v.x * std::sin(ab) + v.y * std::cos(ab), v.z);
        };
        glm::vec3 elbow = sh + out(sag(upper * kUpperArm, sx * 0.02f));
        glm::vec3 wrist = elbow + out(sag(fore * kForearm, 0));
        P[static_cast<size_t>(lm::LeftElbow + s)] = elbow;
        P[static_cast<size_t>(lm::LeftWrist + s)] = wrist;
        P[static_cast<size_t>(17 + s)] = wrist + out(sag(fore * 0.06f, sx * 0.02f));   // pinky
        P[static_cast<size_t>(19 + s)] = wrist + out(sag(fore * 0.07f, 0));            // index
        P[static_cast<size_t>(21 + s)] = wrist + out(sag(fore * 0.04f, -sx * 0.02f));  // thumb
        // leg
        glm::vec3 hip = P[static_cast<size_t>(lm::LeftHip + s)];
        glm::vec2 thigh = rot(-ut, b.hipFlex[S]);
        glm::vec2 shank = rot(thigh, -b.kneeFlex[S]);
        glm::vec3 knee = hip + sag(thigh * kThigh, -sx * b.kneeIn[S]);
        glm::vec3 ankle = knee + sag(shank * kShank, sx * b.kneeIn[S]);
        glm::vec2 foot = rot(shank, 90 + b.ankleFlex[S]);
        P[static_cast<size_t>(lm::LeftKnee + s)] = knee;
        P[static_cast<size_t>(lm::LeftAnkle + s)] = ankle;
        P[static_cast<size_t>(lm::LeftHeel + s)] = ankle + sag(-foot * 0.05f + shank * 0.05f, 0);
        P[static_cast<size_t>(lm::LeftFootIndex + s)] = ankle + sag(foot * kFoot + shank * 0.04f, sx * 0.02f);
    }
    if (b.kneeFall != 0) {  // the legs about the trunk's long axis, through the mid-hip
        glm::vec3 axis = glm::normalize(trunkV);
        float c = std::cos(b.kneeFall * kDeg), sn = std::sin(b.kneeFall * kDeg);
        for (int i = lm::LeftKnee; i < kLandmarks; ++i) {
            glm::vec3 v = P[static_cast<size_t>(i)] - hipC;
            // Rodrigues; the sign turns the front of the legs toward +X (the person's left)
            glm::vec3 r = v * c + glm::cross(-axis, v) * sn + axis * glm::dot(axis, v) * (1 - c);
            P[static_cast<size_t>(i)] = hipC + r;
        }
    }
    if (b.roll != 0) {  // the whole body about its forward axis (through the hips)
        float c = std::cos(b.roll * kDeg), sn = std::sin(b.roll * kDeg);
        for (auto& p : P) p = glm::vec3(c * p.x - sn * p.y, sn * p.x + c * p.y, p.z);
    }
    // Lowest point on the floor.
    float minY = 1e9f;
    for (const auto& p : P) minY = std::min(minY, p.y);
    for (auto& p : P) p.y -= minY;
    float hipY = 0.5f * (P[lm::LeftHip].y + P[lm::RightHip].y);

    LandmarkFrame f;
    f.tMs = tMs;
    f.person = true;
    f.imageWidth = cam.width;
    f.imageHeight = cam.height;
    const float scale = cam.height * cam.bodyFill / 1.75f;  // pixels per metre
    const float cx = cam.width * (0.5f + cam.offsetX), floorY = cam.height * 0.92f;
    std::array<WorldPoint, kLandmarks> world{};
    for (int i = 0; i < kLandmarks; ++i) {
        const glm::vec3& p = P[static_cast<size_t>(i)];
        float xm = 0, depth = 0;
        switch (cam.view) {
            case CameraView::Front: xm = p.x, depth = -p.z; break;
            case CameraView::LeftSide: xm = -p.z, depth = -p.x; break;
            case CameraView::RightSide: xm = p.z, depth = p.x; break;
        }
        Point& q = f.points[static_cast<size_t>(i)];
        q.x = (cx + scale * xm) / cam.width;
        q.y = (floorY - scale * p.y) / cam.height;
        q.z = depth * scale / cam.width;
        bool leftLm = (i >= 11 && i % 2 == 1) || (i >= 1 && i <= 3) || i == 7 || i == 9;
        bool far = (cam.view == CameraView::LeftSide && !leftLm && i != 0) ||
                   (cam.view == CameraView::RightSide && leftLm);
        q.visibility = far ? cam.farVisibility : cam.nearVisibility;
        if (q.x < 0 || q.x > 1 || q.y < 0 || q.y > 1) q.visibility = 0.05f;
        world[static_cast<size_t>(i)] = {xm, -(p.y - hipY), depth};
    }
    if (cam.world) f.world = world;
    return f;
}

void addJitter(LandmarkFrame& f, float sigma, std::mt19937& rng) {
    std::normal_distribution<float> n(0.0f, sigma);
    for (auto& p : f.points) p.x += n(rng), p.y += n(rng);
    if (f.world)
        for (auto& w : *f.world) w.x += n(rng) * 2.0f, w.y += n(rng) * 2.0f, w.z += n(rng) * 2.0f;
}

}  // namespace ptcoach::analysis
