#pragma once
// Pain-guided dosing. The therapist's plan (the program's dose for this week) is the ceiling: the
// person's dose level is 0 (the plan) or a lighter step below it, never above.
// - Pain after a session 2 or more points above pain before it (or a session stopped for pain):
//   the next session offers one step lighter (fewer reps, shorter holds) and says why.
// - Two sessions in a row that were easy (done in full, form 70 or better where the camera judged,
//   no rise in pain): the next session offers one step back up, toward the plan. At the plan
//   already, it says so and marks the patient "ready for the next step" for the therapist, who
//   alone raises the plan.
// Each offer is made once (for the sessions that prompted it); accepted or declined, it is stored
// and the therapist sees it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/engine/session_plan.h"

namespace ptcoach::game {

inline constexpr int kLightestLevel = -3;
// The share of the plan's reps and hold seconds a level gives: 0 -> 1.0, -1 -> 0.8, -2 -> 0.6, -3 -> 0.5.
double doseFactor(int level);
const char* doseLevelName(int level);  // "your full plan", "a lighter dose (80 %)" ...

struct SessionOutcome {
    int64_t id = 0;
    std::optional<int> painBefore, painAfter;
    bool completed = false;
    std::optional<double> form;   // mean rep quality where the camera judged
    bool stoppedForPain = false;
};

enum class OfferKind { None, Lighter, StepUp, ReadyForMore, SeeTherapist };
const char* offerKindName(OfferKind k);

struct DoseOffer {
    OfferKind kind = OfferKind::None;
    int fromLevel = 0, toLevel = 0;
    std::string reason;     // pain_rise, stopped_for_pain, easy_twice
    std::string text;       // what the person reads: why, and what changes
    int64_t sessionId = 0;  // the newest session it is based on
};

// sessions: newest first, only those since the last decision (the caller filters). `level`: the
// person's current level.
DoseOffer adviseDose(int level, const std::vector<SessionOutcome>& sessions);

// The plan at a level: each step's reps and seconds times doseFactor (rounded, at least 1 rep and
// 5 s, never above the plan); sets, rest and sides unchanged.
engine::SessionPlan dosePlan(const engine::SessionPlan& plan, int level);
// "8 reps instead of 10; holds of 16 s instead of 20 s" for the first exercise that changes.
std::string doseChangeText(const engine::SessionPlan& plan, int fromLevel, int toLevel);

}  // namespace ptcoach::game
