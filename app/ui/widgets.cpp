// Shared drawing helpers (see widgets.h).
#include "widgets.h"

#include <algorithm>

namespace ptcoach::ui {

namespace {

UiRecorder* recorder() { return static_cast<UiRecorder*>(ImGui::GetIO().UserData); }

std::string visibleLabel(const char* label) {
    std::string s = label;
    auto p = s.find("##");
    if (p != std::string::npos) s.resize(p);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
}

}  // namespace

void recordItem(const char* label) {
    // Only what a person could click: not scrolled out of view or clipped away.
    // A half-hidden one is clicked where it shows (a person clicks the part they see).
    if (!ImGui::IsItemVisible()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    ImVec2 clipLo = dl->GetClipRectMin(), clipHi = dl->GetClipRectMax();
    lo = ImVec2(std::max(lo.x, clipLo.x), std::max(lo.y, clipLo.y));
    hi = ImVec2(std::min(hi.x, clipHi.x), std::min(hi.y, clipHi.y));
    if (hi.x <= lo.x || hi.y <= lo.y) return;
    if (UiRecorder* r = recorder()) r->items.push_back({visibleLabel(label), label, lo, hi});
}

void recordText(const std::string& text) {
    if (UiRecorder* r = recorder()) r->texts.push_back(text);
}

bool button(const char* label, const ImVec2& size) {
    bool pressed = ImGui::Button(label, size);
    recordItem(label);
    return pressed;
}

bool selectable(const char* label, bool selected, ImGuiSelectableFlags flags, const ImVec2& size) {
    bool pressed = ImGui::Selectable(label, selected, flags, size);
    recordItem(label);
    return pressed;
}

bool checkbox(const char* label, bool* v) {
    bool pressed = ImGui::Checkbox(label, v);
    recordItem(label);
    return pressed;
}

bool radioButton(const char* label, bool active) {
    bool pressed = ImGui::RadioButton(label, active);
    recordItem(label);
    return pressed;
}

void beginPanel() {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::BeginGroup();
}

void endPanel(ImU32 background, float padding) {
    ImGui::EndGroup();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->ChannelsSetCurrent(0);
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    b.x = std::max(b.x, ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x);
    dl->AddRectFilled(ImVec2(a.x - padding, a.y - padding), ImVec2(b.x, b.y + padding), background, padding);
    dl->ChannelsMerge();
    ImGui::Dummy(ImVec2(0, padding));
}

void textCentered(const char* text, ImFont* font, ImU32 colour) {
    ImGui::PushFont(font);
    float w = ImGui::CalcTextSize(text).x;
    float avail = ImGui::GetContentRegionAvail().x;
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    if (w <= avail) {
        ImGui::SetCursorPosX((ImGui::GetWindowWidth() - w) * 0.5f);
        ImGui::TextUnformatted(text);
    } else {
        ImGui::TextWrapped("%s", text);  // too wide for one line (large text, small window): wrapped
    }
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

// A large focusable tile: coloured band, title and a line of text. Returns true when activated.
bool drawTile(UiState& st, const Tile& t, ImVec2 size) {
    ImGui::PushID(t.title);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::InvisibleButton("tile", size);
    recordItem(t.title);
    bool hovered = ImGui::IsItemHovered() || ImGui::IsItemFocused();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p1(p0.x + size.x, p0.y + size.y);
    float r = 18.0f * st.dpiScale;
    dl->AddRectFilled(p0, p1, hovered ? IM_COL32(52, 60, 78, 255) : IM_COL32(38, 44, 58, 255), r);
    dl->AddRectFilled(p0, ImVec2(p1.x, p0.y + 10 * st.dpiScale), t.colour, r, ImDrawFlags_RoundCornersTop);
    if (hovered) dl->AddRect(p0, p1, t.colour, r, 0, 3.0f * st.dpiScale);
    // A badge (a ring in the tile's colour) beside the title, the blurb below while it fits.
    float k = st.dpiScale;
    float band = 10 * k, pad = 16 * k;
    ImFont* hf = st.fonts.heading;
    float headH = hf->FontSize;
    float ringR = std::min(20 * k, headH * 0.75f);
    float top = p0.y + band + std::min(pad, (size.y - band - headH) * 0.35f);
    ImVec2 c(p0.x + pad + ringR, top + headH * 0.5f);
    dl->AddCircleFilled(c, ringR, t.colour, 32);
    dl->AddCircleFilled(c, ringR * 0.55f, IM_COL32(38, 44, 58, 255), 32);
    // The title in the heading font, smaller when it would not fit the tile (large text, small window).
    float titleX = c.x + ringR + 14 * k, titleW = p1.x - pad - titleX;
    float fs = headH, tw = hf->CalcTextSizeA(fs, FLT_MAX, 0, t.title).x;
    if (tw > titleW && tw > 0) fs = std::max(st.fonts.body->FontSize * 0.8f, fs * titleW / tw);
    dl->AddText(hf, fs, ImVec2(titleX, top + (headH - fs) * 0.5f), IM_COL32(255, 255, 255, 255), t.title);
    float textY = top + headH + 10 * k;
    float wrap = size.x - 2 * pad;
    ImVec2 ts = st.fonts.body->CalcTextSizeA(st.fonts.body->FontSize, FLT_MAX, wrap, t.blurb);
    if (textY + ts.y <= p1.y - 8 * k)
        dl->AddText(st.fonts.body, st.fonts.body->FontSize, ImVec2(p0.x + pad, textY), IM_COL32(200, 206, 218, 255),
                    t.blurb, nullptr, wrap);
    ImGui::PopID();
    return pressed;
}

float signedInBadgeWidth(const UiState& st) {
    if (!st.auth.user) return 0;
    std::string who = st.auth.user->name + (st.auth.user->role == storage::Role::Therapist ? " (therapist)" : "");
    const char* out = st.options.kiosk ? "Sign out  (done)" : "Sign out";
    return ImGui::CalcTextSize(who.c_str()).x + ImGui::CalcTextSize(out).x + ImGui::GetStyle().FramePadding.x * 2 +
           ImGui::GetStyle().ItemSpacing.x * 2;
}

void drawSignedInBadge(UiState& st) {
    if (!st.auth.user) return;
    std::string who = st.auth.user->name + (st.auth.user->role == storage::Role::Therapist ? " (therapist)" : "");
    const char* out = st.options.kiosk ? "Sign out  (done)" : "Sign out";
    float w = signedInBadgeWidth(st);
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - w));
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImVec4(0.7f, 0.85f, 0.95f, 1.0f), "%s", who.c_str());
    recordText("Signed in: " + st.auth.user->name);
    ImGui::SameLine();
    if (button(out)) signOut(st, "");
}

