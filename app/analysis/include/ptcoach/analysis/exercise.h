#pragma once
// Exercises as data: the exercise files in programs/exercises/*.json (format: programs/README.md).
// A file says which measure drives the movement (with enter/exit thresholds), or which band is
// held, which sides move, the camera view needed, and the form rules with their cues.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/measures.h"
#include "ptcoach/analysis/synthetic.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::analysis {

// Version 2 adds the category, the start position, "timer only", the demonstration keyframes, the
// "each" sides and the "timed" kind; version 1 files still load.
inline constexpr int kExerciseFormatVersion = 2;

// Timed: done for a time (walking, carrying), never judged by the camera.
enum class ExerciseKind { Reps, Hold, Posture, Timed };
// Each: one side at a time, every set done on the left and then on the right.
enum class Sides { Both, Either, Left, Right, Alternating, Each };
enum class Category { Mobility, Stretch, Core, Strength, Lifting, Walking, Posture, Rest };
enum class StartPosition { Standing, Sitting, LyingBack, LyingFront, LyingSide, Kneeling, AllFours };
enum class Direction { Decrease, Increase };  // how the driving measure changes going into a rep
// Where a form rule applies. Rest: at the start position; Moving: between rest and peak; Peak: past
// the enter threshold; Rep: Moving or Peak; Hold: inside the hold band; Active: any phase after the
// start position was reached; RepEnd: once per attempt, on an aggregate of the measure over it.
enum class RulePhase { Any, Active, Rest, Moving, Peak, Rep, Hold, RepEnd };
enum class Severity { Info, Warning, Error };
enum class Aggregate { Min, Max };

std::string_view kindName(ExerciseKind k);
std::string_view sidesName(Sides s);
std::string_view categoryName(Category c);
std::string_view positionName(StartPosition p);
std::string_view positionLabel(StartPosition p);  // "lying on your back"
std::string_view rulePhaseName(RulePhase p);
std::string_view severityName(Severity s);

// An allowed range; an open end is unbounded.
struct Band {
    std::optional<float> min, max;
    bool contains(float v) const { return (!min || v >= *min) && (!max || v <= *max); }
};

struct Condition {
    MeasureRef measure;
    SideMode side = SideMode::Tracked;
    Band band;
    std::string message;  // what the person does when it is not met ("Rest on your forearms"); may be empty
    std::string why;      // where the band comes from (a clinical fact or a measurement on a named recording)
};

struct TrackingSpec {
    MeasureRef measure;
    Direction direction = Direction::Decrease;
    float exit = 0;     // back at rest once past this (completes a rep)
    float attempt = 0;  // a movement has started once past this (between exit and enter)
    float enter = 0;    // the rep's peak phase is reached once past this
    float target = 0;   // a full rep reaches this (for quality)
    int minRepMs = 500, maxRepMs = 10000;
    int startHoldMs = 500;             // the start position must be held this long before counting
    std::vector<Condition> startConditions;  // besides being at rest on the driving measure
    // Relative: exit, attempt, enter and target are offsets from the person's own rest value (the
    // driving measure's median while in the start position), in the direction of the movement, so
    // a tilted camera or floor, or a body that rests a little differently, moves nothing. Absolute
    // otherwise.
    bool relative = false;
    std::string why;  // where the thresholds come from
};

struct HoldSpec {
    MeasureRef measure;
    SideMode side = SideMode::Mean;
    Band band;
    int targetMs = 0;
    int minHoldMs = 1000;  // shorter stays in the band are not holds
    int graceMs = 500;     // leaving the band (or the frame) this briefly does not end the hold
    // What makes the position, besides the band: a plank is the body off the floor on forearms and
    // toes, which lying prone is not, though its trunk angle is the same. Out of position, the hold
    // does not run and the form rules (near_band ones included) are not judged.
    std::vector<Condition> position;
    std::string why;  // where the band comes from
};

