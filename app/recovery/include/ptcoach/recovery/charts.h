#pragma once
// The progress charts, drawn once against a tiny canvas interface: the app implements it with
// ImGui draw lists, the PDF report with cairo. No UI library is seen here.
#include <cstdint>
#include <string>
#include <vector>

#include "ptcoach/recovery/progress.h"

namespace ptcoach::recovery {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
};
struct Pt {
    float x = 0, y = 0;
};
struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

class Canvas {
public:
    virtual ~Canvas() = default;
    virtual void line(Pt a, Pt b, Color c, float width) = 0;
    virtual void polyline(const std::vector<Pt>& pts, Color c, float width);  // default: segments
    virtual void rectFilled(Pt a, Pt b, Color c, float rounding = 0) = 0;
    virtual void rect(Pt a, Pt b, Color c, float width) = 0;
    virtual void circleFilled(Pt centre, float radius, Color c) = 0;
    // Text with its top-left corner at `at`.
    virtual void text(Pt at, const std::string& s, float size, Color c, bool bold = false) = 0;
    virtual float textWidth(const std::string& s, float size, bool bold = false) = 0;
};

struct ChartStyle {
    Color background, panel, grid, axis, text, muted;
    Color pain, painAfter, session, sessionMissed, planned, done, rom, quality, streak;
    Color acute, subacute, recovery, chronic, now;
    float font = 14;       // axis labels
    float titleFont = 18;  // chart titles
    float line = 2;
    float pad = 8;
    static ChartStyle dark(float scale);   // the app's theme
    static ChartStyle light();             // print (points)
};

// Tick positions for an axis: "nice" steps (1, 2, 5 x 10^n) covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int maxTicks);

// Pain (0-10) over the summary's range, with sessions marked as bars along the time axis.
void drawPainChart(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s);
// Planned vs completed sessions per week.
void drawAdherenceChart(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s);
// Range of motion (left axis) and form quality 0-100 (right axis) of one exercise over time.
void drawExerciseChart(Canvas& c, Rect r, const ExerciseSeries& e, const ProgressSummary& p, const ChartStyle& s);
// Days since onset on a 12-week band coloured by phase, with today marked.
void drawPhaseTimeline(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s);
// The last 14 days as dots (filled = active) with the streak count.
void drawStreak(Canvas& c, Rect r, const ProgressSummary& p, const ChartStyle& s);

// "knee_to_chest" -> "Knee to chest".
std::string prettyExerciseName(const std::string& id);

}  // namespace ptcoach::recovery
