#include "ptcoach/recovery/export.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <ctime>
#include <fstream>

#include "ptcoach/recovery/charts.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/recovery/session_log.h"

namespace ptcoach::recovery {

namespace fs = std::filesystem;
using namespace std::chrono;

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) {
        if (c == '"') o += '"';
        o += c;
    }
    return o + "\"";
}

namespace {

Status renameInto(const fs::path& tmp, const fs::path& final) {
    std::error_code ec;
    fs::rename(tmp, final, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return makeError("cannot write " + final.string() + ": " + ec.message());
    }
    return {};
}

// Runs `sql` (one ? for the profile id) and writes the result with its column names as header.
Status writeTableCsv(const storage::Database& db, const std::string& sql, storage::Id profileId, const fs::path& file) {
    storage::Statement st = db.prepare(sql);
    if (!st.ok()) return makeError("cannot read for " + file.filename().string() + ": " + st.prepareError());
    st.bind(profileId);
    fs::path tmp = file;
    tmp += ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return makeError("cannot write " + tmp.string());
    // The column names are known once the statement has run.
    storage::Statement::Step rc = st.step();
    int cols = st.columnCount();
    for (int i = 0; i < cols; ++i) out << (i ? "," : "") << csvField(st.columnName(i));
    out << "\r\n";
    for (; rc == storage::Statement::Step::Row; rc = st.step()) {
        for (int i = 0; i < cols; ++i) {
            if (i) out << ",";
            if (st.isNull(i)) continue;
            out << csvField(st.text(i));
        }
        out << "\r\n";
    }
    std::string err = rc == storage::Statement::Step::Done ? "" : st.error();
    out.close();
    if (!err.empty()) {
        std::error_code ec;
        fs::remove(tmp, ec);
        return makeError("cannot read for " + file.filename().string() + ": " + err);
    }
    if (!out) return makeError("cannot write " + tmp.string() + " (disk full?)");
    return renameInto(tmp, file);
}

}  // namespace

Expected<std::vector<fs::path>> exportCsv(const storage::RecoveryStore& store, storage::Id profileId, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return makeError("cannot create " + dir.string() + ": " + ec.message());
    const std::pair<const char*, const char*> tables[] = {
        // Never the PIN hash or sign-in state: the export leaves the clinic.
        {"profiles", "SELECT id, name, role, created_at FROM profiles WHERE id = ? ORDER BY id"},
        {"episodes", "SELECT * FROM episodes WHERE profile_id = ? ORDER BY onset_at, id"},
        {"red_flag_screens", "SELECT * FROM red_flag_screens WHERE profile_id = ? ORDER BY taken_at, id"},
        {"checkins", "SELECT * FROM checkins WHERE profile_id = ? ORDER BY taken_at, id"},
        {"sessions", "SELECT * FROM sessions WHERE profile_id = ? ORDER BY started_at, id"},
        {"exercise_results", "SELECT r.* FROM exercise_results r JOIN sessions s ON s.id = r.session_id "
                             "WHERE s.profile_id = ? ORDER BY s.started_at, r.id"},
        {"thermal_applications", "SELECT * FROM thermal_applications WHERE profile_id = ? ORDER BY started_at, id"},
        {"hydration", "SELECT * FROM hydration WHERE profile_id = ? ORDER BY taken_at, id"},
        // Progression: points with their reasons, badges, game scores, pain-guided dose changes.
        {"progress_points", "SELECT * FROM progress_points WHERE profile_id = ? ORDER BY earned_at, id"},
        {"badges", "SELECT * FROM badges WHERE profile_id = ? ORDER BY earned_at, id"},
        {"game_scores", "SELECT * FROM game_scores WHERE profile_id = ? ORDER BY played_at, id"},
        {"dose_changes", "SELECT * FROM dose_changes WHERE profile_id = ? ORDER BY decided_at, id"},
    };
    std::vector<fs::path> written;
    // One transaction: the files agree with each other even while the app writes. (Exporting
    // changes nothing; the transaction only holds the snapshot.)
    auto& db = const_cast<storage::Database&>(store.database());
    Status s = db.transaction([&]() -> Status {
        written.clear();
        for (const auto& [name, sql] : tables) {
            fs::path file = dir / (std::string(name) + ".csv");
            if (Status w = writeTableCsv(db, sql, profileId, file); !w) return w;
            written.push_back(file);
        }
        return {};
    });
    if (!s) return makeError(s.message());
    return written;
}