// A reps exercise the camera cannot count (the movement is too small to see) but can check: the
// position (its conditions) and the form rules; the person taps for each rep.
struct CameraCheck {
    std::vector<Condition> conditions;
    std::string why;
};

struct FormRule {
    std::string code;
    MeasureRef measure;
    SideMode side = SideMode::Tracked;
    Band ok;                     // the fault fires when the measure is outside
    RulePhase phase = RulePhase::Active;
    Aggregate aggregate = Aggregate::Min;  // RepEnd only
    int minMs = 300;             // must persist this long before it fires
    Severity severity = Severity::Warning;
    std::string message;         // the cue the person hears
    ViewNeed view = ViewNeed::Either;  // the measure's view unless the file narrows it
    // Hold rules: also judged near the band, i.e. in the position but outside the hold band, where
    // the hold does not run; the person hears what is wrong ("Lower your hips into line").
    bool nearBand = false;
    std::string why;  // where the band comes from (required in version 2 files)
};

// reps: per set (alternating: per side); holdS: one hold (hold, posture); durationS: timed kind.
struct Dose {
    int sets = 1, reps = 0, holdS = 0, restS = 0, durationS = 0;
};

// The demonstration: joint angles at key times, played in a loop with smooth easing between them.
struct DemoKeyframe {
    float tS = 0;
    BodyPose pose;
};
struct Demo {
    ViewNeed view = ViewNeed::Side;  // the camera view the figure is drawn from (front or side)
    std::string prop;                // "", chair, wall, box, weights, mat
    float loopS = 0;                 // one cycle; the last keyframe blends back into the first
    std::vector<DemoKeyframe> keyframes;
};
// The pose at time t (seconds, any value: it loops). An empty demo gives a standing pose.
BodyPose demoPoseAt(const Demo& demo, double tS);

struct ExerciseDefinition {
    std::string file;
    int version = kExerciseFormatVersion;
    std::string id, title, startPosition, stance;  // stance: posture files only
    std::vector<std::string> steps, cautions;
    ExerciseKind kind = ExerciseKind::Reps;
    ViewNeed view = ViewNeed::Either;
    Sides sides = Sides::Both;
    Category category = Category::Mobility;       // version 2
    bool backStrengthening = false;               // version 2: counts for "no back strengthening two days running"
    std::optional<StartPosition> position;        // version 2 (required there)
    std::string timerOnly;                        // version 2: why the camera cannot judge it; empty when it can
    std::optional<Demo> demo;                     // version 2 (required there)
    Dose dose;
    std::optional<TrackingSpec> tracking;
    std::optional<HoldSpec> hold;
    std::optional<CameraCheck> check;             // reps counted by taps, position checked by the camera
    std::vector<FormRule> form;

    // The camera counts reps, times holds or judges posture (not timer only, not timed).
    bool cameraTracked() const { return timerOnly.empty() && kind != ExerciseKind::Timed; }
    // The camera checks the start position of a timer-only exercise before (and while) its timer
    // runs: lying, kneeling or sitting as the file's position says.
    bool positionChecked() const { return !timerOnly.empty() && kind != ExerciseKind::Timed && position.has_value(); }
    // Reps counted by taps although the camera watches (a camera_check exercise).
    bool tapCounted() const { return kind == ExerciseKind::Reps && !tracking && check.has_value(); }
};

// The fault codes the analysis knows (a rule with another code is an error).
const std::vector<std::string>& knownFaultCodes();

Expected<ExerciseDefinition> parseExercise(const nlohmann::json& doc, const std::string& file);
Expected<ExerciseDefinition> loadExercise(const std::filesystem::path& file);
// <dir>/exercises/<id>.json; dir defaults to ptcoach::programsDir().
Expected<ExerciseDefinition> loadExerciseById(const std::string& id, std::filesystem::path dir = {});
// Every exercise file, sorted by id; the first bad file is the error.
Expected<std::vector<ExerciseDefinition>> loadAllExercises(std::filesystem::path dir = {});

}  // namespace ptcoach::analysis
