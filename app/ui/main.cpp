// PT Coach app: SDL2 window, OpenGL 3 context, Dear ImGui. Poll events, new frame, build UI, apply
// the commands the UI recorded, render, (screenshot), swap.
#include <SDL2/SDL.h>
#include <SDL2/SDL_opengl.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <unistd.h>

#include <csignal>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "app_options.h"
#include "frame_stats.h"
#include "patient_import.h"
#include "ptcoach/core/clock.h"
#include "ptcoach/core/paths.h"
#include "ui_state.h"

namespace fs = std::filesystem;
using namespace ptcoach;
using namespace ptcoach::ui;

namespace {

// The process's user and system CPU time so far, in seconds (all threads), from /proc/self/stat:
// utime and stime, fields 14 and 15, after the command name in parentheses. 0 when unreadable.
double processCpuSeconds() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) return 0;
    auto close = line.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {  // field 3 is the state
        if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
        if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    long ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0 ? static_cast<double>(utime + stime) / static_cast<double>(ticks) : 0;
}

// SIGTERM, SIGINT or SIGHUP (a logout, a shutdown, Ctrl+C): the frame loop finishes and saves any
// session under way, then exits. The kiosk too: a signal comes from the system, not a patient.
volatile std::sig_atomic_t g_stopSignal = 0;
void onStopSignal(int sig) { g_stopSignal = sig; }

void installStopSignals() {
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
}

void applyTheme(float scale, bool touch, bool highContrast) {
    ImGuiStyle& s = ImGui::GetStyle();
    s = ImGuiStyle();
    ImGui::StyleColorsDark(&s);
    s.WindowRounding = 0;
    s.FrameRounding = 10;
    s.GrabRounding = 10;
    s.WindowPadding = ImVec2(32, 24);
    s.FramePadding = ImVec2(14, 8);
    s.ItemSpacing = ImVec2(12, 10);
    if (touch) {
        // A kiosk's touch screen: bigger targets, and a finger's imprecision forgiven.
        s.FramePadding = ImVec2(20, 14);
        s.ItemSpacing = ImVec2(16, 14);
        s.TouchExtraPadding = ImVec2(6, 6);
        s.ScrollbarSize = 28;
    }
    ImVec4* c = s.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.14f, 1.0f);
    c[ImGuiCol_Button] = ImVec4(0.15f, 0.45f, 0.43f, 1.0f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.18f, 0.60f, 0.56f, 1.0f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.12f, 0.70f, 0.62f, 1.0f);
    c[ImGuiCol_NavHighlight] = ImVec4(0.15f, 0.85f, 0.75f, 1.0f);
    if (highContrast) {
        // Black and white with yellow for what has the focus; every frame and button outlined.
        c[ImGuiCol_WindowBg] = c[ImGuiCol_ChildBg] = c[ImGuiCol_PopupBg] = ImVec4(0, 0, 0, 1);
        c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
        c[ImGuiCol_TextDisabled] = ImVec4(0.85f, 0.85f, 0.85f, 1);
        c[ImGuiCol_Button] = ImVec4(0.0f, 0.22f, 0.55f, 1);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.0f, 0.35f, 0.8f, 1);
        c[ImGuiCol_ButtonActive] = ImVec4(0.0f, 0.45f, 1.0f, 1);
        c[ImGuiCol_FrameBg] = ImVec4(0.1f, 0.1f, 0.1f, 1);
        c[ImGuiCol_Border] = ImVec4(1, 1, 1, 1);
        c[ImGuiCol_Separator] = ImVec4(1, 1, 1, 1);
        c[ImGuiCol_NavHighlight] = ImVec4(1.0f, 0.9f, 0.0f, 1);
        c[ImGuiCol_Header] = ImVec4(0.0f, 0.22f, 0.55f, 1);
        c[ImGuiCol_HeaderHovered] = ImVec4(0.0f, 0.35f, 0.8f, 1);
        c[ImGuiCol_TableRowBgAlt] = ImVec4(0.12f, 0.12f, 0.12f, 1);
        s.FrameBorderSize = 2.0f;
        s.ChildBorderSize = 2.0f;
    }
    s.ScaleAllSizes(scale);
}

