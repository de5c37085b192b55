// Shared drawing helpers (see widgets.h).
#include "widgets.h"

#include <algorithm>

namespace ptcoach::ui {

void textCentered(const char* text, ImFont* font, ImU32 colour) {
    ImGui::PushFont(font);
    float w = ImGui::CalcTextSize(text).x;
    ImGui::SetCursorPosX((ImGui::GetWindowWidth() - w) * 0.5f);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

// A large focusable tile: coloured band, title and a line of text. Returns true when activated.
bool drawTile(UiState& st, const Tile& t, ImVec2 size) {
    ImGui::PushID(t.title);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::InvisibleButton("tile", size);
    bool hovered = ImGui::IsItemHovered() || ImGui::IsItemFocused();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p1(p0.x + size.x, p0.y + size.y);
    float r = 18.0f * st.dpiScale;
    dl->AddRectFilled(p0, p1, hovered ? IM_COL32(52, 60, 78, 255) : IM_COL32(38, 44, 58, 255), r);
    dl->AddRectFilled(p0, ImVec2(p1.x, p0.y + 10 * st.dpiScale), t.colour, r, ImDrawFlags_RoundCornersTop);
    if (hovered) dl->AddRect(p0, p1, t.colour, r, 0, 3.0f * st.dpiScale);
    // A simple badge: a ring in the tile's colour.
    ImVec2 c(p0.x + 44 * st.dpiScale, p0.y + 62 * st.dpiScale);
    dl->AddCircleFilled(c, 22 * st.dpiScale, t.colour, 32);
    dl->AddCircleFilled(c, 12 * st.dpiScale, IM_COL32(38, 44, 58, 255), 32);
    ImGui::PushFont(st.fonts.heading);
    dl->AddText(ImVec2(p0.x + 80 * st.dpiScale, p0.y + 44 * st.dpiScale), IM_COL32(255, 255, 255, 255), t.title);
    ImGui::PopFont();
    ImVec2 textPos(p0.x + 24 * st.dpiScale, p0.y + 100 * st.dpiScale);
    dl->AddText(st.fonts.body, st.fonts.body->FontSize, textPos, IM_COL32(200, 206, 218, 255), t.blurb, nullptr,
                size.x - 48 * st.dpiScale);
    ImGui::PopID();
    return pressed;
}

void screenHeader(UiState& st, const char* title) {
    if (st.screen != Screen::Home) {
        if (ImGui::Button("< Home  (Esc)")) st.go(Screen::Home);
        ImGui::SameLine();
    }
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    ImGui::Separator();
    ImGui::Spacing();
}

void drawSkeleton(const vision::PoseResult& pose, ImVec2 origin, ImVec2 size) {
    if (!pose.person) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto at = [&](int i) {
        return ImVec2(origin.x + pose.landmarks[i].x * size.x, origin.y + pose.landmarks[i].y * size.y);
    };
    auto seen = [&](int i) { return pose.landmarks[i].visibility >= 0.5f; };
    float thick = std::max(2.0f, size.y / 150.0f);
    for (auto [a, b] : vision::kPoseConnections)
        if (seen(a) && seen(b)) dl->AddLine(at(a), at(b), IM_COL32(255, 255, 255, 220), thick);
    for (int i = 0; i < vision::kNumPoseLandmarks; ++i) {
        if (!seen(i)) continue;
        bool left = i < 11 ? (i >= 1 && i <= 3) || i == 7 || i == 9 : i % 2 == 1;
        dl->AddCircleFilled(at(i), thick * 1.8f, i == 0 ? IM_COL32(255, 255, 255, 255) : left ? kOrange : kTeal);
    }
}

}  // namespace ptcoach::ui
