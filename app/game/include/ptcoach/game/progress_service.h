#pragma once
// The progression's reads and writes: after a session is saved, its points, badges and game score
// go into the database; Home, the summary and the game screens read the level, the weekly ring,
// the badges and the best scores; the session start asks for the pain-guided dose offer and the
// reach game's next star. Headless (tests use it on a database file).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/engine/session.h"
#include "ptcoach/game/dosing.h"
#include "ptcoach/game/play.h"
#include "ptcoach/game/progression.h"
#include "ptcoach/storage/database.h"
#include "ptcoach/storage/progress_store.h"

namespace ptcoach::game {

using TimePoint = std::chrono::system_clock::time_point;

struct ProgressInput {
    storage::Id profileId = 0;
    std::optional<storage::Id> sessionId;
    engine::SessionSummary summary;
    std::optional<GameResult> game;   // a game was played
    bool stoppedForPain = false;      // the person ended it with "Stop: it hurts"
    int weekGoal = 3;                 // the program's days a week (3 for a practice)
    TimePoint now = std::chrono::system_clock::now();
    std::function<bool(int64_t)> isRestDay;  // the program's rest days (streaks skip them)
};

struct SavedProgress {
    SessionPoints points;
    LevelProgress before, after;
    bool levelUp() const { return after.level > before.level; }
    std::vector<std::string> newBadges;
    WeeklyRing ring;
    int streak = 0;
    bool safeStop = false;
    std::optional<int> bestBefore;  // the game's best score before this one
    bool newBest = false;
};

// A safe stop: ended early, because of pain (the button, or pain after 2+ above pain before).
bool isSafeStop(const engine::SessionSummary& s, bool stoppedForPain);

// Records what the saved session earned. Call once per saved session.
Expected<SavedProgress> recordSessionProgress(storage::Database& db, const ProgressInput& in);
// A red flag stopped the session at its check-in: no points (nothing was done), and the day counts
// for the streak and the weekly ring, so stopping loses nothing.
Status recordRedFlagStop(storage::Database& db, storage::Id profileId, TimePoint now);

struct ProgressView {
    LevelProgress level;
    WeeklyRing ring;
    int streak = 0;
    std::vector<storage::BadgeRecord> badges;
    std::map<std::string, int> bestScores;  // game id -> best score over its exercises
};
Expected<ProgressView> loadProgress(const storage::Database& db, storage::Id profileId, int weekGoal, TimePoint now,
                                    const std::function<bool(int64_t)>& isRestDay = {});

// The days (local day numbers) with a saved session of at least a star, or a safety stop.
Expected<std::vector<int64_t>> activeDays(const storage::Database& db, storage::Id profileId);

// The dose offer for the next session, from the sessions since the last decision.
Expected<DoseOffer> currentDoseOffer(storage::Database& db, storage::Id profileId);
// Stores the person's answer to an offer (the therapist sees it either way).
Status decideDose(storage::Database& db, storage::Id profileId, const DoseOffer& offer, bool accepted, TimePoint now);

// The reach game's star for this session, 0..1 of the exercise's full range: the count threshold the
// first time; then 0.05 further than last time, but never past the furthest rep the person has shown.
Expected<float> reachTargetFor(const storage::Database& db, storage::Id profileId, const std::string& exerciseId,
                               float countThreshold);

}  // namespace ptcoach::game
