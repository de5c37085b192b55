#pragma once
// Guided sessions in the person's history: the sessions and exercise_results tables (schema 2).
// Plain records; each save is one transaction, so a failure leaves nothing half-written. (Red-flag
// screens, the check-in's among them, are saved through recovery::recordScreen.)
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::storage {

struct ExerciseResultRecord {
    std::string exerciseId, side = "both";
    int setsDone = 0, repsDone = 0, repsPlanned = 0;
    double holdS = 0, holdPlannedS = 0;
    std::optional<double> rom, quality;
    std::vector<std::pair<std::string, int>> faults;  // code, count
};

struct SessionRecord {
    int64_t id = 0;
    int64_t profileId = 0;
    std::string programId;
    std::string startedAt, endedAt;  // ISO 8601 UTC; endedAt empty: not finished (yet)
    std::optional<int> painBefore, painAfter;
    bool withCamera = true;
    std::optional<int> stars;
    bool completed = false;
    std::vector<ExerciseResultRecord> exercises;
};

// The patient profile sessions belong to: the first one, created ("Me") when there is none.
Expected<int64_t> defaultPatientProfile(Database& db);

// The first patient profile, if there is one (reads only).
Expected<std::optional<int64_t>> findPatientProfile(Database& db);

// Saves a session with its exercise results; returns the new session id. An empty endedAt saves a
// session still under way (or stopped part-way: "unfinished" in the history).
Expected<int64_t> saveSession(Database& db, const SessionRecord& s);
// Rewrites a saved session of s.profileId (its row and all its exercise results) in one
// transaction: a session saved set by set, each set as it completes.
Status updateSession(Database& db, int64_t id, const SessionRecord& s);
// A profile's sessions, newest first, with their exercise results. limit <= 0: all.
Expected<std::vector<SessionRecord>> listSessions(Database& db, int64_t profileId, int limit = 50);

}  // namespace ptcoach::storage
