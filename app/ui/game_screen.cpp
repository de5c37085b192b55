// The game screens (see game_ui.h): each game's start screen, its play scene beside the camera with
// the live score, its end screen; the progression on Home and in the summary; the dose offer; the
// 3D coach and the person's side view; the particles, the level-up moment and the captions. Draw
// code only reads the state and records actions.
#include <SDL2/SDL.h>
#include <SDL2/SDL_scancode.h>
#include <imgui_internal.h>  // SetFocusID

#include <algorithm>
#include <cmath>
#include <string>

#include "demo_figure.h"
#include "game_ui.h"
#include "ptcoach/engine/calendar.h"
#include "session_ui.h"
#include "session_widgets.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using engine::Stage;

namespace {

constexpr float kPi = 3.14159265f;

bool keyPressed(int scancode) { return ImGui::IsKeyPressed(scancode, false); }
double nowS() { return SDL_GetTicks() / 1000.0; }

ImTextureID tex(const UiState& st, const char* name, ImVec2* size = nullptr) {
    auto it = st.gameAssets.images.find(name);
    if (it == st.gameAssets.images.end()) return nullptr;
    if (size) *size = ImVec2(static_cast<float>(it->second.w), static_cast<float>(it->second.h));
    return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(it->second.id));
}

// An image centred at c, `h` pixels high, turned by `angle` radians, faded by alpha.
void sprite(ImDrawList* dl, const UiState& st, const char* name, ImVec2 c, float h, float angle = 0, float alpha = 1) {
    ImVec2 size;
    ImTextureID t = tex(st, name, &size);
    if (!t || size.y <= 0) return;
    float w = h * size.x / size.y;
    float cs = std::cos(angle), sn = std::sin(angle);
    auto at = [&](float x, float y) { return ImVec2(c.x + x * cs - y * sn, c.y + x * sn + y * cs); };
    ImU32 col = IM_COL32(255, 255, 255, static_cast<int>(255 * std::clamp(alpha, 0.0f, 1.0f)));
    dl->AddImageQuad(t, at(-w / 2, -h / 2), at(w / 2, -h / 2), at(w / 2, h / 2), at(-w / 2, h / 2), ImVec2(0, 0), ImVec2(1, 0),
                     ImVec2(1, 1), ImVec2(0, 1), col);
}

void heading(UiState& st, const std::string& text, ImFont* font = nullptr) {
    ImGui::PushFont(font ? font : st.fonts.heading);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopFont();
    recordText(text);
}

std::string planText(const engine::SessionPlan& p) {
    if (p.steps.empty()) return "";
    const auto& s = p.steps.front();
    int sets = s.sets;
    std::string what = s.goal == engine::StepGoal::Reps ? std::to_string(s.reps) + " reps"
                                                        : std::to_string(s.seconds) + " s holds";
    std::string sides = s.side ? " each side" : "";
    return std::to_string(sets) + (sets == 1 ? " set of " : " sets of ") + what + sides +
           (s.restAfterS > 0 || p.steps.size() > 1 ? ", rest " + std::to_string(p.steps.front().restAfterS) + " s" : "");
}

std::string faultWords(const UiState& st, const std::string& exerciseId, const std::string& code) {
    if (const auto* def = st.session.library.exercise(exerciseId))
        for (const auto& r : def->form)
            if (r.code == code && !r.message.empty()) return r.message;
    return code;
}

// A bar with a fill and a label inside.
void bar(ImDrawList* dl, ImVec2 p, ImVec2 size, float fraction, ImU32 colour, const std::string& label) {
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(55, 62, 80, 255), size.y * 0.5f);
    float f = std::clamp(fraction, 0.0f, 1.0f);
    if (f > 0) dl->AddRectFilled(p, ImVec2(p.x + size.x * f, p.y + size.y), colour, size.y * 0.5f);
    ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(p.x + (size.x - ts.x) * 0.5f, p.y + (size.y - ts.y) * 0.5f), IM_COL32(255, 255, 255, 255), label.c_str());
}

// The level bar, the weekly ring, the streak and the badges (Home, the summary, the end screen).
void progressRow(UiState& st, const game::ProgressView& v, float width) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float k = st.dpiScale;
    ImVec2 p = ImGui::GetCursorScreenPos();
    float ringR = ImGui::GetTextLineHeight() * 1.5f;
    // weekly ring
    ImVec2 c(p.x + ringR + 4, p.y + ringR + 4);
    dl->AddCircle(c, ringR, IM_COL32(60, 68, 86, 255), 48, ringR * 0.28f);
    float f = static_cast<float>(v.ring.fraction());
    if (f > 0) {
        dl->PathArcTo(c, ringR, -kPi / 2, -kPi / 2 + 2 * kPi * f, 48);
        dl->PathStroke(kGreen, 0, ringR * 0.28f);
    }
    std::string days = std::to_string(v.ring.days) + "/" + std::to_string(v.ring.goal);
    ImVec2 ds = ImGui::CalcTextSize(days.c_str());
    dl->AddText(ImVec2(c.x - ds.x / 2, c.y - ds.y / 2), IM_COL32(255, 255, 255, 255), days.c_str());
    ImGui::Dummy(ImVec2(ringR * 2 + 8, ringR * 2 + 8));
    ImGui::SameLine();
    ImGui::BeginGroup();
    std::string lvl = "Level " + std::to_string(v.level.level) + "  -  " + std::to_string(v.level.xp) + " points";
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(lvl.c_str());
    ImGui::PopFont();
    recordText(lvl);
    float bw = std::max(120.0f, width - ringR * 2 - 40 * k);
    ImVec2 bp = ImGui::GetCursorScreenPos();
    std::string toNext = std::to_string(v.level.nextLevel - v.level.xp) + " to level " + std::to_string(v.level.level + 1);
    bar(dl, bp, ImVec2(bw, ImGui::GetTextLineHeight() * 1.2f), static_cast<float>(v.level.fraction()), kTeal, toNext);
    ImGui::Dummy(ImVec2(bw, ImGui::GetTextLineHeight() * 1.25f));
    std::string week = "This week: " + std::to_string(v.ring.days) + " of " + std::to_string(v.ring.goal) +
                       " days  |  streak: " + std::to_string(v.streak) + " day" + (v.streak == 1 ? "" : "s");
    ImGui::TextUnformatted(week.c_str());
    recordText(week);
    ImGui::EndGroup();
    // badges
    if (!v.badges.empty()) {
        float bh = ImGui::GetTextLineHeight() * 1.4f;
        float x0 = ImGui::GetCursorScreenPos().x, right = x0 + width;
        for (size_t i = 0; i < v.badges.size(); ++i) {
            const auto* b = game::findBadge(v.badges[i].badgeId);
            std::string t = b ? b->title : v.badges[i].badgeId;
            float w = bh + ImGui::CalcTextSize(t.c_str()).x + 14 * k;
            if (i > 0) {
                ImGui::SameLine();
                if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
            }
            ImVec2 q = ImGui::GetCursorScreenPos();
            ImGui::Dummy(ImVec2(w, bh));
            sprite(dl, st, "badge", ImVec2(q.x + bh * 0.5f, q.y + bh * 0.5f), bh);
            dl->AddText(ImVec2(q.x + bh + 4 * k, q.y + (bh - ImGui::GetTextLineHeight()) * 0.5f), kAmber, t.c_str());
            recordText("Badge: " + t);
        }
    }
}

