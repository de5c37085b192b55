#include "ptcoach/analysis/measures.h"

#include <algorithm>
#include <cmath>

#include <glm/geometric.hpp>

#include "ptcoach/analysis/geometry.h"

namespace ptcoach::analysis {

namespace {

using M = MeasureId;

const std::vector<MeasureInfo> kMeasures = {
    {M::KneeAngle, "knee_angle", true, ViewNeed::Either, "deg", "hip-knee-ankle angle in the image (180 = straight)"},
    {M::KneeAngle3d, "knee_angle_3d", true, ViewNeed::Either, "deg", "hip-knee-ankle angle in world landmarks"},
    {M::HipAngle, "hip_angle", true, ViewNeed::Either, "deg", "shoulder-hip-knee angle in the image (180 = straight)"},
    {M::HipAngle3d, "hip_angle_3d", true, ViewNeed::Either, "deg", "shoulder-hip-knee angle in world landmarks"},
    {M::ElbowAngle, "elbow_angle", true, ViewNeed::Either, "deg", "shoulder-elbow-wrist angle in the image"},
    {M::ElbowAngle3d, "elbow_angle_3d", true, ViewNeed::Either, "deg", "shoulder-elbow-wrist angle in world landmarks"},
    {M::ShoulderAngle, "shoulder_angle", true, ViewNeed::Either, "deg", "hip-shoulder-elbow angle in the image (arm raise)"},
    {M::ShoulderAngle3d, "shoulder_angle_3d", true, ViewNeed::Either, "deg", "hip-shoulder-elbow angle in world landmarks"},
    {M::ThighInclination, "thigh_inclination", true, ViewNeed::Either, "deg", "hip->knee segment from the downward vertical"},
    {M::UpperArmInclination, "upper_arm_inclination", true, ViewNeed::Side, "deg",
     "shoulder->elbow segment from the downward vertical (a loose upper arm swings)"},
    {M::KneeOverToe, "knee_over_toe", true, ViewNeed::Side, "ratio",
     "how far the knee is ahead of the toes, in shank lengths (> 0: past the toes)"},
    {M::KneeInward, "knee_inward", true, ViewNeed::Front, "ratio",
     "knee offset toward the midline from the hip-ankle line, in leg lengths (> 0: caving in)"},
    {M::LateralLeanToward, "lateral_lean_toward", true, ViewNeed::Front, "deg", "trunk lean toward this side (front view)"},
    {M::HandHeight, "hand_height", true, ViewNeed::Either, "ratio", "wrist height above the ankle, in trunk lengths"},
    {M::HandsToHips, "hands_to_hips", true, ViewNeed::Side, "ratio",
     "horizontal wrist-to-hip distance in the image, in trunk lengths (load distance)"},
    {M::HandsToHips3d, "hands_to_hips_3d", true, ViewNeed::Either, "ratio",
     "horizontal wrist-to-hip distance in world landmarks, in trunk lengths"},
    {M::TrunkInclination, "trunk_inclination", false, ViewNeed::Either, "deg",
     "mid-hip->mid-shoulder from vertical, unsigned (0 = upright, 90 = horizontal)"},
    {M::TrunkLeanForward, "trunk_lean_forward", false, ViewNeed::Side, "deg",
     "trunk inclination toward the facing direction (< 0: leaning back)"},
    {M::TrunkLateralLean, "trunk_lateral_lean", false, ViewNeed::Front, "deg", "sideways trunk lean (front view), unsigned"},
    {M::Twist, "twist", false, ViewNeed::Either, "deg",
     "shoulder line against hip line, rotation about the vertical (world landmarks)"},
    {M::ShoulderTilt, "shoulder_tilt", false, ViewNeed::Front, "deg", "shoulder line from horizontal"},
    {M::PelvisTilt, "pelvis_tilt", false, ViewNeed::Front, "deg", "hip line from horizontal"},
    {M::NeckInclination, "neck_inclination", false, ViewNeed::Side, "deg",
     "shoulder->ear from vertical toward the facing direction (forward head)"},
    {M::EarShoulderHipAngle, "ear_shoulder_hip_angle", false, ViewNeed::Side, "deg",
     "ear-shoulder-hip angle (180 = stacked; smaller = rounded, slouched)"},
    {M::HipOffset, "hip_offset", false, ViewNeed::Side, "ratio",
     "hip above (> 0, piking) or below (< 0, sagging) the shoulder-knee line, in its lengths"},
    {M::BackVsKneeBend, "back_vs_knee_bend", false, ViewNeed::Side, "deg",
     "trunk inclination minus knee flexion (> 0: bending the back more than the knees)"},
    {M::HipHeight, "hip_height", false, ViewNeed::Either, "ratio", "mid-hip height above the ankles, in trunk lengths (from the front: at least 1.25 shoulder widths)"},
    {M::BodyLine, "body_line", false, ViewNeed::Either, "deg",
     "bend of the shoulder-hip-ankle line at the hip (> 0: hip above the line, piking; < 0: below, sagging)"},
    {M::BodyLineKnees, "body_line_knees", false, ViewNeed::Either, "deg",
     "bend of the shoulder-hip-knee line at the hip (> 0: hip above the line; < 0: below), for knee-supported positions"},
    {M::HeadLift, "head_lift", false, ViewNeed::Side, "deg",
     "shoulder->ear against the hip->shoulder line (> 0: head raised above the trunk line; < 0: dropped below)"},
    {M::FrontKneeOverToe, "front_knee_over_toe", false, ViewNeed::Side, "ratio",
     "knee_over_toe of the front leg (the one whose ankle is further forward)"},
    {M::KneeFall, "knee_fall", true, ViewNeed::Either, "deg",
     "knees rotated toward this side about the body's long axis, lying on the back (0: knees pointing up)"},
    {M::ReachOpposite, "reach_opposite", true, ViewNeed::Either, "deg",
     "the larger of this arm's raise (hip-shoulder-elbow) and the opposite leg's reach (shoulder-hip-knee): a bird dog "
     "seen by whichever limb is visible"},
};

int at(int leftIdx, BodySide s) { return s == BodySide::Left ? leftIdx : leftIdx + 1; }

bool vis(const LandmarkFrame& f, int i) { return f.visible(i); }
bool vis(const LandmarkFrame& f, std::initializer_list<int> is) {
    for (int i : is)
        if (!vis(f, i)) return false;
    return true;
}
bool hasWorld(const LandmarkFrame& f) { return f.world.has_value(); }

// The midpoint of a left/right pair when both are visible, else the visible one.
std::optional<glm::vec2> pairPoint(const LandmarkFrame& f, int leftIdx) {
    bool l = vis(f, leftIdx), r = vis(f, leftIdx + 1);
    if (l && r) return imageMid(f, leftIdx, leftIdx + 1);
    if (l) return imagePoint(f, leftIdx);
    if (r) return imagePoint(f, leftIdx + 1);
    return std::nullopt;
}

// Trunk (mid-hip, mid-shoulder), using the side that is visible when one is hidden. Both points
// come from the same side(s), so that a half-visible pair does not bend the trunk.
std::optional<std::pair<glm::vec2, glm::vec2>> trunk(const LandmarkFrame& f) {
    bool l = vis(f, {lm::LeftHip, lm::LeftShoulder}), r = vis(f, {lm::RightHip, lm::RightShoulder});
    if (l && r) return std::pair{imageMid(f, lm::LeftHip, lm::RightHip), imageMid(f, lm::LeftShoulder, lm::RightShoulder)};
    if (l) return std::pair{imagePoint(f, lm::LeftHip), imagePoint(f, lm::LeftShoulder)};
    if (r) return std::pair{imagePoint(f, lm::RightHip), imagePoint(f, lm::RightShoulder)};
    return std::nullopt;
}

// The side whose hip, shoulder and knee are best seen (for unsided side-view measures).
std::optional<BodySide> bestSideFor(const LandmarkFrame& f, std::initializer_list<int> leftIdx) {
    float best = -1;
    std::optional<BodySide> side;
    for (BodySide s : {BodySide::Left, BodySide::Right}) {
        float minV = 1;
        for (int i : leftIdx) minV = std::min(minV, f.points[static_cast<size_t>(at(i, s))].visibility);
        if (minV >= f.minVisibility && minV > best) best = minV, side = s;
    }
    return side;
}

float trunkLength(glm::vec2 hip, glm::vec2 shoulder) { return std::max(glm::length(shoulder - hip), 1e-6f); }

// The bend at the hip of the line from the shoulder to `endLeft` (ankle or knee), on the better-seen
// side: 180 minus the shoulder-hip-end angle, positive when the hip lies above the shoulder-end line
// in the picture (piking), negative below it (sagging). Image up is the floor's normal for a body
// lying along the floor, seen from the side (or, lying on its side, from the front).
std::optional<float> bodyLine(const LandmarkFrame& f, int endLeft) {
    glm::vec2 sh, hip, end;
    // Both sides seen alike (a body lying on its side, seen from the front): the midline, since the
    // shoulders are set wider apart than the hips and each side's own line bends at the hip. Else
    // (seen from the side, the far side guessed) the better-seen side.
    std::initializer_list<int> pts = {lm::LeftShoulder, lm::LeftHip, endLeft};
    bool both = true;
    float lv = 0, rv = 0;
    for (int i : pts) {
        both = both && vis(f, {i, i + 1});
        lv += f.points[static_cast<size_t>(i)].visibility, rv += f.points[static_cast<size_t>(i + 1)].visibility;
    }
    if (both && std::fabs(lv - rv) / 3.0f <= 0.3f) {
        sh = imageMid(f, lm::LeftShoulder, lm::RightShoulder);
        hip = imageMid(f, lm::LeftHip, lm::RightHip);
        end = imageMid(f, endLeft, endLeft + 1);
    } else {
        auto side = bestSideFor(f, pts);
        if (!side) return std::nullopt;
        sh = imagePoint(f, at(lm::LeftShoulder, *side)), hip = imagePoint(f, at(lm::LeftHip, *side)),
        end = imagePoint(f, at(endLeft, *side));
    }
    float bend = 180.0f - jointAngle(sh, hip, end);
    return lineOffset(sh, end, hip, glm::vec2(0, -1)) >= 0 ? bend : -bend;
}

// A point in 3D: world landmarks when the frame has them, else the image point with the model's
// relative depth (z is on about the same scale as x), aspect-corrected; y down in both.
glm::vec3 point3(const LandmarkFrame& f, int i) {
    if (f.world) return worldPoint(f, i);
    glm::vec2 p = imagePoint(f, i);
    float a = f.imageWidth > 0 && f.imageHeight > 0 ? static_cast<float>(f.imageWidth) / f.imageHeight : 1.0f;
    return {p.x, p.y, f.points[static_cast<size_t>(i)].z * a};
}

// Lying on the back with the knees bent, how far the knees have fallen toward `side`: the knees'
// midpoint seen along the body's long axis (mid-hip to mid-shoulder), as an angle from "up"
// (away from the floor, which is toward the camera's top for a body lying across the picture)
// turned toward that side. Needs both hips (which way is left), a knee and a shoulder.
std::optional<float> kneeFall(const LandmarkFrame& f, BodySide side) {
    if (!vis(f, {lm::LeftHip, lm::RightHip}) || !(vis(f, lm::LeftKnee) || vis(f, lm::RightKnee)) ||
        !(vis(f, lm::LeftShoulder) || vis(f, lm::RightShoulder)))
        return std::nullopt;
    glm::vec3 lh = point3(f, lm::LeftHip), rh = point3(f, lm::RightHip);
    glm::vec3 hip = 0.5f * (lh + rh);
    glm::vec3 sh = vis(f, {lm::LeftShoulder, lm::RightShoulder})
                       ? 0.5f * (point3(f, lm::LeftShoulder) + point3(f, lm::RightShoulder))
                       : point3(f, vis(f, lm::LeftShoulder) ? lm::LeftShoulder : lm::RightShoulder);
    // Each thigh from its own hip; the knees move together, so the far one, hidden in a side
    // view, is not needed.
    glm::vec3 thigh(0);
    for (int s2 = 0; s2 < 2; ++s2)
        if (vis(f, lm::LeftKnee + s2)) thigh += point3(f, lm::LeftKnee + s2) - point3(f, lm::LeftHip + s2);
    glm::vec3 axis = sh - hip;
    if (glm::length(axis) < 1e-6f) return std::nullopt;
    axis = glm::normalize(axis);
    auto across = [&](glm::vec3 v) { return v - glm::dot(v, axis) * axis; };
    glm::vec3 k = across(thigh);
    // Knees bent up off the body's axis; a thigh along it (the top of a bridge, legs straight)
    // points nowhere across it.
    if (glm::length(k) < 0.35f * glm::length(thigh)) return std::nullopt;
    glm::vec3 up = across(glm::vec3(0, -1, 0));
    glm::vec3 toLeft = across(lh - rh);  // the person's left, across the body
    if (glm::length(k) < 1e-6f || glm::length(up) < 1e-6f || glm::length(toLeft) < 1e-6f) return std::nullopt;
    k = glm::normalize(k), up = glm::normalize(up);
    float deg = std::acos(std::clamp(glm::dot(k, up), -1.0f, 1.0f)) * 57.2957795f;
    bool towardLeft = glm::dot(k, toLeft) > 0;
    bool wanted = (side == BodySide::Left) == towardLeft;
    return wanted ? deg : -deg;
}

std::optional<float> angle2d(const LandmarkFrame& f, int a, int b, int c) {
    if (!vis(f, {a, b, c})) return std::nullopt;
    return jointAngle(imagePoint(f, a), imagePoint(f, b), imagePoint(f, c));
}
std::optional<float> angle3d(const LandmarkFrame& f, int a, int b, int c) {
    if (!hasWorld(f) || !vis(f, {a, b, c})) return std::nullopt;
    return jointAngle(worldPoint(f, a), worldPoint(f, b), worldPoint(f, c));
}

}  // namespace

std::string_view sideName(BodySide s) { return s == BodySide::Left ? "left" : "right"; }

std::string_view viewName(View v) {
    switch (v) {
        case View::Front: return "front";
        case View::Side: return "side";
        default: return "unknown";
    }
}

std::string_view viewNeedName(ViewNeed v) {
    switch (v) {
        case ViewNeed::Front: return "front";
        case ViewNeed::Side: return "side";
        default: return "either";
    }
}

bool viewSatisfies(View seen, ViewNeed need) {
    if (need == ViewNeed::Either) return true;
    return (need == ViewNeed::Front && seen == View::Front) || (need == ViewNeed::Side && seen == View::Side);
}

const std::vector<MeasureInfo>& allMeasures() { return kMeasures; }

const MeasureInfo& measureInfo(MeasureId id) {
    for (const auto& m : kMeasures)
        if (m.id == id) return m;
    return kMeasures.front();  // unreachable: every id is in the table
}

std::optional<MeasureRef> findMeasure(std::string_view name) {
    constexpr std::string_view suffix = "_asymmetry";
    bool asym = false;
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
        asym = true;
        name = name.substr(0, name.size() - suffix.size());
    }
    for (const auto& m : kMeasures)
        if (m.name == name) {
            if (asym && !m.sided) return std::nullopt;
            return MeasureRef{m.id, asym};
        }
    return std::nullopt;
}

