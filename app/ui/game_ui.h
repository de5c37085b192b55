#pragma once
// The games, the progression and the juice in the app: their state (a member of SessionUi, so
// signing out forgets it), the hooks the guided session calls, and the screens. A game is a mode of
// the guided session: the same plan, check-in, camera set-up, tracker, rest and pain-after; the
// start screen, the play scene and the end screen are the game's. Draw code records intent in
// GameUi::actions; updateGame() applies it. The sounds and images come from assets/.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ptcoach/analysis/landmark_frame.h"
#include "ptcoach/engine/session.h"
#include "ptcoach/game/catalog.h"
#include "ptcoach/game/dosing.h"
#include "ptcoach/game/juice.h"
#include "ptcoach/game/play.h"
#include "ptcoach/game/progress_service.h"
#include "ptcoach/storage/progress_store.h"

namespace ptcoach::ui {

struct UiState;

enum class GameAction {
    Start, Play, StopForPain, AcceptDose, DeclineDose, PlayAgain, TurnCoach, ResetCoach, LeaveGame, SetFontSize, SetContrast
};

// The sounds and images from assets/ (loaded once; kept across sign-outs in UiState).
struct GameAssets {
    bool tried = false;
    std::string soundError, imageError;
    std::map<std::string, std::vector<float>> sounds;  // name -> mono samples at the audio device's rate
    struct Texture {
        unsigned id = 0;
        int w = 0, h = 0;
    };
    std::map<std::string, Texture> images;
    bool commandLineGameApplied = false;  // --game starts the first game only
};

// Text size and contrast (kept in the settings table; --font-size and --high-contrast override).
struct Accessibility {
    static constexpr float kScales[3] = {1.0f, 1.25f, 1.5f};
    static constexpr const char* kNames[3] = {"normal", "large", "largest"};
    int fontStep = 0;             // 0 normal, 1 large, 2 largest
    bool highContrast = false;
    bool loaded = false;          // read from the settings once
    int appliedStep = -1;         // what the fonts and colours were built for (main.cpp)
    bool appliedContrast = false;
};

// What the screen shows of the progression; reloaded after every save.
struct ProgressCache {
    bool loaded = false;
    std::string error;
    std::optional<game::ProgressView> view;
    int weekGoal = 3;
    std::map<std::string, int> best;  // "game:exercise" -> best score
};

// Particles, the counter and the level-up moment, on the UI's clock (seconds).
struct JuiceState {
    game::CounterAnim counter, score;
    std::vector<std::pair<game::ParticleBurst, int>> bursts;  // with the burst's anchor (0 counter, 1 scene)
    game::LevelUpMoment levelUp;
    std::string toast;          // "3 good reps in a row!", "Set 1 of 2 done!" ...
    double toastAt = -100;
    uint32_t seed = 1;
};

struct GameUi {
    std::string gameId;                    // "" for a plain session
    float homeBlockH = 0;                  // the Home screen's progress and games block, last frame
    std::string programId, exerciseId;     // what the game plays (programId "" for a practice)
    bool started = false;                  // past the start screen
    const engine::Session* observed = nullptr;  // the session the play below watches
    std::unique_ptr<game::GamePlay> play;  // the game, or a plain session's juice
    float reachTarget = 0;
    std::optional<int> best;               // the best score so far (this game and exercise)
    bool stoppedForPain = false;
    bool redFlagRecorded = false;
    bool progressSaved = false;
    std::optional<game::SavedProgress> saved;  // what the last saved session earned
    std::string progressError;
    bool lineShown = false;                // --exit-after-video: the GAME line is printed
    // pain-guided dosing, asked once per session
    bool doseChecked = false;
    std::optional<game::DoseOffer> offer;  // an offer waiting for an answer
    int doseLevel = 0;
    std::string doseNote;                  // what this session's dose is, and why
    std::string doseError;
    // the 3D coach: the person turns it
    float coachYaw = 0;
    bool coachYawSet = false;
    JuiceState juice;
    ProgressCache progress;
    // the therapist's view of a patient's dose changes (loaded for the selected patient)
    std::optional<int64_t> doseHistoryFor;
    std::vector<storage::DoseChangeRecord> doseHistory;
    std::string doseHistoryError;
    std::deque<std::pair<GameAction, std::string>> actions;
    void act(GameAction a, std::string v = {}) { actions.emplace_back(a, std::move(v)); }
};

// --- hooks the guided session calls (session_ui.cpp) --------------------------------------------
// Before the session is made from the plan: a game keeps only its exercise; the pain-guided dose
// level scales the plan (never above it); the reach game's star and the best score are looked up.
void adjustSessionPlan(UiState& st, engine::SessionPlan& plan);
// After every frame the session took, and once per update after its clock ticked.
void observeSessionFrame(UiState& st, const analysis::LandmarkFrame& f);
void observeSession(UiState& st);
// Text size and contrast: set (saved in the settings), read once at start.
void setFontStep(UiState& st, int step);
void setHighContrast(UiState& st, bool on);
void loadAccessibility(UiState& st);

// A counted rep's sound (the session's rep tone).
void playRepSound(UiState& st, int count);
// After the session's summary was saved as `sessionId`: points, badges, the game score.
void onSessionSaved(UiState& st, int64_t sessionId);
// --exit-after-video: the game's one line, after the session's own.
void printGameLine(UiState& st);

// --- per frame (main.cpp) ------------------------------------------------------------------------
// Before updateSession: applies the game actions, starts a game from --game, loads sounds and
// images, keeps the progression shown up to date.
void updateGame(UiState& st);
// The height of the captions' strip at the bottom of the window (the screens are drawn above it).
float captionStripHeight(const UiState& st);
// After drawUi: particles, the level-up moment and the captions of spoken cues, over everything.
void drawJuiceOverlay(UiState& st);
void releaseGameAssets(UiState& st);

// --- screens (game_screen.cpp) --------------------------------------------------------------------
// In drawSession: the game's start, play and end screens; false when the session screen draws as usual.
bool drawGameStage(UiState& st, engine::Session& s);
// The check-in's dose offer (a plain session; the game's start screen shows its own).
void drawDoseOffer(UiState& st);
// The summary's progression: points earned with their reasons, the level, badges, the weekly ring.
void drawProgressSummary(UiState& st);
// Home: level, weekly ring, streak, badges and the games to play.
void drawHomeProgress(UiState& st);
// "Text size  A  A+  A++  High contrast" (Settings; a kiosk's Home).
void drawTextSizeRow(UiState& st);
// "Play: Shelf stacker" for an exercise a game plays (Programs screen); nothing otherwise.
void drawPlayGameButton(UiState& st, const std::string& programId, const std::string& exerciseId);
// The demonstration as the 3D coach (turnable), or the line figure with the reason 3D is off.
void drawCoach(UiState& st, const analysis::ExerciseDefinition& ex, double tS, float x, float y, float w, float h,
               std::optional<analysis::BodySide> side, int slot = 0, bool interactive = true);
// The person's own world landmarks, seen from the side (nothing when there are none).
void drawPersonSideView(UiState& st, float x, float y, float w, float h, int slot = 10);

// The therapist's patient detail: the pain-guided dose now and every change offered, taken or declined.
void drawDoseHistory(UiState& st, int64_t patientId);

// The game ids, one per line (ptcoach --list-games).
int printGameIds();

}  // namespace ptcoach::ui