const game::ProgressView* progressView(UiState& st) {
    const ProgressCache& pc = st.session.game.progress;
    return pc.view ? &*pc.view : nullptr;
}

// The points the session just earned, line by line, with new badges.
void earnedLines(UiState& st) {
    const GameUi& g = st.session.game;
    if (!g.progressError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", g.progressError.c_str());
        ImGui::PopStyleColor();
    }
    if (!g.saved) return;
    const game::SavedProgress& s = *g.saved;
    std::string total = "+" + std::to_string(s.points.total) + " points";
    if (s.safeStop) total += "  (stopped for pain: nothing lost)";
    ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
    heading(st, total);
    ImGui::PopStyleColor();
    std::string why;
    for (const auto& l : s.points.lines) why += (why.empty() ? "" : ",  ") + l.note + " +" + std::to_string(l.points);
    if (s.points.repsPastPlan > 0)
        why += std::string(why.empty() ? "" : ",  ") + std::to_string(s.points.repsPastPlan) + " reps past today's plan: no points";
    if (!why.empty()) {
        ImGui::TextWrapped("%s", why.c_str());
        recordText(why);
    }
    if (s.levelUp()) {
        std::string up = "Level up! You are now level " + std::to_string(s.after.level) + ".";
        ImGui::PushStyleColor(ImGuiCol_Text, kGreen);
        heading(st, up);
        ImGui::PopStyleColor();
    }
    for (const auto& b : s.newBadges)
        if (const auto* info = game::findBadge(b)) {
            std::string t = "New badge: " + info->title + " - " + info->what;
            ImGui::BulletText("%s", t.c_str());
            recordText(t);
        }
}

// --- the scenes ---------------------------------------------------------------------------------

void sceneBackground(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 top, ImU32 bottom, float r) {
    dl->AddRectFilledMultiColor(a, b, top, top, bottom, bottom);
    dl->AddRect(a, b, IM_COL32(70, 80, 100, 255), r, 0, 2.0f);
}

void whyBanner(UiState& st, const game::Scene& sc, ImVec2 a, ImVec2 b) {
    if (sc.why.empty()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* f = st.fonts.heading;
    float pad = 10 * st.dpiScale, w = b.x - a.x - 2 * pad;
    ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, w - 2 * pad, sc.why.c_str());
    ImVec2 p0(a.x + pad, b.y - ts.y - 3 * pad), p1(b.x - pad, b.y - pad);
    dl->AddRectFilled(p0, p1, IM_COL32(40, 30, 10, 225), 10 * st.dpiScale);
    dl->AddRect(p0, p1, kOrange, 10 * st.dpiScale, 0, 2.0f);
    dl->AddText(f, f->FontSize, ImVec2(p0.x + pad, p0.y + pad), kAmber, sc.why.c_str(), nullptr, w - 2 * pad);
    recordText("Why: " + sc.why);
}

void balloonScene(UiState& st, const game::Scene& sc, ImVec2 a, ImVec2 b) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float r = 12 * st.dpiScale;
    sceneBackground(dl, a, b, IM_COL32(70, 130, 200, 255), IM_COL32(170, 210, 240, 255), r);
    float w = b.x - a.x, h = b.y - a.y;
    double t = nowS();
    // clouds drifting slowly
    for (int i = 0; i < 4; ++i) {
        float x = a.x + std::fmod(static_cast<float>(t * 12.0 + i * w * 0.31f), w + 120) - 60;
        float y = a.y + h * (0.12f + 0.17f * i);
        for (int k = 0; k < 3; ++k) dl->AddCircleFilled(ImVec2(x + k * 22 * st.dpiScale, y), (16 + 6 * (k == 1)) * st.dpiScale, IM_COL32(255, 255, 255, 150));
    }
    float ground = b.y - h * 0.1f;
    dl->AddRectFilled(ImVec2(a.x, ground), b, IM_COL32(96, 150, 90, 255), r, ImDrawFlags_RoundCornersBottom);
    // The balloon: up by the share of the plan's points; sinking a little while the form slips.
    float bh = h * 0.32f;
    float alt = std::clamp(sc.altitude, 0.0f, 1.0f) - (sc.faltering ? 0.04f : 0.0f);
    float y = ground - bh * 0.5f - std::max(0.0f, alt) * (ground - a.y - bh * 1.05f);
    float sway = static_cast<float>(std::sin(t * 2.2) * sc.wobble * 0.25 + std::sin(t * 0.9) * 0.03);
    sprite(dl, st, "balloon", ImVec2(a.x + w * 0.5f + sway * w * 0.2f, y), bh, sway);
    // altitude scale
    for (int i = 0; i <= 4; ++i) {
        float yy = ground - i * (ground - a.y - bh * 0.5f) / 4;
        dl->AddLine(ImVec2(b.x - 26 * st.dpiScale, yy), ImVec2(b.x - 10 * st.dpiScale, yy), IM_COL32(255, 255, 255, 160), 2);
    }
    whyBanner(st, sc, a, b);
}

