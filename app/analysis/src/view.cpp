#include "ptcoach/analysis/view.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <glm/geometric.hpp>

#include "ptcoach/analysis/geometry.h"

namespace ptcoach::analysis {

namespace {
bool seen(const LandmarkFrame& f, int i) { return f.visible(i); }
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
    // Two cues. (1) The shoulder width in the picture against the trunk length: about 0.7 from
    // the front, near 0 from the side. It depends on the image's aspect ratio, and in a side view
    // the model's guess of the far shoulder wanders when the arms come up (0.46 on the side-on
    // curl video with the lite model). (2) The turn of the shoulder and hip lines out of the
    // picture plane, from the model's relative depth z (on the scale of x): under 40 degrees from
    // the front on every front-view frame of the squat recording, 67-90 degrees on every frame of
    // the side-view clips. Either cue alone says "front" or "side" only where it is unambiguous.
    float ratio = glm::length(ls - rs) / trunkLen;
    float a = f.imageWidth > 0 && f.imageHeight > 0 ? static_cast<float>(f.imageWidth) / f.imageHeight : 1.0f;
    auto turn = [&](int l, int r) -> std::optional<float> {
        if (!f.isProvided(l) || !f.isProvided(r) || !seen(f, l) || !seen(f, r)) return std::nullopt;
        float dz = std::fabs(f.points[static_cast<size_t>(l)].z - f.points[static_cast<size_t>(r)].z) * a;
        float d2 = glm::length(imagePoint(f, l) - imagePoint(f, r));
        if (dz < 1e-6f && d2 < 1e-6f) return std::nullopt;
        return std::atan2(dz, d2) * 57.2957795f;
    };
    auto ts = turn(lm::LeftShoulder, lm::RightShoulder), th = turn(lm::LeftHip, lm::RightHip);
    bool haveZ = false;
    float yaw = 0;
    if (ts && th) yaw = 0.5f * (*ts + *th), haveZ = true;
    else if (ts || th) yaw = ts ? *ts : *th, haveZ = true;
    // A source without depth (every z exactly 0) says nothing about the turn.
    if (haveZ && f.points[lm::LeftShoulder].z == 0 && f.points[lm::RightShoulder].z == 0 &&
        f.points[lm::LeftHip].z == 0 && f.points[lm::RightHip].z == 0)
        haveZ = false;
    if (!haveZ) {
        if (ratio > 0.45f) return View::Front;
        if (ratio < 0.3f) return View::Side;
        return View::Unknown;
    }
    if (yaw < 40.0f && ratio > 0.25f) return View::Front;
    if (ratio < 0.2f || (yaw > 60.0f && ratio < 0.35f)) return View::Side;
    return View::Unknown;  // turned at an angle, or the cues disagree
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
        case M::BodyLine: return {lm::LeftShoulder, lm::LeftHip, lm::LeftAnkle};
        case M::BodyLineKnees: return {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee};
        case M::HeadLift: return {lm::LeftEar, lm::LeftShoulder, lm::LeftHip};
        case M::FrontKneeOverToe: return {lm::LeftKnee, lm::LeftAnkle, lm::LeftFootIndex};
        case M::KneeFall: return {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee};
        // the arm or the opposite leg: either alone gives the measure
        case M::ReachOpposite: return {lm::LeftShoulder, lm::LeftHip};
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
            ok = ok || (p.visibility >= f.minVisibility && inside(p));
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
        if (p.visibility < f.minVisibility) continue;
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