void sameLineIfFits(const char* label) {
    const ImGuiStyle& style = ImGui::GetStyle();
    float w = ImGui::CalcTextSize(label, nullptr, true).x + style.FramePadding.x * 2;
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + w > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
}

float cameraBadgeLeft(const UiState& st) {
    if (!st.camera.worker) return FLT_MAX;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    bool failed = st.camera.worker->state() == vision::WorkerState::Failed;
    float w = ImGui::CalcTextSize(failed ? "NO CAMERA" : "CAMERA ON").x + 48 * st.dpiScale;
    return vp->WorkPos.x + vp->WorkSize.x * 0.62f - w * 0.5f;
}

void headingText(UiState& st, const std::string& title, float rightX) {
    ImGui::PushFont(st.fonts.heading);
    float x0 = ImGui::GetCursorScreenPos().x;
    float limit = std::min(rightX, cameraBadgeLeft(st)) - ImGui::GetStyle().ItemSpacing.x - x0;
    std::string shown = title;
    if (ImGui::CalcTextSize(shown.c_str()).x > limit) {
        while (!shown.empty() && ImGui::CalcTextSize((shown + "...").c_str()).x > limit) {
            shown.pop_back();
            while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
        }
        shown += "...";
    }
    ImGui::TextUnformatted(shown.c_str());
    ImGui::PopFont();
    recordText(title);
}

void screenHeader(UiState& st, const char* title) {
    if (st.screen != Screen::Home) {
        if (button("< Home  (Esc)")) st.go(Screen::Home);
        ImGui::SameLine();
    }
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    recordText(title);
    drawSignedInBadge(st);
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