std::string measureRefName(const MeasureRef& m) {
    return std::string(measureInfo(m.id).name) + (m.asymmetry ? "_asymmetry" : "");
}

std::optional<SideMode> parseSideMode(std::string_view s) {
    for (SideMode m : {SideMode::Tracked, SideMode::Left, SideMode::Right, SideMode::Best, SideMode::Mean, SideMode::Max,
                       SideMode::Min})
        if (sideModeName(m) == s) return m;
    return std::nullopt;
}

std::string_view sideModeName(SideMode m) {
    switch (m) {
        case SideMode::Tracked: return "tracked";
        case SideMode::Left: return "left";
        case SideMode::Right: return "right";
        case SideMode::Best: return "best";
        case SideMode::Mean: return "mean";
        case SideMode::Max: return "max";
        case SideMode::Min: return "min";
    }
    return "tracked";
}

int facingFromFrame(const LandmarkFrame& f) {
    if (!f.person) return 0;
    // The feet: heel to toe, when the feet are long enough in the picture to give a direction.
    float sum = 0, len = 0;
    for (BodySide s : {BodySide::Left, BodySide::Right}) {
        int heel = at(lm::LeftHeel, s), toe = at(lm::LeftFootIndex, s);
        if (!vis(f, {heel, toe})) continue;
        glm::vec2 d = imagePoint(f, toe) - imagePoint(f, heel);
        sum += d.x, len += glm::length(d);
    }
    if (len > 1e-4f && std::fabs(sum) > 0.3f * len) return sum > 0 ? 1 : -1;
    // The face: the nose is ahead of the ear.
    auto ear = pairPoint(f, lm::LeftEar);
    if (ear && vis(f, lm::Nose)) {
        float d = imagePoint(f, lm::Nose).x - ear->x;
        if (std::fabs(d) > 1e-3f) return d > 0 ? 1 : -1;
    }
    // Without ears (a landmark set that leaves them out): the nose is ahead of the shoulders by
    // about a fifth of the trunk length when upright; leaning back or looking down brings it close
    // to them, so only a clear lead counts.
    auto t = trunk(f);
    if (t && vis(f, lm::Nose)) {
        float d = imagePoint(f, lm::Nose).x - t->second.x;
        if (std::fabs(d) > 0.15f * trunkLength(t->first, t->second)) return d > 0 ? 1 : -1;
    }
    return 0;
}

