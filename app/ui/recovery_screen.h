#pragma once
// UI state of the Recovery and Progress screens, the per-frame recovery hook (timers ending,
// reminders, banner and sound on every screen) and the headless exports. Draw code records
// actions in RecoveryUi::actions; updateRecovery() applies them between frames.
#include <SDL2/SDL_audio.h>

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/recovery/progress.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/recovery/thermal.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::ui {

struct UiState;
struct AppOptions;

struct NewEpisodeForm {
    int hoursAgo = 0;  // onset: this many hours before now
    std::array<char, 128> location{};
    std::array<char, 128> trigger{};
    int pain = 5;
    int ashworth = 0;  // index into "not sure", 0, 1, 1+, 2, 3, 4
    int strain = 0;    // 0 not known, 1-3
    int iceHours = 48;
};

struct ScreenForm {
    bool open = false;
    recovery::ListKind kind = recovery::ListKind::Full;
    std::vector<std::string> asked;      // the question ids, in order
    std::map<std::string, int> answers;  // id -> 0 no, 1 yes (absent: unanswered)
    bool tried = false;                  // "Save" was pressed with questions unanswered
};

// "A clinician has seen me": the record that resolves the person's open red flags at home, in two
// steps (the details, then a confirmation).
struct ClearanceForm {
    bool open = false;
    bool confirming = false;
    std::array<char, 16> seenOn{};      // YYYY-MM-DD
    std::array<char, 128> clinician{};  // optional
    std::string error;
};

struct CheckInForm {
    int pain = -1;       // -1: not given
    int stiffness = -1;
    std::array<char, 256> medication{};
    std::array<char, 256> notes{};
};

struct Banner {
    std::string text;
    bool alert = false;  // timer ended / red flag (orange) vs information (teal)
    std::chrono::system_clock::time_point until;
};

// A short tone through SDL audio; when there is no audio device (Xvfb, a server) it says so once
// and stays silent: the banner still shows.
struct Beeper {
    bool tried = false;
    SDL_AudioDeviceID device = 0;
    std::string error;
    int beeps = 0;  // tones queued (for tests and logs)
};

struct RecoveryUi {
    using Action = std::function<void(UiState&, storage::RecoveryStore&, storage::TimePoint now)>;

    bool loaded = false;
    storage::Id profileId = 0;
    std::string error;  // loading failed: shown on both screens
    std::string notice;
    bool noticeIsError = false;
    std::vector<Action> actions;

    // The model as of the last refresh.
    std::optional<storage::Episode> episode;
    recovery::ThermalStatus thermal;
    recovery::ExerciseGate gate;
    std::vector<recovery::AlertView> alerts;  // every red flag, newest first (the history)
    std::optional<storage::RedFlagScreenRecord> lastScreen;
    std::optional<storage::CheckIn> lastCheckIn;
    int waterTodayMl = 0;
    std::optional<recovery::ProgressSummary> progress;
    int plannedPerWeek = 4;
    std::chrono::system_clock::time_point lastTick{};
    std::chrono::system_clock::time_point lastReminderCheck{};

    // Forms.
    NewEpisodeForm newEpisode;
    bool showNewEpisode = false;
    ScreenForm screen;
    ClearanceForm clearance;
    bool confirmEndEpisode = false;
    CheckInForm checkIn;
    int timerMinutes = 15;
    std::string lastExport;

    std::vector<Banner> banners;
    float bannerHeight = 0;  // the banners' strip at the bottom, last frame: no screen is drawn under it
    Beeper beeper;
};

// Per frame, outside the ImGui frame: loads the model once, applies recorded actions, finishes
// timers whose time is up and raises due reminders (banner + sound).
void updateRecovery(UiState& st);
// Inside the frame, after the screen: the banners, on every screen.
void drawRecoveryBanners(UiState& st);
void releaseRecovery(UiState& st);

void drawRecoveryScreen(UiState& st);  // progress_screen.h has the Progress screen
// Opens the "a clinician has seen me" record on the Recovery screen (not at a kiosk).
void openClinicianClearance(UiState& st);
// Records "reload the model now" (after a change made elsewhere, or on entering a screen).
void requestRecoveryRefresh(UiState& st);

// `--export-csv DIR` / `--report FILE.pdf`, run before any window opens. Returns the exit code.
int runRecoveryExports(const AppOptions& options);

}  // namespace ptcoach::ui