Fonts loadFonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    Fonts f;
    const fs::path candidates[] = {assetsDir() / "fonts" / "DejaVuSans.ttf",
                                   "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
    const fs::path bold[] = {assetsDir() / "fonts" / "DejaVuSans-Bold.ttf",
                             "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"};
    auto pick = [](const fs::path* list, size_t n) -> std::string {
        std::error_code ec;
        for (size_t i = 0; i < n; ++i)
            if (fs::exists(list[i], ec)) return list[i].string();
        return {};
    };
    std::string regular = pick(candidates, 2), heavy = pick(bold, 2);
    if (!regular.empty()) {
        f.body = io.Fonts->AddFontFromFileTTF(regular.c_str(), 20.0f * scale);
        f.heading = io.Fonts->AddFontFromFileTTF((heavy.empty() ? regular : heavy).c_str(), 28.0f * scale);
        f.title = io.Fonts->AddFontFromFileTTF((heavy.empty() ? regular : heavy).c_str(), 60.0f * scale);
    }
    if (!f.body || !f.heading || !f.title) {
        std::cerr << "ptcoach: DejaVu fonts not found (apt-get install fonts-dejavu-core); using the built-in font\n";
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f * scale;
        f.body = f.heading = f.title = io.Fonts->AddFontDefault(&cfg);
    }
    return f;
}

bool saveScreenshot(SDL_Window* window, const fs::path& file, std::string& error) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window, &w, &h);
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    cv::Mat rgba(h, w, CV_8UC4, pixels.data());
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    cv::flip(bgr, bgr, 0);
    std::error_code ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    try {
        if (!cv::imwrite(file.string(), bgr)) {
            error = "could not write " + file.string();
            return false;
        }
    } catch (const cv::Exception& e) {
        error = "could not write " + file.string() + ": " + e.what();
        return false;
    }
    return true;
}