// ---------------------------------------------------------------------------------------------
// PDF

namespace {

class CairoCanvas : public Canvas {
public:
    explicit CairoCanvas(cairo_t* cr) : m_cr(cr) {}
    void set(Color c) { cairo_set_source_rgba(m_cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0); }
    void line(Pt a, Pt b, Color c, float w) override {
        set(c);
        cairo_set_line_width(m_cr, w);
        cairo_move_to(m_cr, a.x, a.y);
        cairo_line_to(m_cr, b.x, b.y);
        cairo_stroke(m_cr);
    }
    void polyline(const std::vector<Pt>& pts, Color c, float w) override {
        if (pts.size() < 2) return;
        set(c);
        cairo_set_line_width(m_cr, w);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
        cairo_move_to(m_cr, pts[0].x, pts[0].y);
        for (size_t i = 1; i < pts.size(); ++i) cairo_line_to(m_cr, pts[i].x, pts[i].y);
        cairo_stroke(m_cr);
    }
    void path(Pt a, Pt b, float r) {
        r = std::min({r, (b.x - a.x) / 2, (b.y - a.y) / 2});
        if (r <= 0.5f) {
            cairo_rectangle(m_cr, a.x, a.y, b.x - a.x, b.y - a.y);
            return;
        }
        const double pi = 3.14159265358979;
        cairo_new_sub_path(m_cr);
        cairo_arc(m_cr, b.x - r, a.y + r, r, -pi / 2, 0);
        cairo_arc(m_cr, b.x - r, b.y - r, r, 0, pi / 2);
        cairo_arc(m_cr, a.x + r, b.y - r, r, pi / 2, pi);
        cairo_arc(m_cr, a.x + r, a.y + r, r, pi, 3 * pi / 2);
        cairo_close_path(m_cr);
    }
    void rectFilled(Pt a, Pt b, Color c, float rounding = 0) override {
        if (b.x < a.x) std::swap(a.x, b.x);
        if (b.y < a.y) std::swap(a.y, b.y);
        set(c);
        path(a, b, rounding);
        cairo_fill(m_cr);
    }
    void rect(Pt a, Pt b, Color c, float w) override {
        set(c);
        cairo_set_line_width(m_cr, w);
        path(a, b, 0);
        cairo_stroke(m_cr);
    }
    void circleFilled(Pt ctr, float r, Color c) override {
        set(c);
        cairo_new_sub_path(m_cr);
        cairo_arc(m_cr, ctr.x, ctr.y, r, 0, 2 * 3.14159265358979);
        cairo_fill(m_cr);
    }
    void font(float size, bool bold) {
        cairo_select_font_face(m_cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(m_cr, size);
    }
    void text(Pt at, const std::string& s, float size, Color c, bool bold = false) override {
        font(size, bold);
        cairo_font_extents_t fe;
        cairo_font_extents(m_cr, &fe);
        set(c);
        cairo_move_to(m_cr, at.x, at.y + fe.ascent);
        cairo_show_text(m_cr, s.c_str());
    }
    float textWidth(const std::string& s, float size, bool bold = false) override {
        font(size, bold);
        cairo_text_extents_t te;
        cairo_text_extents(m_cr, s.c_str(), &te);
        return static_cast<float>(te.x_advance);
    }
    // Wrapped paragraph; returns the height used.
    float paragraph(Pt at, float width, const std::string& s, float size, Color c, bool bold = false) {
        std::string lineText, word;
        float y = at.y;
        auto flush = [&]() {
            text({at.x, y}, lineText, size, c, bold);
            y += size * 1.35f;
            lineText.clear();
        };
        for (size_t i = 0; i <= s.size(); ++i) {
            if (i == s.size() || s[i] == ' ') {
                std::string candidate = lineText.empty() ? word : lineText + " " + word;
                if (!lineText.empty() && textWidth(candidate, size, bold) > width) {
                    flush();
                    lineText = word;
                } else {
                    lineText = candidate;
                }
                word.clear();
            } else {
                word += s[i];
            }
        }
        if (!lineText.empty()) flush();
        return y - at.y;
    }

private:
    cairo_t* m_cr;
};


}  // namespace

Status writeReport(const storage::RecoveryStore& store, storage::Id profileId, TimePoint now, const fs::path& pdf,
                   const ProgressOptions& options) {
    auto progress = buildProgress(store, profileId, now, options);
    if (!progress) return makeError(progress.error().message);
    auto profile = store.profile(profileId);
    if (!profile) return makeError(profile.error().message);
    auto episodes = store.episodes(profileId);
    if (!episodes) return makeError(episodes.error().message);
    auto screens = store.redFlagScreens(profileId);
    if (!screens) return makeError(screens.error().message);
    auto checkins = store.checkIns(profileId);
    if (!checkins) return makeError(checkins.error().message);
    auto alerts = store.redFlagAlerts(profileId);
    if (!alerts) return makeError(alerts.error().message);
    auto log = sessionLog(store, profileId, options.titles);
    if (!log) return makeError(log.error().message);
    const ProgressSummary& p = *progress;

    std::error_code ec;
    if (pdf.has_parent_path()) fs::create_directories(pdf.parent_path(), ec);
    fs::path tmp = pdf;
    tmp += ".tmp";
    const float W = 595.28f, H = 841.89f, M = 40;
    cairo_surface_t* surface = cairo_pdf_surface_create(tmp.c_str(), W, H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        std::string msg = cairo_status_to_string(cairo_surface_status(surface));
        cairo_surface_destroy(surface);
        return makeError("cannot write " + pdf.string() + ": " + msg);
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "PT Coach recovery report");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "PT Coach");
    cairo_t* cr = cairo_create(surface);
    CairoCanvas c(cr);
    ChartStyle s = ChartStyle::light();
    const Color ink{25, 28, 35}, muted{95, 100, 112}, red{200, 40, 40};
    const float cw = W - 2 * M;

