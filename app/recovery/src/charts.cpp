#include "ptcoach/recovery/progress.h"
#include "ptcoach/recovery/charts.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ptcoach::recovery {

using namespace std::chrono;

void Canvas::polyline(const std::vector<Pt>& pts, Color c, float width) {
    for (size_t i = 1; i < pts.size(); ++i) line(pts[i - 1], pts[i], c, width);
}

ChartStyle ChartStyle::dark(float k) {
    ChartStyle s;
    s.background = {23, 26, 36};
    s.panel = {38, 44, 58};
    s.grid = {62, 70, 88};
    s.axis = {120, 130, 150};
    s.text = {235, 238, 245};
    s.muted = {160, 170, 185};
    s.pain = {255, 120, 120};
    s.painAfter = {255, 204, 128};
    s.session = {38, 166, 154};
    s.sessionMissed = {110, 118, 135};
    s.planned = {75, 85, 105};
    s.done = {38, 166, 154};
    s.rom = {66, 133, 244};
    s.quality = {255, 167, 38};
    s.streak = {102, 187, 106};
    s.acute = {239, 83, 80};
    s.subacute = {255, 167, 38};
    s.recovery = {102, 187, 106};
    s.chronic = {149, 117, 205};
    s.now = {255, 255, 255};
    s.font = 17 * k;
    s.titleFont = 22 * k;
    s.line = 2.5f * k;
    s.pad = 10 * k;
    return s;
}

ChartStyle ChartStyle::light() {
    ChartStyle s;
    s.background = {255, 255, 255};
    s.panel = {246, 247, 250};
    s.grid = {220, 224, 232};
    s.axis = {120, 125, 135};
    s.text = {25, 28, 35};
    s.muted = {95, 100, 112};
    s.pain = {211, 47, 47};
    s.painAfter = {239, 140, 0};
    s.session = {0, 137, 123};
    s.sessionMissed = {170, 175, 185};
    s.planned = {215, 220, 230};
    s.done = {0, 137, 123};
    s.rom = {30, 100, 210};
    s.quality = {230, 120, 0};
    s.streak = {56, 142, 60};
    s.acute = {229, 57, 53};
    s.subacute = {251, 140, 0};
    s.recovery = {67, 160, 71};
    s.chronic = {126, 87, 194};
    s.now = {25, 28, 35};
    s.font = 8;
    s.titleFont = 11;
    s.line = 1.2f;
    s.pad = 5;
    return s;
}

std::vector<double> niceTicks(double lo, double hi, int maxTicks) {
    std::vector<double> out;
    if (!(hi > lo) || maxTicks < 2) {
        out.push_back(lo);
        return out;
    }
    double raw = (hi - lo) / (maxTicks - 1);
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push_back(std::abs(v) < 1e-12 ? 0 : v);
    return out;
}

