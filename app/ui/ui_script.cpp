// --script: scripted input for end-to-end tests (see ui_script.h).
#include "ui_script.h"

#include <SDL2/SDL.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ui_state.h"

namespace ptcoach::ui {

namespace {

using Clock = std::chrono::steady_clock;

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

const std::vector<std::string>& verbs() {
    static const std::vector<std::string> v = {"click", "type", "key", "wait-for", "wait-gone", "expect-text",
                                               "expect-no-text", "sleep", "screenshot", "dump", "wait-exit", "quit"};
    return v;
}

// A widget by label in what the last frame drew: an exact match, else the only one containing it.
const ScriptItem* findItem(const UiRecorder& r, const std::string& label) {
    if (label.find("##") != std::string::npos) {
        // The shown text (trimmed) and the id after "##".
        for (const auto& it : r.lastItems) {
            auto hash = it.id.find("##");
            if (hash == std::string::npos) continue;
            std::string id = it.label + it.id.substr(hash);
            if (id.rfind(label, 0) == 0) return &it;
        }
        return nullptr;
    }
    for (const auto& it : r.lastItems)
        if (it.label == label) return &it;
    const ScriptItem* found = nullptr;
    for (const auto& it : r.lastItems)
        if (it.label.find(label) != std::string::npos) {
            if (found) return nullptr;  // ambiguous
            found = &it;
        }
    return found;
}

bool shows(const UiRecorder& r, const std::string& text) {
    for (const auto& it : r.lastItems)
        if (it.label.find(text) != std::string::npos) return true;
    for (const auto& t : r.lastTexts)
        if (t.find(text) != std::string::npos) return true;
    return false;
}

int keyIndex(const std::string& name) {
    if (name.rfind("Ctrl+", 0) == 0 && name.size() == 6 && name[5] >= 'A' && name[5] <= 'Z')
        return SDL_SCANCODE_A + (name[5] - 'A');
    if (name == "Enter") return SDL_SCANCODE_RETURN;
    if (name == "Escape") return SDL_SCANCODE_ESCAPE;
    if (name == "Tab") return SDL_SCANCODE_TAB;
    if (name == "Backspace") return SDL_SCANCODE_BACKSPACE;
    if (name == "Space") return SDL_SCANCODE_SPACE;
    if (name.size() == 1 && name[0] >= 'A' && name[0] <= 'Z') return SDL_SCANCODE_A + (name[0] - 'A');
    return -1;
}

}  // namespace

void UiRecorder::endFrame() {
    lastItems.swap(items);
    items.clear();
    lastTexts.swap(texts);
    texts.clear();
}

Expected<std::vector<ScriptStep>> loadScript(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return makeError("cannot read script " + file.string());
    std::vector<ScriptStep> steps;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        ScriptStep s;
        s.line = n;
        auto sp = line.find(' ');
        s.verb = line.substr(0, sp);
        s.arg = sp == std::string::npos ? "" : trim(line.substr(sp + 1));
        if (std::find(verbs().begin(), verbs().end(), s.verb) == verbs().end())
            return makeError(file.string() + ":" + std::to_string(n) + ": unknown step '" + s.verb + "'");
        bool needsArg = s.verb != "quit" && s.verb != "wait-exit";
        if (needsArg && s.arg.empty())
            return makeError(file.string() + ":" + std::to_string(n) + ": '" + s.verb + "' needs an argument");
        if (s.verb == "sleep") {
            char* end = nullptr;
            s.seconds = std::strtod(s.arg.c_str(), &end);
            if (!end || *end || s.seconds < 0)
                return makeError(file.string() + ":" + std::to_string(n) + ": sleep needs seconds, got '" + s.arg + "'");
        }
        if (s.verb == "wait-exit" && !s.arg.empty()) {
            char* end = nullptr;
            s.seconds = std::strtod(s.arg.c_str(), &end);
            if (!end || *end || !(s.seconds > 0))
                return makeError(file.string() + ":" + std::to_string(n) + ": wait-exit takes seconds, got '" + s.arg +
                                 "'");
        }
        if (s.verb == "wait-for" || s.verb == "wait-gone") {
            // An optional trailing number of seconds.
            auto last = s.arg.rfind(' ');
            if (last != std::string::npos) {
                char* end = nullptr;
                double v = std::strtod(s.arg.c_str() + last + 1, &end);
                if (end && !*end && v > 0) {
                    s.seconds = v;
                    s.arg = trim(s.arg.substr(0, last));
                }
            }
        }
        if (s.verb == "key" && keyIndex(s.arg) < 0)
            return makeError(file.string() + ":" + std::to_string(n) + ": unknown key '" + s.arg +
                             "' (Enter, Escape, Tab, Backspace, Space, A..Z, Ctrl+A..Ctrl+Z)");
        steps.push_back(std::move(s));
    }
    if (steps.empty() || (steps.back().verb != "quit" && steps.back().verb != "wait-exit"))
        return makeError(file.string() + ": the script must end with quit (or wait-exit): a script that runs out of "
                                         "steps would pass whatever happened");
    return steps;
}

