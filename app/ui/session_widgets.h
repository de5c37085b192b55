#pragma once
// The guided session's drawing pieces that the game screens use too (defined in session_screen.cpp).
#include <set>
#include <string>

#include <imgui.h>

#include "ptcoach/engine/session.h"
#include "ptcoach/vision/pose_estimator.h"

namespace ptcoach::ui {

struct UiState;

// A wide banner with the cue in the heading font.
void cueBanner(UiState& st, const engine::Cue& cue, ImVec2 pos, float width);
// A ring that fills clockwise with `fraction`, the text in its middle and a line below.
// textScale grows the text for a moment when the count changes (the animated counter).
void ring(UiState& st, ImVec2 centre, float radius, float fraction, ImU32 colour, const std::string& text,
          const std::string& below, float textScale = 1.0f);
// A five-pointed star, filled or as an outline.
void star(ImDrawList* dl, ImVec2 c, float r, bool filled);
// Landmarks involved in the form faults active now.
std::set<int> faultyLandmarks(const engine::Session& s);
// The skeleton with joints coloured by form: green when fine, red where a fault is.
void skeletonByForm(const vision::PoseResult& pose, ImVec2 origin, ImVec2 size, const std::set<int>& bad, bool judged);
// The live picture scaled into `avail`, top-left at the cursor; false when there is none yet.
bool cameraPicture(UiState& st, ImVec2 avail, ImVec2& origin, ImVec2& size);

// "Saved to your history (session #N)." or why it was not saved.
void drawSaveStatus(UiState& st);

}  // namespace ptcoach::ui
