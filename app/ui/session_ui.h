#pragma once
// The guided session and the programs screens: their UI state (one member of UiState), the queue
// of landmark frames from the camera worker, and their per-frame update and draw functions.
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app_options.h"
#include "audio.h"
#include "game_ui.h"
#include "ptcoach/analysis/landmark_frame.h"
#include "ptcoach/engine/program.h"
#include "ptcoach/engine/session.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/recovery/session_log.h"
#include "ptcoach/storage/session_store.h"
#include "ptcoach/vision/pose_estimator.h"

namespace ptcoach::ui {

struct UiState;

// Every landmark frame the worker produced, in order: the screen shows only the newest picture,
// but the session counts from all of them. Filled on the worker thread, drained on the UI thread.
class PoseFrameQueue {
public:
    void push(analysis::LandmarkFrame f);
    std::vector<analysis::LandmarkFrame> drain();
    void clear();

private:
    static constexpr size_t kMax = 900;  // about 30 s at 30 fps if nobody drains it
    std::mutex m_mutex;
    std::deque<analysis::LandmarkFrame> m_frames;
};

// The pose pipeline's result as the analysis sees it.
analysis::LandmarkFrame toLandmarkFrame(const vision::PoseResult& pose, int64_t tMs, int width, int height);

// What the session's draw code asks for; applied by updateSession before the next frame.
enum class SessionAction {
    SetPain, SetAnswer, AllNo, SubmitCheckIn, AckAdvice, StartNow, TogglePause, TapRep, Skip, FinishEarly,
    SetPainAfter, SubmitPainAfter, ToggleMute, WithoutCamera, Again, PickSession, PickProgram, ChangeProgram
};

// Taking in a file from the therapist: a folder browsed with keys, a gamepad or the mouse (or a
// path typed), the file's contents shown and confirmed before it becomes the person's program.
struct ImportPanel {
    bool open = false;
    std::string dir;                      // the folder shown
    std::vector<std::string> entries;     // its folders (ending in /) and .json files
    std::string listError;
    std::array<char, 512> path{};         // typed, or the file picked
    std::optional<std::string> previewFor;  // the file the preview is of
    std::string preview;                  // describeImport, or why the file cannot be used
    bool previewOk = false;
    std::string forName;                  // the assignment's patient
};

struct ProgramsView {
    ImportPanel import;
    std::string importMessage;  // the last take-in
    bool importOk = false;
    int selectedProgram = 0;
    int selectedExercise = 0;
    bool showLibrary = false;  // the exercise library instead of the programs
    std::string confirmLater;  // a program meant for a later phase: asked before it starts
};

// What today holds, for the Home screen (refreshed every few seconds while Home shows).
struct TodayView {
    bool loaded = false;
    int64_t loadedAtMs = 0;
    std::string programTitle, sessionTitle;  // today's session of the person's program ("" on a rest day)
    bool restDay = false;
    bool noProgram = false;                  // no program picked or assigned yet
    int doneToday = 0;                       // sessions saved today
    std::string lastDone;                    // the newest of them: "09:30, 3 of 3 reps"
    bool firstRun = false;                   // one unnamed profile ("Me") and nothing saved yet
};

struct SessionUi {
    // What to run: a program (and which of its sessions), or one exercise to practise.
    std::string programId, sessionId, startAt, practiceId;
    int assignedWeek = 0;
    bool defaultsApplied = false;  // the command line / assignment / last program were looked at  // the program was assigned by a therapist: this week of it (else 0)
    bool libraryTried = false;
    bool assignmentListed = false;  // the patient's assigned program was put into the library's list
    std::string libraryError;
    engine::Library library;
    std::unique_ptr<engine::Session> session;
    std::string planError;
    // An open red flag stops exercise (recovery::exerciseGate): why, in the gate's words.
    std::string blockedHeading, blockedReason;
    bool blockedEmergency = false;  // ... and it calls for emergency care
    std::vector<recovery::AlertView> blockedAlerts;
    int64_t blockedAtMs = 0;        // when the gate was read: looked at again every 2 s (a therapist may clear it)
    bool restDay = false;        // today is a rest day in the program: the person may pick a session
    bool replay = false;         // a recorded video drives the session: no check-in, no set-up
    // check-in and pain-after form
    int pain = -1, painAfter = -1;
    std::map<std::string, int> answers;  // red-flag question id -> 0 no, 1 yes (absent: unanswered)
    recovery::ListKind checkInList = recovery::ListKind::Short;  // where the check-in's questions come from
    std::optional<storage::TimePoint> lastAnswered;  // when the questions left out were answered
    bool checkInTried = false;   // "Start" was pressed: unanswered fields show what they need
    std::string checkInError;    // the check-in could not be taken or saved
    std::string advice;          // an advice-tier "yes": shown before the session goes on
    // Why a session started now could not be saved (a read-only data folder, a full disk), read
    // while the check-in shows (every 2 s), so the person knows before exercising; "" when it can.
    std::string cannotSave;
    int64_t cannotSaveAtMs = -1;
    // camera frames and the session clock
    std::shared_ptr<PoseFrameQueue> frames = std::make_shared<PoseFrameQueue>();
    int64_t lastFrameT = -1, frameOffset = 0;
    bool haveOffset = false;
    int64_t clockStartMs = -1;
    bool videoEnded = false;
    std::string startedAtIso;
    // intent from draw code
    std::deque<std::pair<SessionAction, std::string>> actions;
    std::unique_ptr<Audio> audio;
    bool muted = false;
    // the saved summary
    bool saved = false;
    int64_t savedId = 0;
    std::string saveError;
    int streak = 0;
    std::vector<storage::SessionRecord> history;
    bool historyLoaded = false;
    std::string historyError;
    // --exit-after-video
    bool exitRequested = false;
    int exitCode = 0;
    ProgramsView programs;
    TodayView today;
    unsigned padPrev = 0;  // gamepad buttons held last frame (edge detection)
    bool spaceHeld = false, padAHeld = false;
    GameUi game;           // the game played over this session, the progression shown (game_ui.h)

