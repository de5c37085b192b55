// The screens. Each draw function reads UiState and records intent; nothing here mutates the
// model while drawing.
#include <cmath>
#include <string>
#include <vector>

#include "ptcoach/core/clock.h"
#include "ptcoach/recovery/phase.h"
#include "ptcoach/recovery/progress.h"
#include "progress_screen.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

namespace {

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string mmss(std::chrono::seconds s) {
    long long v = std::max<long long>(0, s.count());
    char b[16];
    std::snprintf(b, sizeof b, "%lld:%02lld", v / 60, v % 60);
    return b;
}

// What today holds, in one look: the session, the streak, a running timer and the next one due,
// an open red flag, the water so far. Returns the lines it showed (for the script).
void drawToday(UiState& st) {
    const TodayView& t = st.session.today;
    const RecoveryUi& r = st.recovery;
    using namespace std::chrono;
    auto now = wallNow();
    float k = st.dpiScale;
    beginPanel();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Today");
    ImGui::PopFont();
    auto line = [&](ImU32 colour, const std::string& text) {
        ImGui::PushStyleColor(ImGuiCol_Text, colour);
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
        recordText(text);
    };
    const ImU32 plain = IM_COL32(220, 226, 235, 255);
    if (t.firstRun) {
        line(plain, "Welcome to PT Coach. This is your own profile, \"Me\": give it your name and a PIN in "
                    "Settings, or start straight away. Are you a therapist? Make your therapist account instead.");
        if (button("Set my name")) st.go(Screen::Settings);
        ImGui::SameLine();
        if (button("I am a therapist")) openTherapistSignUp(st);
    }
    bool blocked = r.loaded && !r.gate.allowed;
    if (blocked) {
        line(kRed, std::string(r.gate.emergency ? "Red flag: seek emergency care now." : "Red flag: exercise is paused.") +
                       " See the Recovery screen for what it means and how it is cleared.");
    } else if (t.doneToday > 0) {
        line(kGreen, "Session done today (" + t.lastDone + ")." +
                         (t.doneToday > 1 ? " " + plural(t.doneToday, "session", "sessions") + " in all." : ""));
    } else if (t.noProgram) {
        line(plain, "No program yet: pick one under Programs, or start a guided session.");
    } else if (t.restDay) {
        line(plain, "Rest day in " + t.programTitle + ": a gentle walk is always fine.");
    } else {
        line(plain, "Today's session: " + t.programTitle + ": " + t.sessionTitle + ". Not done yet.");
    }
    for (const auto& v : r.gate.advice) line(kAmber, "Advice: " + v.what + ". " + v.advice);
    int streakDays = r.progress ? r.progress->streakDays : st.session.streak;  // one streak, the Progress screen's
    std::string streak = "Streak: " + plural(streakDays, "day", "days");
    std::string water = "Water today: " + std::to_string(r.waterTodayMl) + " of about 2000 ml";
    std::string timer;
    const auto& th = r.thermal;
    if (r.loaded && th.state != recovery::TimerState::NoEpisode) {
        bool ice = th.advised == recovery::Thermal::Ice;
        if (th.state == recovery::TimerState::Running) {
            bool runIce = th.running && th.running->kind == "ice";
            timer = std::string(runIce ? "Ice" : "Heat") + " on: " + mmss(duration_cast<seconds>(th.runningEndsAt - now)) +
                    " left";
        } else if (th.state == recovery::TimerState::Resting && th.restUntil) {
            timer = "Skin resting until " + recovery::localText(*th.restUntil, "%H:%M");
        }
        if (th.state != recovery::TimerState::Running && th.nextDue) {
            std::string when = *th.nextDue <= now ? std::string("now") : "at " + recovery::localText(*th.nextDue, "%H:%M");
            timer += std::string(timer.empty() ? "" : ". ") + "Next " + (ice ? "ice" : "heat") + " due " + when;
        }
    }
    line(plain, streak + "   |   " + water + (timer.empty() ? "" : "   |   " + timer));
    ImGui::Spacing();
    if (blocked) {
        if (button("See my red flag")) st.go(Screen::Recovery);
    } else if (t.doneToday == 0 && !t.restDay && !t.noProgram) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kTeal));
        if (button("Start today's session")) st.go(Screen::Session);
        ImGui::PopStyleColor();
        if (ImGui::GetFrameCount() < 3) ImGui::SetItemDefaultFocus();
    }
    endPanel(kPanel, 14 * k);
}

