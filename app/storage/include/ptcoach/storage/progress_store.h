#pragma once
// Progression in the person's history (schema 4): the points each saved session earned, one row
// per reward with the local day it counts for; badges (each earned once); game scores; and the
// pain-guided dose changes, offered and accepted or declined, which the therapist reads. Every
// write is one transaction.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::storage {

struct PointsRecord {
    Id id = 0;
    Id profileId = 0;
    std::optional<Id> sessionId;
    std::string earnedAt;    // ISO 8601 UTC
    std::string day;         // local date YYYY-MM-DD the reward counts for
    std::string exerciseId;  // "" for a session line
    std::string kind;        // good_reps, reps, hold, session, safe_stop; pain_stop, red_flag_stop (0 points: the day counts)
    int amount = 0, points = 0;
    std::string note;
};

struct BadgeRecord {
    Id id = 0;
    Id profileId = 0;
    std::string badgeId, earnedAt;
    std::optional<Id> sessionId;
};

struct GameScoreRecord {
    Id id = 0;
    Id profileId = 0;
    std::optional<Id> sessionId;
    std::string gameId, exerciseId, playedAt;
    int score = 0, reps = 0, repsPlanned = 0, good = 0;
    double heldS = 0, heldPlannedS = 0;
    std::optional<double> reachTarget, bestProgress;
    std::vector<std::pair<std::string, int>> faults;
};

struct DoseChangeRecord {
    Id id = 0;
    Id profileId = 0;
    std::string decidedAt;
    std::string kind;        // lighter, step_up, ready_for_more, see_therapist
    int fromLevel = 0, toLevel = 0;  // 0 = the therapist's plan, -1..-3 lighter
    std::string reason, detail;
    bool accepted = false;
    std::optional<Id> sessionId;
};

class ProgressStore {
public:
    explicit ProgressStore(Database& db) : m_db(db) {}

    // A session's rewards, its badges (those already held are left as they are) and its game score,
    // in one transaction. Returns the ids of the badges that are new.
    Expected<std::vector<std::string>> saveProgress(const std::vector<PointsRecord>& points,
                                                    const std::vector<BadgeRecord>& badges,
                                                    const std::optional<GameScoreRecord>& score);

    Expected<int64_t> totalPoints(Id profileId) const;
    Expected<std::vector<PointsRecord>> points(Id profileId) const;                         // oldest first
    Expected<std::vector<PointsRecord>> pointsOn(Id profileId, const std::string& day) const;
    Expected<std::vector<BadgeRecord>> badges(Id profileId) const;                          // oldest first
    // Game scores, newest first; an empty game or exercise id matches all.
    Expected<std::vector<GameScoreRecord>> gameScores(Id profileId, const std::string& gameId = {},
                                                      const std::string& exerciseId = {}, int limit = 0) const;
    Expected<std::optional<GameScoreRecord>> bestScore(Id profileId, const std::string& gameId,
                                                       const std::string& exerciseId) const;

    Expected<Id> addDoseChange(const DoseChangeRecord& c);
    Expected<std::vector<DoseChangeRecord>> doseChanges(Id profileId) const;  // newest first
    // The level of the newest accepted change (0, the plan, when there is none).
    Expected<int> doseLevel(Id profileId) const;

private:
    Database& m_db;
};

}  // namespace ptcoach::storage
