#pragma once
// The guided session as a state machine, free of any UI: check-in (pain now, a short red-flag
// screen), the camera set-up check, then each exercise set by set with rest in between, and the
// pain-after question and summary at the end. The camera's landmark frames drive rep counting and
// holds through the analysis tracker; without a camera the same steps run as a timer-and-counter
// guide with manual rep taps. Time comes only from the caller (frame timestamps or a clock), so
// a recorded video gives the same result on any machine.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/landmark_frame.h"
#include "ptcoach/analysis/tracker.h"
#include "ptcoach/core/expected.h"
#include "ptcoach/engine/session_plan.h"
#include "ptcoach/safety/red_flags.h"

namespace ptcoach::engine {

// The check-in: pain now and the red-flag questions asked (ptcoach/safety/red_flags.h), which
// are the short list unless the caller says otherwise (Session::setCheckInQuestions).
struct CheckIn {
    std::optional<int> pain;   // 0-10, now
    safety::Answers answers;   // question id -> yes; every question asked must be answered
};

enum class Stage { CheckIn, Stopped, Setup, Active, Rest, PainAfter, Summary };
const char* stageName(Stage s);

enum class PauseReason { None, Manual, LeftFrame };

enum class CueKind { Coach, Good, Info, Form, View, Pause, Safety };
struct Cue {
    std::string text;
    CueKind kind = CueKind::Coach;
    int severity = 0;  // form cues: 0 info, 1 warning, 2 error
};

struct SessionEvent {
    enum class Kind { Speak, RepTone, StepStart, StepDone, SessionDone } kind;
    std::string text;
    int count = 0;  // RepTone: the count reached
};

// The camera set-up check, from the pose pipeline.
struct SetupCheck {
    bool person = false, wholeBody = false, distanceOk = false, viewOk = false;
    std::string bodyText, distanceText, viewText;
    bool allOk() const { return person && wholeBody && distanceOk && viewOk; }
};

struct SessionOptions {
    bool camera = true;       // false: timer-and-counter guide, taps count reps
    int setupGoodMs = 2000;   // set-up: the view must be right this long before starting by itself
    int leftFrameMs = 1000;   // nobody in the picture this long pauses the session
    int backInFrameMs = 700;  // ... and back in it this long resumes it
    int readyMs = 3000;       // countdown before a timer hold or a timed exercise
    int goodRepCueMs = 1500, repFaultCueMs = 3000;
    int repeatCueMs = 8000;   // the same cue is not spoken again within this
};

struct ExerciseOutcome {
    std::string exerciseId, title, sides;
    bool cameraJudged = false;
    int setsDone = 0, setsPlanned = 0;
    int repsDone = 0, repsPlanned = 0;
    double holdS = 0, holdPlannedS = 0;              // holds, posture checks and timed exercises
    std::optional<double> rom, quality;              // mean over the reps the camera counted
    std::vector<std::pair<std::string, int>> faults; // code, times seen; most first
    int goodReps = 0;     // camera-counted reps with no form fault at all (at most repsDone)
    int perfectSets = 0;  // sets done in full by the camera with every rep good
};

struct SessionSummary {
    std::string programId, sessionId, title;
    bool withCamera = true;
    bool completed = false;                // every step done
    std::optional<int> painBefore, painAfter;
    int64_t startMs = 0, endMs = 0;
    std::vector<ExerciseOutcome> exercises;
    double completion = 0;                 // 0..1 of the planned work
    std::optional<double> formScore;       // 0..100 over the camera-counted reps
    int stars = 0;                         // 0..3
    std::vector<std::pair<std::string, int>> topFaults;  // the faults seen most, at most 3
};

// 1 star from 30 % of the planned work, 2 from 80 %, 3 from 95 % with good form (70+, when judged).
int starsFor(double completion, std::optional<double> formScore);
// Stars for what was done and how well: the plan-wide rule above, and at least 1 star as soon as
// one exercise was done to 75 % of its own plan with good form (8 good curls of 10 is a star even
// when the session ended there).
int starsFor(const SessionSummary& summary);
// A 0-100 score as the screens print it (the header and the table of a summary agree).
int scorePoints(double score);

class Session {
public:
    Session(SessionPlan plan, SessionOptions options, int64_t nowMs);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // The red-flag questions the check-in asks (ids of ptcoach/safety/red_flags.h), in order; the
    // short list by default. Questions answered moments ago elsewhere may be left out; an empty
    // list asks only the pain.
    void setCheckInQuestions(std::vector<std::string> ids);
    const std::vector<std::string>& checkInQuestions() const { return m_checkInQuestions; }
    // Check-in. A yes of the emergency or clinician tier stops the session (Stopped, see
    // stopAdvice()); a yes of the advice tier is told and the session goes on. An unanswered
    // question or a pain outside 0-10 is an error and changes nothing.
    Status submitCheckIn(const CheckIn& c, int64_t nowMs);
    // What the check-in's answers meant (empty before the check-in).
    const safety::Outcome& checkInOutcome() const { return m_checkInOutcome; }
    // A recorded video drives the session: nobody to ask; straight to the first exercise.
    void skipCheckInAndSetup(int64_t nowMs);
    void startNow(int64_t nowMs);  // set-up: start without waiting for the view to be right
    // The camera failed or the person chose to go on without it: from now on taps count reps and
    // a timer times holds; what the camera counted so far is kept.
    void continueWithoutCamera(int64_t nowMs);

