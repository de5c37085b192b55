#include "ptcoach/analysis/tracker.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>

#include "ptcoach/analysis/posture.h"
#include "ptcoach/analysis/view.h"

namespace ptcoach::analysis {

namespace {

enum class LaneState { Setup, Rest, Moving, Peak };

// An on/off condition turned into reported episodes: it must persist `minMs` to fire and be gone
// `releaseMs` to end.
struct Episode {
    int64_t pendingSince = -1, start = -1, lastTrue = -1;
    bool active = false;
};

struct Lane {
    std::optional<BodySide> fixedSide;  // left/right/alternating lanes
    SideMode mode = SideMode::Mean;
    LaneState state = LaneState::Setup;
    int64_t startSince = -1;            // setup: since when the start position is held
    int64_t lastSeen = -1, lastRestMs = -1, repStart = 0;
    float maxDepth = 0, minValue = 0, maxValue = 0;
    std::optional<BodySide> lockedSide; // either: the side a rep started on
    std::deque<float> window;
    std::set<std::string> repFaults;
    std::map<size_t, float> repAgg;     // rep_end rules: aggregate so far
    float lastDepth = 0;                 // depth of the last frame seen in a rep
    float restBestD = 0, restBestV = 0;  // the most rest-like value since the last rep
    int64_t restBestT = -1;              // the last time the value was near it: where a rep starts
    // relative tracking: the person's own rest value, and the values it comes from
    bool haveBase = false;
    float base = 0;
    std::deque<float> startValues, restValues;
};

float median(std::deque<float> w) {
    std::sort(w.begin(), w.end());
    return w[w.size() / 2];
}

std::string partName(int leftIdx) {
    switch (leftIdx) {
        case lm::Nose: case lm::LeftEar: return "head";
        case lm::LeftShoulder: return "shoulders";
        case lm::LeftElbow: return "elbows";
        case lm::LeftWrist: return "hands";
        case lm::LeftHip: return "hips";
        case lm::LeftKnee: return "knees";
        case lm::LeftAnkle: return "ankles";
        case lm::LeftHeel: case lm::LeftFootIndex: return "feet";
        default: return "body";
    }
}

// "hips and ankles": the body parts a measure needs, in words.
std::string partsOf(MeasureId id) {
    std::vector<std::string> parts;
    for (int i : measureLandmarks(id)) {
        std::string p = partName(i);
        if (std::find(parts.begin(), parts.end(), p) == parts.end()) parts.push_back(p);
    }
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i)
        out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    return out.empty() ? "body" : out;
}

}  // namespace

struct ExerciseTracker::Impl {
    ExerciseDefinition ex;
    TrackerOptions opt;
    ViewCheckOptions viewOpt;
    std::vector<Lane> lanes;
    AnalysisResult res;
    FrameReport last;
    std::vector<Episode> ruleEp;
    std::vector<int> rulePhaseFrames, ruleViewFrames, ruleJudged, ruleFaulty;
    std::vector<int64_t> ruleUnseenSince;
    std::vector<std::string> ruleUnprovided;  // a body part the rule needs that the input never has
    std::map<std::string, Episode> viewEp;
    std::map<std::string, std::string> viewMsg;
    std::deque<View> viewHistory;
    View lastDecidedView = View::Unknown;
    int64_t lastDecidedViewT = -1;
    int facing = 0;  // which way the person faces, remembered from frames that show it
    int64_t lastT = -1;
    // hold (and the timer of a position-checked timer-only exercise)
    bool holding = false, everHeld = false;
    int64_t holdStart = -1, holdLastIn = -1, holdAccum = 0, holdPrevT = -1;
    int64_t positionSince = -1, otherPositionSince = -1;
    std::string why;  // this frame's reason the hold is not running

    bool decrease() const { return ex.tracking->direction == Direction::Decrease; }
    // How far into the movement a value is (grows with the movement), and a threshold in the same
    // units: for relative tracking, offsets from the lane's rest value.
    float moved(const Lane& lane, float v) const {
        if (ex.tracking->relative) return decrease() ? lane.base - v : v - lane.base;
        return decrease() ? -v : v;
    }
    float thr(float x) const { return ex.tracking->relative ? x : decrease() ? -x : x; }
    float depthOf(const Lane& lane, float v) const { return moved(lane, v) - thr(ex.tracking->exit); }
    float thresholdDepth(float x) const { return thr(x) - thr(ex.tracking->exit); }

    void closeEpisode(Episode& e, const std::string& code, const std::string& msg, const std::string& sev,
                      std::vector<FaultEvent>& out) {
        if (e.active) out.push_back({code, msg, sev, e.start, e.lastTrue});
        e = Episode{};
    }

