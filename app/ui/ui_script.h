#pragma once
// --script FILE: drives the app the way a person would, for end-to-end tests under Xvfb. Each
// line is one step; the mouse moves to a widget found by its label (as drawn the frame before)
// and clicks it through ImGui's input, text is typed as key presses would type it, and the
// script waits in real time, so idle time-outs run as they would for a person.
//
//   click LABEL            click the widget labelled LABEL (waits up to 15 s for it to appear);
//                          "Name##suffix" picks among widgets showing the same text by their id
//   type TEXT              type TEXT into the focused text field
//   key NAME               press Enter, Escape, Tab, Backspace, Space, a letter key (P) or Ctrl+A (any letter)
//   wait-for LABEL [S]     wait until a widget or text shows LABEL (default 15 s)
//   wait-gone LABEL [S]    wait until nothing shows LABEL (default 15 s)
//   expect-text TEXT       fail unless some widget or recorded text contains TEXT
//   expect-no-text TEXT    fail if any widget or recorded text contains TEXT
//   sleep SECONDS          do nothing (no input) for that long
//   screenshot FILE.png    save the window
//   dump FILE              write every label and text on screen, one per line
//   wait-exit [S]          wait until the app closes itself (a kiosk's "leave"); fails if it is
//                          still running after S seconds (default 15)
//   quit                   end the app (exit code 0 unless a step failed)
// Blank lines and lines starting with '#' are skipped. A script must end with quit or wait-exit
// (else it is refused: a script that ran out of steps would pass whatever happened). A step that
// fails ends the app with exit code 5 and says which line failed and why; so does the app closing
// before the script reached its end, other than at wait-exit.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "ptcoach/core/expected.h"

namespace ptcoach::ui {

struct UiState;

struct ScriptItem {
    std::string label;  // the text before any "##"
    std::string id;     // the whole label, "##" suffix included
    ImVec2 min, max;
};

// What the widgets drew this frame (filled by the ui::button ... wrappers, always on).
struct UiRecorder {
    std::vector<ScriptItem> items, lastItems;
    std::vector<std::string> texts, lastTexts;
    void endFrame();
};

struct ScriptStep {
    int line = 0;
    std::string verb, arg;
    double seconds = 15;
};

struct UiScript {
    bool active = false;
    std::filesystem::path file;
    std::vector<ScriptStep> steps;
    size_t pc = 0;
    int stage = 0;                                   // within a step (click: move, press, release)
    std::chrono::steady_clock::time_point started{};  // when the current step began
    ImVec2 target{};
    std::optional<std::filesystem::path> screenshot;  // main.cpp saves it after rendering
    bool finished = false;
    int exitCode = 0;
    std::string failure;
    UiRecorder recorder;
};

Expected<std::vector<ScriptStep>> loadScript(const std::filesystem::path& file);

// Between ImGui_ImplSDL2_NewFrame() and ImGui::NewFrame(): runs the script's next steps against
// what the last frame drew, and feeds ImGui the mouse, keys and text they call for.
void runScript(UiState& st);
// After the frame is drawn: keeps this frame's labels for the next step.
void endScriptFrame(UiState& st);
// When the app's loop has ended: the exit code, given the app's own. A script that had not
// reached its end (quit, or waiting at wait-exit) fails the run with exit code 5.
int scriptExitCode(UiState& st, int appExitCode);

}  // namespace ptcoach::ui
