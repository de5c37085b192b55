#pragma once
// Progress aggregated from the stored history: pain over time with sessions, weekly adherence,
// range of motion and form quality per exercise, days since onset, phase and streak. Plain data
// for the charts on screen and in the PDF report.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/recovery/phase.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

using storage::TimePoint;

struct PainPoint {
    enum class Source { Episode, CheckIn, BeforeSession, AfterSession };
    TimePoint at;
    int pain = 0;
    Source source = Source::CheckIn;
};

struct SessionMark {
    TimePoint at;
    bool completed = false;
    std::string programId;
};

struct WeekAdherence {
    TimePoint weekStart;  // local Monday 00:00
    int planned = 0;
    int done = 0;  // completed sessions
};

struct ExercisePoint {
    TimePoint at;
    std::optional<double> rom;
    std::optional<double> quality;
};

struct ExerciseSeries {
    std::string exerciseId;
    std::string title, unit;            // from ProgressOptions::titles ("" when not known)
    std::vector<ExercisePoint> points;  // in time order
    bool hasRom() const;                // any point with a range of motion (the camera judged it)
};

// Names and units to show in place of ids (programs and exercises), where the caller knows them
// (the library is the engine's); unknown ids show as they are.
struct Titles {
    std::map<std::string, std::string> programs, exercises;
    std::map<std::string, std::string> romUnits;  // exercise id -> the unit of its range of motion ("degrees")
    std::string program(const std::string& id) const;   // the title, else the id
    std::string exercise(const std::string& id) const;
    std::string romUnit(const std::string& id) const;   // "" when unknown or unitless
};

struct ProgressOptions {
    int weeks = 12;             // the charts cover at most this many weeks (ending this week),
                                // starting at the week of the first record in them
    int plannedPerWeek = 4;     // sessions planned a week
    Titles titles;              // for the report's words
    int waterGoalMl = 2000;
};

struct ProgressSummary {
    storage::Id profileId = 0;
    TimePoint now, from;  // chart range [from, now]
    std::optional<storage::Episode> episode;  // the current one
    std::optional<int> daysSinceOnset;
    std::optional<Phase> phase;
    std::optional<Thermal> thermal;
    bool blocked = false;       // an open red flag blocks exercise
    int streakDays = 0;         // days in a row (ending today or yesterday) with a session that counts (countsAsDone) or a check-in
    std::vector<bool> lastDays; // activity on each of the last 14 days, oldest first
    int sessionsCompleted = 0;
    std::optional<int> latestPain;
    std::optional<int> firstPain;  // at the start of the range (or the episode's onset)
    int waterTodayMl = 0;
    int waterGoalMl = 2000;
    std::vector<PainPoint> pain;
    std::vector<SessionMark> sessions;
    std::vector<WeekAdherence> weeks;
    std::vector<ExerciseSeries> exercises;
};

// A session counts for adherence and the streak when it was completed or earned a star (30 % or more
// of the plan done), so a session stopped near its end still counts, a false start does not.
bool countsAsDone(const storage::SessionRow& s);

// Local-time day and week starts (the person's own calendar).
TimePoint startOfLocalDay(TimePoint t);
TimePoint startOfLocalWeek(TimePoint t);  // Monday
TimePoint addLocalDays(TimePoint dayStart, int days);
// A time in local time, formatted with strftime's `format`.
std::string localText(TimePoint t, const char* format = "%a %d %b %Y %H:%M");

// The planned sessions a week for a profile, kept in settings ("profile.<id>.sessions_per_week");
// `fallback` when not set (or not a number 0-14); a read error is an Error.
Expected<int> plannedSessionsPerWeek(const storage::Database& db, storage::Id profileId, int fallback = 4);
Status setPlannedSessionsPerWeek(storage::Database& db, storage::Id profileId, int perWeek);

Expected<ProgressSummary> buildProgress(const storage::RecoveryStore& store, storage::Id profileId, TimePoint now,
                                        const ProgressOptions& options = {});

}  // namespace ptcoach::recovery
