// The screens. Each draw function reads UiState and records intent; nothing here mutates the
// model while drawing.
#include <cmath>
#include <string>

#include "ptcoach/recovery/phase.h"
#include "ui_state.h"

namespace ptcoach::ui {

namespace {

struct Tile {
    Screen target;
    const char* title;
    const char* blurb;
    ImU32 colour;
};

const ImU32 kTeal = IM_COL32(38, 166, 154, 255);
const ImU32 kOrange = IM_COL32(255, 167, 38, 255);
const ImU32 kBlue = IM_COL32(66, 133, 244, 255);
const ImU32 kPurple = IM_COL32(149, 117, 205, 255);
const ImU32 kPink = IM_COL32(236, 64, 122, 255);
const ImU32 kGreen = IM_COL32(102, 187, 106, 255);

void textCentered(const char* text, ImFont* font, ImU32 colour) {
    ImGui::PushFont(font);
    float w = ImGui::CalcTextSize(text).x;
    ImGui::SetCursorPosX((ImGui::GetWindowWidth() - w) * 0.5f);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

// A large focusable tile: coloured band, title and a line of text. Returns true when activated.
bool drawTile(UiState& st, const Tile& t, ImVec2 size) {
    ImGui::PushID(t.title);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::InvisibleButton("tile", size);
    bool hovered = ImGui::IsItemHovered() || ImGui::IsItemFocused();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p1(p0.x + size.x, p0.y + size.y);
    float r = 18.0f * st.dpiScale;
    dl->AddRectFilled(p0, p1, hovered ? IM_COL32(52, 60, 78, 255) : IM_COL32(38, 44, 58, 255), r);
    dl->AddRectFilled(p0, ImVec2(p1.x, p0.y + 10 * st.dpiScale), t.colour, r, ImDrawFlags_RoundCornersTop);
    if (hovered) dl->AddRect(p0, p1, t.colour, r, 0, 3.0f * st.dpiScale);
    // A simple badge: a ring in the tile's colour.
    ImVec2 c(p0.x + 44 * st.dpiScale, p0.y + 62 * st.dpiScale);
    dl->AddCircleFilled(c, 22 * st.dpiScale, t.colour, 32);
    dl->AddCircleFilled(c, 12 * st.dpiScale, IM_COL32(38, 44, 58, 255), 32);
    ImGui::PushFont(st.fonts.heading);
    dl->AddText(ImVec2(p0.x + 80 * st.dpiScale, p0.y + 44 * st.dpiScale), IM_COL32(255, 255, 255, 255), t.title);
    ImGui::PopFont();
    ImVec2 textPos(p0.x + 24 * st.dpiScale, p0.y + 100 * st.dpiScale);
    dl->AddText(st.fonts.body, st.fonts.body->FontSize, textPos, IM_COL32(200, 206, 218, 255), t.blurb, nullptr,
                size.x - 48 * st.dpiScale);
    ImGui::PopID();
    return pressed;
}

void header(UiState& st, const char* title) {
    if (st.screen != Screen::Home) {
        if (ImGui::Button("< Home  (Esc)")) st.go(Screen::Home);
        ImGui::SameLine();
    }
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    ImGui::Separator();
    ImGui::Spacing();
}

void drawHome(UiState& st) {
    ImGui::Spacing();
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
    const Tile tiles[] = {
        {Screen::Session, "Guided session", "Today's exercises with live rep counting, hold timers and form cues.",
         kTeal},
        {Screen::Programs, "Programs", "Stretching, core and lifting programs for each phase of recovery.", kBlue},
        {Screen::Recovery, "Recovery", "Log a spasm episode, screen for red flags, run ice and heat timers.",
         kOrange},
        {Screen::Progress, "Progress", "Pain, adherence, range of motion and form over time.", kPurple},
        {Screen::Therapist, "Therapist", "Build and assign programs, review patients' progress.", kPink},
        {Screen::Camera, "Camera check", "See what the camera sees and place yourself in the frame.", kGreen},
    };
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
    } else if (st.db) {
        ImGui::TextDisabled("Your data: %s", st.db->path().string().c_str());
    }
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 204, 128, 255));
    ImGui::TextWrapped("PT Coach is a coach, not a doctor. Loss of bladder or bowel control, numbness or weakness in "
                       "the legs, or pain after a fall: stop and see a clinician.");
    ImGui::PopStyleColor();
    ImGui::TextDisabled("Arrow keys or a gamepad move between tiles; Enter or A opens one.");
}

void drawNotYet(UiState& st, const char* title, const char* what) {
    header(st, title);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextWrapped("%s", what);
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::TextWrapped("This part of PT Coach is not in this build yet.");
}

// The skeleton over the picture at `origin` with on-screen `size`: white bones, joints coloured by
// side, landmarks the model cannot see left out.
void drawSkeleton(const vision::PoseResult& pose, ImVec2 origin, ImVec2 size) {
    if (!pose.person) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto at = [&](int i) {
        return ImVec2(origin.x + pose.landmarks[i].x * size.x, origin.y + pose.landmarks[i].y * size.y);
    };
    auto seen = [&](int i) { return pose.landmarks[i].visibility >= 0.5f; };
    float thick = std::max(2.0f, size.y / 150.0f);
    for (auto [a, b] : vision::kPoseConnections)
        if (seen(a) && seen(b)) dl->AddLine(at(a), at(b), IM_COL32(255, 255, 255, 220), thick);
    for (int i = 0; i < vision::kNumPoseLandmarks; ++i) {
        if (!seen(i)) continue;
        bool left = i < 11 ? (i >= 1 && i <= 3) || i == 7 || i == 9 : i % 2 == 1;
        dl->AddCircleFilled(at(i), thick * 1.8f, i == 0 ? IM_COL32(255, 255, 255, 255) : left ? kOrange : kTeal);
    }
}

void drawCamera(UiState& st) {
    header(st, "Camera check");
    const CameraView& cam = st.camera;
    std::string src = st.options.video ? "video " + st.options.video->string()
                                       : "camera " + std::to_string(st.options.camera);
    if (cam.worker && cam.worker->state() == vision::WorkerState::Failed) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 120, 255));
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextWrapped("No picture from %s", src.c_str());
        ImGui::PopFont();
        ImGui::TextWrapped("%s", cam.worker->error().c_str());
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
    if (st.screen != Screen::Home && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
        st.go(Screen::Home);
    switch (st.screen) {
    case Screen::Home: drawHome(st); break;
    case Screen::Session:
        drawNotYet(st, "Guided session", "Today's session: exercises coached rep by rep from the camera.");
        break;
    case Screen::Programs:
        drawNotYet(st, "Programs", "The exercise library and programs for each recovery phase.");
        break;
    case Screen::Recovery:
        drawNotYet(st, "Recovery", "Episodes, red-flag screening and ice-then-heat timers.");
        break;
    case Screen::Progress: drawNotYet(st, "Progress", "Charts of pain, adherence, range of motion and form."); break;
    case Screen::Therapist: drawNotYet(st, "Therapist", "Program builder, assignments and patient review."); break;
    case Screen::Camera: drawCamera(st); break;
    }
    ImGui::End();
}

}  // namespace ptcoach::ui
