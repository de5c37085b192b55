#pragma once
// The Progress screen: the charts of ptcoach/recovery/charts.h drawn with ImGui draw lists, and
// the CSV / PDF export buttons. Its state lives in RecoveryUi (recovery_screen.h).
#include "recovery_screen.h"

namespace ptcoach::ui {

void drawProgressScreen(UiState& st);

}  // namespace ptcoach::ui
