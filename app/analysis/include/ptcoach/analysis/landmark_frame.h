#pragma once
// One frame of pose landmarks as the analysis sees it: independent of the vision library, so the
// analysis runs on CSV, on ptcoach-pose JSON or on the live pipeline alike.
#include <array>
#include <initializer_list>
#include <cstdint>
#include <optional>

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
};

// BlazePose landmark indices (the same order as vision/pose_topology.h).
namespace lm {
inline constexpr int Nose = 0, LeftEar = 7, RightEar = 8, LeftShoulder = 11, RightShoulder = 12, LeftElbow = 13,
                     RightElbow = 14, LeftWrist = 15, RightWrist = 16, LeftHip = 23, RightHip = 24, LeftKnee = 25,
                     RightKnee = 26, LeftAnkle = 27, RightAnkle = 28, LeftHeel = 29, RightHeel = 30,
                     LeftFootIndex = 31, RightFootIndex = 32;
}  // namespace lm

// The visibility below which a landmark is not judged.
inline constexpr float kMinVisibility = 0.5f;

// True when every listed landmark is visible enough to be judged.
bool allVisible(const LandmarkFrame& f, std::initializer_list<int> landmarks, float minVisibility = kMinVisibility);

}  // namespace ptcoach::analysis