void drawHome(UiState& st) {
    float k = st.dpiScale;
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("PT Coach");
    ImGui::PopFont();
    ImGui::SameLine();
    // The tagline only where it fits beside the signed-in badge (not with the largest text on a
    // small screen).
    const char* tagline = "Your daily coach for recovery from back spasms and low-back pain";
    float room = ImGui::GetWindowContentRegionMax().x - signedInBadgeWidth(st) - ImGui::GetCursorPosX() -
                 ImGui::GetStyle().ItemSpacing.x;
    ImGui::AlignTextToFramePadding();
    if (ImGui::CalcTextSize(tagline).x <= room) ImGui::TextDisabled("%s", tagline);
    else ImGui::NewLine();
    if (st.auth.user) drawSignedInBadge(st);
    ImGui::Spacing();

    bool therapist = st.auth.user && st.auth.user->role == storage::Role::Therapist;
    if (!therapist && currentPatient(st)) drawToday(st);

    const Tile patientTiles[] = {
        {Screen::Session, "Guided session", "Today's exercises with live rep counting, hold timers and form cues.",
         kTeal},
        {Screen::Programs, "Programs", "Stretching, core and lifting programs for each phase of recovery.", kBlue},
        {Screen::Recovery, "Recovery", "Log a spasm episode, screen for red flags, run ice and heat timers.",
         kOrange},
        {Screen::Progress, "Progress", "Pain, adherence, range of motion and form over time.", kPurple},
        {Screen::Camera, "Camera check", "See what the camera sees and place yourself in the frame.", kGreen},
        {Screen::Settings, "Settings", "Your name and PIN, your therapist, the camera; \"I am a therapist\".", kPink},
    };
    const Tile therapistTiles[] = {
        {Screen::Therapist, "Therapist", "Your patients, the program builder, assignments and red flags.", kPink},
        {Screen::Programs, "Programs", "The shipped programs and the exercise library.", kBlue},
        {Screen::Camera, "Camera check", "See what the camera sees and how the pose model follows.", kGreen},
    };
    std::vector<Tile> tiles;
    for (const Tile& t : therapist ? std::vector<Tile>(std::begin(therapistTiles), std::end(therapistTiles))
                                   : std::vector<Tile>(std::begin(patientTiles), std::end(patientTiles)))
        // A kiosk's camera is on only during a session; its settings are the therapist's.
        if (!(st.options.kiosk && (t.target == Screen::Camera || t.target == Screen::Settings))) tiles.push_back(t);

    // The footer's lines keep their place at the bottom; the tiles share what is left.
    float line = ImGui::GetTextLineHeightWithSpacing();
    float footerH = line * (st.options.kiosk ? 2.2f : 3.4f) + ImGui::GetStyle().ItemSpacing.y * 2;
    constexpr int kCols = 3;
    int rows = static_cast<int>((tiles.size() + kCols - 1) / kCols);
    float avail = ImGui::GetContentRegionAvail().x;
    float gap = 20.0f * k;
    float tileW = (avail - gap * (kCols - 1)) / kCols;
    // The progress and games block below them (its height from the last frame) keeps its room too.
    float blockH = currentPatient(st) ? std::max(st.session.game.homeBlockH, line * 3.0f) + gap : 0.0f;
    float tileH =
            std::clamp((ImGui::GetContentRegionAvail().y - footerH - blockH - gap * rows) / rows, 56.0f * k, 170.0f * k);
    int i = 0;
    for (const Tile& t : tiles) {
        if (i % kCols != 0) ImGui::SameLine(0, gap);
        if (drawTile(st, t, ImVec2(tileW, tileH))) st.go(t.target);
        if (i == 0 && ImGui::GetFrameCount() < 3 && !ImGui::IsAnyItemFocused()) ImGui::SetItemDefaultFocus();
        ++i;
        if (i % kCols == 0) ImGui::Dummy(ImVec2(0, gap * 0.3f));
    }

    drawHomeProgress(st);  // level, weekly ring, badges, the games (game_ui.h)
    ImGui::Spacing();
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), ImGui::GetWindowHeight() - footerH));
    if (!st.dbError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 120, 255));
        ImGui::TextWrapped("Your saved data could not be opened: %s", st.dbError.c_str());
        ImGui::PopStyleColor();
        recordText("Your saved data could not be opened: " + st.dbError);
    } else if (st.db && !st.options.kiosk) {
        ImGui::TextDisabled("Your data: %s", st.db->describe().c_str());
    }
    const char* coach = "PT Coach is a coach, not a doctor. Loss of bladder or bowel control, numbness or weakness in "
                        "the legs, or pain after a fall: stop and see a clinician.";
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 204, 128, 255));
    ImGui::TextWrapped("%s", coach);
    ImGui::PopStyleColor();
    recordText(coach);
    if (!st.options.kiosk) ImGui::TextDisabled("Arrow keys or a gamepad move between tiles; Enter or A opens one.");
}