    // Steps an episode; returns true when active in this frame.
    bool stepEpisode(Episode& e, bool cond, int64_t t, int minMs, int releaseMs, bool& closed) {
        closed = false;
        if (opt.staticFrames) {
            e.active = cond;
            e.start = e.lastTrue = t;
            return cond;
        }
        if (cond) {
            if (e.pendingSince < 0) e.pendingSince = t;
            if (!e.active && t - e.pendingSince >= minMs) {
                e.active = true;
                e.start = e.pendingSince;
            }
            e.lastTrue = t;
        } else {
            e.pendingSince = -1;
            if (e.active && t - e.lastTrue >= releaseMs) closed = true;
        }
        return e.active && !closed;
    }

    std::optional<BodySide> trackedSide(const Lane& lane) const {
        if (lane.fixedSide) return lane.fixedSide;
        return lane.lockedSide;
    }

    // The side a one-sided hold or check is done with (the session narrows "each" to a side).
    std::optional<BodySide> exerciseSide() const {
        if (ex.sides == Sides::Left) return BodySide::Left;
        if (ex.sides == Sides::Right) return BodySide::Right;
        return std::nullopt;
    }

    std::optional<float> laneValue(Lane& lane, const LandmarkFrame& f) {
        const auto& m = ex.tracking->measure;
        if (lane.fixedSide) return measure(m, SideMode::Tracked, f, lane.fixedSide);
        if (lane.lockedSide) return measure(m, SideMode::Tracked, f, lane.lockedSide);
        return measure(m, lane.mode, f);
    }

    // The first condition not met: its message, or what to show when it cannot be seen; empty
    // when all are met. `seen` is false when a condition's measure was not visible.
    std::string failedCondition(const std::vector<Condition>& conds, const LandmarkFrame& f,
                                std::optional<BodySide> side, bool& seen) {
        seen = true;
        for (const auto& c : conds) {
            auto v = measure(c.measure, c.side, f, side);
            if (!v) {
                seen = false;
                return "Show your " + partsOf(c.measure.id) + " to the camera";
            }
            if (!c.band.contains(*v))
                return c.message.empty() ? "Get into position: " + std::string(ex.position ? positionLabel(*ex.position) : "see the steps")
                                         : c.message;
        }
        return {};
    }

    void resetLane(Lane& lane) {
        lane.state = LaneState::Setup;
        lane.startSince = -1;
        lane.lockedSide.reset();
        lane.window.clear();
        lane.repFaults.clear();
        lane.repAgg.clear();
        lane.haveBase = false;
        lane.startValues.clear();
        lane.restValues.clear();
    }

    // The rep a lane's attempt makes if it ends at t (long and short enough), with its quality.
    std::optional<RepEvent> repOf(const Lane& lane, int64_t t) const {
        const TrackingSpec& ts = *ex.tracking;
        int64_t dur = t - lane.repStart;
        if (dur < ts.minRepMs || dur > ts.maxRepMs) return std::nullopt;
        RepEvent e;
        e.startMs = lane.repStart;
        e.endMs = t;
        auto side = trackedSide(lane);
        e.side = ex.sides == Sides::Both ? "both" : side ? std::string(sideName(*side)) : "both";
        e.rom = lane.maxValue - lane.minValue;
        e.peak = decrease() ? lane.minValue : lane.maxValue;
        float targetDepth = thresholdDepth(ts.target);
        float score = targetDepth > 0 ? std::clamp(lane.maxDepth / targetDepth, 0.0f, 1.0f) : 1.0f;
        for (const auto& code : lane.repFaults) {
            e.faults.push_back(code);
            Severity sev = Severity::Warning;
            for (const auto& r : ex.form)
                if (r.code == code) sev = r.severity;
            score -= sev == Severity::Error ? 0.3f : sev == Severity::Warning ? 0.15f : 0.05f;
        }
        e.quality = static_cast<int>(std::lround(100.0f * std::max(0.0f, score)));
        return e;
    }

    // A rep done but whose end the camera did not see: the person went out of the picture on the
    // way back from the peak, three quarters of the way to rest (a clip that ends, a title fading in).
    bool endHidden(const Lane& lane) const { return lane.state == LaneState::Peak && lane.lastDepth <= 0.25f * lane.maxDepth; }

