// The Progress screen: the library's charts drawn into ImGui draw lists, plus export buttons.
#include "ptcoach/core/clock.h"
#include "ptcoach/recovery/progress.h"
#include "progress_screen.h"

#include <ctime>

#include "ptcoach/recovery/charts.h"
#include "ptcoach/recovery/export.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using namespace std::chrono;
using recovery::Pt;
using recovery::Rect;

namespace {

ImU32 col(recovery::Color c) { return IM_COL32(c.r, c.g, c.b, c.a); }

// recovery::Canvas on an ImGui draw list, in screen pixels.
class ImGuiCanvas : public recovery::Canvas {
public:
    ImGuiCanvas(ImDrawList* dl, ImFont* regular, ImFont* bold) : m_dl(dl), m_regular(regular), m_bold(bold) {}
    void line(Pt a, Pt b, recovery::Color c, float w) override { m_dl->AddLine({a.x, a.y}, {b.x, b.y}, col(c), w); }
    void polyline(const std::vector<Pt>& pts, recovery::Color c, float w) override {
        if (pts.size() < 2) return;
        std::vector<ImVec2> v;
        v.reserve(pts.size());
        for (const Pt& p : pts) v.push_back({p.x, p.y});
        m_dl->AddPolyline(v.data(), static_cast<int>(v.size()), col(c), ImDrawFlags_None, w);
    }
    void rectFilled(Pt a, Pt b, recovery::Color c, float rounding = 0) override {
        m_dl->AddRectFilled({std::min(a.x, b.x), std::min(a.y, b.y)}, {std::max(a.x, b.x), std::max(a.y, b.y)}, col(c),
                            rounding);
    }
    void rect(Pt a, Pt b, recovery::Color c, float w) override { m_dl->AddRect({a.x, a.y}, {b.x, b.y}, col(c), 0, 0, w); }
    void circleFilled(Pt c, float r, recovery::Color cl) override { m_dl->AddCircleFilled({c.x, c.y}, r, col(cl), 20); }
    void text(Pt at, const std::string& s, float size, recovery::Color c, bool bold = false) override {
        m_dl->AddText(bold ? m_bold : m_regular, size, {at.x, at.y}, col(c), s.c_str());
    }
    float textWidth(const std::string& s, float size, bool bold = false) override {
        return (bold ? m_bold : m_regular)->CalcTextSizeA(size, FLT_MAX, 0, s.c_str()).x;
    }

private:
    ImDrawList* m_dl;
    ImFont* m_regular;
    ImFont* m_bold;
};

// Reserves a w x h focusable item, so arrow keys / the d-pad move between charts and scroll to
// them, and returns its rect; the focused chart gets an outline.
Rect place(const char* id, float w, float h) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(w, h));
    if (ImGui::IsItemFocused())
        ImGui::GetWindowDrawList()->AddRect(p, ImVec2(p.x + w, p.y + h), kTeal, 10.0f, 0, 3.0f);
    return {p.x, p.y, w, h};
}

std::string today() { return recovery::localText(wallNow(), "%Y-%m-%d_%H%M"); }

}  // namespace