void shelfScene(UiState& st, const game::Scene& sc, const engine::Session& s, ImVec2 a, ImVec2 b) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float r = 12 * st.dpiScale;
    sceneBackground(dl, a, b, IM_COL32(58, 52, 70, 255), IM_COL32(92, 80, 88, 255), r);
    float w = b.x - a.x, h = b.y - a.y;
    float floorY = b.y - h * 0.1f, shelfY = a.y + h * 0.3f;
    dl->AddRectFilled(ImVec2(a.x, floorY), b, IM_COL32(120, 96, 72, 255), r, ImDrawFlags_RoundCornersBottom);
    ImVec2 shelfSize;
    tex(st, "shelf", &shelfSize);
    float shelfW = w * 0.62f, shelfH = shelfSize.x > 0 ? shelfW * shelfSize.y / shelfSize.x : 20;
    ImVec2 shelfC(a.x + w * 0.6f, shelfY + shelfH * 0.5f);
    sprite(dl, st, "shelf", shelfC, shelfH);
    float boxH = h * 0.16f;
    int planned = 0;
    for (const auto& st2 : s.plan().steps) planned += st2.reps;
    // boxes on the shelf, left to right
    for (int i = 0; i < sc.shelved; ++i) {
        float x = shelfC.x - shelfW * 0.45f + (i % 8) * boxH * 1.15f + boxH * 0.6f;
        float y = shelfY - boxH * 0.5f - (i / 8) * boxH * 0.95f;
        sprite(dl, st, "box", ImVec2(x, y), boxH);
    }
    // dropped boxes on the floor, tipped over
    for (int i = 0; i < sc.dropped; ++i)
        sprite(dl, st, "box", ImVec2(a.x + w * 0.12f + i * boxH * 0.5f, floorY - boxH * 0.35f), boxH * 0.8f, 0.5f + 0.3f * i, 0.6f);
    // the box being lifted: from the floor to the shelf; it tips when the form slips
    float liftX = a.x + w * 0.24f;
    float y = floorY - boxH * 0.5f - std::clamp(sc.boxHeight, 0.0f, 1.0f) * (floorY - shelfY);
    double t = nowS();
    float tilt = static_cast<float>(std::sin(t * 8.0) * sc.wobble * 0.25);
    if (sc.box == game::Scene::Box::Falling) tilt = 0.9f;
    if (sc.active) sprite(dl, st, "box", ImVec2(liftX, y), boxH, tilt);
    std::string count = std::to_string(sc.shelved) + " on the shelf" +
                        (sc.dropped ? ", " + std::to_string(sc.dropped) + " dropped" : "") + "  (plan: " +
                        std::to_string(planned) + ")";
    dl->AddText(ImVec2(a.x + 14 * st.dpiScale, a.y + 10 * st.dpiScale), IM_COL32(255, 255, 255, 230), count.c_str());
    recordText(count);
    whyBanner(st, sc, a, b);
}

void starsScene(UiState& st, const game::Scene& sc, ImVec2 a, ImVec2 b) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float r = 12 * st.dpiScale;
    sceneBackground(dl, a, b, IM_COL32(16, 20, 48, 255), IM_COL32(40, 36, 90, 255), r);
    float w = b.x - a.x, h = b.y - a.y;
    // a gauge: an arc over the head; straight up is standing tall, the ends are the full range
    ImVec2 c(a.x + w * 0.5f, a.y + h * 0.78f);
    float R = std::min(w * 0.42f, h * 0.62f);
    dl->PathArcTo(c, R, -kPi, 0, 64);
    dl->PathStroke(IM_COL32(90, 100, 150, 255), 0, 6 * st.dpiScale);
    auto at = [&](float progress, int side) {
        float ang = -kPi / 2 + side * std::clamp(progress, -0.2f, 1.3f) * (kPi / 2) * 0.9f;
        return ImVec2(c.x + R * std::cos(ang), c.y + R * std::sin(ang));
    };
    // the stars at this session's target, both sides
    float starH = h * 0.16f;
    for (int side : {-1, 1}) sprite(dl, st, "star", at(sc.target, side), starH);
    // the person's lean now
    int side = sc.leanSide ? sc.leanSide : 1;
    ImVec2 tip = at(std::max(0.0f, sc.progress), side);
    dl->AddLine(c, tip, IM_COL32(255, 255, 255, 230), 5 * st.dpiScale);
    dl->AddCircleFilled(tip, 10 * st.dpiScale, sc.progress + 0.005f >= sc.target ? kGreen : IM_COL32(255, 255, 255, 255));
    dl->AddCircleFilled(c, 8 * st.dpiScale, IM_COL32(255, 255, 255, 255));
    std::string caught = std::to_string(sc.caught) + (sc.caught == 1 ? " star caught" : " stars caught");
    dl->AddText(ImVec2(a.x + 14 * st.dpiScale, a.y + 10 * st.dpiScale), IM_COL32(255, 255, 255, 230), caught.c_str());
    recordText(caught);
    whyBanner(st, sc, a, b);
}

// Score, reps, set and best above the scene, the counter popping when it changes.
void scoreHeader(UiState& st, const engine::Session& s, float width) {
    GameUi& g = st.session.game;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    double t = nowS();
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImFont* big = st.fonts.title;
    int score = g.play ? g.play->score() : 0;
    g.juice.score.set(score, t);
    std::string scoreText = std::to_string(static_cast<int>(std::lround(g.juice.score.shown(t))));
    float sz = big->FontSize * static_cast<float>(g.juice.score.scale(t)) * 0.8f;
    dl->AddText(st.fonts.body, st.fonts.body->FontSize, p, IM_COL32(190, 198, 210, 255), "SCORE");
    dl->AddText(big, sz, ImVec2(p.x, p.y + st.fonts.body->FontSize), kAmber, scoreText.c_str());
    recordText("Score " + std::to_string(score));
    const engine::PlannedStep* step = s.currentStep();
    std::string reps, set;
    if (step) {
        int planned = 0, done = 0;
        for (size_t i = 0; i < s.plan().steps.size(); ++i) {
            planned += s.plan().steps[i].goal == engine::StepGoal::Reps ? s.plan().steps[i].reps : 0;
        }
        done = g.play ? g.play->reps() : 0;
        if (step->goal == engine::StepGoal::Reps) reps = std::to_string(done) + " of " + std::to_string(planned) + " reps";
        else reps = std::to_string(static_cast<int>(s.doneSeconds())) + " of " + std::to_string(step->seconds) + " s";
        set = "Set " + std::to_string(step->set) + " of " + std::to_string(step->sets);
        if (step->side) set += *step->side == analysis::BodySide::Left ? ", left" : ", right";
    }
    float col2 = p.x + width * 0.36f;
    float rs = st.fonts.heading->FontSize * static_cast<float>(g.juice.counter.scale(t));
    dl->AddText(st.fonts.heading, rs, ImVec2(col2, p.y + st.fonts.body->FontSize * 0.6f), IM_COL32(255, 255, 255, 255), reps.c_str());
    dl->AddText(st.fonts.body, st.fonts.body->FontSize, ImVec2(col2, p.y + st.fonts.body->FontSize * 0.6f + rs * 1.1f),
                IM_COL32(190, 198, 210, 255), set.c_str());
    recordText(reps);
    std::string best = g.best ? "Best " + std::to_string(*g.best) : "First game";
    if (g.best && score > *g.best) best = "New best!";
    ImVec2 bs = ImGui::CalcTextSize(best.c_str());
    ImVec2 rsz = st.fonts.heading->CalcTextSizeA(rs, FLT_MAX, 0, reps.c_str());
    ImU32 bestCol = g.best && score > *g.best ? kGreen : IM_COL32(190, 198, 210, 255);
    if (col2 + rsz.x + bs.x + 24 * st.dpiScale < p.x + width)
        dl->AddText(ImVec2(p.x + width - bs.x - 8, p.y + st.fonts.body->FontSize * 0.6f), bestCol, best.c_str());
    else  // no room beside the reps: after the set
        dl->AddText(ImVec2(col2 + ImGui::CalcTextSize(set.c_str()).x + 16 * st.dpiScale,
                           p.y + st.fonts.body->FontSize * 0.6f + rs * 1.1f), bestCol, best.c_str());
    recordText(best);
    ImGui::Dummy(ImVec2(width, st.fonts.body->FontSize + big->FontSize * 0.9f));
}