int facingSign(const LandmarkFrame& f) {
    int s = facingFromFrame(f);
    return s != 0 ? s : f.person ? f.facingHint : 0;
}

float sideVisibility(MeasureId id, BodySide side, const LandmarkFrame& f) {
    std::initializer_list<int> legs = {lm::LeftHip, lm::LeftKnee, lm::LeftAnkle};
    std::initializer_list<int> arms = {lm::LeftShoulder, lm::LeftElbow, lm::LeftWrist};
    std::initializer_list<int> trunkL = {lm::LeftShoulder, lm::LeftHip};
    std::initializer_list<int> list = trunkL;
    switch (id) {
        case M::KneeAngle: case M::KneeAngle3d: case M::ThighInclination: case M::KneeOverToe: case M::KneeInward:
        case M::KneeFall:
            list = legs;
            break;
        case M::ElbowAngle: case M::ElbowAngle3d: case M::ShoulderAngle: case M::ShoulderAngle3d:
        case M::UpperArmInclination: case M::HandHeight: case M::HandsToHips: case M::HandsToHips3d:
        case M::ReachOpposite:
            list = arms;
            break;
        default: break;
    }
    float sum = 0;
    for (int i : list) sum += f.points[static_cast<size_t>(at(i, side))].visibility;
    return f.person ? sum / static_cast<float>(list.size()) : 0.0f;
}