// The window's icon, from the installed assets (the PNG the desktop entry's icon is made of).
void setWindowIcon(SDL_Window* window) {
    cv::Mat bgra = cv::imread((assetsDir() / "icons" / "hicolor" / "128x128" / "apps" / "ptcoach.png").string(),
                              cv::IMREAD_UNCHANGED);
    if (bgra.empty() || bgra.type() != CV_8UC4) return;  // a window without an icon still works
    SDL_Surface* icon = SDL_CreateRGBSurfaceWithFormatFrom(bgra.data, bgra.cols, bgra.rows, 32,
                                                           static_cast<int>(bgra.step), SDL_PIXELFORMAT_BGRA32);
    if (!icon) return;
    SDL_SetWindowIcon(window, icon);  // SDL keeps its own copy
    SDL_FreeSurface(icon);
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = parseAppOptions(argc, argv);
    if (!parsed) {
        std::cerr << "ptcoach: " << parsed.error().message << "\n";
        return 2;
    }
    UiState st;
    st.options = std::move(parsed).value();
    if (st.options.help) {
        std::cout << appUsage();
        return 0;
    }
    setWallClockOffset(std::chrono::seconds(st.options.clockOffsetS));
    st.screen = screenFromName(st.options.screen).value_or(Screen::Home);
    if (st.options.listPrograms) return printProgramIds(st.options);
    if (st.options.listGames) return printGameIds();
    if (st.options.listSessions) return printSessionHistory(st.options);
    // Headless exports: no display needed.
    if (st.options.exportCsv || st.options.report) return runRecoveryExports(st.options);
    if (st.options.importFile) return runImport(st.options);

    auto db = openDatabase(st.options);
    if (db) st.db = std::move(db).value();
    else st.dbError = db.error().message;
    if (st.options.script) {
        auto steps = loadScript(*st.options.script);
        if (!steps) {
            std::cerr << "ptcoach: " << steps.error().message << "\n";
            return 2;
        }
        st.script.active = true;
        st.script.file = *st.options.script;
        st.script.steps = std::move(*steps);
    }

    // SDL would turn a signal into a window close, which a kiosk refuses: the signals are ours.
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    installStopSignals();
    // The window class (X11) and app id (Wayland) that ptcoach.desktop names in StartupWMClass.
    setenv("SDL_VIDEO_X11_WMCLASS", "ptcoach", 0);
    setenv("SDL_VIDEO_WAYLAND_WMCLASS", "ptcoach", 0);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_GAMECONTROLLER) != 0) {
        std::cerr << "ptcoach: cannot start the display: " << SDL_GetError() << "\n";
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 8);
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (st.options.kiosk) {
        // Full screen from the first frame: the window is made the desktop's size, so the first
        // frames (and a screenshot) are not laid out for a smaller window while it grows.
        SDL_DisplayMode dm;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0 && dm.w > 0 && dm.h > 0) {
            st.options.width = dm.w;
            st.options.height = dm.h;
        }
    }
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
    if (st.options.kiosk) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    else flags |= SDL_WINDOW_RESIZABLE;
    SDL_Window* window = SDL_CreateWindow("PT Coach", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                          st.options.width, st.options.height, flags);
    if (!window) {
        std::cerr << "ptcoach: cannot open a window: " << SDL_GetError() << "\n";
        SDL_Quit();
        return 1;
    }
    setWindowIcon(window);
    if (st.options.kiosk) {
        // Keyboard shortcuts of the desktop (Alt+Tab, the Super key) come to the kiosk, not the desktop.
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
        SDL_SetWindowKeyboardGrab(window, SDL_TRUE);
    }
    SDL_GLContext gl = SDL_GL_CreateContext(window);
    if (!gl) {
        std::cerr << "ptcoach: cannot create an OpenGL 3.3 context: " << SDL_GetError() << "\n";
        SDL_DestroyWindow(window);
        SDL_Quit();
        return 1;
    }
    SDL_GL_MakeCurrent(window, gl);
    SDL_GL_SetSwapInterval(st.options.screenshot || st.options.benchUiFrames ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // layout is code, not a file
    io.UserData = &st.script.recorder;  // the widgets record their labels (ui_script.h)
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard | ImGuiConfigFlags_NavEnableGamepad;
    io.BackendFlags |= ImGuiBackendFlags_HasGamepad;
    int winW = 0, winH = 0;
    SDL_GetWindowSize(window, &winW, &winH);
    st.dpiScale = std::clamp(winH / 720.0f, 0.75f, 3.0f);
    if (st.options.kiosk) st.dpiScale *= 1.1f;  // larger type on a kiosk, read from further away
    const float layoutScale = st.dpiScale;
    loadAccessibility(st);
    auto applyLook = [&]() {
        // The text size scales the type and the spacing with it; high contrast changes the colours.
        st.a11y.appliedStep = st.a11y.fontStep;
        st.a11y.appliedContrast = st.a11y.highContrast;
        st.dpiScale = layoutScale * Accessibility::kScales[st.a11y.fontStep];
        applyTheme(st.dpiScale, st.options.kiosk, st.a11y.highContrast);
        io.Fonts->Clear();
        st.fonts = loadFonts(st.dpiScale);
    };
    applyLook();
    ImGui_ImplSDL2_InitForOpenGL(window, gl);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int exitCode = 0;
    int framesRendered = 0;
    // --bench-ui: per-frame UI time and the pose time of each new camera frame, once the screen settled.
    std::vector<double> benchFrameMs, benchPoseMs, benchCoachMs, benchAgeMs;
    long long benchLastShown = 0;
    // ... and from its first frame: the process's CPU time, the wall time, the capture worker's
    // frames posted and dropped (overwritten before the screen took them).
    double benchCpuStart = 0;
    std::chrono::steady_clock::time_point benchWallStart;
    unsigned long long benchPostedStart = 0, benchDroppedStart = 0;
    Uint32 waitStart = SDL_GetTicks();
    bool running = true;
    FrameStats stats(st.options.statsFile);  // --stats: memory and frame times every minute
    while (running) {
        auto frameStart = std::chrono::steady_clock::now();
        if (st.a11y.fontStep != st.a11y.appliedStep || st.a11y.highContrast != st.a11y.appliedContrast) {
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            applyLook();
            ImGui_ImplOpenGL3_CreateFontsTexture();
        }
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            ImGui_ImplSDL2_ProcessEvent(&ev);
            // A kiosk closes only after a therapist's PIN (st.auth.exitAllowed).
            bool mayClose = !st.options.kiosk || st.auth.exitAllowed;
            if (ev.type == SDL_QUIT && mayClose) running = false;
            if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE &&
                ev.window.windowID == SDL_GetWindowID(window) && mayClose)
                running = false;
            switch (ev.type) {
            case SDL_KEYDOWN: case SDL_TEXTINPUT: case SDL_MOUSEMOTION: case SDL_MOUSEBUTTONDOWN:
            case SDL_MOUSEWHEEL: case SDL_FINGERDOWN: case SDL_FINGERMOTION: case SDL_CONTROLLERBUTTONDOWN:
            case SDL_CONTROLLERAXISMOTION: noteActivity(st); break;
            default: break;
            }
        }
        if (g_stopSignal) {
            std::string err = finishSessionForSignOut(st);
            if (err.empty()) {
                std::cerr << "ptcoach: stopped by signal " << g_stopSignal
                          << (st.session.saved ? "; the session under way was saved\n" : "\n");
            } else {
                std::cerr << "ptcoach: stopped by signal " << g_stopSignal << "; the session could not be saved: " << err
                          << "\n";
                exitCode = 1;
            }
            break;
        }
        if (SDL_GetWindowFlags(window) & SDL_WINDOW_MINIMIZED) {
            SDL_Delay(10);
            continue;
        }
        updateAuth(st);      // sign-in needed? idle or away: sign out (saving everything)
        updateTherapist(st);  // the therapist workspace's recorded actions
        updateSettings(st);   // the Settings screen's recorded actions
        updateCamera(st);
        updateGame(st);     // the games' actions, --game, sounds and images, the progression shown
        updateSession(st);  // camera frames into the guided session, its clock, cues, saving
        updateRecovery(st);  // timers ending, reminders, recorded recovery actions

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplSDL2_NewFrame();
        runScript(st);  // --script: its mouse, keys and text for this frame
        takeSessionKeys(st);  // Space / A count a rep whatever has the focus
        ImGui::NewFrame();
        ImGui::PushFont(st.fonts.body);
        drawUi(st);
        drawRecoveryBanners(st);  // on every screen
        drawJuiceOverlay(st);     // particles, the level-up moment, captions of spoken cues
        ImGui::PopFont();
        ImGui::Render();

        int dw = 0, dh = 0;
        SDL_GL_GetDrawableSize(window, &dw, &dh);
        glViewport(0, 0, dw, dh);
        glClearColor(0.09f, 0.10f, 0.14f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        endScriptFrame(st);
        if (st.script.screenshot) {
            std::string err;
            if (saveScreenshot(window, *st.script.screenshot, err)) {
                std::cout << "ptcoach: saved " << st.script.screenshot->string() << " (" << dw << "x" << dh << ")\n";
            } else {
                std::cerr << "ptcoach: " << err << "\n";
                st.script.exitCode = 1;
                st.script.finished = true;
            }
            st.script.screenshot.reset();
        }
        if (st.script.active && st.script.finished) {
            exitCode = st.script.exitCode;
            running = false;
        }

        // --exit-after-video: pose estimation runs flat out on the worker; leave it the CPU.
        if (st.options.exitAfterVideo) SDL_Delay(8);
        if (st.options.exitAfterVideo && st.session.exitRequested) {
            // The session ran to the video's end and was saved: the screenshot shows its summary.
            exitCode = st.session.exitCode;
            if (!st.options.screenshot) running = false;
        }
        if (st.options.screenshot) {
            // Count frames only once the screen has settled (camera picture or its error shown),
            // or after 15 s of waiting. --exit-after-video: the last frame, once the session ended.
            if (cameraSettled(st) || SDL_GetTicks() - waitStart > 15000) ++framesRendered;
            if (st.options.exitAfterVideo) framesRendered = st.session.exitRequested ? framesRendered : 0;
            if (framesRendered >= st.options.frames) {
                std::string err;
                if (saveScreenshot(window, *st.options.screenshot, err)) {
                    std::cout << "ptcoach: saved " << st.options.screenshot->string() << " (" << dw << "x" << dh
                              << ")\n";
                } else {
                    std::cerr << "ptcoach: " << err << "\n";
                    exitCode = 1;
                }
                running = false;
            }
        }
        SDL_GL_SwapWindow(window);
        stats.frame(st);

        if (st.options.benchUiFrames > 0 && cameraSettled(st)) {
            auto shownAt = std::chrono::steady_clock::now();
            if (benchFrameMs.empty()) {
                benchCpuStart = processCpuSeconds();
                benchWallStart = shownAt;
                if (st.camera.worker) {
                    benchPostedStart = st.camera.worker->frames().posted();
                    benchDroppedStart = st.camera.worker->frames().dropped();
                }
            }
            benchFrameMs.push_back(std::chrono::duration<double, std::milli>(shownAt - frameStart).count());
            if (st.camera.framesShown != benchLastShown && st.camera.hasPose) benchPoseMs.push_back(st.camera.poseMs);
            // Camera-to-screen: from the source handing the frame over to the swap that shows it.
            if (st.camera.framesShown != benchLastShown && st.camera.framesShown > 0)
                benchAgeMs.push_back(std::chrono::duration<double, std::milli>(shownAt - st.camera.readAt).count());
            benchCoachMs.push_back(st.coach3d ? st.coach3d->takeFrameMs() : 0.0);
            benchLastShown = st.camera.framesShown;
            if (static_cast<int>(benchFrameMs.size()) >= st.options.benchUiFrames) {
                auto stat = [](std::vector<double> v, double q) {
                    if (v.empty()) return 0.0;
                    std::sort(v.begin(), v.end());
                    return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
                };
                std::printf("bench-ui: %zu frames at %dx%d (%s), %zu camera frames\n", benchFrameMs.size(), dw, dh,
                            st.options.video ? st.options.video->filename().c_str() : "camera", benchPoseMs.size());
                std::printf("ui frame ms: median %.1f, p95 %.1f\n", stat(benchFrameMs, 0.5), stat(benchFrameMs, 0.95));
                std::printf("pose ms: median %.1f, p95 %.1f\n", stat(benchPoseMs, 0.5), stat(benchPoseMs, 0.95));
                std::printf("3d coach ms per frame: median %.1f, p95 %.1f%s\n", stat(benchCoachMs, 0.5),
                            stat(benchCoachMs, 0.95), st.coach3d && !st.coach3d->available() ? " (3D off)" : "");
                std::printf("camera-to-screen ms: median %.1f, p95 %.1f\n", stat(benchAgeMs, 0.5), stat(benchAgeMs, 0.95));
                double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - benchWallStart).count();
                double cpu = processCpuSeconds() - benchCpuStart;
                std::printf("cpu: %.0f%% of one core (%ld cores), %.1f s in %.1f s\n", wall > 0 ? 100.0 * cpu / wall : 0.0,
                            sysconf(_SC_NPROCESSORS_ONLN), cpu, wall);
                if (st.camera.worker)
                    std::printf("capture frames: %llu posted, %llu dropped before the screen took them\n",
                                st.camera.worker->frames().posted() - benchPostedStart,
                                st.camera.worker->frames().dropped() - benchDroppedStart);
                std::fflush(stdout);
                running = false;
            }
        }

        while (!st.commands.empty()) {
            Command c = st.commands.front();
            st.commands.pop_front();
            if (c.kind == Command::Kind::Quit && (!st.options.kiosk || st.auth.exitAllowed)) running = false;
            if (c.kind == Command::Kind::Go) st.screen = c.screen;
        }
    }

    exitCode = scriptExitCode(st, exitCode);  // --script: closed before its end is a failure
    releaseCamera(st);
    releaseGameAssets(st);     // textures and the 3D coach's buffers, while the GL context lives
    st.session.audio.reset();  // closes the audio device before SDL shuts down
    releaseRecovery(st);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return exitCode;
}