void drawGameStart(UiState& st, engine::Session& s, const game::GameInfo& info) {
    GameUi& g = st.session.game;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float k = st.dpiScale;
    float rightW = std::min(avail.x * 0.42f, avail.y * 0.95f);
    float leftW = avail.x - rightW - 20 * k;
    ImVec2 top = ImGui::GetCursorScreenPos();
    // The text scrolls; Play and Back stay on screen below it.
    float buttonsH = ImGui::GetFrameHeight() * 1.4f + ImGui::GetTextLineHeightWithSpacing() * 1.3f + 16 * k;
    ImGui::BeginGroup();
    ImGui::BeginChild("gamestart", ImVec2(leftW, std::max(80.0f, avail.y - buttonsH)), false, ImGuiWindowFlags_NavFlattened);
    ImGui::PushTextWrapPos(0);
    heading(st, info.title, st.fonts.title);
    // Today's dose first: a lighter dose after a pain rise, or a step back up, says why and asks.
    if (!g.doseNote.empty()) {
        ImGui::TextWrapped("%s", g.doseNote.c_str());
        recordText(g.doseNote);
    }
    drawDoseOffer(st);
    ImGui::TextWrapped("%s", info.tagline.c_str());
    ImGui::Spacing();
    const auto& ex = s.plan().exercises.front();
    std::string what = ex.title + ": " + planText(s.plan());
    heading(st, what);
    if (!g.programId.empty())
        if (const auto* p = st.session.library.program(g.programId))
        {
            std::string t = "The dose of your program \"" + p->title + "\".";
            ImGui::TextDisabled("%s", t.c_str());
            recordText(t);
        }
    for (const auto& line : info.howTo) {
        ImGui::Bullet();
        ImGui::TextWrapped("%s", line.c_str());
    }
    if (info.kind == game::GameKind::Reach) {
        int pct = static_cast<int>(std::lround(g.reachTarget * 100));
        float first = game::countThreshold(ex);
        std::string t = g.reachTarget <= first + 1e-4f
                            ? "Today's star: where a rep starts to count (" + std::to_string(pct) +
                                  " % of the full range). It moves out as you show more range."
                            : "Today's star: " + std::to_string(pct) +
                                  " % of the full range, a little further than last time and never past what you have shown.";
        ImGui::TextWrapped("%s", t.c_str());
        recordText(t);
    }
    std::string best = g.best ? "Your best score: " + std::to_string(*g.best) : "No score yet: your first game!";
    ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
    ImGui::TextUnformatted(best.c_str());
    ImGui::PopStyleColor();
    recordText(best);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kTeal));
    if (button("  Play  (Enter / A)  ", ImVec2(std::min(leftW * 0.6f, 360 * k), ImGui::GetFrameHeight() * 1.4f)))
        g.act(GameAction::Play);
    ImGui::PopStyleColor();
    if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    ImGui::SameLine();
    if (button("Back home")) g.act(GameAction::LeaveGame);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + leftW);
    ImGui::TextDisabled("A safety check and the camera set-up come first.");
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::SameLine(0, 20 * k);
    ImVec2 cp = ImGui::GetCursorScreenPos();
    drawCoach(st, ex, ImGui::GetTime(), cp.x, top.y, rightW, avail.y - ImGui::GetTextLineHeightWithSpacing(), std::nullopt, 2);
}

