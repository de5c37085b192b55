#pragma once
// Taking the history out: CSV files of every record of a profile, and a printable PDF report with
// the charts (cairo), for the person to bring to a clinician.
#include <filesystem>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/recovery/progress.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

// Writes one CSV per table (profiles, episodes, red_flag_screens, checkins, sessions,
// exercise_results, thermal_applications, hydration, and the progression's progress_points, badges,
// game_scores and dose_changes) with a header row, RFC 4180 quoting. Each file
// is written to a temporary name and renamed, so a crash never leaves a half-written CSV.
Expected<std::vector<std::filesystem::path>> exportCsv(const storage::RecoveryStore& store, storage::Id profileId,
                                                       const std::filesystem::path& dir);

// "a,b" -> "\"a,b\"" (quotes doubled); plain fields unchanged.
std::string csvField(const std::string& s);

// A4 PDF: summary, recovery clock, pain, adherence, streak, every exercise's ROM and quality, the
// episodes and red-flag screens. Written to a temporary name and renamed.
Status writeReport(const storage::RecoveryStore& store, storage::Id profileId, TimePoint now,
                   const std::filesystem::path& pdf, const ProgressOptions& options = {});

}  // namespace ptcoach::recovery
