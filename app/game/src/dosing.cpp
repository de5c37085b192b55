#include "ptcoach/game/dosing.h"

#include <algorithm>
#include <cmath>

namespace ptcoach::game {

double doseFactor(int level) {
    switch (std::clamp(level, kLightestLevel, 0)) {
        case 0: return 1.0;
        case -1: return 0.8;
        case -2: return 0.6;
        default: return 0.5;
    }
}

const char* doseLevelName(int level) {
    switch (std::clamp(level, kLightestLevel, 0)) {
        case 0: return "your full plan";
        case -1: return "a lighter dose (80 % of your plan)";
        case -2: return "a lighter dose (60 % of your plan)";
        default: return "the lightest dose (50 % of your plan)";
    }
}

const char* offerKindName(OfferKind k) {
    switch (k) {
        case OfferKind::None: return "none";
        case OfferKind::Lighter: return "lighter";
        case OfferKind::StepUp: return "step_up";
        case OfferKind::ReadyForMore: return "ready_for_more";
        case OfferKind::SeeTherapist: return "see_therapist";
    }
    return "?";
}

namespace {

bool easy(const SessionOutcome& s) {
    return s.completed && !s.stoppedForPain && s.painBefore && s.painAfter && *s.painAfter <= *s.painBefore &&
           (!s.form || *s.form >= 70);
}

}  // namespace

DoseOffer adviseDose(int level, const std::vector<SessionOutcome>& sessions) {
    DoseOffer o;
    level = std::clamp(level, kLightestLevel, 0);
    o.fromLevel = o.toLevel = level;
    if (sessions.empty()) return o;
    const SessionOutcome& last = sessions.front();
    o.sessionId = last.id;
    bool rose = last.painBefore && last.painAfter && *last.painAfter - *last.painBefore >= 2;
    if (rose || last.stoppedForPain) {
        o.reason = rose ? "pain_rise" : "stopped_for_pain";
        std::string why = rose ? "Your pain went from " + std::to_string(*last.painBefore) + " to " +
                                     std::to_string(*last.painAfter) + " after your last session"
                               : "You stopped your last session because it hurt";
        if (level <= kLightestLevel) {
            o.kind = OfferKind::SeeTherapist;
            o.text = why + ", already at the lightest dose. Please talk to your therapist before the next session.";
        } else {
            o.kind = OfferKind::Lighter;
            o.toLevel = level - 1;
            o.text = why + ". Today offers " + std::string(doseLevelName(o.toLevel)) + ".";
        }
        return o;
    }
    if (sessions.size() >= 2 && easy(sessions[0]) && easy(sessions[1])) {
        o.reason = "easy_twice";
        if (level < 0) {
            o.kind = OfferKind::StepUp;
            o.toLevel = level + 1;
            o.text = "Your last two sessions went well: done in full, good form, no more pain. Today offers " +
                     std::string(doseLevelName(o.toLevel)) + ".";
        } else {
            o.kind = OfferKind::ReadyForMore;
            o.text = "Your last two sessions went well at your full plan. Your therapist sets the next step; "
                     "they can see that you are ready for it.";
        }
    }
    return o;
}

engine::SessionPlan dosePlan(const engine::SessionPlan& plan, int level) {
    engine::SessionPlan out = plan;
    double f = doseFactor(level);
    if (f >= 1.0) return out;
    for (auto& s : out.steps) {
        if (s.reps > 0) s.reps = std::clamp(static_cast<int>(std::lround(s.reps * f)), 1, s.reps);
        if (s.seconds > 0) s.seconds = std::clamp(static_cast<int>(std::lround(s.seconds * f)), std::min(5, s.seconds), s.seconds);
    }
    for (auto& ex : out.exercises) {
        if (ex.dose.reps > 0) ex.dose.reps = std::clamp(static_cast<int>(std::lround(ex.dose.reps * f)), 1, ex.dose.reps);
        if (ex.dose.holdS > 0)
            ex.dose.holdS = std::clamp(static_cast<int>(std::lround(ex.dose.holdS * f)), std::min(5, ex.dose.holdS), ex.dose.holdS);
    }
    return out;
}

std::string doseChangeText(const engine::SessionPlan& plan, int fromLevel, int toLevel) {
    engine::SessionPlan a = dosePlan(plan, fromLevel), b = dosePlan(plan, toLevel);
    for (size_t i = 0; i < a.steps.size() && i < b.steps.size(); ++i) {
        const auto& x = a.steps[i];
        const auto& y = b.steps[i];
        const std::string& title = plan.exercises[x.exercise].title;
        if (x.reps != y.reps)
            return title + ": " + std::to_string(y.reps) + " reps instead of " + std::to_string(x.reps);
        if (x.seconds != y.seconds)
            return title + ": " + std::to_string(y.seconds) + " s instead of " + std::to_string(x.seconds) + " s";
    }
    return "the same dose";
}

}  // namespace ptcoach::game
