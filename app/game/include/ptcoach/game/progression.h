#pragma once
// Points, levels, badges and the weekly goal ring: what the person earns by doing the plan well.
// Pure functions over plain records; ptcoach/game/progress_service.h reads and writes them.
//
// Points (XP):
// - 10 for each good-form rep (the camera saw no fault), 3 for any other counted rep;
// - 2 for each second held (holds, posture checks, timed work);
// - 50 for a session done in full, once a day; the same 50 for a session stopped for pain (pain
//   after 2 or more above pain before, or "Stop: it hurts"), so stopping safely loses nothing;
// - nothing for reps or seconds past the plan: per exercise and local day, only as many reps and
//   seconds as this session planned, less what the day already rewarded (a second run of the same
//   session the same day earns nothing more).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/engine/session.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::game {

inline constexpr int kXpGoodRep = 10, kXpOtherRep = 3, kXpPerHeldS = 2, kXpSession = 50;

struct PointsLine {
    std::string kind;        // good_reps, reps, hold, session, safe_stop
    std::string exerciseId;  // "" for the session lines
    int amount = 0;          // reps or seconds rewarded
    int points = 0;
    std::string note;        // what the person reads ("8 good reps", "past the plan: none")
};

// What one local day has already rewarded, per exercise.
struct DayRewarded {
    std::map<std::string, int> reps;       // exercise -> reps rewarded (good or not)
    std::map<std::string, int> heldS;      // exercise -> seconds rewarded
    bool sessionBonus = false;             // a session (or safe-stop) bonus was given
};

struct SessionPoints {
    std::vector<PointsLine> lines;
    int total = 0;
    int repsPastPlan = 0;     // counted reps that earned nothing because the plan was already met
};

// The points a saved session earns. `safeStop`: it ended early because of pain (see above).
SessionPoints pointsForSession(const engine::SessionSummary& s, const DayRewarded& today, bool safeStop);

// Levels: level L starts at 25 (L - 1) (L + 2) points: 0, 100, 250, 450, 700, 1000 ...
int levelForXp(int64_t xp);
int64_t xpForLevel(int level);
struct LevelProgress {
    int level = 1;
    int64_t xp = 0, levelStart = 0, nextLevel = 100;
    double fraction() const { return nextLevel > levelStart ? double(xp - levelStart) / double(nextLevel - levelStart) : 0; }
};
LevelProgress levelProgress(int64_t xp);

// Badges.
struct BadgeInfo {
    std::string id, title, what;
};
const std::vector<BadgeInfo>& badgeCatalog();
const BadgeInfo* findBadge(const std::string& id);

// What the badges are judged on (gathered from the history by progress_service).
struct ProgressFacts {
    int streakDays = 0;                 // engine::streakDays over session days (rest days skipped)
    int weekDays = 0, weekGoal = 3;     // days with a session this week (Monday first), the goal
    bool fullWeekEver = false;          // some calendar week (this one included) met its goal
    int perfectSets = 0;                // in the session just saved
    bool iceHeatOnSchedule = false;     // iceHeatOnSchedule() for the current episode
    std::optional<int> onsetPain, latestPain;  // the current episode's pain at onset; the newest pain score
    int sessionsDone = 0;               // saved sessions, this one included
};
// The badges the facts earn (ids), in catalogue order; the caller keeps only the new ones.
std::vector<std::string> badgesEarned(const ProgressFacts& f);

// Ice/heat done as scheduled: on one local day, 3 or more finished applications of the kind the
// episode's phase called for when each began (ice before onset + ice hours, heat after), each
// lasting 10 to 20 minutes.
bool iceHeatOnSchedule(const storage::Episode& episode, const std::vector<storage::ThermalApplication>& apps);

// The weekly goal ring: days this week (Monday first) with a session, against the goal.
struct WeeklyRing {
    int days = 0, goal = 3;
    double fraction() const { return goal > 0 ? std::min(1.0, double(days) / goal) : 0; }
};
// Days (local day numbers) with a session or a safety stop, this week of `today`.
WeeklyRing weeklyRing(const std::vector<int64_t>& activeDays, int64_t today, int goal);
// Every calendar week in `activeDays` with at least `goal` distinct days.
bool anyFullWeek(const std::vector<int64_t>& activeDays, int goal);

}  // namespace ptcoach::game