void drawProgressCharts(UiState& st, const recovery::ProgressSummary& p, const char* id, const char* firstSessionText) {
    float k = st.dpiScale;
    ImGui::BeginChild(id, ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
    ImGuiCanvas canvas(ImGui::GetWindowDrawList(), st.fonts.body, st.fonts.heading);
    auto style = recovery::ChartStyle::dark(k);
    float gap = 16 * k;
    float W = ImGui::GetContentRegionAvail().x;
    // Row 1: the recovery clock, the streak and water.
    float leftW = W * 0.52f, midW = W * 0.27f, rightW = W - leftW - midW - 2 * gap;
    float rowH = 130 * k;
    recovery::drawPhaseTimeline(canvas, place("clock", leftW, rowH), p, style);
    ImGui::SameLine(0, gap);
    recovery::drawStreak(canvas, place("streak", midW, rowH), p, style);
    ImGui::SameLine(0, gap);
    {
        Rect wr = place("water", rightW, rowH);
        canvas.rectFilled({wr.x, wr.y}, {wr.x + wr.w, wr.y + wr.h}, style.panel, style.pad);
        canvas.text({wr.x + style.pad * 1.5f, wr.y + style.pad}, "Water today", style.titleFont, style.text, true);
        float frac = std::min(1.0f, p.waterTodayMl / static_cast<float>(std::max(1, p.waterGoalMl)));
        float by = wr.y + wr.h * 0.5f;
        canvas.rectFilled({wr.x + style.pad * 1.5f, by}, {wr.x + wr.w - style.pad * 1.5f, by + 18 * k}, style.grid, 6 * k);
        canvas.rectFilled({wr.x + style.pad * 1.5f, by},
                          {wr.x + style.pad * 1.5f + (wr.w - style.pad * 3) * frac, by + 18 * k}, style.rom, 6 * k);
        canvas.text({wr.x + style.pad * 1.5f, by + 24 * k},
                    std::to_string(p.waterTodayMl) + " / " + std::to_string(p.waterGoalMl) + " ml", style.font, style.muted);
    }
    ImGui::Dummy(ImVec2(0, gap * 0.3f));
    // Row 2: pain with sessions, and adherence.
    float painW = W * 0.62f;
    float row2H = 250 * k;
    recovery::drawPainChart(canvas, place("pain", painW, row2H), p, style);
    ImGui::SameLine(0, gap);
    recovery::drawAdherenceChart(canvas, place("adherence", W - painW - gap, row2H), p, style);
    ImGui::Dummy(ImVec2(0, gap * 0.3f));
    // Row 3+: each exercise's range of motion and form quality, two a row.
    if (p.exercises.empty()) {
        ImGui::TextDisabled("Range of motion and form per exercise appear here after %s.", firstSessionText);
    }
    float exW = (W - gap) * 0.5f;
    for (size_t i = 0; i < p.exercises.size(); ++i) {
        if (i % 2 == 1) ImGui::SameLine(0, gap);
        ImGui::PushID(static_cast<int>(i));
        recovery::drawExerciseChart(canvas, place("exercise", exW, 200 * k), p.exercises[i], p, style);
        ImGui::PopID();
    }
    ImGui::EndChild();
}

void drawProgressScreen(UiState& st) {
    RecoveryUi& r = st.recovery;
    screenHeader(st, "Progress");
    if (!st.dbError.empty() || !st.db) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("Your saved data could not be opened, so there is no history to show: %s",
                           st.dbError.empty() ? "no database" : st.dbError.c_str());
        ImGui::PopStyleColor();
        return;
    }
    if (!r.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("Could not read your history: %s", r.error.c_str());
        ImGui::PopStyleColor();
    }
    if (!r.progress) {
        ImGui::TextUnformatted("Loading your history...");
        return;
    }
    const recovery::ProgressSummary& p = *r.progress;
    float k = st.dpiScale;

    // Actions row: planned sessions a week and the exports.
    std::string planned = "Planned sessions a week: " + std::to_string(r.plannedPerWeek);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(planned.c_str());
    recordText(planned);
    ImGui::SameLine();
    if (button(" - ") && r.plannedPerWeek > 0) {
        int v = r.plannedPerWeek - 1;
        r.actions.push_back([v](UiState& s, storage::RecoveryStore& store, storage::TimePoint) {
            if (Status e = recovery::setPlannedSessionsPerWeek(store.database(), s.recovery.profileId, v); !e)
                s.recovery.notice = e.message();
        });
    }
    ImGui::SameLine();
    if (button(" + ") && r.plannedPerWeek < 14) {
        int v = r.plannedPerWeek + 1;
        r.actions.push_back([v](UiState& s, storage::RecoveryStore& store, storage::TimePoint) {
            if (Status e = recovery::setPlannedSessionsPerWeek(store.database(), s.recovery.profileId, v); !e)
                s.recovery.notice = e.message();
        });
    }
    ImGui::SameLine(0, 40 * k);
    if (button("Save report for my clinician (PDF + CSV)")) {
        auto dir = st.options.dataDir / "exports" / today();
        r.actions.push_back([dir](UiState& s, storage::RecoveryStore& store, storage::TimePoint now) {
            auto files = recovery::exportCsv(store, s.recovery.profileId, dir);
            if (!files) {
                s.recovery.lastExport = "Export failed: " + files.error().message;
                return;
            }
            recovery::ProgressOptions o;
            o.titles = libraryTitles(s);
            o.plannedPerWeek = s.recovery.plannedPerWeek;
            if (Status e = recovery::writeReport(store, s.recovery.profileId, now, dir / "report.pdf", o); !e) {
                s.recovery.lastExport = "Report failed: " + e.message();
                return;
            }
            s.recovery.lastExport = "Saved in " + dir.string();
        });
    }
    if (!r.lastExport.empty()) ImGui::TextWrapped("%s", r.lastExport.c_str());

    drawProgressCharts(st, p, "charts", "your first camera session");
}

}  // namespace ptcoach::ui
