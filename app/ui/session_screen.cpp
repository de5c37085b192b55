// The guided session screen: check-in, camera set-up, the exercise (live camera with the skeleton,
// demonstration, counter or ring timer, set, cue banner), rest, pain after and the summary. Draw code
// only reads the session and records actions (SessionUi::act); updateSession applies them.
#include <SDL2/SDL_scancode.h>
#include <SDL2/SDL_timer.h>
#include <imgui_internal.h>  // SetFocusID: the big default button a gamepad's A presses

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "demo_figure.h"
#include "game_ui.h"
#include "ptcoach/analysis/view.h"
#include "ptcoach/engine/calendar.h"
#include "ptcoach/recovery/progress.h"
#include "session_ui.h"
#include "session_widgets.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using engine::Stage;

namespace {

constexpr float kPi = 3.14159265f;

// ImGui 1.86 indexes keys by SDL scancode.
bool keyPressed(int scancode) { return ImGui::IsKeyPressed(scancode, false); }

ImU32 cueColour(const engine::Cue& c) {
    switch (c.kind) {
        case engine::CueKind::Good: return kGreen;
        case engine::CueKind::Form: return c.severity >= 1 ? kOrange : kAmber;
        case engine::CueKind::View: return kBlue;
        case engine::CueKind::Pause: return kPurple;
        case engine::CueKind::Safety: return IM_COL32(211, 47, 47, 255);
        case engine::CueKind::Info: return IM_COL32(69, 90, 100, 255);
        case engine::CueKind::Coach: return kTeal;
    }
    return kTeal;
}

}  // namespace

// The widgets the game screens share (session_widgets.h).
// A wide banner with the cue in the heading font.
void cueBanner(UiState& st, const engine::Cue& cue, ImVec2 pos, float width) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* f = st.fonts.heading;
    float pad = 14.0f * st.dpiScale;
    ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, width - 2 * pad, cue.text.c_str());
    float h = ts.y + 2 * pad;
    dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + h), cueColour(cue), 12.0f * st.dpiScale);
    dl->AddText(f, f->FontSize, ImVec2(pos.x + (width - ts.x) * 0.5f, pos.y + pad), IM_COL32(255, 255, 255, 255),
                cue.text.c_str(), nullptr, width - 2 * pad);
}

// A ring that fills clockwise with `fraction`, the text in its middle.
void ring(UiState& st, ImVec2 centre, float radius, float fraction, ImU32 colour, const std::string& text,
          const std::string& below, float textScale) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float thick = radius * 0.16f;
    dl->AddCircle(centre, radius, IM_COL32(60, 68, 86, 255), 64, thick);
    fraction = std::clamp(fraction, 0.0f, 1.0f);
    if (fraction > 0) {
        dl->PathArcTo(centre, radius, -kPi / 2, -kPi / 2 + 2 * kPi * fraction, 64);
        dl->PathStroke(colour, 0, thick);
    }
    ImFont* f = st.fonts.title;
    float size = f->FontSize * textScale;
    ImVec2 ts = f->CalcTextSizeA(size, FLT_MAX, 0, text.c_str());
    dl->AddText(f, size, ImVec2(centre.x - ts.x / 2, centre.y - ts.y / 2), IM_COL32(255, 255, 255, 255), text.c_str());
    ImFont* b = st.fonts.body;
    ImVec2 bs = b->CalcTextSizeA(b->FontSize, FLT_MAX, 0, below.c_str());
    dl->AddText(b, b->FontSize, ImVec2(centre.x - bs.x / 2, centre.y + ts.y / 2), IM_COL32(190, 198, 210, 255), below.c_str());
}

void star(ImDrawList* dl, ImVec2 c, float r, bool filled) {
    ImVec2 pts[10];
    for (int i = 0; i < 10; ++i) {
        float a = -kPi / 2 + i * kPi / 5;
        float rr = i % 2 == 0 ? r : r * 0.45f;
        pts[i] = ImVec2(c.x + rr * std::cos(a), c.y + rr * std::sin(a));
    }
    if (filled) {
        for (int i = 0; i < 10; i += 2)  // the five points, then the middle
            dl->AddTriangleFilled(pts[(i + 9) % 10], pts[i], pts[i + 1], kAmber);
        dl->AddConvexPolyFilled(&pts[1], 1, kAmber);
        ImVec2 inner[5] = {pts[1], pts[3], pts[5], pts[7], pts[9]};
        dl->AddConvexPolyFilled(inner, 5, kAmber);
    }
    dl->AddPolyline(pts, 10, filled ? kAmber : IM_COL32(110, 118, 135, 255), ImDrawFlags_Closed, 3.0f);
}

