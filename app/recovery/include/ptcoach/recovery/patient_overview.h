#pragma once
// What a therapist sees of each patient at a glance, read from the database for the signed-in
// therapist: last session, sessions in the last 7 days against the plan, pain and its trend, open
// red-flag alerts (and the person's own record of a clinician's clearance), the current episode
// and assignment, lock-outs. UI-free: the Therapist screen draws it; tests and tools read it.
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

struct PatientOverview {
    storage::Account account;
    std::optional<storage::TimePoint> lastSession;  // the newest session's start
    int sessionsLast7Days = 0;                      // completed, in the last 7 days
    int plannedPerWeek = 0;                         // the assigned program's training days, else the profile's plan; 0: none
    std::optional<int> latestPain;                  // the newest pain reading (check-in, episode, session)
    std::optional<int> painChange;                  // latest minus the reading a week earlier
    std::optional<storage::TimePoint> latestPainAt;
    std::vector<AlertView> openAlerts;              // every open red flag, newest first
    std::optional<storage::RedFlagAlert> selfCleared;  // the newest one the person resolved after a clinician's visit
    std::optional<storage::Episode> activeEpisode;
    bool locked = false;                            // locked out by wrong PINs right now
    std::optional<storage::Assignment> assignment;  // the open one
    std::string error;                              // reading part of this patient's history failed

    bool blocked() const;    // an open alert of the emergency or clinician tier
    bool emergency() const;  // an open alert of the emergency tier
    // "Red flag (emergency): bladder or bowel control, Tue 01 Dec 21:40; ..." or "" when none is open.
    std::string alertsText() const;
};

// The training days a week of a program file's JSON (its "week": entries that are not "rest").
std::optional<int> trainingDaysOf(const std::string& programJson);

// One patient's overview at `now` (failures to read a part are kept in .error, not fatal).
PatientOverview readPatientOverview(const storage::AccountStore& accounts, const storage::RecoveryStore& store,
                                    const storage::Account& patient, storage::TimePoint now);
// Every patient the therapist may see (AccountStore::canView), in the order patientsOf gives.
Expected<std::vector<PatientOverview>> therapistPatients(storage::Database& db, storage::Id therapistId,
                                                         storage::TimePoint now);

}  // namespace ptcoach::recovery