    void endAttempt(Lane& lane, int64_t t, bool reachedPeak) {
        ++res.attempts;
        // rep_end rules on the aggregate over the attempt
        for (size_t i = 0; i < ex.form.size(); ++i) {
            const FormRule& r = ex.form[i];
            if (r.phase != RulePhase::RepEnd) continue;
            auto it = lane.repAgg.find(i);
            if (it == lane.repAgg.end() || r.ok.contains(it->second)) continue;
            res.faults.push_back({r.code, r.message, std::string(severityName(r.severity)), lane.repStart, t});
            lane.repFaults.insert(r.code);
        }
        if (reachedPeak)
            if (auto e = repOf(lane, t)) {
                res.repEvents.push_back(*e);
                ++res.reps;
            }
        lane.repFaults.clear();
        lane.repAgg.clear();
        lane.lockedSide.reset();
    }

    // Advances one lane's rep state machine; returns the phase name for this lane.
    std::string stepLane(Lane& lane, const LandmarkFrame& f, int64_t t, std::optional<float>& shown, std::string& laneWhy) {
        const TrackingSpec& ts = *ex.tracking;
        auto raw = laneValue(lane, f);
        if (!raw) {
            if (lane.state != LaneState::Setup && (lane.lastSeen < 0 || t - lane.lastSeen > opt.dropToleranceMs)) {
                if (endHidden(lane)) endAttempt(lane, lane.lastSeen, true);  // earlier than that, the rep is lost
                resetLane(lane);
            }
            laneWhy = "Show your " + partsOf(ts.measure.id) + " to the camera";
            // Not yet in the start position: what it needs comes first (standing where the
            // exercise lies down, the legs' measure is not what is missing).
            if (lane.state == LaneState::Setup && f.person) {
                bool seen = true;
                std::string failed = failedCondition(ts.startConditions, f, trackedSide(lane), seen);
                if (!failed.empty() && seen) laneWhy = failed;
            }
            return "absent";
        }
        lane.lastSeen = t;
        float v = *raw;
        if (!opt.staticFrames && opt.smoothFrames > 1) {
            lane.window.push_back(v);
            while (static_cast<int>(lane.window.size()) > opt.smoothFrames) lane.window.pop_front();
            v = median(lane.window);
        }
        shown = v;
        if (opt.staticFrames) {
            if (ts.relative) return "rest";  // a rest value needs a sequence
            float d = depthOf(lane, v);
            return d <= 0 ? "rest" : d >= thresholdDepth(ts.enter) ? "peak" : "moving";
        }
        float attemptD = thresholdDepth(ts.attempt), enterD = thresholdDepth(ts.enter);

        auto track = [&](float d) {
            lane.maxDepth = std::max(lane.maxDepth, d);
            lane.minValue = std::min(lane.minValue, v);
            lane.maxValue = std::max(lane.maxValue, v);
            for (size_t i = 0; i < ex.form.size(); ++i) {
                const FormRule& r = ex.form[i];
                if (r.phase != RulePhase::RepEnd) continue;
                auto mv = measure(r.measure, r.side, f, trackedSide(lane));
                if (!mv) continue;
                auto it = lane.repAgg.find(i);
                if (it == lane.repAgg.end()) lane.repAgg[i] = *mv;
                else it->second = r.aggregate == Aggregate::Min ? std::min(it->second, *mv) : std::max(it->second, *mv);
            }
        };

        switch (lane.state) {
            case LaneState::Setup: {
                bool seen = true;
                std::string failed = failedCondition(ts.startConditions, f, trackedSide(lane), seen);
                bool atRest;
                if (ts.relative) {
                    // In the start position and still: the values over the start hold stay within
                    // the attempt threshold of each other; their median is the rest value.
                    lane.startValues.push_back(v);
                    while (static_cast<int>(lane.startValues.size()) > 60) lane.startValues.pop_front();
                    auto [lo, hi] = std::minmax_element(lane.startValues.begin(), lane.startValues.end());
                    atRest = (*hi - *lo) <= std::fabs(ts.attempt);
                    if (!atRest) {
                        lane.startValues.clear();
                        lane.startValues.push_back(v);
                    }
                } else {
                    atRest = depthOf(lane, v) <= 0;
                }
                if (atRest && failed.empty()) {
                    if (lane.startSince < 0) lane.startSince = t;
                    if (t - lane.startSince >= ts.startHoldMs) {
                        if (ts.relative) {
                            lane.base = median(lane.startValues);
                            lane.haveBase = true;
                            lane.restValues.assign(lane.startValues.begin(), lane.startValues.end());
                        }
                        lane.state = LaneState::Rest;
                        lane.lastRestMs = t;
                        lane.restBestT = -1;
                        return "rest";
                    }
                } else {
                    lane.startSince = -1;
                    if (!failed.empty()) laneWhy = failed;
                    else laneWhy = ex.kind == ExerciseKind::Reps ? "Get into the start position and keep still" : "";
                }
                return "setup";
            }
            case LaneState::Rest: {
                float d = depthOf(lane, v);
                if (lane.restBestT < 0 || d < lane.restBestD) {
                    lane.restBestD = d, lane.restBestV = v, lane.restBestT = t;
                } else if (d <= lane.restBestD + 0.1f * enterD) {
                    lane.restBestT = t;
                }
                if (d <= 0) {
                    lane.lastRestMs = t;
                    if (ts.relative) {  // the rest value follows a body that settles
                        lane.restValues.push_back(v);
                        while (lane.restValues.size() > 30) lane.restValues.pop_front();
                        lane.base = median(lane.restValues);
                    }
                    return "rest";
                }
                if (d >= attemptD) {
                    lane.state = LaneState::Moving;
                    lane.repStart = lane.restBestT;
                    lane.maxDepth = d;
                    lane.minValue = std::min(v, lane.restBestV);
                    lane.maxValue = std::max(v, lane.restBestV);
                    if (!lane.fixedSide && (ex.sides == Sides::Either || ex.sides == Sides::Each)) {
                        // lock the side the rep is done with for the rest of the rep
                        float lv = sideVisibility(ts.measure.id, BodySide::Left, f);
                        float rv = sideVisibility(ts.measure.id, BodySide::Right, f);
                        lane.lockedSide = lv >= rv ? BodySide::Left : BodySide::Right;
                    }
                    track(d);
                    if (d >= enterD) lane.state = LaneState::Peak;
                    return d >= enterD ? "peak" : "moving";
                }
                return "rest";
            }
            case LaneState::Moving:
            case LaneState::Peak: {
                float d = depthOf(lane, v);
                if (t - lane.repStart > ts.maxRepMs) {  // stuck mid-way: not a rep; start position again
                    lane.repFaults.clear();
                    lane.repAgg.clear();
                    lane.lockedSide.reset();
                    lane.state = LaneState::Setup;
                    lane.startSince = -1;
                    lane.haveBase = false;
                    lane.startValues.clear();
                    return "setup";
                }
                track(d);
                lane.lastDepth = d;
                if (d >= enterD) lane.state = LaneState::Peak;
                if (d <= 0) {
                    endAttempt(lane, t, lane.state == LaneState::Peak);
                    lane.state = LaneState::Rest;
                    lane.lastRestMs = t;
                    lane.restBestT = -1;
                    return "rest";
                }
                return d >= enterD ? "peak" : "moving";
            }
        }
        return "setup";
    }