// Landmarks involved in the form faults active now (drawn red on the skeleton).
std::set<int> faultyLandmarks(const engine::Session& s) {
    std::set<int> out;
    const auto* ex = s.currentExercise();
    if (!ex) return out;
    for (const auto& code : s.lastReport().faults)
        for (const auto& r : ex->form)
            if (r.code == code)
                for (int i : analysis::measureLandmarks(r.measure.id)) {
                    out.insert(i);
                    if (i >= 11) out.insert(i % 2 == 1 ? i + 1 : i - 1);  // and the other side's
                }
    return out;
}

// The skeleton with joints coloured by form: green when fine, red where a fault is.
void skeletonByForm(const vision::PoseResult& pose, ImVec2 origin, ImVec2 size, const std::set<int>& bad, bool judged) {
    if (!pose.person) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto at = [&](int i) { return ImVec2(origin.x + pose.landmarks[i].x * size.x, origin.y + pose.landmarks[i].y * size.y); };
    auto seen = [&](int i) { return pose.landmarks[i].visibility >= 0.5f; };
    float thick = std::max(2.5f, size.y / 130.0f);
    for (auto [a, b] : vision::kPoseConnections)
        if (seen(a) && seen(b))
            dl->AddLine(at(a), at(b), bad.count(a) && bad.count(b) ? IM_COL32(255, 90, 90, 230) : IM_COL32(255, 255, 255, 210),
                        thick);
    for (int i = 0; i < vision::kNumPoseLandmarks; ++i) {
        if (!seen(i)) continue;
        ImU32 c = bad.count(i) ? IM_COL32(255, 70, 70, 255) : judged ? kGreen : kTeal;
        dl->AddCircleFilled(at(i), thick * 1.9f, c);
    }
}

// The live picture scaled into `avail`, top-left at the cursor. Returns its rectangle.
bool cameraPicture(UiState& st, ImVec2 avail, ImVec2& origin, ImVec2& size) {
    const CameraView& cam = st.camera;
    if (cam.texture == 0 || cam.width == 0) return false;
    float scale = std::min(avail.x / cam.width, avail.y / cam.height);
    size = ImVec2(cam.width * scale, cam.height * scale);
    origin = ImGui::GetCursorScreenPos();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(cam.texture)), size);
    return true;
}

void drawSaveStatus(UiState& st) {
    const SessionUi& su = st.session;
    if (su.saved) {
        ImGui::PushStyleColor(ImGuiCol_Text, kGreen);
        ImGui::Text("Saved to your history (session #%lld).", static_cast<long long>(su.savedId));
        ImGui::PopStyleColor();
    } else if (!su.saveError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", su.saveError.c_str());
        ImGui::PopStyleColor();
    }
}

namespace {

std::string sideText(const engine::PlannedStep& s) {
    if (!s.side) return "";
    return *s.side == analysis::BodySide::Left ? "Left side" : "Right side";
}

void header(UiState& st, const std::string& title) {
    SessionUi& su = st.session;
    if (button("< Home  (Esc)")) st.go(Screen::Home);
    ImGui::SameLine();
    std::string mute = su.muted ? "Sound off  (M)" : "Sound on  (M)";
    float w = ImGui::CalcTextSize(mute.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    headingText(st, title, ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - w);
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - w);
    if (button(mute.c_str())) su.act(SessionAction::ToggleMute);
    ImGui::Separator();
}

void painRow(UiState& st, int selected, SessionAction action) {
    SessionUi& su = st.session;
    float w = 52.0f * st.dpiScale;
    for (int i = 0; i <= 10; ++i) {
        if (i) ImGui::SameLine();
        ImGui::PushID(i);
        bool sel = selected == i;
        ImU32 c = i <= 3 ? kGreen : i <= 6 ? kAmber : kOrange;
        if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(c));
        if (button(std::to_string(i).c_str(), ImVec2(w, w))) su.act(action, std::to_string(i));
        if (sel) ImGui::PopStyleColor();
        ImGui::PopID();
    }
}

// "Pain right now:" with what the numbers mean on the same line (a line saved for the questions).
void painLabel(const char* label) {
    ImGui::TextUnformatted(label);
    ImGui::SameLine();
    ImGui::TextDisabled("(0 = no pain, 10 = the worst pain you can imagine)");
}

