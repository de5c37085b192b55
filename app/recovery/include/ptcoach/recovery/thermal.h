#pragma once
// Ice and heat application timers. Everything is wall-clock time kept in the database, and every
// function takes `now`, so a restart (or a test) sees the same state the clock implies.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/recovery/phase.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

// Common-practice defaults from the clinical notes (therapist-adjustable within the ranges).
struct ThermalRules {
    int applicationMin = 15;    // one application; never more than 20
    int iceRestMin = 40;        // enforced time off after ice (40-60)
    int heatRestMin = 20;       // enforced time off after heat (20-30)
    int iceIntervalMin = 120;   // ice at most about once every 2 hours: the next one is due then
    int heatDueAfterRestMin = 30;  // heat "as needed": suggested again 30 min after one ends
    int reminderDays = 14;      // "next application due" reminders in the first two weeks
};
constexpr int kMaxApplicationMin = 20;

// Safety reminders shown with every timer.
const std::vector<std::string>& thermalSafetyReminders();

enum class TimerState {
    NoEpisode,  // nothing to time
    Running,    // an application is on
    Resting,    // the enforced rest after one; cannot start yet
    Ready,      // may start one now
};

struct ThermalStatus {
    TimerState state = TimerState::NoEpisode;
    Thermal advised = Thermal::Ice;          // what the phase calls for now
    storage::TimePoint heatFrom;             // onset + ice hours
    std::optional<storage::ThermalApplication> running;
    storage::TimePoint runningEndsAt{};
    std::optional<storage::ThermalApplication> last;  // the latest finished application
    std::optional<storage::TimePoint> restUntil;      // no new application before this
    std::optional<storage::TimePoint> nextDue;        // the next one is suggested from this time
    bool heatAllowed = true;
    std::string heatBlockedReason;
};

// Which kind `kind` names ("ice"/"heat").
const char* thermalKindName(Thermal t);

// The state implied by the episode, its applications and the clock. An application whose planned
// end has passed counts as finished at its planned end even before finishDue() records it.
ThermalStatus thermalStatus(const storage::Episode& episode, const std::vector<storage::ThermalApplication>& apps,
                            storage::TimePoint now, bool heatContraindicated = false, const ThermalRules& rules = {});

// Applications still marked running whose planned end is at or before `now`.
std::vector<storage::ThermalApplication> dueToFinish(const std::vector<storage::ThermalApplication>& apps,
                                                     storage::TimePoint now);

// The service the screens use: checks the rules, then writes (one transaction per write).
class ThermalTimers {
public:
    ThermalTimers(storage::RecoveryStore& store, storage::Id profileId, ThermalRules rules = {})
        : m_store(store), m_profile(profileId), m_rules(rules) {}

    // Current state for the profile's current episode (NoEpisode without one).
    Expected<ThermalStatus> status(storage::TimePoint now) const;
    // Starts an application of `kind` lasting `minutes` (1-20). Refused while one runs, during the
    // enforced rest, heat in the ice phase, or heat when a red flag rules it out.
    Expected<storage::Id> start(Thermal kind, int minutes, storage::TimePoint now);
    // Stops the running application early.
    Status stop(storage::TimePoint now);
    // Records the end of every application whose time is up (at its planned end); returns those
    // this call finished, for the banner and the sound.
    Expected<std::vector<storage::ThermalApplication>> finishDue(storage::TimePoint now);

private:
    Expected<bool> heatContraindicated(const storage::Episode& e) const;
    storage::RecoveryStore& m_store;
    storage::Id m_profile;
    ThermalRules m_rules;
};

}  // namespace ptcoach::recovery