    // The hold: in the position (its conditions) and inside the band. In the position but outside
    // the band is "near": the timer does not run, near_band rules are judged and say what is wrong.
    std::string stepHold(const LandmarkFrame& f, int64_t t, std::optional<float>& shown) {
        const HoldSpec& h = *ex.hold;
        auto side = exerciseSide();
        auto v = measure(h.measure, side ? SideMode::Tracked : h.side, f, side);
        if (v) shown = v;
        bool seen = true;
        std::string failed = failedCondition(h.position, f, side, seen);
        bool inPosition = failed.empty();
        bool in = inPosition && v && h.band.contains(*v);
        if (opt.staticFrames) {
            if (!v) why = "Show your " + partsOf(h.measure.id) + " to the camera";
            else if (!inPosition) why = failed;
            return in ? "hold" : !v || !seen ? "absent" : inPosition ? "near" : "setup";
        }
        if (in) {
            if (!holding) {
                holding = true;
                holdStart = t;
                holdAccum = 0;
            } else {
                holdAccum += t - holdPrevT;  // includes bridged excursions shorter than grace
            }
            holdLastIn = t;
            holdPrevT = t;
            return "hold";
        }
        if (holding && t - holdLastIn <= h.graceMs) return "hold";
        if (holding) finishHold();
        if (!v) {
            why = "Show your " + partsOf(h.measure.id) + " to the camera";
            return "absent";
        }
        if (!seen) {
            why = failed;
            return "absent";
        }
        if (inPosition) {
            why = "Get into line";  // the near_band rule that fires says what is wrong
            return "near";
        }
        why = failed;
        return everHeld ? "paused" : "setup";
    }

    void finishHold() {
        if (!holding) return;
        holding = false;
        int minMs = ex.hold ? ex.hold->minHoldMs : 1000;
        if (holdLastIn - holdStart >= minMs) {
            res.holds.push_back({holdStart, holdLastIn, holdAccum});
            res.heldMs += holdAccum;
            everHeld = true;
        }
    }