void drawGamePlay(UiState& st, engine::Session& s, const game::GameInfo& info) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    float k = st.dpiScale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    bool resting = s.stage() == Stage::Rest;
    float controlsH = ImGui::GetFrameHeightWithSpacing() * 1.2f;
    float leftW = avail.x * 0.5f, rightW = avail.x - leftW - 16 * k, h = avail.y - controlsH;
    const engine::PlannedStep* step = s.currentStep();
    const auto& ex = s.plan().exercises.front();

    // Left: the camera with the skeleton, the cue, the person from the side.
    ImGui::BeginGroup();
    ImVec2 origin = ImGui::GetCursorScreenPos(), size(leftW, h);
    // The cue goes below the picture when there is room, else along its bottom: never over the
    // person's head.
    float cueW = leftW - 16 * k;
    float cueH = st.fonts.heading->CalcTextSizeA(st.fonts.heading->FontSize, FLT_MAX, cueW - 28 * k, s.cue().text.c_str()).y +
                 28 * k;
    ImVec2 cueAt(origin.x + 8 * k, origin.y + h - cueH - 8 * k);
    if (s.options().camera && cameraPicture(st, ImVec2(leftW, h), origin, size)) {
        if (st.camera.hasPose) skeletonByForm(st.camera.pose, origin, size, faultyLandmarks(s), s.stepCameraCounted());
        float below = h - size.y - 8 * k;
        float sideTop = origin.y + size.y + 8 * k;
        if (below >= cueH + 8 * k) {
            cueAt = ImVec2(origin.x + 8 * k, origin.y + size.y + 8 * k);
            below -= cueH + 8 * k;
            sideTop += cueH + 8 * k;
        } else {
            cueAt = ImVec2(origin.x + 8 * k, origin.y + size.y - cueH - 8 * k);
        }
        // The person from the side: below a wide picture (and its cue) when there is room, else in its corner.
        if (below > h * 0.25f) {
            float sideH = below, sideW = std::min(leftW, sideH * 1.3f);
            drawPersonSideView(st, origin.x + (leftW - sideW) * 0.5f, sideTop, sideW, sideH);
        } else {
            float sideW = std::min(size.x * 0.34f, size.y * 0.45f);
            float sideBottom = std::min(origin.y + size.y, cueAt.y) - 6;
            drawPersonSideView(st, origin.x + size.x - sideW - 6, sideBottom - sideW * 1.2f, sideW, sideW * 1.2f);
        }
    } else {
        drawCoach(st, ex, ImGui::GetTime(), origin.x, origin.y, leftW, h, step ? step->side : std::nullopt, 0);
        ImGui::Dummy(ImVec2(leftW, h));
    }
    cueBanner(st, s.cue(), cueAt, cueW);
    if (s.pause() != engine::PauseReason::None) {
        dl->AddRectFilled(ImVec2(origin.x, origin.y + size.y * 0.4f), ImVec2(origin.x + size.x, origin.y + size.y * 0.6f),
                          IM_COL32(20, 20, 30, 180));
        ImFont* f = st.fonts.title;
        ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, "Paused");
        dl->AddText(f, f->FontSize, ImVec2(origin.x + (size.x - ts.x) / 2, origin.y + (size.y - ts.y) / 2),
                    IM_COL32(255, 255, 255, 255), "Paused");
    }
    ImGui::EndGroup();
    ImGui::SameLine(0, 16 * k);

    // Right: the score, the scene (or the rest and the demonstration of what comes next).
    ImGui::BeginGroup();
    scoreHeader(st, s, rightW);
    ImVec2 a = ImGui::GetCursorScreenPos();
    float sceneH = std::max(80.0f, origin.y + h - a.y);
    ImVec2 b(a.x + rightW, a.y + sceneH);
    if (resting) {
        float frac = s.restTotalMs() > 0 ? 1.0f - static_cast<float>(s.restLeftMs()) / s.restTotalMs() : 1.0f;
        float rr = std::min(rightW * 0.16f, sceneH * 0.2f);
        ring(st, ImVec2(a.x + rr + 8, a.y + rr + 8), rr, frac, kBlue, std::to_string((s.restLeftMs() + 999) / 1000),
             "rest");
        const engine::PlannedStep* next = s.nextStep();
        drawCoach(st, ex, ImGui::GetTime(), a.x + rr * 2 + 24 * k, a.y, rightW - rr * 2 - 24 * k, sceneH,
                  next ? next->side : std::nullopt, 1);
    } else {
        const game::Scene& sc = g.play ? g.play->scene() : game::Scene{};
        switch (info.kind) {
            case game::GameKind::Hold: balloonScene(st, sc, a, b); break;
            case game::GameKind::Lift: shelfScene(st, sc, s, a, b); break;
            case game::GameKind::Reach: starsScene(st, sc, a, b); break;
        }
        // The demonstration, small, in the scene's corner: what the exercise looks like.
        float dw = std::min(rightW * 0.3f, sceneH * 0.36f);
        drawCoach(st, ex, ImGui::GetTime(), b.x - dw - 8 * k, b.y - sceneH * 0.1f - dw - 8 * k, dw, dw,
                  step ? step->side : std::nullopt, 1, false);
    }
    ImGui::Dummy(ImVec2(rightW, sceneH));
    ImGui::EndGroup();

    // Controls.
    const char* pauseLabel = s.pause() == engine::PauseReason::None ? "Pause (P)" : "Go on (P)";
    if (button(pauseLabel)) su.act(SessionAction::TogglePause);
    if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    ImGui::SameLine();
    if (button(resting ? "Skip rest (N)" : "Skip set (N)")) su.act(SessionAction::Skip);
    ImGui::SameLine();
    if (button("End (E)")) su.act(SessionAction::FinishEarly);
    ImGui::SameLine();
    if (button("Stop: it hurts (H)")) g.act(GameAction::StopForPain);
    bool tapping = !resting && step && step->goal == engine::StepGoal::Reps && !s.stepCameraCounted();
    if (tapping) {
        ImGui::SameLine();
        if (button("Tap rep (Space)")) su.act(SessionAction::TapRep);
    }
    ImGui::SameLine();
    std::string status = su.replay && st.options.video ? "Replay of " + st.options.video->filename().string()
                                                       : (s.options().camera ? "Camera" : "No camera: tap each rep");
    if (st.camera.hasPose) status += "  |  pose " + std::to_string(static_cast<int>(st.camera.poseMs)) + " ms";
    ImGui::TextDisabled("%s", status.c_str());
    if (keyPressed(SDL_SCANCODE_P)) su.act(SessionAction::TogglePause);
    if (keyPressed(SDL_SCANCODE_N)) su.act(SessionAction::Skip);
    if (keyPressed(SDL_SCANCODE_E)) su.act(SessionAction::FinishEarly);
    if (keyPressed(SDL_SCANCODE_H)) g.act(GameAction::StopForPain);
}

void drawGameEnd(UiState& st, engine::Session& s, const game::GameInfo& info) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    float k = st.dpiScale;
    engine::SessionSummary sum = s.summary();
    game::GameResult r = g.play ? g.play->result(s) : game::GameResult{};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    double t = nowS();
    recordText(su.saved ? "Session saved" : su.saveError.empty() ? "Session summary" : "Session not saved");
    recordText("Game over: score " + std::to_string(r.score));
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float buttonsH = ImGui::GetFrameHeightWithSpacing() + 12 * k;
    ImGui::BeginChild("gameend", ImVec2(avail.x, std::max(80.0f, avail.y - buttonsH)), false, ImGuiWindowFlags_NavFlattened);
    ImGui::PushTextWrapPos(0);
    // The score, big, with the session's stars.
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImFont* big = st.fonts.title;
    std::string score = std::to_string(r.score);
    dl->AddText(st.fonts.heading, st.fonts.heading->FontSize, p, IM_COL32(200, 206, 218, 255), (info.title + ": score").c_str());
    float sh = st.fonts.heading->FontSize * 1.1f;
    dl->AddText(big, big->FontSize * 1.2f, ImVec2(p.x, p.y + sh), kAmber, score.c_str());
    float sw = big->CalcTextSizeA(big->FontSize * 1.2f, FLT_MAX, 0, score.c_str()).x;
    float starR = big->FontSize * 0.45f;
    for (int i = 0; i < 3; ++i) star(dl, ImVec2(p.x + sw + 40 * k + starR + i * starR * 2.4f, p.y + sh + big->FontSize * 0.6f), starR, i < sum.stars);
    bool newBest = g.saved && g.saved->newBest && g.saved->bestBefore;
    if (newBest) {
        // a slow glow (under 3 flashes a second)
        float glow = static_cast<float>(0.5 - 0.5 * std::cos(2 * kPi * game::kPulseHz * t));
        ImU32 c = IM_COL32(102, 187, 106, static_cast<int>(150 + 105 * glow));
        std::string nb = "New best! (was " + std::to_string(*g.saved->bestBefore) + ")";
        dl->AddText(st.fonts.heading, st.fonts.heading->FontSize, ImVec2(p.x + sw + 40 * k + starR * 8, p.y + sh + big->FontSize * 0.3f), c, nb.c_str());
        recordText(nb);
    } else if (g.saved && g.saved->bestBefore) {
        std::string b = "Best " + std::to_string(*g.saved->bestBefore);
        dl->AddText(ImVec2(p.x + sw + 40 * k + starR * 8, p.y + sh + big->FontSize * 0.4f), IM_COL32(190, 198, 210, 255), b.c_str());
        recordText(b);
    }
    ImGui::Dummy(ImVec2(avail.x, sh + big->FontSize * 1.3f));
    std::string line = std::to_string(r.reps) + " of " + std::to_string(r.repsPlanned) + " reps, " + std::to_string(r.good) +
                       " with good form";
    if (r.heldPlannedS > 0)
        line = std::to_string(static_cast<int>(std::lround(r.heldS))) + " of " + std::to_string(static_cast<int>(std::lround(r.heldPlannedS))) +
               " s held, " + std::to_string(static_cast<int>(std::lround(r.goodHeldS))) + " s with good form";
    if (info.kind == game::GameKind::Reach) line += ", " + std::to_string(r.caught) + " stars caught";
    if (sum.formScore) line += "  |  form " + std::to_string(engine::scorePoints(*sum.formScore)) + "/100";
    line += "  |  pain " + (sum.painBefore ? std::to_string(*sum.painBefore) : std::string("-")) + " -> " +
            (sum.painAfter ? std::to_string(*sum.painAfter) : std::string("-"));
    heading(st, line);
    if (!r.faults.empty()) {
        std::string f = "Seen most: ";
        for (size_t i = 0; i < r.faults.size() && i < 3; ++i)
            f += (i ? "; " : "") + faultWords(st, r.exerciseId, r.faults[i].first) + " (x" + std::to_string(r.faults[i].second) + ")";
        ImGui::TextWrapped("%s", f.c_str());
    }
    ImGui::TextDisabled("Score: 100 a clean rep (+20 in a streak of 3), 70 with a small fault, 40 with a warning, 0 dropped; "
                        "holds 10 a good second.");
    ImGui::Separator();
    earnedLines(st);
    if (const auto* v = progressView(st)) progressRow(st, *v, avail.x * 0.9f);
    ImGui::Spacing();
    drawSaveStatus(st);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    // Below the scrolling part, always on screen.
    if (button("Home")) g.act(GameAction::LeaveGame);
    if (!ImGui::IsAnyItemFocused()) ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    ImGui::SameLine();
    if (button("Play again")) g.act(GameAction::PlayAgain);
}

}  // namespace

