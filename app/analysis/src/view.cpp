#include "ptcoach/analysis/view.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <glm/geometric.hpp>

#include "ptcoach/analysis/geometry.h"

namespace ptcoach::analysis {

namespace {
bool seen(const LandmarkFrame& f, int i) { return f.points[static_cast<size_t>(i)].visibility >= kMinVisibility; }
bool inside(const Point& p) { return p.x >= -0.01f && p.x <= 1.01f && p.y >= -0.01f && p.y <= 1.01f; }

// Left-side landmark -> its right counterpart (nose has none).
int mirror(int i) { return i == lm::Nose ? i : i + 1; }

std::string partName(int leftIdx) {
    switch (leftIdx) {
        case lm::Nose: return "head";
        case lm::LeftEar: return "head";
        case lm::LeftShoulder: return "shoulders";
        case lm::LeftElbow: return "elbows";
        case lm::LeftWrist: return "hands";
        case lm::LeftHip: return "hips";
        case lm::LeftKnee: return "knees";
        case lm::LeftAnkle: return "ankles";
        case lm::LeftHeel: case lm::LeftFootIndex: return "feet";
        default: return "body";
    }
}
}  // namespace

View estimateView(const LandmarkFrame& f) {
    if (!f.person) return View::Unknown;
    if (!seen(f, lm::LeftShoulder) && !seen(f, lm::RightShoulder)) return View::Unknown;
    glm::vec2 ls = imagePoint(f, lm::LeftShoulder), rs = imagePoint(f, lm::RightShoulder);
    glm::vec2 lh = imagePoint(f, lm::LeftHip), rh = imagePoint(f, lm::RightHip);
    float trunkLen = glm::length(0.5f * (ls + rs) - 0.5f * (lh + rh));
    if (trunkLen < 1e-4f) return View::Unknown;
    float ratio = glm::length(ls - rs) / trunkLen;
    // Front (or back): shoulder width ~0.6-0.8 of trunk length; side: under ~0.3.
    if (ratio > 0.45f) return View::Front;
    if (ratio < 0.3f) return View::Side;
    return View::Unknown;
}

std::optional<BodySide> nearSide(const LandmarkFrame& f) {
    if (!f.person) return std::nullopt;
    float dz = 0, dv = 0;
    for (int i : {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee}) {
        dz += f.points[static_cast<size_t>(i)].z - f.points[static_cast<size_t>(i + 1)].z;
        dv += f.points[static_cast<size_t>(i)].visibility - f.points[static_cast<size_t>(i + 1)].visibility;
    }
    if (std::fabs(dz) > 0.05f) return dz < 0 ? BodySide::Left : BodySide::Right;  // smaller z is nearer
    if (std::fabs(dv) > 0.3f) return dv > 0 ? BodySide::Left : BodySide::Right;
    return std::nullopt;
}

std::vector<int> measureLandmarks(MeasureId id) {
    using M = MeasureId;
    switch (id) {
        case M::KneeAngle: case M::KneeAngle3d: return {lm::LeftHip, lm::LeftKnee, lm::LeftAnkle};
        case M::HipAngle: case M::HipAngle3d: return {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee};
        case M::ElbowAngle: case M::ElbowAngle3d: return {lm::LeftShoulder, lm::LeftElbow, lm::LeftWrist};
        case M::ShoulderAngle: case M::ShoulderAngle3d: return {lm::LeftHip, lm::LeftShoulder, lm::LeftElbow};
        case M::ThighInclination: return {lm::LeftHip, lm::LeftKnee};
        case M::UpperArmInclination: return {lm::LeftShoulder, lm::LeftElbow};
        case M::KneeOverToe: return {lm::LeftKnee, lm::LeftAnkle, lm::LeftFootIndex};
        case M::KneeInward: return {lm::LeftHip, lm::LeftKnee, lm::LeftAnkle};
        case M::LateralLeanToward: case M::TrunkInclination: case M::TrunkLeanForward: case M::TrunkLateralLean:
        case M::Twist: return {lm::LeftShoulder, lm::LeftHip};
        case M::HandHeight: return {lm::LeftWrist, lm::LeftAnkle, lm::LeftHip, lm::LeftShoulder};
        case M::HandsToHips: case M::HandsToHips3d: return {lm::LeftWrist, lm::LeftHip, lm::LeftShoulder};
        case M::ShoulderTilt: return {lm::LeftShoulder};
        case M::PelvisTilt: return {lm::LeftHip};
        case M::NeckInclination: return {lm::LeftEar, lm::LeftShoulder};
        case M::EarShoulderHipAngle: return {lm::LeftEar, lm::LeftShoulder, lm::LeftHip};
        case M::HipOffset: return {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee};
        case M::BackVsKneeBend: return {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee, lm::LeftAnkle};
        case M::HipHeight: return {lm::LeftShoulder, lm::LeftHip, lm::LeftAnkle};
    }
    return {};
}

ViewStatus checkView(const LandmarkFrame& f, const ViewCheckOptions& o, View view) {
    ViewStatus st;
    st.view = view;
    if (!f.person) {
        st.problems.push_back("no_person");
        return st;
    }
    st.near = nearSide(f);
    // Body parts in the picture: a part counts when its left or right landmark is seen inside.
    std::set<std::string> missing;
    for (int i : o.landmarks) {
        if (!f.isProvided(i) && !f.isProvided(mirror(i))) continue;  // the source never has it
        bool ok = false;
        for (int k : {i, mirror(i)}) {
            const Point& p = f.points[static_cast<size_t>(k)];
            ok = ok || (p.visibility >= kMinVisibility && inside(p));
        }
        if (!ok) missing.insert(partName(i));
    }
    // Extent of the visible body (too far), and of all landmarks, which BlazePose places outside
    // the picture when they are cut off (too close).
    float x0 = 1e9f, x1 = -1e9f, y0 = 1e9f, y1 = -1e9f, ay0 = 1e9f, ay1 = -1e9f, ax0 = 1e9f, ax1 = -1e9f;
    int n = 0;
    for (int i = 0; i < kLandmarks; ++i) {
        if (!f.isProvided(i)) continue;
        const Point& p = f.points[static_cast<size_t>(i)];
        ax0 = std::min(ax0, p.x), ax1 = std::max(ax1, p.x), ay0 = std::min(ay0, p.y), ay1 = std::max(ay1, p.y);
        if (p.visibility < kMinVisibility) continue;
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
        ++n;
    }
    bool cutBoth = (ay0 < 0 && ay1 > 1) || (ax0 < 0 && ax1 > 1);
    if (cutBoth || ay1 - ay0 > o.tooCloseAbove || ax1 - ax0 > o.tooCloseAbove)
        st.problems.push_back("too_close");
    else if (n >= 4 && std::max(x1 - x0, y1 - y0) < o.tooFarBelow)
        st.problems.push_back("too_far");
    if (!missing.empty()) {
        st.problems.push_back("not_in_frame");
        for (const auto& m : missing) st.missing += (st.missing.empty() ? "" : ", ") + m;
    }
    if (view != View::Unknown && !viewSatisfies(view, o.need)) st.problems.push_back("wrong_view");
    if (o.sideToCamera && view == View::Side && st.near && *st.near != *o.sideToCamera)
        st.problems.push_back("wrong_side");
    return st;
}

std::string viewProblemMessage(const std::string& code, ViewNeed need, std::optional<BodySide> side,
                               const std::string& missing) {
    if (code == "no_person") return "No one in the picture";
    if (code == "not_in_frame") return "Step into the picture: " + (missing.empty() ? "body" : missing) + " not visible";
    if (code == "too_close") return "Step back from the camera";
    if (code == "too_far") return "Come closer to the camera";
    if (code == "wrong_view")
        return need == ViewNeed::Side ? "Turn sideways to the camera" : "Face the camera";
    if (code == "wrong_side")
        return "Turn around: show your " + std::string(side ? sideName(*side) : "other") + " side to the camera";
    return code;
}

}  // namespace ptcoach::analysis