    // A timer-only exercise whose start position the camera checks: its timer runs once the
    // position has been seen for a second, and pauses while another position is seen for two.
    std::string stepPositionTimer(const LandmarkFrame& f, int64_t t) {
        StartPosition want = *ex.position;
        PositionMatch m = f.person ? matchPosition(f, want) : PositionMatch::Unknown;
        if (m == PositionMatch::Yes) {
            if (positionSince < 0) positionSince = t;
            otherPositionSince = -1;
        } else if (m == PositionMatch::No) {
            if (otherPositionSince < 0) otherPositionSince = t;
            positionSince = -1;
        }
        bool running = holding ? !(otherPositionSince >= 0 && t - otherPositionSince >= 2000)
                               : positionSince >= 0 && t - positionSince >= 1000;
        if (opt.staticFrames) running = m == PositionMatch::Yes;
        std::string label(positionLabel(want));
        if (running) {
            if (!holding) {
                holding = true;
                holdStart = t;
                holdAccum = 0;
            } else {
                holdAccum += t - holdPrevT;
            }
            holdLastIn = t;
            holdPrevT = t;
            return "hold";
        }
        if (holding) finishHold();
        why = "Get into position: " + label;
        if (!f.person) return "absent";
        return everHeld ? "paused" : "setup";
    }

    // A camera_check exercise: the person taps the reps; the camera checks the position.
    std::string stepCheck(const LandmarkFrame& f) {
        bool seen = true;
        std::string failed = failedCondition(ex.check->conditions, f, exerciseSide(), seen);
        if (!f.person) return "absent";
        if (!failed.empty()) {
            why = failed;
            return seen ? "setup" : "absent";
        }
        return "rest";
    }

    bool phaseMatches(const FormRule& r, const std::string& phase) const {
        switch (r.phase) {
            case RulePhase::Any: return phase != "absent" && phase != "other_stance";
            case RulePhase::Active: return phase != "absent" && phase != "setup" && phase != "other_stance";
            case RulePhase::Rest: return phase == "rest";
            case RulePhase::Moving: return phase == "moving";
            case RulePhase::Peak: return phase == "peak";
            case RulePhase::Rep: return phase == "moving" || phase == "peak";
            case RulePhase::Hold: return phase == "hold" || (r.nearBand && phase == "near");
            case RulePhase::RepEnd: return false;
        }
        return false;
    }

    // The view over the last frames: the majority of the frames that showed one clearly; a few
    // unclear frames keep the view last seen (a body does not turn round in a blink).
    View smoothedView(const LandmarkFrame& f) {
        View raw = estimateView(f);
        if (opt.staticFrames) return raw;
        viewHistory.push_back(raw);
        while (viewHistory.size() > 9) viewHistory.pop_front();
        int front = 0, side = 0;
        for (View v : viewHistory) front += v == View::Front, side += v == View::Side;
        if (front > 0 || side > 0) {
            View v = front > side ? View::Front : side > front ? View::Side : raw;
            if (v == View::Unknown) v = lastDecidedView != View::Unknown ? lastDecidedView : View::Front;
            lastDecidedView = v;
            lastDecidedViewT = f.tMs;
            return v;
        }
        if (lastDecidedViewT >= 0 && f.tMs - lastDecidedViewT <= 2000) return lastDecidedView;
        return View::Unknown;
    }