bool drawGameStage(UiState& st, engine::Session& s) {
    GameUi& g = st.session.game;
    if (g.gameId.empty()) return false;
    const game::GameInfo* info = game::findGame(g.gameId);
    if (!info || s.plan().exercises.empty()) return false;
    if (!g.started && s.stage() == Stage::CheckIn) {
        drawGameStart(st, s, *info);
        if (keyPressed(SDL_SCANCODE_RETURN) && !ImGui::IsAnyItemActive()) g.act(GameAction::Play);
        return true;
    }
    switch (s.stage()) {
        case Stage::Active:
        case Stage::Rest: drawGamePlay(st, s, *info); return true;
        case Stage::Summary: drawGameEnd(st, s, *info); return true;
        default: return false;
    }
}

void drawDoseOffer(UiState& st) {
    GameUi& g = st.session.game;
    if (!g.doseError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("The dose could not be read: %s", g.doseError.c_str());
        ImGui::PopStyleColor();
    }
    if (!g.offer) {
        if (g.gameId.empty() && !g.doseNote.empty()) ImGui::TextWrapped("%s", g.doseNote.c_str());
        return;
    }
    const game::DoseOffer& o = *g.offer;
    ImGui::PushStyleColor(ImGuiCol_Text, o.kind == game::OfferKind::Lighter || o.kind == game::OfferKind::SeeTherapist ? kAmber : kGreen);
    ImGui::TextWrapped("%s", o.text.c_str());
    ImGui::PopStyleColor();
    recordText(o.text);
    bool change = o.kind == game::OfferKind::Lighter || o.kind == game::OfferKind::StepUp;
    if (change) {
        if (button(o.kind == game::OfferKind::Lighter ? "Use the lighter dose" : "Step back up")) g.act(GameAction::AcceptDose);
        ImGui::SameLine();
        if (button(o.toLevel < o.fromLevel ? "Keep today's dose" : "Stay at this dose")) g.act(GameAction::DeclineDose);
        ImGui::TextDisabled("Your therapist's plan is the most it ever asks; your therapist sees this choice.");
    } else {
        if (button("OK, noted")) g.act(GameAction::DeclineDose);
    }
}

void drawProgressSummary(UiState& st) {
    ImGui::Separator();
    earnedLines(st);
    if (const auto* v = progressView(st)) progressRow(st, *v, ImGui::GetContentRegionAvail().x * 0.9f);
}

void drawTextSizeRow(UiState& st) {
    GameUi& g = st.session.game;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Text size");
    for (int i = 0; i < 3; ++i) {
        ImGui::SameLine();
        std::string label = std::string(i == 0 ? "A" : i == 1 ? "A+" : "A++") + (st.a11y.fontStep == i ? " (on)" : "") +
                            "##font" + std::to_string(i);
        if (button(label.c_str())) g.act(GameAction::SetFontSize, std::to_string(i));
    }
    ImGui::SameLine(0, 18 * st.dpiScale);
    if (button(st.a11y.highContrast ? "High contrast: on" : "High contrast: off"))
        g.act(GameAction::SetContrast, st.a11y.highContrast ? "0" : "1");
}

