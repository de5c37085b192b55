// The screens. Each draw function reads UiState and records intent; nothing here mutates the
// model while drawing.
#include <cmath>
#include <string>
#include <vector>

#include "ptcoach/recovery/phase.h"
#include "progress_screen.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

namespace {

void drawHome(UiState& st) {
    if (st.auth.user) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("Home");
        drawSignedInBadge(st);
    } else {
        ImGui::Spacing();
    }
    textCentered("PT Coach", st.fonts.title, IM_COL32(255, 255, 255, 255));
    textCentered("Your daily coach for recovery from back spasms and low-back pain", st.fonts.body,
                 IM_COL32(180, 190, 205, 255));
    ImGui::Spacing();
    textCentered("Stretch, strengthen and move well again: the camera counts your reps, times your holds and "
                 "checks your form.",
                 st.fonts.body, IM_COL32(150, 160, 175, 255));
    ImGui::Spacing();
    ImGui::Spacing();

    static constexpr int kCols = 3;
    const Tile patientTiles[] = {
        {Screen::Session, "Guided session", "Today's exercises with live rep counting, hold timers and form cues.",
         kTeal},
        {Screen::Programs, "Programs", "Stretching, core and lifting programs for each phase of recovery.", kBlue},
        {Screen::Recovery, "Recovery", "Log a spasm episode, screen for red flags, run ice and heat timers.",
         kOrange},
        {Screen::Progress, "Progress", "Pain, adherence, range of motion and form over time.", kPurple},
        {Screen::Camera, "Camera check", "See what the camera sees and place yourself in the frame.", kGreen},
    };
    const Tile therapistTiles[] = {
        {Screen::Therapist, "Therapist", "Your patients, the program builder, assignments and red flags.", kPink},
        {Screen::Programs, "Programs", "The shipped programs and the exercise library.", kBlue},
        {Screen::Camera, "Camera check", "See what the camera sees and how the pose model follows.", kGreen},
    };
    bool therapist = st.auth.user && st.auth.user->role == storage::Role::Therapist;
    std::vector<Tile> tiles;
    for (const Tile& t : therapist ? std::vector<Tile>(std::begin(therapistTiles), std::end(therapistTiles))
                                   : std::vector<Tile>(std::begin(patientTiles), std::end(patientTiles)))
        // A kiosk's camera is on only during a session.
        if (!(st.options.kiosk && t.target == Screen::Camera)) tiles.push_back(t);
    float avail = ImGui::GetContentRegionAvail().x;
    float gap = 24.0f * st.dpiScale;
    float tileW = (avail - gap * (kCols - 1)) / kCols;
    float tileH = 170.0f * st.dpiScale;
    int i = 0;
    for (const Tile& t : tiles) {
        if (i % kCols != 0) ImGui::SameLine(0, gap);
        if (drawTile(st, t, ImVec2(tileW, tileH))) st.go(t.target);
        if (i == 0 && ImGui::GetFrameCount() < 3) ImGui::SetItemDefaultFocus();
        ++i;
        if (i % kCols == 0) ImGui::Dummy(ImVec2(0, gap * 0.5f));
    }

    ImGui::Spacing();
    if (!st.dbError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 120, 255));
        ImGui::TextWrapped("Your saved data could not be opened: %s", st.dbError.c_str());
        ImGui::PopStyleColor();
    } else if (st.db && !st.options.kiosk) {
        ImGui::TextDisabled("Your data: %s", st.db->describe().c_str());
    }
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 204, 128, 255));
    ImGui::TextWrapped("PT Coach is a coach, not a doctor. Loss of bladder or bowel control, numbness or weakness in "
                       "the legs, or pain after a fall: stop and see a clinician.");
    ImGui::PopStyleColor();
    ImGui::TextDisabled("Arrow keys or a gamepad move between tiles; Enter or A opens one.");
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
        ImGui::TextWrapped("Check that the camera is plugged in and not used by another program, or start PT Coach "
                           "with --camera N or --video FILE.");
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
    }
    return "";
}

void drawUi(UiState& st) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
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
    bool patientScreen = st.screen == Screen::Session || st.screen == Screen::Recovery || st.screen == Screen::Progress;
    if (patientScreen && !currentPatient(st)) {
        screenHeader(st, screenTitle(st.screen));
        ImGui::TextWrapped("This screen shows a patient's own exercises and history: sign in as the patient.");
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
    }
    ImGui::End();
    // The camera is visibly on whenever it runs.
    if (st.camera.worker) {
        float k = st.dpiScale;
        ImDrawList* fg = ImGui::GetForegroundDrawList();
        const char* label = "CAMERA ON";
        ImVec2 ts = ImGui::CalcTextSize(label);
        // Top centre, in the header row (titles are on the left, buttons on the right).
        float w = ts.x + 48 * k;
        ImVec2 p0(vp->WorkPos.x + vp->WorkSize.x * 0.62f - w * 0.5f, vp->WorkPos.y + 10 * k);
        ImVec2 p1(p0.x + w, p0.y + ts.y + 12 * k);
        fg->AddRectFilled(p0, p1, IM_COL32(120, 20, 20, 230), 8 * k);
        fg->AddCircleFilled(ImVec2(p0.x + 18 * k, (p0.y + p1.y) * 0.5f), 7 * k, IM_COL32(255, 60, 60, 255));
        fg->AddText(ImVec2(p0.x + 34 * k, p0.y + 6 * k), IM_COL32(255, 255, 255, 255), label);
        recordText("Camera on");
    }
}

}  // namespace ptcoach::ui
