#pragma once
// The Progress screen: the charts of ptcoach/recovery/charts.h drawn with ImGui draw lists, and
// the CSV / PDF export buttons. Its state lives in RecoveryUi (recovery_screen.h). The charts are
// drawn by drawProgressCharts for any profile's summary (the therapist's view of a patient too).
#include "ptcoach/recovery/progress.h"
#include "recovery_screen.h"

namespace ptcoach::ui {

void drawProgressScreen(UiState& st);

// The charts of one summary in a child window `id` filling the rest of the current window: the
// recovery clock, streak and water; pain with sessions and weekly adherence; each exercise's range
// of motion and form. `firstSessionText` completes "... appear here after %s." when no exercise
// has results yet.
void drawProgressCharts(UiState& st, const recovery::ProgressSummary& summary, const char* id,
                        const char* firstSessionText);

}  // namespace ptcoach::ui