// "1 exercise", "3 exercises".
std::string countText(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// One red-flag question with its Yes and No buttons (labels "Yes##<id>", "No##<id>", so a script
// can click each row's own). Yes comes first, everywhere.
void yesNoRow(UiState& st, const safety::Question& q, int answer, bool missing, SessionAction action) {
    SessionUi& su = st.session;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (missing) ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
    ImGui::TextWrapped("%s%s", q.text.c_str(), q.tier == safety::Tier::Emergency ? "  (emergency)" : "");
    if (missing) {
        ImGui::TextUnformatted("Answer yes or no.");
        ImGui::PopStyleColor();
        recordText("Answer yes or no: " + q.shortText);
    }
    ImGui::TableNextColumn();
    for (int v : {1, 0}) {
        if (v == 0) ImGui::SameLine();
        bool sel = answer == v;
        ImU32 on = v ? IM_COL32(200, 60, 60, 255) : IM_COL32(38, 140, 110, 255);
        ImGui::PushStyleColor(ImGuiCol_Button, sel ? on : IM_COL32(60, 66, 84, 255));
        std::string label = std::string(v ? "Yes" : "No") + "##" + q.id;
        if (button(label.c_str(), ImVec2(80 * st.dpiScale, 0))) su.act(action, q.id + ":" + std::to_string(v));
        ImGui::PopStyleColor();
    }
}

void drawCheckIn(UiState& st, engine::Session& s) {
    SessionUi& su = st.session;
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Before you start: how is your back today?");
    ImGui::PopFont();
    std::string what = s.plan().title + "  -  " + countText(s.plan().exercises.size(), "exercise", "exercises");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(what.c_str());
    recordText(what);
    ImGui::SameLine();
    if (button("Change program")) su.act(SessionAction::ChangeProgram);
    if (!su.checkInError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", su.checkInError.c_str());
        ImGui::PopStyleColor();
        recordText(su.checkInError);
    }
    if (!su.cannotSave.empty()) {
        // Before the session, not after it: the person may fix the folder or the disk first.
        std::string line = "This session will not be saved: " + su.cannotSave + ".";
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", line.c_str());
        ImGui::PopStyleColor();
        recordText(line);
    }
    drawDoseOffer(st);
    ImGui::Spacing();
    painLabel("Pain right now:");
    painRow(st, su.pain, SessionAction::SetPain);
    if (ImGui::GetFrameCount() < 3) ImGui::SetItemDefaultFocus();
    if (su.checkInTried && su.pain < 0) {
        ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
        ImGui::TextUnformatted("Pick a number from 0 to 10 for your pain now.");
        ImGui::PopStyleColor();
        recordText("Pick a number from 0 to 10 for your pain now.");
    }
    ImGui::Spacing();
    const auto& ids = s.checkInQuestions();
    int missing = 0;
    if (ids.empty()) {
        std::string when = su.lastAnswered ? recovery::localText(*su.lastAnswered, "%H:%M") : std::string("just now");
        std::string line = "You answered the safety questions at " + when + ": no need to answer them again.";
        ImGui::TextWrapped("%s", line.c_str());
        recordText(line);
    } else {
        ImGui::TextUnformatted(su.checkInList == recovery::ListKind::Full
                                   ? "Any of these? (the full safety list, once for this episode)"
                                   : "Any of these today?");
        // The questions scroll; the buttons below stay where they are.
        float buttonsH = ImGui::GetFrameHeightWithSpacing() * 1.6f + ImGui::GetStyle().WindowPadding.y;
        ImGui::BeginChild("questions", ImVec2(0, std::max(ImGui::GetFrameHeight() * 2.2f, ImGui::GetContentRegionAvail().y - buttonsH)), false,
                          ImGuiWindowFlags_NavFlattened);
        if (ImGui::IsWindowAppearing()) ImGui::SetScrollY(0);  // opens at the first (emergency) question
        if (ImGui::BeginTable("flags", 2, ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn("question", ImGuiTableColumnFlags_WidthStretch, 4.0f);
            ImGui::TableSetupColumn("answer", ImGuiTableColumnFlags_WidthStretch, 1.2f);
            for (const auto& id : ids) {
                const safety::Question* q = safety::question(id);
                if (!q) continue;
                auto it = su.answers.find(id);
                int a = it == su.answers.end() ? -1 : it->second;
                bool miss = su.checkInTried && a < 0;
                missing += miss ? 1 : 0;
                yesNoRow(st, *q, a, miss, SessionAction::SetAnswer);
            }
            ImGui::EndTable();
        }
        ImGui::EndChild();
        if (button("None of these")) su.act(SessionAction::AllNo);
        ImGui::SameLine();
    }
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kTeal));
    if (button("  Start the session  ")) su.act(SessionAction::SubmitCheckIn);
    ImGui::PopStyleColor();
    if (missing > 0) {
        ImGui::SameLine();
        std::string line = countText(static_cast<size_t>(missing), "question still needs", "questions still need") +
                           " an answer (marked above).";
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kAmber), "%s", line.c_str());
        recordText(line);
    }
}

// An advice-tier "yes": what it means, before the session goes on.
void drawAdvice(UiState& st) {
    SessionUi& su = st.session;
    ImGui::PushFont(st.fonts.heading);
    ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
    ImGui::TextWrapped("Go gently today");
    ImGui::PopStyleColor();
    ImGui::PopFont();
    recordText("Go gently today");
    ImGui::Spacing();
    ImGui::TextWrapped("%s", su.advice.c_str());
    recordText(su.advice);
    ImGui::Spacing();
    ImGui::TextWrapped("Your answer was saved with your history, and your therapist (if you have one) sees it.");
    if (button("Go on with the session")) su.act(SessionAction::AckAdvice);
    if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    ImGui::SameLine();
    if (button("Not today")) st.go(Screen::Home);
}