    // --- page 1: who, the episode, the recovery clock, pain, adherence, streak ---
    float y = M;
    c.text({M, y}, "PT Coach: recovery report", 20, ink, true);
    y += 28;
    // "Me" is the name a home profile starts with: say so rather than print it as the patient's name.
    std::string who = profile->name == "Me" ? std::string("Patient: name not set in PT Coach (profile \"Me\")")
                                             : "Patient: " + profile->name;
    c.text({M, y}, who + "   |   " + localText(now), 10, muted);
    y += 20;
    // Open red flags first: they decide what the reader does next.
    int openN = 0;
    for (const auto& a : *alerts) {
        if (!a.open()) continue;
        AlertView v = describeAlert(a);
        std::string t = std::string(safety::blocks(v.tier) ? "OPEN RED FLAG (" : "OPEN ADVICE (") +
                        std::string(safety::tierLabel(v.tier)) + "): " + v.what + ", answered yes " +
                        localText(a.answeredAt) + ".";
        y += c.paragraph({M, y}, cw, t, 10, safety::blocks(v.tier) ? red : ink, true);
        ++openN;
    }
    if (openN == 0) {
        c.text({M, y}, "No open red flags.", 10, muted);
        y += 16;
    }
    if (p.episode) {
        const auto& e = *p.episode;
        std::string line1 = "Current episode since " + localText(e.onsetAt) + "  (day " +
                            std::to_string(p.daysSinceOnset.value_or(0) + 1) + ", " +
                            std::string(phaseName(p.phase.value_or(Phase::Acute))) + " phase)";
        c.text({M, y}, line1, 10, ink, true);
        y += 15;
        std::string line2 = "Where: " + (e.location.empty() ? std::string("-") : e.location) +
                            "   Trigger: " + (e.trigger.empty() ? std::string("-") : e.trigger) +
                            "   Pain at onset: " + std::to_string(e.pain) + "/10" +
                            "   Spasm (Modified Ashworth): " + e.spasmSeverity.value_or("-") +
                            "   Strain grade: " + (e.strainGrade ? std::string(*e.strainGrade == 1 ? "I" : *e.strainGrade == 2 ? "II" : "III") : "-");
        y += c.paragraph({M, y}, cw, line2, 9, ink);
        (void)e;
    } else {
        c.text({M, y}, "No current episode.", 10, ink, true);
        y += 16;
    }
    int complete = 0, early = 0, unfinished = 0;
    for (const auto& e : *log) (e.finished() ? (e.completed ? complete : early) : unfinished)++;
    auto plural = [](int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); };
    std::string numbers = "Sessions: " + std::to_string(log->size()) + " (" + std::to_string(complete) + " complete, " +
                          std::to_string(early) + " ended early, " + std::to_string(unfinished) + " unfinished)" +
                          "   Streak: " + plural(p.streakDays, "day", "days") +
                          (p.latestPain ? "   Latest pain: " + std::to_string(*p.latestPain) + "/10" : std::string()) +
                          (p.firstPain ? " (" + std::to_string(*p.firstPain) + "/10 at the start of this report)" : std::string());
    c.text({M, y}, numbers, 9, ink);
    y += 18;
    drawPhaseTimeline(c, {M, y, cw, 80}, p, s);
    y += 90;
    drawPainChart(c, {M, y, cw, 210}, p, s);
    y += 220;
    drawAdherenceChart(c, {M, y, cw * 0.62f, 170}, p, s);
    drawStreak(c, {M + cw * 0.64f, y, cw * 0.36f, 70}, p, s);
    // Water today under the streak.
    {
        Rect r{M + cw * 0.64f, y + 80, cw * 0.36f, 90};
        c.rectFilled({r.x, r.y}, {r.x + r.w, r.y + r.h}, s.panel, s.pad);
        c.text({r.x + 8, r.y + 6}, "Water today", s.titleFont, ink, true);
        float frac = std::min(1.0f, p.waterTodayMl / static_cast<float>(std::max(p.waterGoalMl, 1)));
        c.rectFilled({r.x + 8, r.y + 34}, {r.x + r.w - 8, r.y + 50}, s.grid, 4);
        c.rectFilled({r.x + 8, r.y + 34}, {r.x + 8 + (r.w - 16) * frac, r.y + 50}, s.rom, 4);
        c.text({r.x + 8, r.y + 58}, std::to_string(p.waterTodayMl) + " of about " + std::to_string(p.waterGoalMl) + " ml",
               9, muted);
    }
    y += 180;
    c.paragraph({M, H - M - 24}, cw,
                "PT Coach is a coach, not a doctor. This report lists what the person recorded; it is not a diagnosis.",
                8, muted);
    cairo_show_page(cr);

    // --- following pages: each exercise's range of motion and form, then the records ---
    y = M;
    auto newPageIfNeeded = [&](float need) {
        if (y + need > H - M) {
            cairo_show_page(cr);
            y = M;
        }
    };
    // The session log: what was done, against the plan, with pain before and after.
    c.text({M, y}, "Session log", 14, ink, true);
    y += 20;
    if (log->empty()) {
        c.text({M, y}, "No sessions recorded.", 9, muted);
        y += 16;
    }
    for (const auto& e : *log) {
        std::string head = localText(e.startedAt) + "   " + e.programTitle + "   (" + e.statusText() + ", " +
                           e.painText() +
                           (e.form ? ", form " + std::to_string(static_cast<int>(*e.form + 0.5)) + "/100" : std::string()) +
                           (e.withCamera ? "" : ", no camera") + ")";
        newPageIfNeeded(40);
        c.text({M, y}, head, 9, e.finished() ? ink : red, true);
        y += 13;
        y += c.paragraph({M + 12, y}, cw - 12, e.itemsText(), 9, ink) + 3;
    }

    // Every red flag and how it was resolved.
    newPageIfNeeded(60);
    y += 8;
    c.text({M, y}, "Red-flag history", 14, ink, true);
    y += 20;
    if (alerts->empty()) {
        c.text({M, y}, "No red-flag question was ever answered yes.", 9, muted);
        y += 16;
    }
    for (const auto& a : *alerts) {
        AlertView v = describeAlert(a);
        std::string t = localText(a.answeredAt) + "   " + std::string(safety::tierLabel(v.tier)) + ": " + v.what + ".  ";
        if (a.open()) t += "OPEN.";
        else if (a.resolution == "clinician_visit")
            t += "Resolved by the person's record: seen by " + (a.clinician.empty() ? std::string("a clinician") : a.clinician) +
                 " on " + a.seenOn.value_or("?") + " and cleared to exercise (recorded " + localText(*a.resolvedAt) + ").";
        else t += "Cleared by the therapist " + localText(*a.resolvedAt) + ": " + a.note;
        newPageIfNeeded(28);
        y += c.paragraph({M, y}, cw, t, 9, a.open() && safety::blocks(v.tier) ? red : ink);
    }

    // Range of motion and form, for the exercises the camera judged; the others named in a line.
    newPageIfNeeded(60);
    y += 8;
    c.text({M, y}, "Range of motion and form quality per exercise", 14, ink, true);
    y += 22;
    std::string notJudged;
    for (const auto& ex : p.exercises)
        if (!ex.hasRom()) notJudged += (notJudged.empty() ? "" : ", ") + (ex.title.empty() ? prettyExerciseName(ex.exerciseId) : ex.title);
    if (std::none_of(p.exercises.begin(), p.exercises.end(), [](const auto& e) { return e.hasRom(); })) {
        c.text({M, y}, "No range of motion measured by the camera in this period.", 9, muted);
        y += 16;
    }
    for (const auto& ex : p.exercises) {
        if (!ex.hasRom()) continue;
        newPageIfNeeded(150);
        drawExerciseChart(c, {M, y, cw, 140}, ex, p, s);
        y += 150;
    }
    if (!notJudged.empty()) y += c.paragraph({M, y}, cw, "Not measured by the camera (no chart): " + notJudged + ".", 9, muted);
    newPageIfNeeded(60);
    y += 8;
    c.text({M, y}, "Episodes", 14, ink, true);
    y += 20;
    for (const auto& e : *episodes) {
        newPageIfNeeded(28);
        std::string t = localText(e.onsetAt) + "  pain " + std::to_string(e.pain) + "/10  " + e.location +
                        (e.trigger.empty() ? "" : " (" + e.trigger + ")") +
                        (e.endedAt ? "  ended " + localText(*e.endedAt, "%d %b %Y") : "");
        y += c.paragraph({M, y}, cw, t, 9, ink);
    }
    newPageIfNeeded(60);
    y += 8;
    c.text({M, y}, "Red-flag screens", 14, ink, true);
    y += 20;
    if (screens->empty()) {
        c.text({M, y}, "None recorded.", 9, muted);
        y += 14;
    }
    for (const auto& sc : *screens) {
        newPageIfNeeded(28);
        std::string yes;
        for (const auto& q : safety::questions())
            if (auto it = sc.answers.find(q.id); it != sc.answers.end() && it->second) yes += std::string(yes.empty() ? "" : ", ") + q.shortText;
        std::string t = localText(sc.takenAt) + "  " + sc.kind + " screen: " + (sc.anyYes ? "YES to " + yes : "all no");
        y += c.paragraph({M, y}, cw, t, 9, sc.anyYes ? red : ink);
    }
    newPageIfNeeded(60);
    y += 8;
    c.text({M, y}, "Check-ins (pain, stiffness, medication as written)", 14, ink, true);
    y += 20;
    for (const auto& ci : *checkins) {
        if (ci.takenAt < p.from) continue;
        newPageIfNeeded(28);
        std::string t = localText(ci.takenAt) + "  pain " + (ci.pain ? std::to_string(*ci.pain) : "-") + "  stiffness " +
                        (ci.stiffness ? std::to_string(*ci.stiffness) : "-") +
                        (ci.medication.empty() ? "" : "  medication: " + ci.medication) +
                        (ci.notes.empty() ? "" : "  notes: " + ci.notes);
        y += c.paragraph({M, y}, cw, t, 9, ink);
    }
    cairo_show_page(cr);

    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        fs::remove(tmp, ec);
        return makeError("cannot write " + pdf.string() + ": " + cairo_status_to_string(status));
    }
    return renameInto(tmp, pdf);
}

}  // namespace ptcoach::recovery
