#pragma once
// Everything the UI draws from or edits lives here; draw code keeps no static state.
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <imgui.h>

#include "app_options.h"
#include "auth.h"
#include "coach3d.h"
#include "recovery_screen.h"
#include "session_ui.h"
#include "settings_screen.h"
#include "therapist_screen.h"
#include "ui_script.h"
#include "ptcoach/storage/database.h"
#include "ptcoach/vision/capture_worker.h"

namespace ptcoach::ui {

enum class Screen { Home, Session, Programs, Recovery, Progress, Therapist, Camera, Settings };

std::optional<Screen> screenFromName(const std::string& name);
const char* screenTitle(Screen s);

struct Fonts {
    ImFont* body = nullptr;
    ImFont* heading = nullptr;
    ImFont* title = nullptr;
};

// The live camera (or video) picture, uploaded to a GL texture by the UI thread.
struct CameraView {
    std::unique_ptr<vision::CaptureWorker> worker;
    unsigned int texture = 0;
    int width = 0;
    int height = 0;
    long long framesShown = 0;
    std::chrono::steady_clock::time_point readAt;  // when the newest shown frame left the camera
    double sourceTimeMs = 0;
    bool hasPose = false;
    vision::PoseResult pose;  // for the frame shown
    double poseMs = 0;
    std::string poseError;
};

// Intent recorded by draw code, applied after the frame is drawn.
struct Command {
    enum class Kind { Go, Quit } kind;
    Screen screen = Screen::Home;
};

struct UiState {
    AppOptions options;
    Fonts fonts;
    Screen screen = Screen::Home;
    std::deque<Command> commands;
    CameraView camera;
    RecoveryUi recovery;  // Recovery and Progress screens, timer banners
    SessionUi session;    // the guided session and the Programs screen
    AuthUi auth;          // who is signed in; kiosk rules
    TherapistUi therapist;  // the therapist's workspace
    SettingsUi settings;    // the person's own settings (home)
    UiScript script;      // --script: scripted input for end-to-end tests
    std::unique_ptr<storage::Database> db;
    std::string dbError;  // shown on screen when the database could not be opened
    float dpiScale = 1.0f;
    // The games' sounds and images, the 3D coach and the text size and contrast: kept across sign-outs.
    GameAssets gameAssets;
    std::unique_ptr<Coach3D> coach3d;
    Accessibility a11y;

    void go(Screen s) { commands.push_back({Command::Kind::Go, s}); }
    void quit() { commands.push_back({Command::Kind::Quit}); }
};

// Draws the current screen (records intent in state.commands).
void drawUi(UiState& state);
// Starts/stops the camera worker as the current screen needs it; uploads its newest frame.
void updateCamera(UiState& state);
void releaseCamera(UiState& state);
// True once the camera screen has something to show (a frame or an error): screenshots wait for it.
bool cameraSettled(const UiState& state);
bool screenUsesCamera(Screen s);

}  // namespace ptcoach::ui