void runScript(UiState& st) {
    UiScript& sc = st.script;
    ImGuiIO& io = ImGui::GetIO();
    if (!sc.active || sc.finished) return;
    auto now = Clock::now();
    auto fail = [&](const ScriptStep& s, const std::string& why) {
        sc.failure = sc.file.string() + ":" + std::to_string(s.line) + ": " + s.verb + " " + s.arg + ": " + why;
        std::cerr << "ptcoach: script failed: " << sc.failure << "\n";
        sc.exitCode = 5;
        sc.finished = true;
    };
    // Several instant steps may run in one frame; steps that need frames return.
    for (int guard = 0; guard < 50 && !sc.finished; ++guard) {
        if (sc.pc >= sc.steps.size()) {
            // loadScript refuses such scripts; never end a run as passed without its quit.
            sc.failure = sc.file.string() + ": the script ran out of steps without quit";
            std::cerr << "ptcoach: script failed: " << sc.failure << "\n";
            sc.exitCode = 5;
            sc.finished = true;
            return;
        }
        const ScriptStep& s = sc.steps[sc.pc];
        if (sc.stage == 0) sc.started = now;
        double elapsed = std::chrono::duration<double>(now - sc.started).count();
        auto next = [&]() {
            ++sc.pc;
            sc.stage = 0;
        };
        if (s.verb == "click") {
            // Find the widget; hover it; press only once it has stayed put for a frame (windows
            // that just appeared still move while they size themselves); release.
            const ScriptItem* it = findItem(sc.recorder, s.arg);
            ImVec2 at = sc.target;
            if (it) {
                // Near the left edge: inside a button, a text field's frame (its label is on the
                // right), a check box or a selectable row alike.
                float dx = std::min((it->max.x - it->min.x) * 0.5f, 24.0f);
                at = ImVec2(it->min.x + dx, (it->min.y + it->max.y) * 0.5f);
            }
            if (sc.stage <= 1) {
                if (!it) {
                    sc.stage = 1;
                    if (elapsed > s.seconds) fail(s, "no (single) widget with that label on screen");
                    return;
                }
                sc.target = at;
                io.MousePos = at;
                io.MouseDown[0] = false;
                sc.stage = 2;
                return;
            }
            if (sc.stage == 2) {
                io.MousePos = at;
                io.MouseDown[0] = false;
                if (at.x != sc.target.x || at.y != sc.target.y) {
                    sc.target = at;  // it moved: hover again
                    if (elapsed > s.seconds) fail(s, "the widget never stayed still");
                    return;
                }
                noteActivity(st);
                io.MouseDown[0] = true;
                sc.stage = 3;
                return;
            }
            io.MousePos = sc.target;
            io.MouseDown[0] = false;
            next();
            return;
        }
        if (s.verb == "type") {
            noteActivity(st);
            io.AddInputCharactersUTF8(s.arg.c_str());
            next();
            return;  // one frame for the text field to take it
        }
        if (s.verb == "key") {
            int k = keyIndex(s.arg);
            bool ctrl = s.arg.rfind("Ctrl+", 0) == 0;
            if (sc.stage == 0) {
                noteActivity(st);
                if (ctrl) io.KeyCtrl = true;
                io.KeysDown[k] = true;
                sc.stage = 1;
                return;
            }
            io.KeysDown[k] = false;
            if (ctrl) io.KeyCtrl = false;
            next();
            return;
        }
        if (s.verb == "wait-for" || s.verb == "wait-gone") {
            bool there = shows(sc.recorder, s.arg);
            if (there == (s.verb == "wait-for")) {
                next();
                continue;
            }
            sc.stage = 1;
            if (elapsed > s.seconds)
                fail(s, s.verb == "wait-for" ? "never appeared" : "still on screen");
            return;
        }
        if (s.verb == "expect-text" || s.verb == "expect-no-text") {
            // Give the screen a couple of frames to settle after the previous step.
            if (sc.stage < 3) {
                ++sc.stage;
                return;
            }
            bool there = shows(sc.recorder, s.arg);
            if (there != (s.verb == "expect-text")) {
                fail(s, there ? "is on screen" : "is not on screen");
                return;
            }
            next();
            continue;
        }
        if (s.verb == "sleep") {
            sc.stage = 1;
            if (elapsed < s.seconds) return;
            next();
            continue;
        }
        if (s.verb == "screenshot") {
            if (sc.stage < 2) {  // let the screen settle for two frames
                ++sc.stage;
                return;
            }
            sc.screenshot = s.arg;
            next();
            return;
        }
        if (s.verb == "dump") {
            if (sc.stage < 2) {
                ++sc.stage;
                return;
            }
            std::ofstream out(s.arg);
            for (const auto& it : sc.recorder.lastItems) out << "item\t" << it.label << "\n";
            for (const auto& t : sc.recorder.lastTexts) out << "text\t" << t << "\n";
            if (!out) {
                fail(s, "cannot write the file");
                return;
            }
            next();
            continue;
        }
        if (s.verb == "wait-exit") {
            // The app closes itself (scriptExitCode sees this step); until then, wait.
            sc.stage = 1;
            if (elapsed > s.seconds) fail(s, "the app is still running");
            return;
        }
        if (s.verb == "quit") {
            sc.finished = true;
            return;
        }
    }
}

void endScriptFrame(UiState& st) { st.script.recorder.endFrame(); }

int scriptExitCode(UiState& st, int appExitCode) {
    UiScript& sc = st.script;
    if (!sc.active) return appExitCode;
    if (sc.finished) return sc.exitCode != 0 ? sc.exitCode : appExitCode;
    if (sc.pc < sc.steps.size() && sc.steps[sc.pc].verb == "wait-exit") return appExitCode;
    const ScriptStep* s = sc.pc < sc.steps.size() ? &sc.steps[sc.pc] : nullptr;
    sc.failure = sc.file.string() + ":" + (s ? std::to_string(s->line) + ": " + s->verb + " " + s->arg + ": " : " ") +
                 "the app closed before the script's end";
    std::cerr << "ptcoach: script failed: " << sc.failure << "\n";
    return 5;
}

}  // namespace ptcoach::ui