    const FrameReport& update(const LandmarkFrame& frameIn) {
        LandmarkFrame f = frameIn;
        int64_t t = f.tMs;
        if (!opt.staticFrames && lastT >= 0 && t < lastT) t = lastT;  // time must not go back
        lastT = t;
        // Which way the person faces: from this frame when it shows it, else as last seen.
        if (!opt.staticFrames) {
            int fs = f.person ? facingFromFrame(f) : 0;
            if (fs != 0) facing = fs;
            if (f.facingHint == 0) f.facingHint = facing;
        }
        FrameReport rep;
        rep.tMs = t;
        View view = smoothedView(f);
        rep.view = std::string(viewName(view));
        why.clear();

        // phase
        std::optional<float> shown;
        std::string phase;
        if (ex.tracking) {
            static const char* order[] = {"absent", "setup", "rest", "moving", "peak"};
            int best = -1;
            std::string bestWhy;
            for (auto& lane : lanes) {
                std::optional<float> v;
                std::string laneWhy;
                std::string p = stepLane(lane, f, t, v, laneWhy);
                int rank = static_cast<int>(std::find(std::begin(order), std::end(order), p) - std::begin(order));
                if (rank > best) best = rank, phase = p, shown = v, bestWhy = laneWhy;
            }
            if (phase == "setup" || phase == "absent") why = bestWhy;
        } else if (ex.hold) {
            phase = stepHold(f, t, shown);
        } else if (ex.check) {
            phase = stepCheck(f);
        } else if (ex.positionChecked()) {
            phase = stepPositionTimer(f, t);
        } else if (!f.person) {
            phase = "absent";
        } else if (ex.stance.empty()) {
            phase = "posture";
        } else {
            auto s = classifyStance(f);
            phase = s && *s == ex.stance ? ex.stance : "other_stance";
        }
        rep.phase = phase;
        rep.value = shown;

        // which lane is "tracked" for rules: the one moving, else the first
        std::optional<BodySide> tracked;
        for (const auto& lane : lanes)
            if (lane.state == LaneState::Moving || lane.state == LaneState::Peak) {
                tracked = trackedSide(lane);
                break;
            }
        if (!tracked && !lanes.empty()) tracked = trackedSide(lanes.front());
        if (!tracked) tracked = exerciseSide();

        // form rules
        for (size_t i = 0; i < ex.form.size(); ++i) {
            const FormRule& r = ex.form[i];
            if (r.phase == RulePhase::RepEnd) continue;
            bool cond = false;
            bool unseenNow = false;
            if (phaseMatches(r, phase)) {
                ++rulePhaseFrames[i];
                if (viewSatisfies(view, r.view)) {
                    ++ruleViewFrames[i];
                    auto v = measure(r.measure, r.side, f, tracked);
                    cond = v && !r.ok.contains(*v);
                    ruleJudged[i] += v.has_value();
                    ruleFaulty[i] += cond;
                    unseenNow = !v && f.person;
                    if (!v && f.person && ruleUnprovided[i].empty())
                        for (int k : measureLandmarks(r.measure.id)) {
                            int m = k == lm::Nose ? k : k + 1;
                            if (!f.isProvided(k) && !f.isProvided(m)) ruleUnprovided[i] = partName(k);
                        }
                }
            }
            // Unseen since it was last judged (frames outside its phase do not count either way):
            // after a while, tell the person what to show, while the rule applies.
            if (unseenNow) {
                if (ruleUnseenSince[i] < 0) ruleUnseenSince[i] = t;
                if (rep.unseen.empty() && t - ruleUnseenSince[i] >= opt.unseenAfterMs)
                    rep.unseen = "Show your " + partsOf(r.measure.id) + " so your form can be checked";
            } else if (phaseMatches(r, phase) && viewSatisfies(view, r.view)) {
                ruleUnseenSince[i] = -1;  // judged
            }
            bool closed = false;
            bool on = stepEpisode(ruleEp[i], cond, t, r.minMs, opt.faultReleaseMs, closed);
            if (opt.staticFrames) {
                if (on) res.faults.push_back({r.code, r.message, std::string(severityName(r.severity)), t, t});
            } else if (closed) {
                closeEpisode(ruleEp[i], r.code, r.message, std::string(severityName(r.severity)), res.faults);
            }
            if (on) {
                if (std::find(rep.faults.begin(), rep.faults.end(), r.code) == rep.faults.end()) rep.faults.push_back(r.code);
                for (auto& lane : lanes)
                    if (lane.state == LaneState::Moving || lane.state == LaneState::Peak) lane.repFaults.insert(r.code);
                // Near the band, the rule that fires is why the hold does not run.
                if (phase == "near" && r.nearBand && why == "Get into line") why = r.message;
            }
        }
        rep.why = why;

        // view problems
        ViewStatus vs = checkView(f, viewOpt, view);
        std::optional<BodySide> wantSide = viewOpt.sideToCamera;
        std::set<std::string> now(vs.problems.begin(), vs.problems.end());
        for (const auto& code : vs.problems) {
            viewMsg[code] = viewProblemMessage(code, ex.view, wantSide, vs.missing);
            viewEp.try_emplace(code);
        }
        for (auto& [code, ep] : viewEp) {
            bool closed = false;
            bool on = stepEpisode(ep, now.count(code) > 0, t, opt.viewProblemMinMs, opt.faultReleaseMs, closed);
            if (opt.staticFrames) {
                if (on) res.viewProblems.push_back({code, viewMsg[code], t, t});
            } else if (closed) {
                if (ep.active) res.viewProblems.push_back({code, viewMsg[code], ep.start, ep.lastTrue});
                ep = Episode{};
            }
        }
        for (const auto& [code, ep] : viewEp)
            if (ep.active) {
                rep.viewProblems.push_back(code);
                if (rep.viewMessage.empty()) rep.viewMessage = viewMsg[code];
            }
        if (opt.keepFrames) res.frames.push_back(rep);
        last = rep;
        return last;
    }