    void onFrame(const analysis::LandmarkFrame& f);  // a camera frame; its tMs is the time
    void tick(int64_t nowMs);                         // timers between frames
    void togglePause(int64_t nowMs);
    void tapRep(int64_t nowMs);    // counts a rep on a step the camera does not count
    void skip(int64_t nowMs);      // ends the rest, or the current step, early
    void finishEarly(int64_t nowMs);  // to the pain-after question; the work so far is kept
    void submitPainAfter(std::optional<int> pain, int64_t nowMs);

    Stage stage() const { return m_stage; }
    const SessionPlan& plan() const { return m_plan; }
    const SessionOptions& options() const { return m_opt; }
    size_t stepIndex() const { return m_step; }
    const PlannedStep* currentStep() const;      // during Active and Rest (the one just done)
    const PlannedStep* nextStep() const;         // during Rest
    const analysis::ExerciseDefinition* currentExercise() const;
    // The camera counts the reps or times the hold (not: taps, a plain timer, or a timer-only
    // exercise whose start position the camera only checks).
    bool stepCameraCounted() const {
        return m_tracker != nullptr && !m_tracker->exercise().tapCounted() && !m_tracker->exercise().positionChecked();
    }
    int count() const;                           // reps this step
    double doneSeconds() const;                  // held / walked this step
    int64_t readyLeftMs() const { return m_readyLeftMs; }
    int64_t restLeftMs() const { return m_restLeftMs; }
    int64_t restTotalMs() const { return m_restTotalMs; }
    PauseReason pause() const { return m_pause; }
    const Cue& cue() const { return m_cue; }
    const SetupCheck& setup() const { return m_setup; }
    const analysis::FrameReport& lastReport() const { return m_report; }
    // Step i's camera-counted reps so far, faults included: live during the step, kept after it.
    std::vector<analysis::RepEvent> stepRepEvents(size_t i) const;
    // Step i's held (or timed) milliseconds so far: live during the step, as recorded after it.
    int64_t stepHeldMs(size_t i) const;
    std::optional<int> painBefore() const { return m_painBefore; }
    const std::string& stopAdvice() const { return m_stopAdvice; }
    std::vector<SessionEvent> takeEvents();
    SessionSummary summary() const;

private:
    struct StepResult {
        bool reached = false, completed = false;
        int reps = 0;
        int64_t heldMs = 0;
        std::vector<analysis::RepEvent> repEvents;
        std::map<std::string, int> faults;
    };
    void beginStep(size_t i, int64_t now);
    void recordStep(bool completed);  // the current step's result, tracker released
    void finishStep(int64_t now, bool completed);
    void checkStepDone(int64_t now);
    void advance(int64_t now);
    void updateSetup(const analysis::LandmarkFrame& f);
    void updatePresence(const analysis::LandmarkFrame& f);
    void updateCue(int64_t now);
    void speak(const std::string& text, int64_t now, bool force = false);
    std::string stepAnnouncement() const;

    SessionPlan m_plan;
    SessionOptions m_opt;
    Stage m_stage = Stage::CheckIn;
    size_t m_step = 0;
    std::unique_ptr<analysis::ExerciseTracker> m_tracker;  // null when the step is not camera counted
    int m_taps = 0;
    int64_t m_timerMs = 0, m_readyLeftMs = 0, m_restLeftMs = 0, m_restTotalMs = 0;
    int64_t m_lastNow = 0, m_startMs = 0, m_endMs = 0;
    PauseReason m_pause = PauseReason::None;
    int64_t m_absentSince = -1, m_presentSince = -1;
    int m_lastRepCount = 0;
    int64_t m_lastRepAt = -1;
    std::string m_lastRepFault;
    analysis::FrameReport m_report;
    Cue m_cue;
    SetupCheck m_setup;
    int64_t m_setupGoodSince = -1;
    std::vector<int> m_viewHistory;
    std::optional<int> m_painBefore, m_painAfter;
    std::string m_stopAdvice;
    std::vector<std::string> m_checkInQuestions;
    safety::Outcome m_checkInOutcome;
    std::vector<StepResult> m_results;
    std::vector<SessionEvent> m_events;
    std::map<std::string, int64_t> m_spokenAt;
};

}  // namespace ptcoach::engine