// The check-in stopped the session but its answers could not be saved (otherwise the open red
// flags are shown by drawBlocked, from the history).
void drawStopped(UiState& st, engine::Session& s) {
    SessionUi& su = st.session;
    const safety::Outcome& o = s.checkInOutcome();
    ImGui::PushFont(st.fonts.heading);
    ImGui::PushStyleColor(ImGuiCol_Text, o.emergency ? kRed : kAmber);
    ImGui::TextWrapped("%s", o.heading.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
    recordText(o.heading);
    for (const safety::Question* q : o.yes) {
        if (!safety::blocks(q->tier)) continue;
        ImGui::Bullet();
        ImGui::TextWrapped("%s", q->advice.c_str());
        recordText(q->advice);
    }
    if (!su.checkInError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", su.checkInError.c_str());
        ImGui::PopStyleColor();
        recordText(su.checkInError);
    }
    ImGui::Spacing();
    ImGui::TextWrapped("PT Coach is a coach, not a doctor. What you answered needs a clinician's check first.");
    if (button("Back home")) st.go(Screen::Home);
}

void drawSetup(UiState& st, engine::Session& s) {
    SessionUi& su = st.session;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float rightW = avail.x * 0.36f;
    ImGui::BeginGroup();
    ImVec2 origin, size;
    if (cameraPicture(st, ImVec2(avail.x - rightW - 16, avail.y - 8), origin, size)) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        // the silhouette guide: where to stand, the whole body inside it
        ImVec2 c(origin.x + size.x * 0.5f, origin.y + size.y * 0.5f);
        float h = size.y * 0.84f, headR = h * 0.07f;
        ImU32 g = s.setup().allOk() ? IM_COL32(102, 187, 106, 200) : IM_COL32(255, 255, 255, 150);
        dl->AddCircle(ImVec2(c.x, c.y - h / 2 + headR), headR, g, 32, 3.0f);
        dl->AddRect(ImVec2(c.x - h * 0.14f, c.y - h / 2 + 2 * headR + 4), ImVec2(c.x + h * 0.14f, c.y + h / 2), g,
                    h * 0.1f, 0, 3.0f);
        if (st.camera.hasPose) skeletonByForm(st.camera.pose, origin, size, {}, false);
    } else {
        ImGui::Dummy(ImVec2(avail.x - rightW - 16, avail.y * 0.5f));
        ImGui::TextWrapped("Starting the camera...");
    }
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + rightW);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Camera set-up");
    ImGui::PopFont();
    const engine::SetupCheck& c = s.setup();
    auto line = [&](bool ok, const std::string& text) {
        ImVec2 p = ImGui::GetCursorScreenPos();
        float r = ImGui::GetTextLineHeight() * 0.4f;
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + r, p.y + ImGui::GetTextLineHeight() * 0.5f), r,
                                                    ok ? kGreen : kOrange);
        ImGui::Dummy(ImVec2(r * 2.5f, 0));
        ImGui::SameLine();
        ImGui::TextWrapped("%s", text.c_str());
    };
    line(c.wholeBody, c.bodyText);
    line(c.distanceOk, c.distanceText);
    line(c.viewOk, c.viewText);
    ImGui::Spacing();
    ImGui::TextWrapped("The session starts by itself once all three are right for two seconds.");
    if (button("Start now  (N)")) su.act(SessionAction::StartNow);
    if (button("Go on without the camera")) su.act(SessionAction::WithoutCamera);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    if (keyPressed(SDL_SCANCODE_N)) su.act(SessionAction::StartNow);
}

