#include "ptcoach/game/play.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ptcoach/analysis/measures.h"

namespace ptcoach::game {

using analysis::ExerciseDefinition;
using analysis::ExerciseKind;
using engine::Stage;
using engine::StepGoal;

const char* repGradeName(RepGrade g) {
    switch (g) {
        case RepGrade::Clean: return "clean";
        case RepGrade::Info: return "info";
        case RepGrade::Warning: return "warning";
        case RepGrade::Error: return "error";
    }
    return "?";
}

RepGrade gradeRep(const analysis::RepEvent& rep, const ExerciseDefinition& ex, std::string* reason) {
    RepGrade worst = RepGrade::Clean;
    for (const auto& code : rep.faults) {
        RepGrade g = RepGrade::Info;  // a code the file does not rate counts as the mildest fault
        std::string message = code;
        for (const auto& r : ex.form)
            if (r.code == code) {
                g = r.severity == analysis::Severity::Error     ? RepGrade::Error
                    : r.severity == analysis::Severity::Warning ? RepGrade::Warning
                                                                : RepGrade::Info;
                message = r.message;
                break;
            }
        if (static_cast<int>(g) > static_cast<int>(worst)) {
            worst = g;
            if (reason) *reason = message;
        }
    }
    if (worst == RepGrade::Clean && reason) reason->clear();
    return worst;
}

int repPoints(RepGrade g) {
    switch (g) {
        case RepGrade::Clean: return kPointsClean;
        case RepGrade::Info: return kPointsInfo;
        case RepGrade::Warning: return kPointsWarning;
        case RepGrade::Error: return kPointsError;
    }
    return 0;
}

std::optional<float> movementProgress(const ExerciseDefinition& ex, float value) {
    if (!ex.tracking) return std::nullopt;
    const auto& t = *ex.tracking;
    float span = t.target - t.exit;
    if (std::abs(span) < 1e-6f) return std::nullopt;
    return (value - t.exit) / span;
}

float countThreshold(const ExerciseDefinition& ex) {
    if (!ex.tracking) return 0;
    return movementProgress(ex, ex.tracking->enter).value_or(0);
}

namespace {

bool liftsOnTheWayUp(const ExerciseDefinition& ex) {
    // A lift from the floor (squat lift, hip hinge): the box comes up as the person stands back up.
    return ex.category == analysis::Category::Lifting;
}

std::string worstFaultMessage(const analysis::FrameReport& r, const ExerciseDefinition& ex, analysis::Severity* sev) {
    int worst = -1;
    std::string msg;
    for (const auto& code : r.faults)
        for (const auto& rule : ex.form)
            if (rule.code == code && static_cast<int>(rule.severity) > worst) {
                worst = static_cast<int>(rule.severity);
                msg = rule.message;
                if (sev) *sev = rule.severity;
            }
    return msg;
}

}  // namespace

GamePlay::GamePlay(GameSetup setup) : m_setup(setup) {}

int GamePlay::score() const {
    int s = 0;
    for (const auto& r : m_reps) s += r.points;
    s += static_cast<int>(m_goodHeldMs * kHoldPointsPerS / 1000 + m_faultHeldMs * kHoldFaultPointsPerS / 1000);
    return s;
}

int GamePlay::good() const {
    return static_cast<int>(std::count_if(m_reps.begin(), m_reps.end(), [](const ScoredRep& r) { return r.grade == RepGrade::Clean; }));
}

std::vector<GameEvent> GamePlay::takeEvents() {
    std::vector<GameEvent> out;
    out.swap(m_events);
    return out;
}

void GamePlay::scoreRep(const engine::Session& s, size_t step, const analysis::RepEvent& ev) {
    const engine::PlannedStep& ps = s.plan().steps[step];
    const ExerciseDefinition& ex = s.plan().exercises[ps.exercise];
    ScoredRep r;
    r.step = step;
    r.number = static_cast<int>(m_reps.size()) + 1;
    r.grade = gradeRep(ev, ex, &r.reason);
    r.side = ev.side;
    r.points = repPoints(r.grade);
    r.progress = movementProgress(ex, ev.peak).value_or(0);
    bool reach = m_setup.game && m_setup.game->kind == GameKind::Reach;
    if (reach) {
        float target = std::max(m_setup.reachTarget, countThreshold(ex));
        r.reached = r.progress + 0.005f >= target;
        if (!r.reached) r.points = static_cast<int>(std::lround(r.points * kReachMissFactor));
    }
    if (r.grade == RepGrade::Clean) {
        r.streak = ++m_streak;
        if (m_streak >= kStreakFrom) r.points += kStreakBonus;
    } else {
        m_streak = 0;
    }
    m_reps.push_back(r);
    m_events.push_back({GameEventKind::Rep, r.points, r.number, r.reason});
    if (r.streak == 3 || (r.streak >= 5 && r.streak % 5 == 0))
        m_events.push_back({GameEventKind::Streak, 0, r.streak, std::to_string(r.streak) + " good reps in a row!"});
    if (reach) {
        if (r.reached) {
            ++m_scene.caught;
            m_events.push_back({GameEventKind::StarCaught, r.points, m_scene.caught, "Star caught!"});
        } else {
            m_events.push_back({GameEventKind::StarMissed, r.points, 0, "Nearly: that one was short of the star"});
        }
    }
    if (m_setup.game && m_setup.game->kind == GameKind::Lift) {
        if (r.grade == RepGrade::Error) {
            ++m_scene.dropped;
            if (!m_dropThisRep) m_events.push_back({GameEventKind::Drop, 0, 0, r.reason});
        } else {
            ++m_scene.shelved;
        }
        m_scene.box = Scene::Box::Floor;
        m_scene.boxHeight = 0;
    }
    m_dropThisRep = false;
}

int GamePlay::maxPoints(const engine::Session& s) const {
    int m = 0;
    for (const auto& st : s.plan().steps) m += st.goal == StepGoal::Reps ? st.reps * kPointsClean : st.seconds * kHoldPointsPerS;
    return std::max(1, m);
}

void GamePlay::observe(const engine::Session& s, int64_t nowMs, const analysis::LandmarkFrame* frame) {
    const auto& steps = s.plan().steps;
    size_t cur = std::min(s.stepIndex(), steps.empty() ? 0 : steps.size() - 1);
    bool started = s.stage() == Stage::Active || s.stage() == Stage::Rest || s.stage() == Stage::PainAfter ||
                   s.stage() == Stage::Summary;
    if (started && !steps.empty()) {
        for (size_t i = std::min(m_step, cur); i <= cur; ++i) {
            const engine::PlannedStep& ps = steps[i];
            if (ps.goal == StepGoal::Reps) {
                auto evs = s.stepRepEvents(i);
                size_t planned = static_cast<size_t>(std::max(0, ps.reps));
                size_t& seen = m_repsSeen[i];
                for (size_t k = seen; k < evs.size() && k < planned; ++k) scoreRep(s, i, evs[k]);
                seen = std::max(seen, std::min(evs.size(), planned));
            } else {
                int64_t held = std::min<int64_t>(s.stepHeldMs(i), ps.seconds * 1000LL);
                int64_t& seen = m_heldSeen[i];
                if (held > seen) {
                    bool faulted = i == s.stepIndex() && !s.lastReport().faults.empty();
                    (faulted ? m_faultHeldMs : m_goodHeldMs) += held - seen;
                    seen = held;
                }
            }
        }
        // A set that ended: particles when it was done in full.
        bool left = m_stage == Stage::Active && (s.stage() != Stage::Active || s.stepIndex() != m_step);
        if (left && m_step < steps.size()) {
            const engine::PlannedStep& ps = steps[m_step];
            bool full = ps.goal == StepGoal::Reps ? m_repsSeen[m_step] >= static_cast<size_t>(ps.reps)
                                                  : m_heldSeen[m_step] >= ps.seconds * 1000LL;
            if (full)
                m_events.push_back({GameEventKind::SetDone, 0, ps.set,
                                    "Set " + std::to_string(ps.set) + " of " + std::to_string(ps.sets) + " done!"});
        }
    }
    m_step = s.stepIndex();
    m_stage = s.stage();
    updateScene(s, nowMs, frame);
}

void GamePlay::updateScene(const engine::Session& s, int64_t nowMs, const analysis::LandmarkFrame* frame) {
    double dt = m_lastMs < 0 ? 0 : std::clamp((nowMs - m_lastMs) / 1000.0, 0.0, 0.5);
    m_lastMs = nowMs;
    Scene& sc = m_scene;
    sc.wobble = static_cast<float>(std::max(0.0, sc.wobble - dt * 1.2));
    sc.altitude = std::min(1.0f, static_cast<float>(score()) / static_cast<float>(maxPoints(s)));
    sc.active = s.stage() == Stage::Active && s.pause() == engine::PauseReason::None && s.readyLeftMs() == 0;
    sc.target = 0;
    const ExerciseDefinition* ex = s.currentExercise();
    if (ex) sc.target = std::max(m_setup.reachTarget, countThreshold(*ex));
    const analysis::FrameReport& rep = s.lastReport();
    const engine::Cue& cue = s.cue();
    analysis::Severity sev = analysis::Severity::Info;
    std::string fault = ex && sc.active ? worstFaultMessage(rep, *ex, &sev) : std::string();
    bool faultNow = !fault.empty();
    if (faultNow && !m_faultShowing) {
        sc.wobble = 1.0f;
        m_events.push_back({GameEventKind::Wobble, 0, 0, fault});
    }
    m_faultShowing = faultNow;
    bool holdExercise = ex && ex->kind == ExerciseKind::Hold;
    sc.holding = sc.active && (rep.phase == "hold" || rep.phase == "peak" || (holdExercise && !s.stepCameraCounted()));
    sc.why.clear();
    if (!sc.active) {
        if (s.stage() == Stage::Active && s.pause() != engine::PauseReason::None) sc.why = cue.text;
    } else if (!rep.viewMessage.empty()) {
        sc.why = rep.viewMessage;
    } else if (faultNow) {
        sc.why = fault;
    } else if (s.stepCameraCounted() && (rep.phase.empty() || rep.phase == "setup" || rep.phase == "absent")) {
        sc.why = cue.text;  // not in the start position yet: the cue says how to get there
    } else if (holdExercise && s.stepCameraCounted() && rep.phase != "hold") {
        sc.why = cue.kind == engine::CueKind::Form || cue.kind == engine::CueKind::View ? cue.text
                 : "Not in the position yet: " + (ex->steps.empty() ? ex->title : ex->steps.back());
    }
    sc.faltering = !sc.why.empty();

    if (ex && rep.value) sc.progress = movementProgress(*ex, *rep.value).value_or(0);
    else if (!sc.active) sc.progress = 0;
    if (frame && frame->person && ex && ex->tracking && ex->tracking->measure.id == analysis::MeasureId::LateralLeanToward) {
        auto l = analysis::measureSide(analysis::MeasureId::LateralLeanToward, analysis::BodySide::Left, *frame);
        auto r = analysis::measureSide(analysis::MeasureId::LateralLeanToward, analysis::BodySide::Right, *frame);
        if (l && r) sc.leanSide = *l > *r ? -1 : *r > *l ? 1 : 0;
    }

    if (m_setup.game && m_setup.game->kind == GameKind::Lift && ex) {
        bool inRep = sc.active && (rep.phase == "moving" || rep.phase == "peak");
        if (inRep && faultNow && sev == analysis::Severity::Error) {
            if (sc.box != Scene::Box::Falling) m_events.push_back({GameEventKind::Drop, 0, 0, fault});
            sc.box = Scene::Box::Falling;
            m_dropThisRep = true;
        }
        if (sc.box == Scene::Box::Falling) {
            sc.boxHeight = static_cast<float>(std::max(0.0, sc.boxHeight - dt * 2.5));
        } else if (inRep) {
            sc.box = Scene::Box::Lifting;
            float p = std::clamp(sc.progress, 0.0f, 1.0f);
            if (liftsOnTheWayUp(*ex)) {
                // Down to the box first (it stays on the floor), then up with it.
                if (rep.phase == "peak") m_peakSeen = true;
                sc.boxHeight = m_peakSeen ? std::clamp(1.0f - p, 0.0f, 1.0f) : 0.0f;
            } else {
                sc.boxHeight = p;
            }
        } else {
            sc.box = Scene::Box::Floor;
            sc.boxHeight = 0;
            m_peakSeen = false;
        }
    }
}

GameResult GamePlay::result(const engine::Session& s) const {
    GameResult g;
    if (m_setup.game) g.gameId = m_setup.game->id;
    engine::SessionSummary sum = s.summary();
    if (!sum.exercises.empty()) g.exerciseId = sum.exercises.front().exerciseId;
    g.score = score();
    g.reps = reps();
    g.good = good();
    std::map<std::string, int> faults;
    for (const auto& e : sum.exercises) {
        g.repsPlanned += e.repsPlanned;
        g.heldS += e.holdS;
        g.heldPlannedS += e.holdPlannedS;
        for (const auto& [code, n] : e.faults) faults[code] += n;
    }
    g.faults.assign(faults.begin(), faults.end());
    std::stable_sort(g.faults.begin(), g.faults.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    g.goodHeldS = m_goodHeldMs / 1000.0;
    for (const auto& r : m_reps) g.bestProgress = std::max(g.bestProgress, std::min(r.progress, 1.5f));
    g.reachTarget = m_setup.reachTarget;
    g.caught = m_scene.caught;
    return g;
}

std::string GameResult::line() const {
    std::ostringstream o;
    o << "GAME " << (gameId.empty() ? "session" : gameId) << ": score " << score << ", reps " << reps << " of "
      << repsPlanned << ", good " << good;
    if (heldPlannedS > 0) o << ", held " << std::lround(heldS) << " of " << std::lround(heldPlannedS) << " s";
    o << ", faults ";
    if (faults.empty()) o << "none";
    for (size_t i = 0; i < faults.size(); ++i) o << (i ? ", " : "") << faults[i].first << " x" << faults[i].second;
    return o.str();
}

}  // namespace ptcoach::game
