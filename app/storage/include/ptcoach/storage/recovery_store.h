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
    std::optional<TimePoint> endedAt;
    // Red flags are RedFlagAlert rows (schema 4), not a property of the episode: closing an episode
    // never clears one. (The episodes table's blocked/cleared_* columns of schema 2 are no longer
    // written.)
};

struct RedFlagScreenRecord {
    Id id = 0;
    Id profileId = 0;
    std::optional<Id> episodeId;
    TimePoint takenAt;
    std::string kind;                    // "full" or "short"
    std::map<std::string, bool> answers;  // question id -> yes
    bool anyYes = false;
    // Saving: the tier ("emergency", "clinician", "advice") of each question answered yes; each yes
    // becomes an open RedFlagAlert in the same transaction.
    std::map<std::string, std::string> tiers;
};

// One "yes" to a red-flag question, open until resolved: by a therapist with a note, or by the
// person recording that a clinician saw them and cleared them to exercise.
struct RedFlagAlert {
    Id id = 0;
    Id profileId = 0;
    std::optional<Id> screenId, episodeId;
    std::string questionId;  // ptcoach/safety ids; "earlier": a red flag saved before schema 4
    std::string tier;        // "emergency", "clinician" or "advice"
    TimePoint answeredAt;
    std::optional<TimePoint> resolvedAt;  // unset while open
    std::optional<Id> resolvedBy;
    std::string resolution;               // "therapist" or "clinician_visit" once resolved
    std::string note;                     // the therapist's note, or the person's own words
    std::string clinician;                // clinician_visit: who saw them (may be empty)
    std::optional<std::string> seenOn;    // clinician_visit: the day, YYYY-MM-DD
    bool open() const { return !resolvedAt; }
};

struct AlertResolution {
    std::string kind;                   // "therapist" (note required) or "clinician_visit" (seenOn required)
    std::optional<Id> by;               // the therapist, or the person themselves
    std::string note, clinician;
    std::optional<std::string> seenOn;  // YYYY-MM-DD, not after `at`
    TimePoint at;
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
    // A home install's own patient profile, signed in without a PIN while it has none: the first
    // patient profile (created on first call when there is none), its id kept in settings
    // ("default_profile_id").
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
    // Ends the episode (its red-flag alerts stay as they are).
    Status endEpisode(Id episodeId, TimePoint at);
    Status setIceHours(Id episodeId, int hours);

    // --- red-flag screens and alerts ---
    // Saves the screen and, in the same transaction, an open alert for each question answered yes
    // (its tier from r.tiers; a yes without a tier is an error).
    Expected<Id> addRedFlagScreen(const RedFlagScreenRecord& r);
    // The profile's alerts, newest answer first; only the open ones if `openOnly`.
    Expected<std::vector<RedFlagAlert>> redFlagAlerts(Id profileId, bool openOnly = false) const;
    // Resolves the given open alerts of the profile in one transaction (all or none): an alert that
    // is another profile's, or already resolved, is an error.
    Status resolveRedFlagAlerts(Id profileId, const std::vector<Id>& alertIds, const AlertResolution& how);
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
