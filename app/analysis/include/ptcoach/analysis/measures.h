#pragma once
// Named measures on one landmark frame: what a physical therapist looks at (joint angles, trunk
// inclination and lean, twist, level shoulders and pelvis, knee-over-toe, knees caving, hands to
// hips...). Each measure knows the landmarks it needs and the camera view it can be judged from;
// it returns std::nullopt ("not visible") instead of a number when it cannot be judged.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptcoach/analysis/landmark_frame.h"

namespace ptcoach::analysis {

enum class BodySide { Left, Right };
std::string_view sideName(BodySide s);

// What the camera sees of the person.
enum class View { Unknown, Front, Side };
std::string_view viewName(View v);

// The view a measure (or an exercise) needs.
enum class ViewNeed { Either, Front, Side };
std::string_view viewNeedName(ViewNeed v);
bool viewSatisfies(View seen, ViewNeed need);  // Either accepts any view, even Unknown

enum class MeasureId {
    KneeAngle, KneeAngle3d, HipAngle, HipAngle3d, ElbowAngle, ElbowAngle3d, ShoulderAngle, ShoulderAngle3d,
    ThighInclination, UpperArmInclination, KneeOverToe, KneeInward, LateralLeanToward, HandHeight, HandsToHips,
    HandsToHips3d,
    // not sided
    TrunkInclination, TrunkLeanForward, TrunkLateralLean, Twist, ShoulderTilt, PelvisTilt, NeckInclination,
    EarShoulderHipAngle, HipOffset, BackVsKneeBend, HipHeight, BodyLine, BodyLineKnees, HeadLift, FrontKneeOverToe,
    // sided again (added later; the order here is only the file order)
    KneeFall, ReachOpposite,
};

struct MeasureInfo {
    MeasureId id;
    std::string_view name;   // as written in exercise files
    bool sided;              // has a left and a right value
    ViewNeed view;           // the view it can be judged from
    std::string_view unit;   // "deg" or "ratio"
    std::string_view what;   // one line for --list-exercises and the format doc
};

const std::vector<MeasureInfo>& allMeasures();
const MeasureInfo& measureInfo(MeasureId id);
// A measure name, optionally with the suffix "_asymmetry" (|left - right| of a sided measure).
struct MeasureRef {
    MeasureId id{};
    bool asymmetry = false;
};
std::optional<MeasureRef> findMeasure(std::string_view name);
std::string measureRefName(const MeasureRef& m);

// Which side of a sided measure to use.
enum class SideMode { Tracked, Left, Right, Best, Mean, Max, Min };
std::optional<SideMode> parseSideMode(std::string_view s);
std::string_view sideModeName(SideMode m);

// One side of a measure, or the whole-body value of an unsided one (side ignored). No view gating:
// see view.h for that. nullopt when a needed landmark is not visible.
std::optional<float> measureSide(MeasureId id, BodySide side, const LandmarkFrame& f);

// A measure with side selection; `tracked` is used for SideMode::Tracked (Best when unset).
std::optional<float> measure(const MeasureRef& m, SideMode mode, const LandmarkFrame& f,
                             std::optional<BodySide> tracked = std::nullopt);

// Mean visibility of the landmarks a sided measure needs on one side (0 for unknown).
float sideVisibility(MeasureId id, BodySide side, const LandmarkFrame& f);

// Which way a person seen from the side faces in the image: +1 right, -1 left, 0 unknown. From
// the feet (heel to toe), else the ear to the nose, else the nose ahead of the shoulders, else the
// frame's facingHint (what the tracker saw in earlier frames).
int facingSign(const LandmarkFrame& f);
// The same from the frame alone (no hint): what a tracker remembers.
int facingFromFrame(const LandmarkFrame& f);

}  // namespace ptcoach::analysis
