#include "ptcoach/engine/session.h"

#include <algorithm>
#include <cmath>

#include "ptcoach/analysis/view.h"

namespace ptcoach::engine {

using analysis::ExerciseDefinition;
using analysis::ExerciseKind;
using analysis::LandmarkFrame;

const char* stageName(Stage s) {
    switch (s) {
        case Stage::CheckIn: return "check_in";
        case Stage::Stopped: return "stopped";
        case Stage::Setup: return "setup";
        case Stage::Active: return "active";
        case Stage::Rest: return "rest";
        case Stage::PainAfter: return "pain_after";
        case Stage::Summary: return "summary";
    }
    return "?";
}

int starsFor(double completion, std::optional<double> formScore) {
    if (completion >= 0.95 && (!formScore || *formScore >= 70)) return 3;
    if (completion >= 0.8) return 2;
    if (completion >= 0.3) return 1;
    return 0;
}

int starsFor(const SessionSummary& sum) {
    int stars = starsFor(sum.completion, sum.formScore);
    if (stars > 0) return stars;
    for (const auto& e : sum.exercises) {
        double done = e.repsPlanned > 0 ? static_cast<double>(e.repsDone) / e.repsPlanned
                      : e.holdPlannedS > 0 ? e.holdS / e.holdPlannedS
                                           : 0.0;
        bool goodForm = !e.quality || *e.quality >= 70;
        if (done >= 0.75 && goodForm) return 1;
    }
    return 0;
}

int scorePoints(double score) { return static_cast<int>(std::lround(std::clamp(score, 0.0, 100.0))); }

namespace {

std::string secondsText(int s) {
    if (s >= 120 && s % 60 == 0) return std::to_string(s / 60) + " minutes";
    if (s >= 60) return std::to_string(s / 60) + " minute" + (s / 60 > 1 ? "s " : " ") + std::to_string(s % 60) + " seconds";
    return std::to_string(s) + " seconds";
}

bool visible(const LandmarkFrame& f, int i) { return f.visible(i); }  // the frame's model's cut-off

// Somebody is in the picture: the pose model found a person and sees a shoulder and a hip.
bool present(const LandmarkFrame& f) {
    using namespace analysis::lm;
    return f.person && (visible(f, LeftShoulder) || visible(f, RightShoulder)) && (visible(f, LeftHip) || visible(f, RightHip));
}

}  // namespace

Session::Session(SessionPlan plan, SessionOptions options, int64_t nowMs)
    : m_plan(std::move(plan)), m_opt(options), m_lastNow(nowMs), m_startMs(nowMs) {
    m_results.resize(m_plan.steps.size());
    m_cue = {"How is your back today?", CueKind::Info, 0};
    for (const safety::Question* q : safety::questionsOf(safety::ListKind::Short)) m_checkInQuestions.push_back(q->id);
}

Session::~Session() = default;

void Session::setCheckInQuestions(std::vector<std::string> ids) { m_checkInQuestions = std::move(ids); }

Status Session::submitCheckIn(const CheckIn& c, int64_t nowMs) {
    if (m_stage != Stage::CheckIn) return makeError("the check-in is already done");
    if (!c.pain || *c.pain < 0 || *c.pain > 10) return makeError("pick how much it hurts now, 0 to 10");
    if (auto problem = safety::checkAnswers(m_checkInQuestions, c.answers)) return makeError(*problem);
    m_painBefore = c.pain;
    m_lastNow = nowMs;
    m_checkInOutcome = safety::evaluate(c.answers);
    const safety::Outcome& o = m_checkInOutcome;
    if (o.blocked) {
        m_stage = Stage::Stopped;
        m_stopAdvice = o.heading + ". " + o.advice;
        m_cue = {o.heading, CueKind::Safety, 2};
        speak(o.emergency ? "Please seek emergency care now." : "Please see a clinician before exercising.", nowMs, true);
        return {};
    }
    if (m_opt.camera && m_plan.anyCameraJudged()) {
        m_stage = Stage::Setup;
        m_setupGoodSince = -1;
        m_cue = {"Stand where the camera sees all of you", CueKind::View, 0};
        speak("Step back so the camera can see all of you.", nowMs, true);
    } else {
        beginStep(0, nowMs);
    }
    return {};
}

void Session::skipCheckInAndSetup(int64_t nowMs) {
    if (m_stage != Stage::CheckIn && m_stage != Stage::Setup) return;
    m_lastNow = nowMs;
    beginStep(0, nowMs);
}

void Session::startNow(int64_t nowMs) {
    if (m_stage != Stage::Setup) return;
    m_lastNow = nowMs;
    beginStep(0, nowMs);
}

void Session::continueWithoutCamera(int64_t nowMs) {
    if (!m_opt.camera) return;
    tick(nowMs);
    m_opt.camera = false;
    if (m_pause == PauseReason::LeftFrame) m_pause = PauseReason::None;
    if (m_stage == Stage::Setup) {
        beginStep(0, nowMs);
    } else if (m_stage == Stage::Active && m_tracker) {
        m_taps = m_tracker->reps();
        m_timerMs = m_tracker->exercise().kind == ExerciseKind::Hold ? m_tracker->heldMs() : m_timerMs;
        StepResult& r = m_results[m_step];
        analysis::AnalysisResult res = m_tracker->result();
        r.repEvents = res.repEvents;
        for (const auto& f : res.faults) ++r.faults[f.code];
        m_tracker.reset();
        m_report = {};
    }
    speak("Going on without the camera: tap after each rep.", nowMs, true);
    updateCue(nowMs);
}

const PlannedStep* Session::currentStep() const {
    if ((m_stage != Stage::Active && m_stage != Stage::Rest) || m_step >= m_plan.steps.size()) return nullptr;
    return &m_plan.steps[m_step];
}

const PlannedStep* Session::nextStep() const {
    if (m_step + 1 >= m_plan.steps.size()) return nullptr;
    return &m_plan.steps[m_step + 1];
}

std::vector<analysis::RepEvent> Session::stepRepEvents(size_t i) const {
    if (i >= m_results.size()) return {};
    std::vector<analysis::RepEvent> out = m_results[i].repEvents;
    if (m_stage == Stage::Active && i == m_step && m_tracker)
        out.insert(out.end(), m_tracker->repEvents().begin(), m_tracker->repEvents().end());
    return out;
}

int64_t Session::stepHeldMs(size_t i) const {
    if (i >= m_results.size()) return 0;
    if (m_stage == Stage::Active && i == m_step) return static_cast<int64_t>(std::lround(doneSeconds() * 1000.0));
    return m_results[i].heldMs;
}

const ExerciseDefinition* Session::currentExercise() const {
    const PlannedStep* s = currentStep();
    return s ? &m_plan.exercises[s->exercise] : nullptr;
}

int Session::count() const {
    if (m_stage != Stage::Active) return m_step < m_results.size() ? m_results[m_step].reps : 0;
    return m_tracker && !m_tracker->exercise().tapCounted() ? m_tracker->reps() : m_taps;
}

double Session::doneSeconds() const {
    if (m_stage != Stage::Active) return m_step < m_results.size() ? m_results[m_step].heldMs / 1000.0 : 0;
    const PlannedStep* s = currentStep();
    if (m_tracker && s && m_plan.exercises[s->exercise].kind == ExerciseKind::Hold)
        return m_tracker->heldMs() / 1000.0;
    return m_timerMs / 1000.0;
}

std::string Session::stepAnnouncement() const {
    const PlannedStep& s = m_plan.steps[m_step];
    const ExerciseDefinition& ex = m_plan.exercises[s.exercise];
    std::string t = ex.title + ".";
    if (s.side) t += std::string(" ") + (*s.side == analysis::BodySide::Left ? "Left" : "Right") + " side.";
    if (s.sets > 1) t += " Set " + std::to_string(s.set) + " of " + std::to_string(s.sets) + ".";
    if (s.goal == StepGoal::Reps) t += " " + std::to_string(s.reps) + " reps.";
    else if (s.goal == StepGoal::Hold) t += " Hold " + secondsText(s.seconds) + ".";
    else t += " " + secondsText(s.seconds) + ".";
    return t;
}

void Session::beginStep(size_t i, int64_t now) {
    m_step = i;
    m_stage = Stage::Active;
    m_tracker.reset();
    m_taps = 0;
    m_timerMs = 0;
    m_readyLeftMs = 0;
    m_lastRepCount = 0;
    m_lastRepAt = -1;
    m_lastRepFault.clear();
    m_report = {};
    m_absentSince = m_presentSince = -1;
    if (m_pause == PauseReason::LeftFrame) m_pause = PauseReason::None;
    if (i >= m_plan.steps.size()) {
        m_stage = Stage::PainAfter;
        return;
    }
    const PlannedStep& s = m_plan.steps[i];
    m_results[i].reached = true;
    ExerciseDefinition ex = m_plan.exercises[s.exercise];
    // The camera counts or times it, or (timer only) checks its start position before the timer runs.
    if (m_opt.camera && (s.cameraJudged || ex.positionChecked())) {
        if (s.side) ex.sides = *s.side == analysis::BodySide::Left ? analysis::Sides::Left : analysis::Sides::Right;
        analysis::TrackerOptions to;
        to.keepFrames = false;
        auto t = analysis::ExerciseTracker::create(ex, to);
        if (t) m_tracker = std::move(*t);  // a definition that loaded always makes a tracker; else: taps
    }
    if (s.goal != StepGoal::Reps && !m_tracker) m_readyLeftMs = m_opt.readyMs;
    m_events.push_back({SessionEvent::Kind::StepStart, ex.title, 0});
    speak(stepAnnouncement(), now, true);
    updateCue(now);
}

void Session::recordStep(bool completed) {
    const PlannedStep& s = m_plan.steps[m_step];
    StepResult& r = m_results[m_step];
    r.completed = completed;
    r.reps = count();
    r.heldMs = static_cast<int64_t>(std::lround(doneSeconds() * 1000.0));
    if (s.goal == StepGoal::Reps) r.reps = std::min(r.reps, s.reps);
    else r.heldMs = std::min<int64_t>(r.heldMs, s.seconds * 1000LL);
    if (m_tracker) {
        analysis::AnalysisResult res = m_tracker->result();
        r.repEvents.insert(r.repEvents.end(), res.repEvents.begin(), res.repEvents.end());
        for (const auto& f : res.faults) ++r.faults[f.code];
    }
    m_tracker.reset();
    m_events.push_back({SessionEvent::Kind::StepDone, m_plan.exercises[s.exercise].title, r.reps});
}

void Session::finishStep(int64_t now, bool completed) {
    if (m_stage != Stage::Active || m_step >= m_plan.steps.size()) return;
    const PlannedStep& s = m_plan.steps[m_step];
    recordStep(completed);
    if (m_step + 1 >= m_plan.steps.size()) {
        m_stage = Stage::PainAfter;
        m_endMs = now;
        m_events.push_back({SessionEvent::Kind::SessionDone, "", 0});
        speak("Well done, that's the session. How is the pain now?", now, true);
        m_cue = {"Well done! How is the pain now?", CueKind::Good, 0};
        return;
    }
    m_restTotalMs = m_restLeftMs = s.restAfterS * 1000LL;
    if (m_restLeftMs > 0) {
        m_stage = Stage::Rest;
        const PlannedStep& n = m_plan.steps[m_step + 1];
        if (n.exercise == s.exercise && n.side && s.side && *n.side != *s.side) speak("Switch sides.", now, true);
        else speak("Rest " + secondsText(s.restAfterS) + ".", now, true);
        updateCue(now);
    } else {
        beginStep(m_step + 1, now);
    }
}

void Session::advance(int64_t now) { beginStep(m_step + 1, now); }

void Session::checkStepDone(int64_t now) {
    if (m_stage != Stage::Active) return;
    const PlannedStep& s = m_plan.steps[m_step];
    if (s.goal == StepGoal::Reps ? count() >= s.reps : doneSeconds() >= s.seconds) finishStep(now, true);
}

void Session::speak(const std::string& text, int64_t now, bool force) {
    auto it = m_spokenAt.find(text);
    if (!force && it != m_spokenAt.end() && now - it->second < m_opt.repeatCueMs) return;
    m_spokenAt[text] = now;
    m_events.push_back({SessionEvent::Kind::Speak, text, 0});
}

void Session::updatePresence(const LandmarkFrame& f) {
    int64_t t = f.tMs;
    if (!present(f)) {
        m_presentSince = -1;
        if (m_absentSince < 0) m_absentSince = t;
        if (m_pause == PauseReason::None && t - m_absentSince >= m_opt.leftFrameMs) {
            m_pause = PauseReason::LeftFrame;
            speak("Paused. Step back into the picture to go on.", t, true);
        }
        return;
    }
    m_absentSince = -1;
    if (m_pause != PauseReason::LeftFrame) return;
    if (m_presentSince < 0) m_presentSince = t;
    if (t - m_presentSince >= m_opt.backInFrameMs) {
        m_pause = PauseReason::None;
        m_presentSince = -1;
        speak("Welcome back. Let's go on.", t, true);
    }
}

void Session::updateSetup(const LandmarkFrame& f) {
    // The first exercise the camera judges sets the view wanted.
    const ExerciseDefinition* ex = nullptr;
    const PlannedStep* step = nullptr;
    for (const auto& s : m_plan.steps)
        if (s.cameraJudged) {
            ex = &m_plan.exercises[s.exercise];
            step = &s;
            break;
        }
    if (!ex) return;
    using namespace analysis::lm;
    analysis::ViewCheckOptions vo;
    vo.need = ex->view;
    vo.landmarks = {LeftShoulder, LeftHip, LeftKnee, LeftAnkle};  // left or right counts
    if (ex->view == analysis::ViewNeed::Side && step->side) vo.sideToCamera = step->side;
    analysis::View raw = analysis::estimateView(f);
    m_viewHistory.push_back(static_cast<int>(raw));
    if (m_viewHistory.size() > 9) m_viewHistory.erase(m_viewHistory.begin());
    int front = 0, side = 0;
    for (int v : m_viewHistory) front += v == static_cast<int>(analysis::View::Front), side += v == static_cast<int>(analysis::View::Side);
    analysis::View view = front == 0 && side == 0 ? analysis::View::Unknown
                          : front >= side         ? analysis::View::Front
                                                  : analysis::View::Side;
    analysis::ViewStatus vs = analysis::checkView(f, vo, view);
    auto has = [&](const char* code) { return std::find(vs.problems.begin(), vs.problems.end(), code) != vs.problems.end(); };
    SetupCheck c;
    c.person = !has("no_person");
    c.wholeBody = c.person && !has("not_in_frame");
    c.bodyText = !c.person ? "Nobody in the picture yet"
                 : c.wholeBody ? "Whole body in the picture"
                               : "Move so your " + vs.missing + " are in the picture";
    c.distanceOk = c.person && !has("too_close") && !has("too_far");
    c.distanceText = !c.person ? "Distance: waiting for you"
                     : has("too_close") ? "Too close: step back a little"
                     : has("too_far")   ? "Too far: come a little closer"
                                        : "Distance is right";
    bool wrongView = has("wrong_view") || has("wrong_side");
    c.viewOk = c.person && !wrongView;
    std::string want = ex->view == analysis::ViewNeed::Side ? "side-on to the camera"
                       : ex->view == analysis::ViewNeed::Front ? "facing the camera"
                                                               : "facing the camera or side-on";
    c.viewText = !c.person ? "View: " + want
                 : wrongView ? analysis::viewProblemMessage(has("wrong_view") ? "wrong_view" : "wrong_side", ex->view,
                                                            vo.sideToCamera, vs.missing)
                             : "View is right: " + want;
    m_setup = c;
    if (c.allOk()) {
        if (m_setupGoodSince < 0) m_setupGoodSince = f.tMs;
        if (f.tMs - m_setupGoodSince >= m_opt.setupGoodMs) {
            speak("Good. Let's start.", f.tMs, true);
            beginStep(0, f.tMs);
        }
    } else {
        m_setupGoodSince = -1;
    }
}

void Session::onFrame(const LandmarkFrame& f) {
    tick(f.tMs);
    if (m_stage == Stage::Setup) {
        updateSetup(f);
        updateCue(f.tMs);
        return;
    }
    if (m_stage != Stage::Active || !m_tracker) return;
    updatePresence(f);
    if (m_pause == PauseReason::Manual) return;  // paused by the person: nothing counts
    m_report = m_tracker->update(f);
    int reps = m_tracker->reps();
    if (reps > m_lastRepCount) {
        const auto& evs = m_tracker->repEvents();
        m_lastRepFault.clear();
        if (!evs.empty()) {
            int worst = -1;
            const ExerciseDefinition& ex = m_tracker->exercise();
            for (const auto& code : evs.back().faults)
                for (const auto& r : ex.form)
                    if (r.code == code && static_cast<int>(r.severity) > worst) {
                        worst = static_cast<int>(r.severity);
                        m_lastRepFault = r.message;
                    }
        }
        for (int k = m_lastRepCount + 1; k <= reps; ++k) m_events.push_back({SessionEvent::Kind::RepTone, "", k});
        m_lastRepCount = reps;
        m_lastRepAt = f.tMs;
    }
    updateCue(f.tMs);
    checkStepDone(f.tMs);
}

void Session::tick(int64_t nowMs) {
    int64_t dt = std::max<int64_t>(0, nowMs - m_lastNow);
    m_lastNow = std::max(m_lastNow, nowMs);
    if (m_stage == Stage::Active && m_pause == PauseReason::None) {
        const PlannedStep& s = m_plan.steps[m_step];
        if (m_readyLeftMs > 0) {
            int64_t used = std::min(dt, m_readyLeftMs);
            m_readyLeftMs -= used;
            dt -= used;
            if (m_readyLeftMs == 0) speak("Go.", nowMs, true);
        }
        if (s.goal != StepGoal::Reps && !m_tracker) {
            m_timerMs += dt;
        } else if (m_tracker && m_tracker->exercise().kind == ExerciseKind::Posture) {
            // a posture check's clock runs while the person is in the stance it checks
            const std::string& ph = m_report.phase;
            if (!ph.empty() && ph != "absent" && ph != "other_stance") m_timerMs += dt;
        }
        checkStepDone(nowMs);
    } else if (m_stage == Stage::Rest && m_pause != PauseReason::Manual) {
        m_restLeftMs -= dt;
        if (m_restLeftMs <= 0) {
            m_restLeftMs = 0;
            advance(nowMs);
        }
    }
    updateCue(nowMs);
}

void Session::togglePause(int64_t nowMs) {
    tick(nowMs);
    if (m_stage != Stage::Active && m_stage != Stage::Rest) return;
    if (m_pause == PauseReason::None) {
        m_pause = PauseReason::Manual;
        speak("Paused.", nowMs, true);
    } else {
        m_pause = PauseReason::None;
        m_absentSince = m_presentSince = -1;
        speak("Let's go on.", nowMs, true);
    }
    updateCue(nowMs);
}

void Session::tapRep(int64_t nowMs) {
    tick(nowMs);
    if (m_stage != Stage::Active || m_pause != PauseReason::None) return;
    if (m_tracker && !m_tracker->exercise().tapCounted()) return;  // the camera counts
    const PlannedStep& s = m_plan.steps[m_step];
    if (s.goal != StepGoal::Reps) return;
    ++m_taps;
    m_events.push_back({SessionEvent::Kind::RepTone, "", m_taps});
    m_lastRepAt = nowMs;
    m_lastRepFault.clear();
    checkStepDone(nowMs);
    updateCue(nowMs);
}

void Session::skip(int64_t nowMs) {
    tick(nowMs);
    if (m_stage == Stage::Setup) startNow(nowMs);
    else if (m_stage == Stage::Rest) advance(nowMs);
    else if (m_stage == Stage::Active) finishStep(nowMs, false);
}

void Session::finishEarly(int64_t nowMs) {
    tick(nowMs);
    if (m_stage == Stage::Active) recordStep(false);
    if (m_stage == Stage::Active || m_stage == Stage::Rest || m_stage == Stage::Setup) {
        m_stage = Stage::PainAfter;
        m_endMs = nowMs;
        m_pause = PauseReason::None;
        m_events.push_back({SessionEvent::Kind::SessionDone, "", 0});
        m_cue = {"How is the pain now?", CueKind::Info, 0};
    }
}

void Session::submitPainAfter(std::optional<int> pain, int64_t nowMs) {
    if (m_stage != Stage::PainAfter) return;
    if (pain && (*pain < 0 || *pain > 10)) pain.reset();
    m_painAfter = pain;
    if (m_endMs == 0) m_endMs = nowMs;
    m_stage = Stage::Summary;
    SessionSummary s = summary();
    m_cue = {std::string("Session done: ") + std::to_string(s.stars) + (s.stars == 1 ? " star" : " stars"), CueKind::Good, 0};
}

void Session::updateCue(int64_t now) {
    Cue c;
    switch (m_stage) {
        case Stage::CheckIn: c = {"How is your back today?", CueKind::Info, 0}; break;
        case Stage::Stopped: c = {m_stopAdvice, CueKind::Safety, 2}; break;
        case Stage::Setup:
            if (!m_setup.person) c = {"Stand where the camera sees all of you", CueKind::View, 0};
            else if (!m_setup.wholeBody) c = {m_setup.bodyText, CueKind::View, 0};
            else if (!m_setup.distanceOk) c = {m_setup.distanceText, CueKind::View, 0};
            else if (!m_setup.viewOk) c = {m_setup.viewText, CueKind::View, 0};
            else c = {"Hold still: starting...", CueKind::Good, 0};
            break;
        case Stage::Rest: {
            const PlannedStep* n = nextStep();
            const PlannedStep& s = m_plan.steps[m_step];
            if (m_pause == PauseReason::Manual) c = {"Paused: press P or Start to go on", CueKind::Pause, 0};
            else if (n && n->exercise == s.exercise && n->side && s.side && *n->side != *s.side)
                c = {"Switch sides: now your " + std::string(*n->side == analysis::BodySide::Left ? "left" : "right"),
                     CueKind::Info, 0};
            else if (n) c = {"Rest. Next: " + m_plan.exercises[n->exercise].title, CueKind::Info, 0};
            else c = {"Rest", CueKind::Info, 0};
            break;
        }
        case Stage::PainAfter: c = {"Well done! How is the pain now?", CueKind::Good, 0}; break;
        case Stage::Summary: c = m_cue; break;
        case Stage::Active: {
            const PlannedStep& s = m_plan.steps[m_step];
            const ExerciseDefinition& ex = m_plan.exercises[s.exercise];
            std::string coach = ex.steps.empty() ? ex.title : ex.steps.front();
            if (m_pause == PauseReason::LeftFrame) {
                c = {"Paused: step back into the picture", CueKind::Pause, 0};
            } else if (m_pause == PauseReason::Manual) {
                c = {"Paused: press P or Start to go on", CueKind::Pause, 0};
            } else if (m_readyLeftMs > 0) {
                c = {"Get ready: " + std::to_string((m_readyLeftMs + 999) / 1000), CueKind::Info, 0};
            } else if (!m_tracker) {
                if (s.goal == StepGoal::Reps)
                    c = {m_opt.camera && s.cameraJudged ? coach : "Tap after each rep: " + coach, CueKind::Coach, 0};
                else c = {coach, CueKind::Coach, 0};
                if (m_lastRepAt >= 0 && now - m_lastRepAt < m_opt.goodRepCueMs) c = {"Good!", CueKind::Good, 0};
            } else if (!m_report.viewMessage.empty()) {
                c = {m_report.viewMessage, CueKind::View, 0};
            } else {
                int worst = -1;
                for (const auto& code : m_report.faults)
                    for (const auto& r : ex.form)
                        if (r.code == code && static_cast<int>(r.severity) > worst) {
                            worst = static_cast<int>(r.severity);
                            c = {r.message, CueKind::Form, worst};
                        }
                const std::string& ph = m_report.phase;
                bool notRunning = ph == "setup" || ph == "near" || ph == "paused" || ph == "absent" || ph.empty();
                if (worst < 0 && notRunning && !m_report.why.empty()) {
                    // Why the hold timer is not running (or what the start position still needs).
                    c = {m_report.why, CueKind::Coach, 0};
                } else if (worst < 0 && !m_report.unseen.empty()) {
                    c = {m_report.unseen, CueKind::View, 0};  // a check that cannot be made: what to show
                } else if (worst < 0 && ex.tapCounted()) {
                    if (m_lastRepAt >= 0 && now - m_lastRepAt < m_opt.goodRepCueMs) c = {"Good!", CueKind::Good, 0};
                    else c = {"Tap after each rep: " + coach, CueKind::Coach, 0};
                } else if (worst < 0) {
                    bool recent = m_lastRepAt >= 0 && now - m_lastRepAt < m_opt.repFaultCueMs;
                    if (recent && !m_lastRepFault.empty()) c = {m_lastRepFault, CueKind::Form, 0};
                    else if (m_lastRepAt >= 0 && now - m_lastRepAt < m_opt.goodRepCueMs) c = {"Good rep!", CueKind::Good, 0};
                    else if (m_report.phase == "setup" || m_report.phase.empty())
                        c = {ex.kind == ExerciseKind::Reps ? "Get into the start position" : "Get into position", CueKind::Coach, 0};
                    else if (m_report.phase == "hold") c = {"Hold it, breathing normally", CueKind::Good, 0};
                    else if (m_report.phase == "other_stance")
                        c = {ex.stance == "sitting" ? "Sit down for this check" : "Stand up for this check", CueKind::Coach, 0};
                    else c = {coach, CueKind::Coach, 0};
                }
            }
            break;
        }
    }
    bool changed = c.text != m_cue.text;
    m_cue = c;
    if (changed && (c.kind == CueKind::Form || c.kind == CueKind::View || c.kind == CueKind::Pause))
        speak(c.text, now);
}

std::vector<SessionEvent> Session::takeEvents() {
    std::vector<SessionEvent> out;
    out.swap(m_events);
    return out;
}

SessionSummary Session::summary() const {
    SessionSummary sum;
    sum.programId = m_plan.programId;
    sum.sessionId = m_plan.sessionId;
    sum.title = m_plan.title;
    sum.withCamera = m_opt.camera;
    sum.painBefore = m_painBefore;
    sum.painAfter = m_painAfter;
    sum.startMs = m_startMs;
    sum.endMs = m_endMs ? m_endMs : m_lastNow;
    double work = 0;
    double qualitySum = 0;
    int qualityN = 0;
    std::map<std::string, int> allFaults;
    bool allDone = !m_plan.steps.empty();
    for (size_t e = 0; e < m_plan.exercises.size(); ++e) {
        const ExerciseDefinition& ex = m_plan.exercises[e];
        ExerciseOutcome o;
        o.exerciseId = ex.id;
        o.title = ex.title;
        o.sides = std::string(analysis::sidesName(ex.sides));
        std::map<std::string, int> faults;
        double romSum = 0, qSum = 0;
        int n = 0, passesDone = 0, passes = 0, perfectPasses = 0;
        for (size_t i = 0; i < m_plan.steps.size(); ++i) {
            const PlannedStep& s = m_plan.steps[i];
            if (s.exercise != e) continue;
            const StepResult& r = m_results[i];
            o.setsPlanned = s.sets;
            o.cameraJudged = o.cameraJudged || (s.cameraJudged && m_opt.camera);
            ++passes;
            passesDone += r.completed;
            allDone = allDone && r.completed;
            if (s.goal == StepGoal::Reps) {
                o.repsPlanned += s.reps;
                o.repsDone += r.reps;
                work += s.reps > 0 ? std::min(1.0, static_cast<double>(r.reps) / s.reps) : 1.0;
            } else {
                o.holdPlannedS += s.seconds;
                o.holdS += r.heldMs / 1000.0;
                work += s.seconds > 0 ? std::min(1.0, r.heldMs / 1000.0 / s.seconds) : 1.0;
            }
            int good = 0;
            for (const auto& ev : r.repEvents) {
                romSum += ev.rom;
                qSum += ev.quality;
                ++n;
                good += ev.faults.empty();
            }
            o.goodReps += std::min(good, s.goal == StepGoal::Reps ? r.reps : 0);
            if (s.goal == StepGoal::Reps && r.completed && s.cameraJudged && m_opt.camera && s.reps > 0 && good >= s.reps)
                ++perfectPasses;
            for (const auto& [code, k] : r.faults) faults[code] += k, allFaults[code] += k;
        }
        int perSet = ex.sides == analysis::Sides::Each ? 2 : 1;
        o.setsDone = passesDone / perSet;
        o.perfectSets = perfectPasses / perSet;
        (void)passes;
        if (n > 0) {
            o.rom = romSum / n;
            o.quality = qSum / n;
            qualitySum += qSum;
            qualityN += n;
        }
        o.faults.assign(faults.begin(), faults.end());
        std::stable_sort(o.faults.begin(), o.faults.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        sum.exercises.push_back(o);
    }
    sum.completion = m_plan.steps.empty() ? 0 : work / static_cast<double>(m_plan.steps.size());
    if (qualityN > 0) sum.formScore = qualitySum / qualityN;
    sum.completed = allDone;
    sum.stars = starsFor(sum);
    sum.topFaults.assign(allFaults.begin(), allFaults.end());
    std::stable_sort(sum.topFaults.begin(), sum.topFaults.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (sum.topFaults.size() > 3) sum.topFaults.resize(3);
    return sum;
}

}  // namespace ptcoach::engine
