#pragma once
// Small drawing helpers shared by the screens: the palette, headings, tiles and the skeleton.
#include <imgui.h>

#include <string>

#include "ptcoach/vision/pose_estimator.h"
#include "ui_state.h"

namespace ptcoach::ui {

inline const ImU32 kTeal = IM_COL32(38, 166, 154, 255);
inline const ImU32 kOrange = IM_COL32(255, 167, 38, 255);
inline const ImU32 kBlue = IM_COL32(66, 133, 244, 255);
inline const ImU32 kPurple = IM_COL32(149, 117, 205, 255);
inline const ImU32 kPink = IM_COL32(236, 64, 122, 255);
inline const ImU32 kGreen = IM_COL32(102, 187, 106, 255);
inline const ImU32 kRed = IM_COL32(255, 120, 120, 255);
inline const ImU32 kAmber = IM_COL32(255, 204, 128, 255);
inline const ImU32 kPanel = IM_COL32(38, 44, 58, 255);

// Clickable widgets go through these so that --script (ui_script.h) can find them by label: each
// records its label and rectangle for the frame. Same arguments as ImGui's own.
bool button(const char* label, const ImVec2& size = ImVec2(0, 0));
bool selectable(const char* label, bool selected = false, ImGuiSelectableFlags flags = 0,
                const ImVec2& size = ImVec2(0, 0));
bool checkbox(const char* label, bool* v);
bool radioButton(const char* label, bool active);
// After any other widget (InputText, SliderInt, Combo ...): records the last item under `label`.
void recordItem(const char* label);
// Records a line of text the screen shows (for scripted checks of what is on screen).
void recordText(const std::string& text);

// A coloured panel around what is drawn between beginPanel and endPanel (as tall as its content,
// full width). Panels do not nest.
void beginPanel();
void endPanel(ImU32 background, float padding);

// Text centred in the current window, in the given font and colour.
void textCentered(const char* text, ImFont* font, ImU32 colour);

// Who is signed in and a "Sign out" button, right-aligned on the current line.
void drawSignedInBadge(UiState& st);
// The width that badge takes (0 when nobody is signed in).
float signedInBadgeWidth(const UiState& st);

// The screen's header: a "< Home (Esc)" button (except on Home) and the title.
void screenHeader(UiState& st, const char* title);
// SameLine() when a button labelled `label` still fits on the line, else a new line.
void sameLineIfFits(const char* label);
// The left edge, in screen pixels, of the "CAMERA ON" badge drawn over the header row; FLT_MAX
// while no camera runs.
float cameraBadgeLeft(const UiState& st);
// A title in the heading font on the current line, cut to "..." where it would run past `rightX`
// (screen pixels) or under the camera badge; the whole title is what a script reads.
void headingText(UiState& st, const std::string& title, float rightX);

struct Tile {
    Screen target;
    const char* title;
    const char* blurb;
    ImU32 colour;
};
// A large focusable tile: coloured band, title and a line of text. Returns true when activated.
bool drawTile(UiState& st, const Tile& t, ImVec2 size);

// The skeleton over a picture drawn at `origin` with on-screen `size`: white bones, joints
// coloured by side (orange left, teal right), landmarks the model cannot see left out.
void drawSkeleton(const vision::PoseResult& pose, ImVec2 origin, ImVec2 size);

}  // namespace ptcoach::ui