std::string prettyExerciseName(const std::string& id) {
    std::string s = id;
    for (char& ch : s)
        if (ch == '_' || ch == '-') ch = ' ';
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

namespace {

std::string fmt(double v) {
    char b[32];
    if (std::abs(v - std::round(v)) < 1e-6) std::snprintf(b, sizeof b, "%.0f", v);
    else std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}

std::string dayLabel(TimePoint t) {
    std::string b = localText(t, "%d %b");
    return b[0] == '0' ? b.substr(1) : b;
}

Color withAlpha(Color c, std::uint8_t a) {
    c.a = a;
    return c;
}

// The plot area of a chart after its title and axis labels, and the time mapping shared by the
// time-based charts.
struct Frame {
    Rect plot;
    double t0 = 0, t1 = 1;  // seconds since epoch
    float x(TimePoint t) const {
        double s = duration_cast<seconds>(t.time_since_epoch()).count();
        return plot.x + static_cast<float>((s - t0) / (t1 - t0)) * plot.w;
    }
};

void title(Canvas& c, Rect r, const std::string& t, const ChartStyle& s) {
    c.rectFilled({r.x, r.y}, {r.x + r.w, r.y + r.h}, s.panel, s.pad);
    c.text({r.x + s.pad * 1.5f, r.y + s.pad}, t, s.titleFont, s.text, true);
}

// Weekly time grid along the bottom of `f.plot`.
void timeAxis(Canvas& c, const Frame& f, const ProgressSummary& p, const ChartStyle& s) {
    for (TimePoint w = p.from; w <= p.now; w = addLocalDays(w, 7)) {
        float x = f.x(w);
        c.line({x, f.plot.y}, {x, f.plot.y + f.plot.h}, s.grid, 1);
        c.text({x + 2, f.plot.y + f.plot.h + s.pad * 0.3f}, dayLabel(w), s.font, s.muted);
    }
    c.line({f.plot.x, f.plot.y + f.plot.h}, {f.plot.x + f.plot.w, f.plot.y + f.plot.h}, s.axis, 1);
}

Frame timeFrame(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s, float leftLabelW, float rightLabelW) {
    Frame f;
    float top = r.y + s.pad * 2 + s.titleFont * 1.3f;
    float bottom = r.y + r.h - s.pad - s.font * 1.5f;
    f.plot = {r.x + s.pad * 1.5f + leftLabelW, top, r.w - s.pad * 3 - leftLabelW - rightLabelW, bottom - top};
    f.t0 = duration_cast<seconds>(p.from.time_since_epoch()).count();
    f.t1 = duration_cast<seconds>(p.now.time_since_epoch()).count();
    if (f.t1 <= f.t0) f.t1 = f.t0 + 1;
    (void)c;
    return f;
}

void emptyNote(Canvas& c, Rect plot, const std::string& msg, const ChartStyle& s) {
    float w = c.textWidth(msg, s.font);
    c.text({plot.x + (plot.w - w) / 2, plot.y + plot.h / 2 - s.font / 2}, msg, s.font, s.muted);
}

}  // namespace

void drawPainChart(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s) {
    title(c, r, "Pain (0-10) and sessions", s);
    float lw = c.textWidth("10", s.font) + s.pad;
    Frame f = timeFrame(c, r, p, s, lw, 0);
    auto y = [&](double v) { return f.plot.y + f.plot.h - static_cast<float>(v / 10.0) * f.plot.h; };
    for (int v = 0; v <= 10; v += 2) {
        c.line({f.plot.x, y(v)}, {f.plot.x + f.plot.w, y(v)}, s.grid, 1);
        std::string t = std::to_string(v);
        c.text({f.plot.x - c.textWidth(t, s.font) - s.pad * 0.5f, y(v) - s.font * 0.6f}, t, s.font, s.muted);
    }
    timeAxis(c, f, p, s);
    // Sessions: a bar from the bottom, teal when completed.
    float barH = f.plot.h * 0.12f;
    for (const auto& m : p.sessions) {
        float x = f.x(m.at);
        c.rectFilled({x - s.line, f.plot.y + f.plot.h - barH}, {x + s.line, f.plot.y + f.plot.h},
                     m.completed ? s.session : s.sessionMissed);
    }
    // Daily picture: check-ins and episode onsets as the line; before/after session as dots.
    std::vector<Pt> line;
    for (const auto& pt : p.pain)
        if (pt.source == PainPoint::Source::CheckIn || pt.source == PainPoint::Source::Episode)
            line.push_back({f.x(pt.at), y(pt.pain)});
    c.polyline(line, s.pain, s.line);
    for (const auto& pt : p.pain) {
        Pt at{f.x(pt.at), y(pt.pain)};
        switch (pt.source) {
        case PainPoint::Source::CheckIn: c.circleFilled(at, s.line * 1.6f, s.pain); break;
        case PainPoint::Source::Episode: c.circleFilled(at, s.line * 3.0f, s.acute); break;
        case PainPoint::Source::BeforeSession: c.circleFilled(at, s.line * 1.4f, withAlpha(s.painAfter, 150)); break;
        case PainPoint::Source::AfterSession: c.circleFilled(at, s.line * 1.4f, s.painAfter); break;
        }
    }
    if (p.pain.empty()) emptyNote(c, f.plot, "No pain scores yet: do a daily check-in.", s);
    // Legend.
    float lx = r.x + r.w - s.pad * 1.5f;
    auto legend = [&](const std::string& t, Color col) {
        float w = c.textWidth(t, s.font);
        lx -= w;
        c.text({lx, r.y + s.pad * 1.3f}, t, s.font, s.muted);
        lx -= s.font * 0.9f;
        c.circleFilled({lx + s.font * 0.35f, r.y + s.pad * 1.3f + s.font * 0.55f}, s.font * 0.3f, col);
        lx -= s.pad * 1.5f;
    };
    legend("session", s.session);
    legend("around sessions", s.painAfter);
    legend("daily", s.pain);
}

void drawAdherenceChart(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s) {
    title(c, r, "Sessions a week: done / planned", s);
    float top = r.y + s.pad * 2 + s.titleFont * 1.3f;
    float bottom = r.y + r.h - s.pad - s.font * 1.5f;
    Rect plot{r.x + s.pad * 2, top + s.font * 1.2f, r.w - s.pad * 4, bottom - top - s.font * 1.2f};
    int maxV = 1;
    for (const auto& w : p.weeks) maxV = std::max({maxV, w.planned, w.done});
    size_t n = std::max<size_t>(p.weeks.size(), 1);
    float slot = plot.w / n;
    float bw = slot * 0.6f;
    for (size_t i = 0; i < p.weeks.size(); ++i) {
        const auto& w = p.weeks[i];
        float x0 = plot.x + slot * i + (slot - bw) / 2;
        auto y = [&](int v) { return plot.y + plot.h - plot.h * v / maxV; };
        c.rectFilled({x0, y(w.planned)}, {x0 + bw, plot.y + plot.h}, s.planned, 3);
        Color col = w.done >= w.planned ? s.streak : s.done;
        if (w.done > 0) c.rectFilled({x0 + bw * 0.15f, y(w.done)}, {x0 + bw * 0.85f, plot.y + plot.h}, col, 3);
        std::string label = std::to_string(w.done) + "/" + std::to_string(w.planned);
        float tw = c.textWidth(label, s.font, true);
        c.text({x0 + (bw - tw) / 2, std::min(y(w.planned), y(w.done)) - s.font * 1.2f}, label, s.font, s.text, true);
        std::string d = dayLabel(w.weekStart);
        float dw = c.textWidth(d, s.font);
        c.text({x0 + (bw - dw) / 2, plot.y + plot.h + s.pad * 0.3f}, d, s.font, s.muted);
    }
    c.line({plot.x, plot.y + plot.h}, {plot.x + plot.w, plot.y + plot.h}, s.axis, 1);
}

void drawExerciseChart(Canvas& c, Rect r, const ExerciseSeries& e, const ProgressSummary& p, const ChartStyle& s) {
    title(c, r, e.title.empty() ? prettyExerciseName(e.exerciseId) : e.title, s);
    double lo = 1e9, hi = -1e9;
    for (const auto& pt : e.points)
        if (pt.rom) lo = std::min(lo, *pt.rom), hi = std::max(hi, *pt.rom);
    bool hasRom = hi >= lo;
    if (!hasRom) lo = 0, hi = 1;
    double span = std::max(hi - lo, 5.0);
    lo = std::max(0.0, lo - span * 0.15);
    hi = hi + span * 0.15;
    auto ticks = niceTicks(lo, hi, 5);
    float lw = 0;
    for (double t : ticks) lw = std::max(lw, c.textWidth(fmt(t), s.font));
    float rw = c.textWidth("100", s.font);
    Frame f = timeFrame(c, r, p, s, lw + s.pad * 0.6f, rw + s.pad * 0.6f);
    auto yRom = [&](double v) { return f.plot.y + f.plot.h - static_cast<float>((v - lo) / (hi - lo)) * f.plot.h; };
    auto yQ = [&](double v) { return f.plot.y + f.plot.h - static_cast<float>(v / 100.0) * f.plot.h; };
    for (double t : ticks) {
        if (t < lo || t > hi) continue;
        c.line({f.plot.x, yRom(t)}, {f.plot.x + f.plot.w, yRom(t)}, s.grid, 1);
        c.text({f.plot.x - c.textWidth(fmt(t), s.font) - s.pad * 0.5f, yRom(t) - s.font * 0.6f}, fmt(t), s.font, s.rom);
    }
    for (int q : {0, 50, 100}) c.text({f.plot.x + f.plot.w + s.pad * 0.5f, yQ(q) - s.font * 0.6f}, std::to_string(q), s.font, s.quality);
    timeAxis(c, f, p, s);
    std::vector<Pt> romLine, qLine;
    for (const auto& pt : e.points) {
        if (pt.rom) romLine.push_back({f.x(pt.at), yRom(*pt.rom)});
        if (pt.quality) qLine.push_back({f.x(pt.at), yQ(*pt.quality)});
    }
    c.polyline(qLine, s.quality, s.line);
    c.polyline(romLine, s.rom, s.line);
    for (const Pt& pt : qLine) c.circleFilled(pt, s.line * 1.5f, s.quality);
    for (const Pt& pt : romLine) c.circleFilled(pt, s.line * 1.7f, s.rom);
    // Legend with the latest values.
    std::string legend;
    if (!e.points.empty()) {
        const auto& last = e.points.back();
        if (last.rom) legend += "range " + fmt(*last.rom) + (e.unit.empty() ? "" : " " + e.unit);
        if (last.quality) legend += (legend.empty() ? "" : "   ") + std::string("form ") + fmt(*last.quality) + "/100";
    }
    float tw = c.textWidth(legend, s.font);
    c.text({r.x + r.w - tw - s.pad * 1.5f, r.y + s.pad * 1.3f}, legend, s.font, s.muted);
}

void drawPhaseTimeline(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s) {
    std::string head = "Recovery clock";
    if (p.daysSinceOnset && p.phase)
        head += ": day " + std::to_string(*p.daysSinceOnset + 1) + ", " + std::string(phaseName(*p.phase)) + " phase";
    title(c, r, head, s);
    float top = r.y + s.pad * 2 + s.titleFont * 1.3f;
    Rect band{r.x + s.pad * 1.5f, top + s.pad * 0.5f, r.w - s.pad * 3, std::max(s.font * 1.4f, r.h * 0.22f)};
    const double total = 12 * 7;  // days shown: to the chronic mark
    auto x = [&](double day) { return band.x + static_cast<float>(std::clamp(day / total, 0.0, 1.0)) * band.w; };
    struct Seg { double a, b; Color col; const char* name; };
    const Seg segs[] = {{0, 3, s.acute, "acute"}, {3, 14, s.subacute, "subacute"}, {14, 84, s.recovery, "recovery"}};
    for (const auto& sg : segs) {
        c.rectFilled({x(sg.a), band.y}, {x(sg.b), band.y + band.h}, withAlpha(sg.col, 200));
        float tw = c.textWidth(sg.name, s.font);
        if (x(sg.b) - x(sg.a) > tw + 4) c.text({x(sg.a) + 3, band.y + band.h + s.pad * 0.3f}, sg.name, s.font, s.muted);
    }
    c.text({band.x + band.w - c.textWidth("12 weeks: chronic", s.font), band.y + band.h + s.pad * 0.3f + s.font * 1.2f},
           "12 weeks: chronic", s.font, s.muted);
    if (p.episode && p.daysSinceOnset) {
        double days = duration_cast<minutes>(p.now - p.episode->onsetAt).count() / (60.0 * 24.0);
        // Ice then heat along the top of the band.
        double iceDays = p.episode->iceHours / 24.0;
        c.rectFilled({x(0), band.y - s.pad * 0.6f}, {x(iceDays), band.y}, s.rom);
        float nx = x(days);
        c.line({nx, band.y - s.pad}, {nx, band.y + band.h + s.pad * 0.3f}, s.now, s.line * 1.5f);
        c.circleFilled({nx, band.y - s.pad}, s.line * 2.5f, s.now);
    } else {
        emptyNote(c, band, "No current episode", s);
    }
}

void drawStreak(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s) {
    title(c, r, "Streak: " + std::to_string(p.streakDays) + (p.streakDays == 1 ? " day" : " days"), s);
    float top = r.y + s.pad * 2 + s.titleFont * 1.3f;
    size_t n = std::max<size_t>(p.lastDays.size(), 1);
    float slot = (r.w - s.pad * 3) / n;
    float rad = std::min(slot * 0.38f, (r.y + r.h - top - s.pad) * 0.4f);
    for (size_t i = 0; i < p.lastDays.size(); ++i) {
        Pt ctr{r.x + s.pad * 1.5f + slot * (i + 0.5f), top + rad + s.pad * 0.3f};
        c.circleFilled(ctr, rad, p.lastDays[i] ? s.streak : s.grid);
        if (i + 1 == p.lastDays.size()) c.circleFilled(ctr, rad * 0.35f, s.background);
    }
}

}  // namespace ptcoach::recovery