void drawHomeProgress(UiState& st) {
    GameUi& g = st.session.game;
    g.homeBlockH = 0;
    if (!currentPatient(st)) return;
    float k = st.dpiScale;
    float y0 = ImGui::GetCursorPosY();
    float w = ImGui::GetContentRegionAvail().x;
    float leftW = w * 0.45f;
    // Left: the level, the weekly ring, the streak and the badges (and at a kiosk, which has no
    // Settings screen, the text size and contrast).
    ImGui::BeginGroup();
    if (const auto* v = progressView(st)) progressRow(st, *v, leftW);
    else if (!g.progress.error.empty()) ImGui::TextDisabled("Progress: %s", g.progress.error.c_str());
    if (st.options.kiosk) drawTextSizeRow(st);
    ImGui::EndGroup();
    ImGui::SameLine(leftW + 24 * k);
    // Right: the games, each on its exercise (the program's dose when today's program has it), as
    // many to a row as fit.
    ImGui::BeginGroup();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Play a game");
    ImGui::PopFont();
    const auto* program = st.session.library.program(st.session.programId);
    float right = ImGui::GetCursorPosX() + (w - leftW - 24 * k);
    bool first = true;
    for (const auto& info : game::games()) {
        std::string ex = info.defaultExercise(), prog;
        if (program)
            for (const auto& s : program->sessions)
                for (const auto& it : s.items)
                    if (prog.empty() && info.plays(it.exerciseId)) prog = program->id, ex = it.exerciseId;
        auto best = g.progress.best.find(info.id + ":" + ex);
        std::string shown = info.title;
        if (const auto* def = st.session.library.exercise(ex)) shown += ": " + def->title;
        if (best != g.progress.best.end()) shown += "  (best " + std::to_string(best->second) + ")";
        std::string label = shown + "##game_" + info.id;
        float bw = ImGui::CalcTextSize(shown.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
        if (!first) {
            ImGui::SameLine();
            if (ImGui::GetCursorPosX() + bw > right) ImGui::NewLine();
        }
        first = false;
        if (button(label.c_str())) g.act(GameAction::Start, info.id + "|" + prog + "|" + ex);
    }
    ImGui::EndGroup();
    g.homeBlockH = ImGui::GetCursorPosY() - y0;
}

void drawDoseHistory(UiState& st, int64_t patientId) {
    const GameUi& g = st.session.game;
    if (g.doseHistoryFor != patientId) return;
    ImGui::Separator();
    heading(st, "Pain-guided dose");
    if (!g.doseHistoryError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("Could not read the dose changes: %s", g.doseHistoryError.c_str());
        ImGui::PopStyleColor();
        return;
    }
    int level = 0;
    for (const auto& c : g.doseHistory)
        if (c.accepted) {
            level = c.toLevel;
            break;
        }
    std::string now = "Now: " + std::string(game::doseLevelName(level)) + " (your plan is the most PT Coach asks).";
    ImGui::TextWrapped("%s", now.c_str());
    recordText(now);
    if (g.doseHistory.empty()) ImGui::TextDisabled("No changes offered yet.");
    for (size_t i = 0; i < g.doseHistory.size() && i < 8; ++i) {
        const auto& c = g.doseHistory[i];
        bool change = c.kind == "lighter" || c.kind == "step_up";
        std::string what = c.kind == "lighter" ? "lighter offered" : c.kind == "step_up" ? "step up offered"
                           : c.kind == "ready_for_more" ? "ready for the next step" : "asked to see you";
        std::string line = c.decidedAt.substr(0, 10) + "  " + what +
                           (change ? std::string(c.accepted ? ", taken" : ", declined") + " (level " +
                                         std::to_string(c.fromLevel) + " -> " + std::to_string(c.accepted ? c.toLevel : c.fromLevel) + ")"
                                   : std::string()) +
                           ": " + c.detail;
        ImGui::Bullet();
        ImGui::TextWrapped("%s", line.c_str());
        recordText(line);
    }
}

void drawPlayGameButton(UiState& st, const std::string& programId, const std::string& exerciseId) {
    const game::GameInfo* info = game::gameForExercise(exerciseId);
    if (!info) return;
    ImGui::SameLine();
    std::string label = "Play: " + info->title + "##" + programId + "_" + exerciseId;
    if (button(label.c_str())) st.session.game.act(GameAction::Start, info->id + "|" + programId + "|" + exerciseId);
}

void drawCoach(UiState& st, const analysis::ExerciseDefinition& ex, double tS, float x, float y, float w, float h,
               std::optional<analysis::BodySide> side, int slot, bool interactive) {
    GameUi& g = st.session.game;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (w < 20 || h < 20) return;
    if (!st.coach3d) st.coach3d = std::make_unique<Coach3D>();
    Coach3D& c = *st.coach3d;
    float lineH = ImGui::GetTextLineHeight();
    float viewH = h - lineH * 1.3f;
    if (!c.available()) {
        drawDemoFigure(dl, ex, tS, ImVec2(x, y), ImVec2(w, viewH), side);
        std::string note = "Line drawing: " + c.error();
        dl->PushClipRect(ImVec2(x, y + viewH), ImVec2(x + w, y + h), true);
        dl->AddText(ImVec2(x + 4, y + viewH + 2), IM_COL32(255, 204, 128, 255), note.c_str());
        dl->PopClipRect();
        recordText(note);
        return;
    }
    // The demonstration's own view, turned a little for depth; the person turns it further.
    bool front = ex.demo && ex.demo->view == analysis::ViewNeed::Front;
    float base = front ? 20.0f : 70.0f;
    if (!g.coachYawSet) {
        g.coachYaw = 0;
        g.coachYawSet = true;
    }
    float yaw = base + g.coachYaw;
    Figure3D fig = demoFigure(ex, tS, side);
    float fb = ImGui::GetIO().DisplayFramebufferScale.x;
    unsigned texId = c.render(slot, fig, static_cast<int>(w * fb), static_cast<int>(viewH * fb), yaw, 12.0f);
    if (texId)
        dl->AddImageRounded(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texId)), ImVec2(x, y), ImVec2(x + w, y + viewH),
                            ImVec2(0, 1), ImVec2(1, 0), IM_COL32(255, 255, 255, 255), 10 * st.dpiScale);
    recordText("3D coach");
    if (interactive) {
        // Drag to turn it, or [ and ], or the gamepad's right stick (read in updateGame).
        ImVec2 cursor = ImGui::GetCursorScreenPos();
        ImGui::SetCursorScreenPos(ImVec2(x, y));
        ImGui::PushID(slot);
        ImGui::InvisibleButton("coach", ImVec2(w, viewH));
        recordItem("3D coach");
        if (ImGui::IsItemActive()) g.act(GameAction::TurnCoach, std::to_string(ImGui::GetIO().MouseDelta.x * 0.5f));
        // Buttons a finger, a mouse or the gamepad's A can press.
        ImGui::SetCursorScreenPos(ImVec2(x, y + viewH + 1));
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6 * st.dpiScale, 0));
        if (button("< Turn")) g.act(GameAction::TurnCoach, "-45");
        ImGui::SameLine();
        if (button("Turn >")) g.act(GameAction::TurnCoach, "45");
        ImGui::PopStyleVar();
        const char* more = "or drag, [ ], the right stick";
        if (ImGui::GetCursorScreenPos().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(more).x < x + w) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s", more);
        }
        ImGui::PopID();
        ImGui::SetCursorScreenPos(cursor);
        if (keyPressed(SDL_SCANCODE_LEFTBRACKET)) g.act(GameAction::TurnCoach, "-30");
        if (keyPressed(SDL_SCANCODE_RIGHTBRACKET)) g.act(GameAction::TurnCoach, "30");
    }
}

void drawPersonSideView(UiState& st, float x, float y, float w, float h, int slot) {
    if (!st.camera.hasPose || !st.camera.pose.person || w < 40 || h < 40) return;
    analysis::LandmarkFrame f = toLandmarkFrame(st.camera.pose, 0, st.camera.width, st.camera.height);
    Figure3D fig = personFigure(f);
    if (!fig.valid) return;
    if (!st.coach3d) st.coach3d = std::make_unique<Coach3D>();
    Coach3D& c = *st.coach3d;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (!c.available()) return;  // the camera picture's skeleton is there already
    std::array<bool, analysis::kLandmarks> bad{};
    if (st.session.session)
        for (int i : faultyLandmarks(*st.session.session)) bad[static_cast<size_t>(i)] = true;
    float fb = ImGui::GetIO().DisplayFramebufferScale.x;
    float labelH = ImGui::GetTextLineHeight() * 1.2f;
    unsigned texId = c.render(slot, fig, static_cast<int>(w * fb), static_cast<int>((h - labelH) * fb), sideYaw(fig), 5.0f,
                              CoachColours{}, &bad);
    dl->AddRectFilled(ImVec2(x - 2, y - 2), ImVec2(x + w + 2, y + h + 2), IM_COL32(20, 24, 32, 230), 8);
    if (texId)
        dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texId)), ImVec2(x, y + labelH), ImVec2(x + w, y + h),
                     ImVec2(0, 1), ImVec2(1, 0));
    dl->PushClipRect(ImVec2(x, y), ImVec2(x + w, y + h), true);
    const char* label = ImGui::CalcTextSize("You, from the side").x + 12 <= w ? "You, from the side" : "from the side";
    dl->AddText(ImVec2(x + 6, y + 2), IM_COL32(230, 235, 240, 255), label);
    dl->PopClipRect();
    recordText(label);
}

