#include "ptcoach/recovery/progress.h"
#include "ptcoach/recovery/thermal.h"

#include <algorithm>

#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/safety/red_flags.h"

namespace ptcoach::recovery {

using namespace std::chrono;
using storage::ThermalApplication;
using storage::TimePoint;

const std::vector<std::string>& thermalSafetyReminders() {
    static const std::vector<std::string> r = {
        "Put a thin cloth between your skin and the pack.",
        "15-20 minutes at a time, never more than 20.",
        "Never fall asleep on a heating pad.",
        "No heat over swelling or redness, or when you have a fever.",
    };
    return r;
}

const char* thermalKindName(Thermal t) { return t == Thermal::Ice ? "ice" : "heat"; }

namespace {
TimePoint plannedEnd(const ThermalApplication& a) { return a.startedAt + seconds(a.plannedS); }
TimePoint effectiveEnd(const ThermalApplication& a) { return a.endedAt ? *a.endedAt : plannedEnd(a); }
}  // namespace

std::vector<ThermalApplication> dueToFinish(const std::vector<ThermalApplication>& apps, TimePoint now) {
    std::vector<ThermalApplication> out;
    for (const auto& a : apps)
        if (!a.endedAt && plannedEnd(a) <= now) out.push_back(a);
    return out;
}

ThermalStatus thermalStatus(const storage::Episode& episode, const std::vector<ThermalApplication>& apps, TimePoint now,
                            bool heatContraindicated, const ThermalRules& rules) {
    ThermalStatus s;
    int iceHours = std::clamp(episode.iceHours, 24, 72);
    s.heatFrom = episode.onsetAt + hours(iceHours);
    s.advised = thermalPhaseAt(episode.onsetAt, now, hours(iceHours));
    if (heatContraindicated) {
        s.heatAllowed = false;
        s.heatBlockedReason = "No heat: a red flag (swelling, redness or fever) was reported. Ice only, and see a clinician.";
    } else if (s.advised == Thermal::Ice) {
        s.heatAllowed = false;
        s.heatBlockedReason = "Ice for now: heat starts after the first " + std::to_string(iceHours) + " hours.";
    }
    // Applications of this episode, in start order.
    const ThermalApplication* running = nullptr;
    const ThermalApplication* last = nullptr;
    for (const auto& a : apps) {
        if (a.episodeId != episode.id) continue;
        if (a.startedAt > now) continue;  // clock went backwards: ignore the future
        if (!a.endedAt && plannedEnd(a) > now) running = &a;
        else if (!last || effectiveEnd(a) >= effectiveEnd(*last)) last = &a;
    }
    if (last) s.last = *last;
    if (running) {
        s.state = TimerState::Running;
        s.running = *running;
        s.runningEndsAt = plannedEnd(*running);
        return s;
    }
    s.state = TimerState::Ready;
    if (last) {
        bool ice = last->kind == "ice";
        TimePoint end = effectiveEnd(*last);
        TimePoint restUntil = end + minutes(ice ? std::clamp(rules.iceRestMin, 40, 60) : std::clamp(rules.heatRestMin, 20, 30));
        if (restUntil > now) {
            s.state = TimerState::Resting;
            s.restUntil = restUntil;
        }
        TimePoint due = ice ? std::max(restUntil, last->startedAt + minutes(rules.iceIntervalMin))
                            : std::max(restUntil, end + minutes(rules.heatDueAfterRestMin));
        if (now - episode.onsetAt < hours(24 * rules.reminderDays) && !episode.endedAt) s.nextDue = due;
    } else if (!episode.endedAt && now - episode.onsetAt < hours(24 * rules.reminderDays)) {
        s.nextDue = std::max(episode.onsetAt, TimePoint{});  // none yet: due now
    }
    return s;
}

Expected<bool> ThermalTimers::heatContraindicated(const storage::Episode&) const {
    // An open red flag of swelling, redness or fever (whatever the episode) rules heat out.
    auto open = m_store.redFlagAlerts(m_profile, true);
    if (!open) return open.error();
    for (const auto& a : *open)
        if (const safety::Question* q = safety::question(a.questionId); q && q->contraindicatesHeat) return true;
    return false;
}

Expected<ThermalStatus> ThermalTimers::status(TimePoint now) const {
    auto ep = m_store.activeEpisode(m_profile);
    if (!ep) return ep.error();
    if (!*ep) return ThermalStatus{};
    auto apps = m_store.thermalApplications(m_profile);
    if (!apps) return apps.error();
    auto hot = heatContraindicated(**ep);
    if (!hot) return hot.error();
    return thermalStatus(**ep, *apps, now, *hot, m_rules);
}

Expected<storage::Id> ThermalTimers::start(Thermal kind, int minutesLong, TimePoint now) {
    if (minutesLong < 1 || minutesLong > kMaxApplicationMin)
        return makeError("an application lasts 1-" + std::to_string(kMaxApplicationMin) + " minutes, not " +
                         std::to_string(minutesLong));
    auto ep = m_store.activeEpisode(m_profile);
    if (!ep) return ep.error();
    if (!*ep) return makeError("log an episode first: the ice and heat timers follow its onset");
    auto st = status(now);
    if (!st) return st.error();
    auto hhmm = [](TimePoint t) { return localText(t, "%H:%M"); };
    if (st->state == TimerState::Running)
        return makeError(std::string("an ") + st->running->kind + " application is already on until " + hhmm(st->runningEndsAt));
    if (st->state == TimerState::Resting)
        return makeError("rest your skin until " + hhmm(*st->restUntil) + " before the next application");
    if (kind == Thermal::Heat && !st->heatAllowed) return makeError(st->heatBlockedReason);
    storage::ThermalApplication a;
    a.profileId = m_profile;
    a.episodeId = (*ep)->id;
    a.kind = thermalKindName(kind);
    a.startedAt = time_point_cast<seconds>(now);
    a.plannedS = minutesLong * 60;
    return m_store.addThermalApplication(a);
}

Status ThermalTimers::stop(TimePoint now) {
    auto st = status(now);
    if (!st) return makeError(st.error().message);
    if (st->state != TimerState::Running) return makeError("no ice or heat timer is running");
    auto r = m_store.endThermalApplication(st->running->id, now);
    if (!r) return makeError(r.error().message);
    return {};
}

Expected<std::vector<ThermalApplication>> ThermalTimers::finishDue(TimePoint now) {
    auto apps = m_store.thermalApplications(m_profile);
    if (!apps) return apps.error();
    std::vector<ThermalApplication> finished;
    for (auto a : dueToFinish(*apps, now)) {
        auto r = m_store.endThermalApplication(a.id, plannedEnd(a));
        if (!r) return r.error();
        if (*r) {
            a.endedAt = plannedEnd(a);
            finished.push_back(a);
        }
    }
    return finished;
}

}  // namespace ptcoach::recovery