    int64_t minHold() const { return ex.hold ? ex.hold->minHoldMs : 1000; }

    AnalysisResult result() const {
        AnalysisResult out = res;
        if (!opt.staticFrames) {
            for (size_t i = 0; i < ex.form.size(); ++i) {
                const Episode& e = ruleEp[i];
                if (e.active)
                    out.faults.push_back({ex.form[i].code, ex.form[i].message,
                                          std::string(severityName(ex.form[i].severity)), e.start, e.lastTrue});
            }
            for (const auto& [code, e] : viewEp)
                if (e.active) out.viewProblems.push_back({code, viewMsg.at(code), e.start, e.lastTrue});
            if (holding && holdLastIn - holdStart >= minHold()) {
                out.holds.push_back({holdStart, holdLastIn, holdAccum});
                out.heldMs += holdAccum;
            }
            // The sequence ends with a rep whose end went out of the picture.
            for (const auto& lane : lanes)
                if (lane.lastSeen < lastT && endHidden(lane))
                    if (auto e = repOf(lane, lane.lastSeen)) {
                        out.repEvents.push_back(*e);
                        ++out.reps;
                        ++out.attempts;
                    }
        }
        for (size_t i = 0; i < ex.form.size(); ++i) {
            if (ex.form[i].phase == RulePhase::RepEnd) continue;
            RuleStatus rs{ex.form[i].code, ruleJudged[i], ruleFaulty[i], {}};
            if (rs.judgedFrames == 0) {
                if (rulePhaseFrames[i] == 0) rs.notJudged = "never in the phase where it applies";
                else if (ruleViewFrames[i] == 0)
                    rs.notJudged = "needs the " + std::string(viewNeedName(ex.form[i].view)) + " view";
                else if (!ruleUnprovided[i].empty())
                    rs.notJudged = "needs the " + ruleUnprovided[i] + ", which the input does not have";
                else rs.notJudged = "not visible: show your " + partsOf(ex.form[i].measure.id);
            }
            out.checks.push_back(rs);
        }
        auto byStart = [](const auto& a, const auto& b) { return a.startMs < b.startMs; };
        std::stable_sort(out.faults.begin(), out.faults.end(), byStart);
        std::stable_sort(out.viewProblems.begin(), out.viewProblems.end(), byStart);
        return out;
    }
};