void drawExercise(UiState& st, engine::Session& s) {
    SessionUi& su = st.session;
    const engine::PlannedStep* step = s.currentStep();
    if (!step) return;
    bool resting = s.stage() == Stage::Rest;
    const engine::PlannedStep* shown = resting && s.nextStep() ? s.nextStep() : step;
    const auto& ex = s.plan().exercises[shown->exercise];
    bool cameraOn = s.options().camera;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float statusH = ImGui::GetTextLineHeightWithSpacing() * 1.2f;
    float rightW = avail.x * 0.34f;
    float leftW = avail.x - rightW - 16 * st.dpiScale;
    float h = avail.y - statusH;
    ImDrawList* dl = ImGui::GetWindowDrawList();

    // Left: the live camera with the skeleton (or the demonstration, large, without a camera).
    ImGui::BeginGroup();
    ImVec2 origin = ImGui::GetCursorScreenPos(), size(leftW, h);
    if (cameraOn && cameraPicture(st, ImVec2(leftW, h), origin, size)) {
        if (st.camera.hasPose) skeletonByForm(st.camera.pose, origin, size, faultyLandmarks(s), s.stepCameraCounted());
        // beside the picture: the person's own body from the side (the line of the back)
        float sideW = std::min(size.x * 0.3f, size.y * 0.42f);
        drawPersonSideView(st, origin.x + size.x - sideW - 8, origin.y + size.y - sideW * 1.25f - 8, sideW, sideW * 1.25f);
    } else {
        // the demonstration, large, below the cue banner
        float band = st.fonts.heading->FontSize * 2.2f + 36 * st.dpiScale;  // the cue banner's place, at the bottom
        dl->AddRectFilled(ImVec2(origin.x, origin.y + h - band), ImVec2(origin.x + leftW, origin.y + h), IM_COL32(30, 36, 48, 255),
                          12.0f);
        drawCoach(st, ex, ImGui::GetTime(), origin.x, origin.y, leftW, h - band, shown->side, 0);
        ImGui::SetCursorScreenPos(origin);
        ImGui::Dummy(ImVec2(leftW, h));
    }
    // The cue along the bottom of the picture, where it does not cover the person's head.
    float bannerW = size.x - 24 * st.dpiScale;
    {
        ImFont* f = st.fonts.heading;
        float pad = 14.0f * st.dpiScale;
        float bh = f->CalcTextSizeA(f->FontSize, FLT_MAX, bannerW - 2 * pad, s.cue().text.c_str()).y + 2 * pad;
        // Below the picture when there is room (nothing of the person covered), else along its bottom.
        float below = h - size.y;
        float y = below >= bh + 8 * st.dpiScale ? origin.y + size.y + 8 * st.dpiScale : origin.y + size.y - bh - 12 * st.dpiScale;
        cueBanner(st, s.cue(), ImVec2(origin.x + 12 * st.dpiScale, y), bannerW);
    }
    recordText("Cue: " + s.cue().text);
    if (s.pause() != engine::PauseReason::None) {
        dl->AddRectFilled(ImVec2(origin.x, origin.y + size.y * 0.35f), ImVec2(origin.x + size.x, origin.y + size.y * 0.65f),
                          IM_COL32(20, 20, 30, 170));
        ImFont* f = st.fonts.title;
        const char* t = "Paused";
        ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, t);
        dl->AddText(f, f->FontSize, ImVec2(origin.x + (size.x - ts.x) / 2, origin.y + (size.y - ts.y) / 2),
                    IM_COL32(255, 255, 255, 255), t);
    }
    ImGui::EndGroup();
    ImGui::SameLine(0, 16 * st.dpiScale);

    // Right: exercise, set, the counter or ring, the demonstration and the controls.
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + rightW);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextWrapped("%s%s", resting ? "Next: " : "", ex.title.c_str());
    ImGui::PopFont();
    std::string setLine = "Set " + std::to_string(shown->set) + " of " + std::to_string(shown->sets);
    if (shown->side) setLine += "  -  " + sideText(*shown);
    setLine += "  -  exercise " + std::to_string(shown->exercise + 1) + " of " + std::to_string(s.plan().exercises.size());
    ImGui::TextUnformatted(setLine.c_str());
    ImVec2 p = ImGui::GetCursorScreenPos();
    float ringR = std::min(rightW * 0.2f, h * 0.11f);  // leaves the 3D coach room to be read
    ImVec2 centre(p.x + rightW * 0.5f, p.y + ringR + 8);
    if (resting) {
        float frac = s.restTotalMs() > 0 ? 1.0f - static_cast<float>(s.restLeftMs()) / s.restTotalMs() : 1.0f;
        ring(st, centre, ringR, frac, kBlue, std::to_string((s.restLeftMs() + 999) / 1000), "rest (N to skip)");
    } else if (step->goal == engine::StepGoal::Reps) {
        double nowS = SDL_GetTicks() / 1000.0;  // the clock the game animations run on
        su.game.juice.counter.set(s.count(), nowS);  // the count pops when it changes
        ring(st, centre, ringR, step->reps > 0 ? static_cast<float>(s.count()) / step->reps : 0, kTeal,
             std::to_string(s.count()), "of " + std::to_string(step->reps) + " reps",
             static_cast<float>(su.game.juice.counter.scale(nowS)));
        recordText("Reps: " + std::to_string(s.count()) + " of " + std::to_string(step->reps));
    } else if (s.readyLeftMs() > 0) {
        ring(st, centre, ringR, 0, kTeal, std::to_string((s.readyLeftMs() + 999) / 1000), "get ready");
    } else {
        int left = std::max(0, step->seconds - static_cast<int>(s.doneSeconds()));
        std::string big = left >= 60 ? std::to_string(left / 60) + ":" + (left % 60 < 10 ? "0" : "") + std::to_string(left % 60)
                                     : std::to_string(left);
        ring(st, centre, ringR, step->seconds > 0 ? static_cast<float>(s.doneSeconds() / step->seconds) : 0, kGreen, big,
             step->goal == engine::StepGoal::Hold ? "seconds to hold" : "to go");
    }
    ImGui::Dummy(ImVec2(rightW, ringR * 2 + 16));
    // demonstration
    float room = h - (ImGui::GetCursorScreenPos().y - origin.y) - ImGui::GetFrameHeightWithSpacing() * 2.6f;
    if (cameraOn && st.camera.texture && room < h * 0.3f) {
        // No room to read it here (a small window, large text): the coach goes into the picture's corner.
        float cw = std::min(size.x * 0.36f, size.y * 0.5f);
        drawCoach(st, ex, ImGui::GetTime(), origin.x + 6, origin.y + size.y - cw * 1.2f - 6, cw, cw * 1.2f, shown->side, 1);
    } else {
        float demoH = std::max(80.0f, room);
        ImVec2 dp = ImGui::GetCursorScreenPos();
        drawCoach(st, ex, ImGui::GetTime(), dp.x, dp.y, rightW, demoH, shown->side, 1);
        ImGui::SetCursorScreenPos(dp);
        ImGui::Dummy(ImVec2(rightW, demoH));
    }
    ImGui::TextDisabled("%s", ex.timerOnly.empty() ? demoViewLabel(ex) : "Timer only: the camera does not judge this one");
    // controls: a large default button the gamepad's A or Space presses
    bool tapping = !resting && step->goal == engine::StepGoal::Reps && !s.stepCameraCounted();
    if (tapping) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kTeal));
        if (button("Tap rep  (Space / A)", ImVec2(rightW, ImGui::GetFrameHeight() * 1.3f))) su.act(SessionAction::TapRep);
        ImGui::PopStyleColor();
        if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    }
    const char* pauseLabel = s.pause() == engine::PauseReason::None ? "Pause (P)" : "Go on (P)";
    if (button(pauseLabel)) su.act(SessionAction::TogglePause);
    if (!tapping && !ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    // The buttons wrap to the next line where the column is too narrow (large text).
    float right = ImGui::GetCursorScreenPos().x + rightW;
    auto nextFits = [&](const char* label) {
        float w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
        return ImGui::GetItemRectMax().x + w <= right;
    };
    const char* skipLabel = resting ? "Skip rest (N)" : "Skip set (N)";
    if (nextFits(skipLabel)) ImGui::SameLine();
    if (button(skipLabel)) su.act(SessionAction::Skip);
    if (nextFits("End (E)")) ImGui::SameLine();
    if (button("End (E)")) su.act(SessionAction::FinishEarly);
    if (nextFits("Stop: it hurts (H)")) ImGui::SameLine();
    if (button("Stop: it hurts (H)")) su.game.act(GameAction::StopForPain);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();

    // status line
    std::string status;
    if (!cameraOn) {
        const auto* worker = st.camera.worker.get();
        std::string why = worker && worker->state() == vision::WorkerState::Failed ? " (" + worker->error() + ")" : "";
        status = "No camera" + why + ": timer-and-counter guide. Tap after each rep (Space / A); holds are timed." +
                 (st.options.kiosk || st.options.video ? "" : " Settings picks another camera.");
    } else if (su.replay) {
        status = "Replay of " + st.options.video->filename().string() + " (check-in skipped)  |  t = " +
                 std::to_string(su.lastFrameT / 100 / 10.0).substr(0, 5) + " s";
    } else {
        status = "Camera";
    }
    if (cameraOn) {
        if (!st.camera.poseError.empty()) status += "  |  pose estimation off: " + st.camera.poseError;
        else if (!st.camera.hasPose) status += "  |  loading the pose model...";
        else status += "  |  pose " + std::to_string(static_cast<int>(st.camera.poseMs)) + " ms";
        if (!s.stepCameraCounted() && !resting) status += "  |  this exercise is timer only";
    }
    if (su.audio && !su.audio->status().empty()) status += "  |  " + su.audio->status();
    ImGui::TextDisabled("%s", status.c_str());

    // keyboard shortcuts (the gamepad's are read in updateSession)
    if (keyPressed(SDL_SCANCODE_P)) su.act(SessionAction::TogglePause);
    if (keyPressed(SDL_SCANCODE_N)) su.act(SessionAction::Skip);
    if (keyPressed(SDL_SCANCODE_E)) su.act(SessionAction::FinishEarly);
    if (keyPressed(SDL_SCANCODE_H)) su.game.act(GameAction::StopForPain);
}