std::optional<float> measureSide(MeasureId id, BodySide s, const LandmarkFrame& f) {
    if (!f.person) return std::nullopt;
    const int hip = at(lm::LeftHip, s), knee = at(lm::LeftKnee, s), ankle = at(lm::LeftAnkle, s),
              shoulder = at(lm::LeftShoulder, s), elbow = at(lm::LeftElbow, s), wrist = at(lm::LeftWrist, s),
              toe = at(lm::LeftFootIndex, s);
    switch (id) {
        case M::KneeAngle: return angle2d(f, hip, knee, ankle);
        case M::KneeAngle3d: return angle3d(f, hip, knee, ankle);
        case M::HipAngle: return angle2d(f, shoulder, hip, knee);
        case M::HipAngle3d: return angle3d(f, shoulder, hip, knee);
        case M::ElbowAngle: return angle2d(f, shoulder, elbow, wrist);
        case M::ElbowAngle3d: return angle3d(f, shoulder, elbow, wrist);
        case M::ShoulderAngle: return angle2d(f, hip, shoulder, elbow);
        case M::ShoulderAngle3d: return angle3d(f, hip, shoulder, elbow);
        case M::ThighInclination:
            if (!vis(f, {hip, knee})) return std::nullopt;
            return 180.0f - inclinationFromVertical(imagePoint(f, hip), imagePoint(f, knee));
        case M::UpperArmInclination:
            if (!vis(f, {shoulder, elbow})) return std::nullopt;
            return 180.0f - inclinationFromVertical(imagePoint(f, shoulder), imagePoint(f, elbow));
        case M::KneeOverToe: {
            int facing = facingSign(f);
            if (facing == 0 || !vis(f, {knee, ankle, toe})) return std::nullopt;
            float shank = glm::length(imagePoint(f, knee) - imagePoint(f, ankle));
            if (shank < 1e-6f) return std::nullopt;
            return facing * (imagePoint(f, knee).x - imagePoint(f, toe).x) / shank;
        }
        case M::KneeInward: {
            int otherHip = at(lm::LeftHip, s == BodySide::Left ? BodySide::Right : BodySide::Left);
            if (!vis(f, {hip, knee, ankle, otherHip})) return std::nullopt;
            glm::vec2 toMid = imagePoint(f, otherHip) - imagePoint(f, hip);
            return lineOffset(imagePoint(f, hip), imagePoint(f, ankle), imagePoint(f, knee), toMid);
        }
        case M::LateralLeanToward: {
            if (!vis(f, {lm::LeftHip, lm::RightHip, lm::LeftShoulder, lm::RightShoulder})) return std::nullopt;
            float lean = signedInclination(imageMid(f, lm::LeftHip, lm::RightHip),
                                           imageMid(f, lm::LeftShoulder, lm::RightShoulder));
            float leftIsRight = imagePoint(f, lm::LeftShoulder).x > imagePoint(f, lm::RightShoulder).x ? 1.0f : -1.0f;
            return (s == BodySide::Left ? leftIsRight : -leftIsRight) * lean;
        }
        case M::HandHeight: {
            if (!vis(f, {wrist, ankle, hip, shoulder})) return std::nullopt;
            return (imagePoint(f, ankle).y - imagePoint(f, wrist).y) /
                   trunkLength(imagePoint(f, hip), imagePoint(f, shoulder));
        }
        case M::HandsToHips: {
            if (!vis(f, {wrist, hip, shoulder})) return std::nullopt;
            return std::fabs(imagePoint(f, wrist).x - imagePoint(f, hip).x) /
                   trunkLength(imagePoint(f, hip), imagePoint(f, shoulder));
        }
        case M::HandsToHips3d: {
            if (!hasWorld(f) || !vis(f, {wrist, hip, shoulder})) return std::nullopt;
            glm::vec3 d = worldPoint(f, wrist) - worldMid(f, lm::LeftHip, lm::RightHip);
            float len = std::max(glm::length(worldPoint(f, shoulder) - worldPoint(f, hip)), 1e-6f);
            return std::sqrt(d.x * d.x + d.z * d.z) / len;
        }
        case M::TrunkInclination: {
            auto t = trunk(f);
            if (!t) return std::nullopt;
            return inclinationFromVertical(t->first, t->second);
        }
        case M::TrunkLeanForward: {
            auto t = trunk(f);
            int facing = facingSign(f);
            if (!t || facing == 0) return std::nullopt;
            return facing * signedInclination(t->first, t->second);
        }
        case M::TrunkLateralLean: {
            if (!vis(f, {lm::LeftHip, lm::RightHip, lm::LeftShoulder, lm::RightShoulder})) return std::nullopt;
            return std::fabs(signedInclination(imageMid(f, lm::LeftHip, lm::RightHip),
                                               imageMid(f, lm::LeftShoulder, lm::RightShoulder)));
        }
        case M::Twist: {
            if (!hasWorld(f) || !vis(f, {lm::LeftHip, lm::RightHip, lm::LeftShoulder, lm::RightShoulder}))
                return std::nullopt;
            glm::vec3 sh = worldPoint(f, lm::LeftShoulder) - worldPoint(f, lm::RightShoulder);
            glm::vec3 hp = worldPoint(f, lm::LeftHip) - worldPoint(f, lm::RightHip);
            float a = std::atan2(sh.z, sh.x) - std::atan2(hp.z, hp.x);
            float deg = std::fabs(std::remainder(a, 2.0f * 3.14159265f)) * 57.2957795f;
            return std::min(deg, 180.0f - deg);
        }
        case M::ShoulderTilt:
            if (!vis(f, {lm::LeftShoulder, lm::RightShoulder})) return std::nullopt;
            return tiltFromHorizontal(imagePoint(f, lm::LeftShoulder), imagePoint(f, lm::RightShoulder));
        case M::PelvisTilt:
            if (!vis(f, {lm::LeftHip, lm::RightHip})) return std::nullopt;
            return tiltFromHorizontal(imagePoint(f, lm::LeftHip), imagePoint(f, lm::RightHip));
        case M::NeckInclination: {
            auto side = bestSideFor(f, {lm::LeftEar, lm::LeftShoulder});
            int facing = facingSign(f);
            if (!side || facing == 0) return std::nullopt;
            return facing * signedInclination(imagePoint(f, at(lm::LeftShoulder, *side)),
                                              imagePoint(f, at(lm::LeftEar, *side)));
        }
        case M::EarShoulderHipAngle: {
            auto side = bestSideFor(f, {lm::LeftEar, lm::LeftShoulder, lm::LeftHip});
            if (!side) return std::nullopt;
            return angle2d(f, at(lm::LeftEar, *side), at(lm::LeftShoulder, *side), at(lm::LeftHip, *side));
        }
        case M::HipOffset: {
            auto side = bestSideFor(f, {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee});
            if (!side) return std::nullopt;
            return lineOffset(imagePoint(f, at(lm::LeftShoulder, *side)), imagePoint(f, at(lm::LeftKnee, *side)),
                              imagePoint(f, at(lm::LeftHip, *side)), glm::vec2(0, -1));
        }
        case M::BackVsKneeBend: {
            auto side = bestSideFor(f, {lm::LeftShoulder, lm::LeftHip, lm::LeftKnee, lm::LeftAnkle});
            if (!side) return std::nullopt;
            auto knee = angle2d(f, at(lm::LeftHip, *side), at(lm::LeftKnee, *side), at(lm::LeftAnkle, *side));
            float trunkDeg = inclinationFromVertical(imagePoint(f, at(lm::LeftHip, *side)),
                                                     imagePoint(f, at(lm::LeftShoulder, *side)));
            return trunkDeg - (180.0f - *knee);
        }
        case M::HipHeight: {
            auto t = trunk(f);
            auto ankles = pairPoint(f, lm::LeftAnkle);
            if (!t || !ankles) return std::nullopt;
            // Scale: the trunk, or from the front (where leaning toward the camera shortens the
            // trunk in the picture) the shoulder width, which that lean does not shorten.
            float scale = trunkLength(t->first, t->second);
            if (vis(f, {lm::LeftShoulder, lm::RightShoulder}))
                scale = std::max(scale, 1.25f * glm::length(imagePoint(f, lm::LeftShoulder) - imagePoint(f, lm::RightShoulder)));
            return (ankles->y - t->first.y) / scale;
        }
        case M::BodyLine: return bodyLine(f, lm::LeftAnkle);
        case M::BodyLineKnees: return bodyLine(f, lm::LeftKnee);
        case M::HeadLift: {
            auto side = bestSideFor(f, {lm::LeftEar, lm::LeftShoulder, lm::LeftHip});
            if (!side) return std::nullopt;
            glm::vec2 h = imagePoint(f, at(lm::LeftHip, *side)), sh = imagePoint(f, at(lm::LeftShoulder, *side)),
                      ear = imagePoint(f, at(lm::LeftEar, *side));
            float a = jointAngle(h, sh, ear);  // 180: the head in line with the trunk
            float off = lineOffset(h, sh, ear, glm::vec2(0, -1));
            return off >= 0 ? 180.0f - a : a - 180.0f;
        }
        case M::FrontKneeOverToe: {
            int facing = facingSign(f);
            if (facing == 0 || !vis(f, {lm::LeftAnkle, lm::RightAnkle})) return std::nullopt;
            BodySide front = facing * imagePoint(f, lm::LeftAnkle).x >= facing * imagePoint(f, lm::RightAnkle).x
                                 ? BodySide::Left
                                 : BodySide::Right;
            return measureSide(M::KneeOverToe, front, f);
        }
        case M::KneeFall: return kneeFall(f, s);
        case M::ReachOpposite: {
            BodySide o = s == BodySide::Left ? BodySide::Right : BodySide::Left;
            auto arm = angle2d(f, hip, shoulder, elbow);
            auto leg = angle2d(f, at(lm::LeftShoulder, o), at(lm::LeftHip, o), at(lm::LeftKnee, o));
            if (arm && leg) return std::max(*arm, *leg);
            return arm ? arm : leg;
        }
    }
    return std::nullopt;
}

