#pragma once
// Repository for the recovery history: profiles, episodes, red-flag screens, check-ins, ice/heat
// applications, hydration, and read access to sessions and their exercise results. Every write is
// one transaction: once a call returns success the record is stored (SQLite: WAL, synchronous=FULL;
// PostgreSQL: committed on the server) and survives a crash or a kill at any later moment. Times
// are wall-clock UTC, stored as ISO 8601 text.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::storage {

// TimePoint, Id, formatUtc and parseUtc come from database.h.

struct Profile {
    Id id = 0;
    std::string name;
    std::string role;  // "patient" or "therapist"
};

struct Episode {
    Id id = 0;
    Id profileId = 0;
    TimePoint onsetAt;
    std::string location;       // where it hurts
    std::string trigger;        // what set it off
    int pain = 0;               // NRS 0-10
    std::optional<std::string> spasmSeverity;  // Modified Ashworth: "0", "1", "1+", "2", "3", "4"
    std::optional<int> strainGrade;            // 1-3 if known
    int iceHours = 48;                         // 24-72
    bool blocked = false;                      // a red flag stopped exercise
    std::optional<TimePoint> clearedAt;        // a therapist cleared the red flag
    std::optional<Id> clearedBy;
    std::string clearedNote;
    std::optional<TimePoint> endedAt;
};

struct RedFlagScreenRecord {
    Id id = 0;
    Id profileId = 0;
    std::optional<Id> episodeId;
    TimePoint takenAt;
    std::string kind;                    // "full" or "short"
    std::map<std::string, bool> answers;  // question id -> yes
    bool anyYes = false;
};

struct CheckIn {
    Id id = 0;
    Id profileId = 0;
    TimePoint takenAt;
    std::optional<int> pain;       // 0-10
    std::optional<int> stiffness;  // 0-10
    std::string medication;        // free text as written
    std::string notes;
};

struct ThermalApplication {
    Id id = 0;
    Id profileId = 0;
    std::optional<Id> episodeId;
    std::string kind;  // "ice" or "heat"
    TimePoint startedAt;
    int plannedS = 900;  // 60-1200
    std::optional<TimePoint> endedAt;  // unset while running
};

struct HydrationEntry {
    Id id = 0;
    Id profileId = 0;
    TimePoint takenAt;
    int ml = 0;
};

// Read-only views of what the session screen writes.
struct SessionRow {
    Id id = 0;
    Id profileId = 0;
    std::string programId;
    TimePoint startedAt;
    std::optional<TimePoint> endedAt;
    std::optional<int> painBefore, painAfter;
    bool withCamera = true;
    std::optional<int> stars;
    bool completed = false;
};

struct ExerciseResultRow {
    Id id = 0;
    Id sessionId = 0;
    TimePoint sessionStartedAt;  // from the session, for charts
    std::string exerciseId;
    std::string side;
    int setsDone = 0, repsDone = 0, repsPlanned = 0;
    double holdS = 0, holdPlannedS = 0;
    std::optional<double> rom, quality;
    std::string faultsJson;
};

class RecoveryStore {
public:
    explicit RecoveryStore(Database& db) : m_db(db) {}
    Database& database() { return m_db; }
    const Database& database() const { return m_db; }

    // --- profiles ---
    // The single patient profile used until profile sign-in exists: the first patient profile
    // (created on first call when there is none), its id kept in settings ("default_profile_id").
    Expected<Id> ensureDefaultProfile(const std::string& name = "Me");
    Expected<Profile> profile(Id id) const;
    Expected<Id> addProfile(const std::string& name, const std::string& role);

    // --- episodes ---
    // Validates the fields (pain 0-10, Ashworth grade, strain 1-3, ice 24-72 h); returns the new id.
    Expected<Id> addEpisode(const Episode& e);
    Expected<std::vector<Episode>> episodes(Id profileId) const;  // newest onset first
    // The newest episode that has not ended, if any.
    Expected<std::optional<Episode>> activeEpisode(Id profileId) const;
    Expected<Episode> episode(Id episodeId) const;
    Status endEpisode(Id episodeId, TimePoint at);
    Status setIceHours(Id episodeId, int hours);
    // A therapist clears a red-flag block (exercise allowed again); `by` may be unset until
    // therapist profiles exist.
    Status clearRedFlag(Id episodeId, std::optional<Id> by, const std::string& note, TimePoint at);

    // --- red-flag screens ---
    // Saves the screen; when any answer is yes and it belongs to an episode, the episode is blocked
    // (and any earlier clearance withdrawn) in the same transaction.
    Expected<Id> addRedFlagScreen(const RedFlagScreenRecord& r);
    Expected<std::vector<RedFlagScreenRecord>> redFlagScreens(Id profileId) const;  // oldest first
    Expected<std::optional<RedFlagScreenRecord>> latestRedFlagScreen(Id profileId, std::optional<Id> episodeId) const;

    // --- check-ins and hydration ---
    Expected<Id> addCheckIn(const CheckIn& c);
    Expected<std::vector<CheckIn>> checkIns(Id profileId) const;  // oldest first
    Expected<Id> addHydration(Id profileId, TimePoint at, int ml);
    Expected<std::vector<HydrationEntry>> hydration(Id profileId) const;  // oldest first
    // Sum of ml in [from, to).
    Expected<int> hydrationBetween(Id profileId, TimePoint from, TimePoint to) const;

    // --- ice and heat ---
    Expected<Id> addThermalApplication(const ThermalApplication& a);
    // Sets ended_at only if still unset; returns whether this call ended it.
    Expected<bool> endThermalApplication(Id applicationId, TimePoint at);
    Expected<std::vector<ThermalApplication>> thermalApplications(Id profileId) const;  // oldest first

    // --- sessions (read only) ---
    Expected<std::vector<SessionRow>> sessions(Id profileId) const;  // oldest first
    Expected<std::vector<ExerciseResultRow>> exerciseResults(Id profileId) const;  // by session time

private:
    Database& m_db;
};

}  // namespace ptcoach::storage
