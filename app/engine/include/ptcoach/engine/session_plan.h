#pragma once
// Today's session as a list of steps: each set of each exercise (each side in turn for one-sided
// exercises), with its target and the rest after it.
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/engine/program.h"

namespace ptcoach::engine {

// What one step asks for.
enum class StepGoal { Reps, Hold, Timed };

struct PlannedStep {
    size_t exercise = 0;                       // index into SessionPlan::exercises
    int set = 1, sets = 1;                     // 1-based
    std::optional<analysis::BodySide> side;    // one-sided ("each") exercises: this pass's side
    StepGoal goal = StepGoal::Reps;
    int reps = 0;                              // Reps: the count to reach (alternating: both sides together)
    int seconds = 0;                           // Hold / Timed: time to reach
    int restAfterS = 0;                        // rest before the next step (0 after the last)
    bool cameraJudged = false;                 // the camera counts/times it (else taps or a plain timer)
};

struct SessionPlan {
    std::string programId;                     // "" for a single-exercise practice
    std::string sessionId, title;
    std::vector<analysis::ExerciseDefinition> exercises;  // in session order, with the program's dose
    std::vector<PlannedStep> steps;
    bool anyCameraJudged() const;
};

// Seconds the person switches sides in between the two passes of a one-sided exercise.
inline constexpr int kSwitchSidesS = 5;

// The plan for a program's session. `startAt` skips the exercises before the first with that id
// (for a demonstration or a test); an id the session does not have is an error. `week` is the
// assignment week (programWeek): the program's progression up to that week is applied to the dose
// (week 1: the program's own dose). An item's side choice (left or right only) gives one pass per set.
Expected<SessionPlan> planSession(const Library& lib, const ProgramDefinition& program, const ProgramSession& session,
                                  const std::string& startAt = {}, int week = 1);
// A practice of one exercise at its default dose.
SessionPlan planPractice(const analysis::ExerciseDefinition& exercise);

// The session scheduled on a weekday (0 = Monday), nullptr on a rest day.
const ProgramSession* sessionForWeekday(const ProgramDefinition& program, int weekday);
// The first session on or after `weekday` (wrapping) that has exercise `exerciseId`; nullptr if none.
const ProgramSession* sessionWithExercise(const ProgramDefinition& program, int weekday, const std::string& exerciseId);

}  // namespace ptcoach::engine