void drawCamera(UiState& st) {
    screenHeader(st, "Camera check");
    const CameraView& cam = st.camera;
    std::string src = st.options.video ? "video " + st.options.video->string()
                                       : "camera " + std::to_string(st.options.camera);
    if (cam.worker && cam.worker->state() == vision::WorkerState::Failed) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 120, 255));
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextWrapped("No picture from %s", src.c_str());
        ImGui::PopFont();
        ImGui::TextWrapped("%s", cam.worker->error().c_str());
        recordText("No picture from " + src);
        recordText(cam.worker->error());
        ImGui::PopStyleColor();
        ImGui::Spacing();
        ImGui::TextWrapped("Check that the camera is plugged in and not used by another program, or try another one:");
        recordText("No picture from " + src);
        if (!st.options.video && !st.options.kiosk) {
            if (button("Previous camera") && st.options.camera > 0) {
                --st.options.camera;
                releaseCamera(st);  // the next frame opens the one picked
            }
            ImGui::SameLine();
            if (button("Next camera") && st.options.camera < 63) {
                ++st.options.camera;
                releaseCamera(st);
            }
        }
        return;
    }
    if (cam.texture == 0) {
        ImGui::Text("Starting %s ...", src.c_str());
        return;
    }
    ImVec2 avail = ImGui::GetContentRegionAvail();
    avail.y -= ImGui::GetTextLineHeightWithSpacing() * 1.5f;
    float scale = std::min(avail.x / cam.width, avail.y / cam.height);
    ImVec2 size(cam.width * scale, cam.height * scale);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail.x - size.x) * 0.5f);
    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(cam.texture)), size);
    if (cam.hasPose) drawSkeleton(cam.pose, origin, size);
    std::string status;
    if (!cam.poseError.empty()) status = "pose estimation off: " + cam.poseError;
    else if (!cam.hasPose) status = "loading the pose model...";
    else if (cam.pose.person) status = "person found (" + std::to_string(static_cast<int>(cam.poseMs)) + " ms)";
    else status = "nobody in view";
    ImGui::Text("%s  |  %dx%d  |  t = %.1f s  |  %s", src.c_str(), cam.width, cam.height, cam.sourceTimeMs / 1000.0,
                status.c_str());
    recordText(status);
}

}  // namespace

std::optional<Screen> screenFromName(const std::string& n) {
    if (n == "home") return Screen::Home;
    if (n == "session") return Screen::Session;
    if (n == "programs") return Screen::Programs;
    if (n == "recovery") return Screen::Recovery;
    if (n == "progress") return Screen::Progress;
    if (n == "therapist") return Screen::Therapist;
    if (n == "camera") return Screen::Camera;
    if (n == "settings") return Screen::Settings;
    return std::nullopt;
}