namespace {
// A spoken cue is on screen: the newest, until the next one or 8 s.
bool captionShowing(const UiState& st) {
    const auto& audio = st.session.audio;
    return audio && !audio->lastSaid().empty() && SDL_GetTicks() - audio->lastSaidAt() < 8000;
}
}  // namespace

float captionStripHeight(const UiState& st) {
    // Kept for the whole session (its layout does not jump); elsewhere only while a caption shows.
    if (!st.fonts.body || (st.screen != Screen::Session && !captionShowing(st))) return 0.0f;
    return st.fonts.body->FontSize * 1.6f;
}

void drawJuiceOverlay(UiState& st) {
    SessionUi& su = st.session;
    JuiceState& j = su.game.juice;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    double t = nowS();
    float k = st.dpiScale;
    const ImU32 palette[4] = {kAmber, kTeal, kPink, kGreen};
    // A finished set bursts into particles from the score; a caught star from the scene's middle.
    for (const auto& [burst, anchor] : j.bursts) {
        ImVec2 c = anchor == 0 ? ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.62f, vp->WorkPos.y + vp->WorkSize.y * 0.22f)
                               : ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.75f, vp->WorkPos.y + vp->WorkSize.y * 0.4f);
        float R = vp->WorkSize.y * 0.25f;
        for (const auto& p : burst.at(t)) {
            ImU32 col = palette[p.colour & 3];
            col = (col & 0x00FFFFFF) | (static_cast<ImU32>(255 * p.alpha) << 24);
            fg->AddCircleFilled(ImVec2(c.x + p.x * R, c.y + p.y * R), std::max(2.0f, p.size * R), col, 12);
        }
    }
    // A toast: the streak, the set done.
    if (t - j.toastAt < 2.2 && !j.toast.empty()) {
        float a = static_cast<float>(std::clamp(std::min((t - j.toastAt) / 0.2, (2.2 - (t - j.toastAt)) / 0.4), 0.0, 1.0));
        ImFont* f = st.fonts.heading;
        ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, j.toast.c_str());
        ImVec2 p(vp->WorkPos.x + (vp->WorkSize.x - ts.x) * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.14f);
        fg->AddRectFilled(ImVec2(p.x - 18 * k, p.y - 10 * k), ImVec2(p.x + ts.x + 18 * k, p.y + ts.y + 10 * k),
                          IM_COL32(20, 90, 84, static_cast<int>(230 * a)), 14 * k);
        fg->AddText(f, f->FontSize, p, IM_COL32(255, 255, 255, static_cast<int>(255 * a)), j.toast.c_str());
        recordText(j.toast);
    }
    // The level-up moment: a banner that grows in and glows slowly.
    if (j.levelUp.active(t)) {
        float s = static_cast<float>(j.levelUp.scale(t)), a = static_cast<float>(j.levelUp.alpha(t)),
              glow = static_cast<float>(j.levelUp.glow(t));
        std::string text = "Level " + std::to_string(j.levelUp.level()) + "!";
        ImFont* f = st.fonts.title;
        float size = f->FontSize * 1.4f * s;
        ImVec2 ts = f->CalcTextSizeA(size, FLT_MAX, 0, text.c_str());
        ImVec2 c(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.42f);
        float padX = 60 * k * s, padY = 30 * k * s;
        fg->AddRectFilled(ImVec2(c.x - ts.x / 2 - padX, c.y - ts.y / 2 - padY), ImVec2(c.x + ts.x / 2 + padX, c.y + ts.y / 2 + padY),
                          IM_COL32(30, 24, 60, static_cast<int>(235 * a)), 24 * k);
        fg->AddRect(ImVec2(c.x - ts.x / 2 - padX, c.y - ts.y / 2 - padY), ImVec2(c.x + ts.x / 2 + padX, c.y + ts.y / 2 + padY),
                    IM_COL32(255, 204, 128, static_cast<int>(255 * a * (0.5f + 0.5f * glow))), 24 * k, 0, 6 * k);
        sprite(fg, st, "star", ImVec2(c.x - ts.x / 2 - padX * 0.5f, c.y), ts.y * 1.1f, 0, a);
        sprite(fg, st, "star", ImVec2(c.x + ts.x / 2 + padX * 0.5f, c.y), ts.y * 1.1f, 0, a);
        fg->AddText(f, size, ImVec2(c.x - ts.x / 2, c.y - ts.y / 2), IM_COL32(255, 230, 160, static_cast<int>(255 * a)), text.c_str());
        recordText(text);
    }
    // Captions: every spoken cue, on every screen, in a strip of their own (muted or not): the
    // newest, until the next one or 8 s.
    float strip = captionStripHeight(st);
    if (strip <= 0) return;
    ImVec2 s0(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - strip), s1(vp->WorkPos.x + vp->WorkSize.x, vp->WorkPos.y + vp->WorkSize.y);
    bool captionOn = captionShowing(st);
    fg->AddRectFilled(s0, s1, captionOn ? IM_COL32(0, 0, 0, 255) : IM_COL32(14, 15, 20, 255));
    if (captionOn) {
        const std::string& text = su.audio->lastSaid();
        ImFont* f = st.fonts.heading;  // the bold face, at the body's size: fits the strip
        float maxW = vp->WorkSize.x - 40 * k, size = st.fonts.body->FontSize * 1.1f;
        float tw = f->CalcTextSizeA(size, FLT_MAX, 0, text.c_str()).x;
        if (tw > maxW) size = std::max(st.fonts.body->FontSize * 0.8f, size * maxW / tw);  // smaller, then clipped
        ImVec2 ts = f->CalcTextSizeA(size, FLT_MAX, 0, text.c_str());
        ImVec2 p(s0.x + std::max(20 * k, (vp->WorkSize.x - ts.x) * 0.5f), s0.y + (strip - ts.y) * 0.5f);
        fg->PushClipRect(s0, s1);
        fg->AddText(f, size, p, IM_COL32(255, 255, 255, 255), text.c_str());
        fg->PopClipRect();
        recordText("Caption: " + text);
    }
}

}  // namespace ptcoach::ui
