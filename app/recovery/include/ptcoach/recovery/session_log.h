#pragma once
// The session log a clinician reads: per session its date, program, each exercise's reps against
// the plan or hold seconds, form, and pain before and after, newest first. Shared by the PDF report
// and the therapist's patient page.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/recovery/progress.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

struct SessionLogItem {
    std::string exerciseId, title, side;
    int setsDone = 0, repsDone = 0, repsPlanned = 0;
    double holdS = 0, holdPlannedS = 0;
    std::optional<double> quality;
    std::string doneText() const;  // "8 of 10 reps" or "25 of 30 s held"
};

struct SessionLogEntry {
    storage::Id id = 0;
    storage::TimePoint startedAt;
    std::optional<storage::TimePoint> endedAt;  // unset: the session stopped part-way (a crash, a kill)
    std::string programId, programTitle;
    bool completed = false;                     // every step done
    bool withCamera = true;
    std::optional<int> painBefore, painAfter, stars;
    std::optional<double> form;                 // mean form quality 0-100 of the exercises the camera judged
    std::vector<SessionLogItem> items;
    bool finished() const { return endedAt.has_value(); }
    std::string statusText() const;             // "complete", "ended early", "unfinished"
    std::string itemsText() const;              // "Bridge 8 of 10 reps; Knee to chest 30 of 30 s held"
    std::string painText() const;               // "pain 3 -> 2", "pain 3 -> -"
};

// The profile's sessions, newest first (at most `limit`, <= 0 for all).
Expected<std::vector<SessionLogEntry>> sessionLog(const storage::RecoveryStore& store, storage::Id profileId,
                                                  const Titles& titles = {}, int limit = 0);

}  // namespace ptcoach::recovery