    void act(SessionAction a, std::string value = {}) { actions.emplace_back(a, std::move(value)); }
};

// Where the person's episode stands, for choosing a program: its phase and day, the program that
// fits it, and the therapist's assignment (which comes first when there is one).
struct PhaseContext {
    bool episode = false;
    std::string phase;  // recovery::phaseName
    int day = 0;        // days since onset
    const engine::ProgramDefinition* recommended = nullptr;
    std::string assignedId;
    // "day 2 of your episode (acute phase)"
    std::string where() const;
};
PhaseContext phaseContext(UiState& st);
// Puts the patient's assigned program into the library's list (dosed for this week); its id, "" when
// none. The Programs screen shows it; the session runs it unless the person picks another.
Expected<std::string> addAssignedProgram(UiState& st);
// The programs in the order to offer them: the therapist's, then the one that fits the episode,
// then the rest in recovery order; each tagged ("From your therapist", "Recommended now", "For a
// later phase").
struct ProgramChoiceRow {
    const engine::ProgramDefinition* program = nullptr;
    std::string tag;
    bool later = false;  // meant for a later phase than the episode's: the app asks before it starts
};
std::vector<ProgramChoiceRow> programChoices(UiState& st, const PhaseContext& c);

// The library's program and exercise titles and range-of-motion units, for logs and reports.
recovery::Titles titlesOf(const engine::Library& library);
// The training days a week of the patient's program: the therapist's assignment, else the program
// they last ran; 0 when they have none. (An explicit "planned sessions a week" setting wins over it.)
int programDaysPerWeek(storage::Database& db, storage::Id patientId, const engine::Library& library);
// The same for the app's library (loaded the first time).
recovery::Titles libraryTitles(UiState& st);

// Between the backend's new frame (and the script's input) and ImGui::NewFrame: on the session
// screen, Space and the gamepad's A count a rep on a step the camera does not count, whatever has
// the focus; during an exercise Space is never a click on a focused button.
void takeSessionKeys(UiState& st);

// Forgets the session (and what it showed) so the next frame builds a new one.
void resetSession(SessionUi& su);
// Before drawing, every frame: loads the library, builds the session, feeds it the camera's frames,
// runs its clock, applies the recorded actions, speaks cues, saves the summary.
void updateSession(UiState& st);
void drawSession(UiState& st);
// Sign-out: a session under way is finished as it stands and saved (nothing is lost); returns the
// save error, if any.
std::string finishSessionForSignOut(UiState& st);
void drawPrograms(UiState& st);
// The program ids, one per line (ptcoach --list-programs); 0 or 1 (and the error on stderr).
int printProgramIds(const AppOptions& options);
// The saved sessions, newest first, one per line (ptcoach --list-sessions).
int printSessionHistory(const AppOptions& options);

}  // namespace ptcoach::ui