void drawPainAfter(UiState& st, engine::Session& s) {
    SessionUi& su = st.session;
    cueBanner(st, s.cue(), ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail().x);
    ImGui::Dummy(ImVec2(0, 80 * st.dpiScale));
    painLabel("Pain now, after the session:");
    painRow(st, su.painAfter, SessionAction::SetPainAfter);
    if (button("  See my summary  ")) su.act(SessionAction::SubmitPainAfter);
    if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
}

void drawSummary(UiState& st, engine::Session& s) {
    SessionUi& su = st.session;
    engine::SessionSummary sum = s.summary();
    recordText(su.saved ? "Session saved" : su.saveError.empty() ? "Session summary" : "Session not saved");
    for (const auto& e : sum.exercises)
        recordText(e.exerciseId + ": " + std::to_string(e.repsDone) + " of " + std::to_string(e.repsPlanned) + " reps");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float r = 34 * st.dpiScale;
    for (int i = 0; i < 3; ++i) star(dl, ImVec2(p.x + r + i * r * 2.4f, p.y + r), r, i < sum.stars);
    ImGui::Dummy(ImVec2(r * 7.5f, r * 2));
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushFont(st.fonts.heading);
    ImGui::Text("%s", sum.stars == 3 ? "Excellent session!" : sum.stars == 2 ? "Well done!" : sum.stars == 1 ? "Good start" : "Every bit counts");
    ImGui::PopFont();
    int streak = st.recovery.progress ? st.recovery.progress->streakDays : su.streak;  // the Progress screen's streak
    ImGui::Text("%.0f%% of the plan  |  streak: %d day%s  |  pain %s -> %s%s", sum.completion * 100, streak,
                streak == 1 ? "" : "s", sum.painBefore ? std::to_string(*sum.painBefore).c_str() : "-",
                sum.painAfter ? std::to_string(*sum.painAfter).c_str() : "-",
                sum.formScore ? ("  |  form " + std::to_string(engine::scorePoints(*sum.formScore)) + "/100").c_str() : "");
    if (sum.formScore) recordText("form " + std::to_string(engine::scorePoints(*sum.formScore)) + "/100");
    ImGui::EndGroup();
    ImGui::Spacing();
    if (ImGui::BeginTable("summary", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Exercise", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("Done / planned", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("Sets", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Form", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("Seen most", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableHeadersRow();
        for (const auto& e : sum.exercises) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(e.title.c_str());
            ImGui::TableNextColumn();
            if (e.repsPlanned > 0) ImGui::Text("%d / %d reps", e.repsDone, e.repsPlanned);
            else ImGui::Text("%.0f / %.0f s", e.holdS, e.holdPlannedS);
            ImGui::TableNextColumn();
            ImGui::Text("%d / %d", e.setsDone, e.setsPlanned);
            ImGui::TableNextColumn();
            if (e.quality) ImGui::Text("%d", engine::scorePoints(*e.quality));
            if (e.quality) recordText(e.exerciseId + " form " + std::to_string(engine::scorePoints(*e.quality)));
            else ImGui::TextDisabled("%s", e.cameraJudged ? "-" : "not judged");
            ImGui::TableNextColumn();
            // The faults seen most, in the words of the cue the person heard.
            const analysis::ExerciseDefinition* def = st.session.library.exercise(e.exerciseId);
            std::string f;
            for (size_t i = 0; i < e.faults.size() && i < 2; ++i) {
                std::string what = e.faults[i].first;
                if (def)
                    for (const auto& rule : def->form)
                        if (rule.code == what && !rule.message.empty()) {
                            what = rule.message;
                            break;
                        }
                f += (i ? "; " : "") + what + " (x" + std::to_string(e.faults[i].second) + ")";
            }
            ImGui::TextWrapped("%s", f.empty() ? "-" : f.c_str());
        }
        ImGui::EndTable();
    }
    drawProgressSummary(st);
    ImGui::Spacing();
    drawSaveStatus(st);
    if (button("Home")) st.go(Screen::Home);
    if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    ImGui::SameLine();
    if (button("Another session")) su.act(SessionAction::Again);
    ImGui::Spacing();
    ImGui::TextUnformatted("Your history");
    for (size_t i = 0; i < su.history.size() && i < 5; ++i) {
        const auto& h = su.history[i];
        int reps = 0, planned = 0;
        for (const auto& e : h.exercises) reps += e.repsDone, planned += e.repsPlanned;
        ImGui::BulletText("%s  %s  %s  %d/%d reps%s", h.startedAt.substr(0, 10).c_str(), h.programId.c_str(),
                          h.stars ? (std::to_string(*h.stars) + " stars").c_str() : "-", reps, planned,
                          h.id == su.savedId ? "  (this one)" : "");
    }
}

// An open red flag: no session until it is resolved.
void drawBlocked(UiState& st) {
    SessionUi& su = st.session;
    ImGui::Spacing();
    ImGui::PushFont(st.fonts.title);
    ImGui::PushStyleColor(ImGuiCol_Text, su.blockedEmergency ? kRed : kAmber);
    ImGui::SetWindowFontScale(0.6f);
    ImGui::TextWrapped("%s", su.blockedHeading.c_str());
    ImGui::SetWindowFontScale(1.0f);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    recordText(su.blockedHeading);
    ImGui::Spacing();
    if (!su.blockedAlerts.empty()) {
        ImGui::TextUnformatted("What you answered:");
        for (const auto& v : su.blockedAlerts) {
            std::string line = std::string(safety::tierLabel(v.tier)) + ": " + v.what + " (answered " +
                               recovery::localText(v.alert.answeredAt, "%a %d %b, %H:%M") + ")";
            ImGui::BulletText("%s", line.c_str());
            recordText(line);
        }
        ImGui::Spacing();
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(su.blockedReason.c_str());
    ImGui::PopTextWrapPos();
    recordText(su.blockedReason);
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();
    const char* how = st.options.kiosk
                          ? "PT Coach is a coach, not a doctor. Exercise stays paused until your therapist has seen you "
                            "and clears it."
                          : "PT Coach is a coach, not a doctor. Exercise stays paused until your therapist clears it, "
                            "or until you record that a clinician has seen you and cleared you to exercise.";
    ImGui::TextWrapped("%s", how);
    recordText(how);
    ImGui::Spacing();
    if (!st.options.kiosk) {
        if (button("A clinician has seen me")) {
            openClinicianClearance(st);
            st.go(Screen::Recovery);
        }
        ImGui::SameLine();
    }
    if (button("Back home")) st.go(Screen::Home);
}

void drawPicker(UiState& st) {
    SessionUi& su = st.session;
    if (su.restDay) {
        const auto* p = su.library.program(su.programId);
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextWrapped("Today is a rest day in %s.", p ? p->title.c_str() : su.programId.c_str());
        ImGui::PopFont();
        ImGui::TextWrapped("Rest days let your back recover between strengthening days. A gentle walk is always fine. "
                           "If you want to, you can still do one of the program's sessions:");
        if (p)
            for (const auto& s : p->sessions) {
                std::string label = s.title + (s.backStrengthening ? "  (strengthens the back)" : "");
                if (button(label.c_str())) su.act(SessionAction::PickSession, s.id);
            }
        if (button("Rest today")) st.go(Screen::Home);
        return;
    }
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Pick a program to start");
    ImGui::PopFont();
    PhaseContext ctx = phaseContext(st);
    if (ctx.episode) {
        std::string where = "You are on " + ctx.where() + ".";
        ImGui::TextWrapped("%s", where.c_str());
        recordText(where);
    }
    float w = ImGui::GetContentRegionAvail().x * 0.7f;
    bool first = true;
    for (const auto& r : programChoices(st, ctx)) {
        const engine::ProgramDefinition& p = *r.program;
        if (su.programs.confirmLater == p.id) {
            std::string text = p.title + " is meant for the " + (p.phase == "any" ? "any time" : p.phase + " phase") +
                               ": too much too soon can set a sore back off again. Start it anyway?";
            ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
            ImGui::TextWrapped("%s", text.c_str());
            ImGui::PopStyleColor();
            recordText(text);
            if (button("Start it anyway")) {
                su.programs.confirmLater.clear();
                su.act(SessionAction::PickProgram, p.id);
            }
            ImGui::SameLine();
            if (button("Back##later")) su.programs.confirmLater.clear();
            continue;
        }
        std::string label = p.title + (r.tag.empty() ? "" : "  -  " + r.tag) + "##pick" + p.id;
        if (r.later) ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(90, 70, 40, 255));
        if (button(label.c_str(), ImVec2(w, 0))) {
            if (r.later) su.programs.confirmLater = p.id;
            else su.act(SessionAction::PickProgram, p.id);
        }
        if (r.later) ImGui::PopStyleColor();
        if (first && !ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
        first = false;
    }
    ImGui::TextDisabled("The Programs screen shows what each one has.");
}

}  // namespace

void drawSession(UiState& st) {
    SessionUi& su = st.session;
    engine::Session* s = su.session.get();
    header(st, s ? s->plan().title : "Guided session");
    if (keyPressed(SDL_SCANCODE_M)) su.act(SessionAction::ToggleMute);
    if (!su.libraryError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("The exercise library could not be loaded: %s", su.libraryError.c_str());
        ImGui::PopStyleColor();
        return;
    }
    if (!su.planError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", su.planError.c_str());
        ImGui::PopStyleColor();
        if (button("Pick another program")) st.go(Screen::Programs);
        return;
    }
    if (!su.blockedReason.empty()) {
        drawBlocked(st);
        return;
    }
    if (!s) {
        drawPicker(st);
        return;
    }
    if (drawGameStage(st, *s)) return;
    switch (s->stage()) {
        case Stage::CheckIn: drawCheckIn(st, *s); break;
        case Stage::Stopped: drawStopped(st, *s); break;
        case Stage::Setup:
            if (!su.advice.empty()) drawAdvice(st);
            else drawSetup(st, *s);
            break;
        case Stage::Active:
        case Stage::Rest:
            if (!su.advice.empty()) drawAdvice(st);
            else drawExercise(st, *s);
            break;
        case Stage::PainAfter: drawPainAfter(st, *s); break;
        case Stage::Summary: drawSummary(st, *s); break;
    }
}

}  // namespace ptcoach::ui