const char* screenTitle(Screen s) {
    switch (s) {
    case Screen::Home: return "Home";
    case Screen::Session: return "Guided session";
    case Screen::Programs: return "Programs";
    case Screen::Recovery: return "Recovery";
    case Screen::Progress: return "Progress";
    case Screen::Therapist: return "Therapist";
    case Screen::Camera: return "Camera check";
    case Screen::Settings: return "Settings";
    }
    return "";
}

void drawUi(UiState& st) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    // The bottom strip is the captions' (every spoken cue, game_ui.h): no screen is drawn under it.
    // Nor under the banners (recovery_screen.h), which sit just above the captions.
    ImGui::SetNextWindowSize(
            ImVec2(vp->WorkSize.x, vp->WorkSize.y - captionStripHeight(st) - st.recovery.bannerHeight));
    // No title or frame; a scroll bar only when a screen is taller than the window (a small screen
    // with the largest text), and the keyboard and gamepad scroll to what they focus.
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                             ImGuiWindowFlags_NoMove |
                             ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("PT Coach", nullptr, flags);
    if (st.auth.required && !st.auth.user) {
        drawSignIn(st);
        ImGui::End();
        drawKioskExitPrompt(st);
        return;
    }
    if (st.screen != Screen::Home && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
        st.go(Screen::Home);
    bool patientScreen = st.screen == Screen::Session || st.screen == Screen::Recovery ||
                         st.screen == Screen::Progress || st.screen == Screen::Settings;
    if (patientScreen && !currentPatient(st)) {
        screenHeader(st, screenTitle(st.screen));
        if (!st.db) {
            // Without its data the app can neither check the red-flag gate nor save anything.
            std::string line = "Your saved data could not be opened (" +
                               (st.dbError.empty() ? std::string("no database") : st.dbError) +
                               "): no session can start, as nothing could be saved and your safety answers could "
                               "not be checked.";
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 120, 255));
            ImGui::TextWrapped("%s", line.c_str());
            ImGui::PopStyleColor();
            recordText(line);
        } else {
            ImGui::TextWrapped("This screen shows a patient's own exercises and history: sign in as the patient.");
        }
        ImGui::End();
        return;
    }
    switch (st.screen) {
    case Screen::Home: drawHome(st); break;
    case Screen::Session: drawSession(st); break;
    case Screen::Programs: drawPrograms(st); break;
    case Screen::Recovery:
        drawRecoveryScreen(st);
        break;
    case Screen::Progress: drawProgressScreen(st); break;
    case Screen::Therapist: drawTherapistScreen(st); break;
    case Screen::Camera: drawCamera(st); break;
    case Screen::Settings: drawSettingsScreen(st); break;
    }
    ImGui::End();
    // The camera is visibly on whenever it runs; a camera that failed to open says so instead.
    if (st.camera.worker) {
        float k = st.dpiScale;
        ImDrawList* fg = ImGui::GetForegroundDrawList();
        bool failed = st.camera.worker->state() == vision::WorkerState::Failed;
        const char* label = failed ? "NO CAMERA" : "CAMERA ON";
        ImVec2 ts = ImGui::CalcTextSize(label);
        // Top centre, in the header row (titles are on the left, buttons on the right).
        float w = ts.x + 48 * k;
        ImVec2 p0(vp->WorkPos.x + vp->WorkSize.x * 0.62f - w * 0.5f, vp->WorkPos.y + 10 * k);
        ImVec2 p1(p0.x + w, p0.y + ts.y + 12 * k);
        fg->AddRectFilled(p0, p1, failed ? IM_COL32(70, 74, 90, 230) : IM_COL32(120, 20, 20, 230), 8 * k);
        fg->AddCircleFilled(ImVec2(p0.x + 18 * k, (p0.y + p1.y) * 0.5f), 7 * k,
                            failed ? IM_COL32(160, 166, 180, 255) : IM_COL32(255, 60, 60, 255));
        fg->AddText(ImVec2(p0.x + 34 * k, p0.y + 6 * k), IM_COL32(255, 255, 255, 255), label);
        recordText(failed ? "No camera" : "Camera on");
    }
}

}  // namespace ptcoach::ui