ExerciseTracker::ExerciseTracker(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ExerciseTracker::~ExerciseTracker() = default;

Expected<std::unique_ptr<ExerciseTracker>> ExerciseTracker::create(const ExerciseDefinition& exercise,
                                                                   const TrackerOptions& options) {
    if (exercise.kind == ExerciseKind::Reps && !exercise.tracking && !exercise.check && !exercise.positionChecked())
        return makeError(exercise.file + ": a reps exercise without tracking");
    if (exercise.kind == ExerciseKind::Hold && !exercise.hold && !exercise.positionChecked())
        return makeError(exercise.file + ": a hold exercise without a hold");
    if (options.smoothFrames < 1 || options.smoothFrames > 31)
        return makeError("tracker: smoothFrames must be 1..31, found " + std::to_string(options.smoothFrames));
    auto impl = std::make_unique<Impl>();
    impl->ex = exercise;
    impl->opt = options;
    impl->res.exercise = exercise.id;
    impl->ruleEp.resize(exercise.form.size());
    impl->ruleUnseenSince.assign(exercise.form.size(), -1);
    impl->ruleUnprovided.assign(exercise.form.size(), {});
    for (auto* v : {&impl->rulePhaseFrames, &impl->ruleViewFrames, &impl->ruleJudged, &impl->ruleFaulty})
        v->assign(exercise.form.size(), 0);
    if (exercise.tracking) {
        auto addLane = [&](std::optional<BodySide> side, SideMode mode) {
            Lane l;
            l.fixedSide = side;
            l.mode = mode;
            impl->lanes.push_back(l);
        };
        switch (exercise.sides) {
            case Sides::Left: addLane(BodySide::Left, SideMode::Left); break;
            case Sides::Right: addLane(BodySide::Right, SideMode::Right); break;
            case Sides::Alternating:
                addLane(BodySide::Left, SideMode::Left);
                addLane(BodySide::Right, SideMode::Right);
                break;
            case Sides::Either:
            case Sides::Each: addLane(std::nullopt, SideMode::Best); break;
            case Sides::Both: addLane(std::nullopt, SideMode::Mean); break;
        }
    }
    // The view check: the exercise's view, and every body part its measures need.
    ViewCheckOptions& vo = impl->viewOpt;
    vo.need = exercise.view;
    if (exercise.view == ViewNeed::Side && (exercise.sides == Sides::Left || exercise.sides == Sides::Right))
        vo.sideToCamera = exercise.sides == Sides::Left ? BodySide::Left : BodySide::Right;
    std::set<int> parts;
    auto addParts = [&](const MeasureRef& m) {
        for (int i : measureLandmarks(m.id)) parts.insert(i);
    };
    if (exercise.tracking) addParts(exercise.tracking->measure);
    if (exercise.hold) {
        addParts(exercise.hold->measure);
        for (const auto& c : exercise.hold->position) addParts(c.measure);
    }
    if (exercise.check)
        for (const auto& c : exercise.check->conditions) addParts(c.measure);
    for (const auto& r : exercise.form) addParts(r.measure);
    if (exercise.positionChecked()) parts.insert({lm::LeftShoulder, lm::LeftHip});
    vo.landmarks.assign(parts.begin(), parts.end());
    return std::unique_ptr<ExerciseTracker>(new ExerciseTracker(std::move(impl)));
}

const FrameReport& ExerciseTracker::update(const LandmarkFrame& frame) { return m_impl->update(frame); }
AnalysisResult ExerciseTracker::result() const { return m_impl->result(); }
int ExerciseTracker::reps() const { return m_impl->res.reps; }
int64_t ExerciseTracker::heldMs() const {
    const Impl& m = *m_impl;
    int64_t open = m.holding && m.holdLastIn - m.holdStart >= m.minHold() ? m.holdAccum : 0;
    return m.res.heldMs + open;
}
const std::vector<RepEvent>& ExerciseTracker::repEvents() const { return m_impl->res.repEvents; }
const std::vector<FaultEvent>& ExerciseTracker::closedFaults() const { return m_impl->res.faults; }
const ExerciseDefinition& ExerciseTracker::exercise() const { return m_impl->ex; }

nlohmann::json toJson(const AnalysisResult& r, bool perFrame) {
    using nlohmann::json;
    json j;
    j["exercise"] = r.exercise;
    j["reps"] = r.reps;
    j["attempts"] = r.attempts;
    json reps = json::array();
    for (const auto& e : r.repEvents) {
        reps.push_back({{"start_ms", e.startMs}, {"end_ms", e.endMs}, {"side", e.side},
                        {"rom", std::round(e.rom * 10.0f) / 10.0f}, {"quality", e.quality},
                        {"peak", std::round(e.peak * 100.0f) / 100.0f}, {"faults", e.faults}});
    }
    j["rep_events"] = reps;
    json holds = json::array();
    for (const auto& h : r.holds) holds.push_back({{"start_ms", h.startMs}, {"end_ms", h.endMs}, {"held_ms", h.heldMs}});
    j["holds"] = holds;
    j["held_ms"] = r.heldMs;
    json faults = json::array();
    for (const auto& f : r.faults)
        faults.push_back({{"code", f.code}, {"start_ms", f.startMs}, {"end_ms", f.endMs}, {"message", f.message},
                          {"severity", f.severity}});
    j["faults"] = faults;
    json vp = json::array();
    for (const auto& v : r.viewProblems)
        vp.push_back({{"code", v.code}, {"start_ms", v.startMs}, {"end_ms", v.endMs}, {"message", v.message}});
    j["view_problems"] = vp;
    json checks = json::array();
    for (const auto& c : r.checks) {
        json cj = {{"code", c.code}, {"judged_frames", c.judgedFrames}, {"fault_frames", c.faultFrames}};
        if (!c.notJudged.empty()) cj["not_judged"] = c.notJudged;
        checks.push_back(cj);
    }
    j["checks"] = checks;
    for (auto it = r.extra.begin(); it != r.extra.end(); ++it) j[it.key()] = it.value();
    if (perFrame) {
        json frames = json::array();
        for (const auto& f : r.frames) {
            json fj = {{"t_ms", f.tMs}, {"phase", f.phase}, {"faults", f.faults}, {"view", f.view}};
            if (f.value) fj["value"] = std::round(*f.value * 100.0f) / 100.0f;
            if (!f.why.empty()) fj["why"] = f.why;
            if (!f.unseen.empty()) fj["unseen"] = f.unseen;
            frames.push_back(fj);
        }
        j["frames"] = frames;
    }
    return j;
}

}  // namespace ptcoach::analysis
