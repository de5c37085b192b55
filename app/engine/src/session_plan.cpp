#include "ptcoach/engine/session_plan.h"

namespace ptcoach::engine {

using analysis::ExerciseDefinition;
using analysis::ExerciseKind;
using analysis::Sides;

bool SessionPlan::anyCameraJudged() const {
    for (const auto& s : steps)
        if (s.cameraJudged) return true;
    return false;
}

namespace {

// `onlySide`: the program narrowed the exercise to one side (ex.sides is then Left or Right).
void addSteps(SessionPlan& plan, const ExerciseDefinition& ex,
              std::optional<analysis::BodySide> onlySide = std::nullopt) {
    size_t idx = plan.exercises.size();
    plan.exercises.push_back(ex);
    const analysis::Dose& d = ex.dose;
    std::vector<std::optional<analysis::BodySide>> passes = {std::nullopt};
    if (ex.sides == Sides::Each) passes = {analysis::BodySide::Left, analysis::BodySide::Right};
    if (onlySide) passes = {onlySide};
    for (int set = 1; set <= d.sets; ++set)
        for (size_t p = 0; p < passes.size(); ++p) {
            PlannedStep s;
            s.exercise = idx;
            s.set = set;
            s.sets = d.sets;
            s.side = passes[p];
            s.cameraJudged = ex.cameraTracked();
            switch (ex.kind) {
                case ExerciseKind::Reps:
                    s.goal = StepGoal::Reps;
                    s.reps = ex.sides == Sides::Alternating ? 2 * d.reps : d.reps;
                    break;
                case ExerciseKind::Hold:
                case ExerciseKind::Posture:
                    s.goal = StepGoal::Hold;
                    s.seconds = d.holdS;
                    break;
                case ExerciseKind::Timed:
                    s.goal = StepGoal::Timed;
                    s.seconds = d.durationS;
                    break;
            }
            s.restAfterS = p + 1 < passes.size() ? kSwitchSidesS : d.restS;
            plan.steps.push_back(s);
        }
}

}  // namespace

Expected<SessionPlan> planSession(const Library& lib, const ProgramDefinition& program, const ProgramSession& session,
                                  const std::string& startAt, int week) {
    if (week > 1 && !program.progression.empty()) {
        // The same session, dosed for the week.
        ProgramDefinition dosed = programForWeek(program, week);
        const ProgramSession* s = dosed.session(session.id);
        if (!s) return makeError("program '" + program.id + "' has no session '" + session.id + "'");
        return planSession(lib, dosed, *s, startAt, 1);
    }
    SessionPlan plan;
    plan.programId = program.id;
    plan.sessionId = session.id;
    plan.title = program.title + ": " + session.title;
    bool started = startAt.empty();
    for (const auto& item : session.items) {
        if (!started && item.exerciseId != startAt) continue;
        started = true;
        const ExerciseDefinition* ex = lib.exercise(item.exerciseId);
        if (!ex) return makeError("program '" + program.id + "': unknown exercise '" + item.exerciseId + "'");
        ExerciseDefinition copy = *ex;
        copy.dose = item.dose;
        std::optional<analysis::BodySide> onlySide;
        if (item.sides && *item.sides != ex->sides) {
            copy.sides = *item.sides;
            if (copy.sides == Sides::Left) onlySide = analysis::BodySide::Left;
            if (copy.sides == Sides::Right) onlySide = analysis::BodySide::Right;
        }
        addSteps(plan, copy, onlySide);
    }
    if (!started)
        return makeError("program '" + program.id + "', session '" + session.id + "' has no exercise '" + startAt + "'");
    if (!plan.steps.empty()) plan.steps.back().restAfterS = 0;
    return plan;
}

SessionPlan planPractice(const ExerciseDefinition& exercise) {
    SessionPlan plan;
    plan.sessionId = "practice";
    plan.title = "Practice: " + exercise.title;
    addSteps(plan, exercise);
    if (!plan.steps.empty()) plan.steps.back().restAfterS = 0;
    return plan;
}

const ProgramSession* sessionForWeekday(const ProgramDefinition& program, int weekday) {
    if (weekday < 0 || weekday > 6) return nullptr;
    return program.session(program.week[static_cast<size_t>(weekday)]);
}

const ProgramSession* sessionWithExercise(const ProgramDefinition& program, int weekday, const std::string& exerciseId) {
    for (int k = 0; k < 7; ++k) {
        const ProgramSession* s = sessionForWeekday(program, (weekday + k) % 7);
        if (!s) continue;
        for (const auto& it : s->items)
            if (it.exerciseId == exerciseId) return s;
    }
    for (const auto& s : program.sessions)  // a session not on the week at all
        for (const auto& it : s.items)
            if (it.exerciseId == exerciseId) return &s;
    return nullptr;
}

}  // namespace ptcoach::engine