std::optional<float> measure(const MeasureRef& m, SideMode mode, const LandmarkFrame& f,
                             std::optional<BodySide> tracked) {
    const MeasureInfo& info = measureInfo(m.id);
    if (!info.sided) return measureSide(m.id, BodySide::Left, f);
    auto l = measureSide(m.id, BodySide::Left, f);
    auto r = measureSide(m.id, BodySide::Right, f);
    if (m.asymmetry) {
        if (!l || !r) return std::nullopt;
        return std::fabs(*l - *r);
    }
    if (mode == SideMode::Tracked) {
        if (tracked) return *tracked == BodySide::Left ? l : r;
        mode = SideMode::Best;
    }
    switch (mode) {
        case SideMode::Left: return l;
        case SideMode::Right: return r;
        case SideMode::Best:
            if (l && r)
                return sideVisibility(m.id, BodySide::Left, f) >= sideVisibility(m.id, BodySide::Right, f) ? l : r;
            return l ? l : r;
        case SideMode::Mean:
            if (l && r) {
                // One side much less visible than the other (the far side in a side view, which the
                // model guesses): the better side alone.
                float lv = sideVisibility(m.id, BodySide::Left, f), rv = sideVisibility(m.id, BodySide::Right, f);
                if (std::fabs(lv - rv) > 0.3f) return lv > rv ? l : r;
                return 0.5f * (*l + *r);
            }
            return l ? l : r;
        case SideMode::Max:
            if (l && r) return std::max(*l, *r);
            return l ? l : r;
        case SideMode::Min:
            if (l && r) return std::min(*l, *r);
            return l ? l : r;
        default: return std::nullopt;
    }
}

}  // namespace ptcoach::analysis
