#include "demo_figure.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ptcoach/analysis/synthetic.h"

namespace ptcoach::ui {

using namespace ptcoach::analysis;

const char* demoViewLabel(const ExerciseDefinition& ex) {
    switch (ex.view) {
        case ViewNeed::Side: return "Camera: side view (side-on to the camera)";
        case ViewNeed::Front: return "Camera: front view (facing the camera)";
        case ViewNeed::Either: return "Camera: front or side view";
    }
    return "";
}

void drawDemoFigure(ImDrawList* dl, const ExerciseDefinition& ex, double tS, ImVec2 origin, ImVec2 size,
                    std::optional<BodySide> side) {
    const ImU32 bg = IM_COL32(30, 36, 48, 255), floorCol = IM_COL32(90, 100, 120, 255);
    const ImU32 nearCol = IM_COL32(240, 244, 250, 255), farCol = IM_COL32(130, 140, 160, 255);
    const ImU32 propCol = IM_COL32(150, 120, 90, 255);
    ImVec2 end(origin.x + size.x, origin.y + size.y);
    dl->AddRectFilled(origin, end, bg, 12.0f);
    if (size.x < 20 || size.y < 20) return;
    BodyPose pose;
    if (ex.demo) pose = demoPoseAt(*ex.demo, tS);
    if (side == BodySide::Right) {  // mirror a one-sided demo: the right side works
        std::swap(pose.hipFlex[0], pose.hipFlex[1]);
        std::swap(pose.kneeFlex[0], pose.kneeFlex[1]);
        std::swap(pose.ankleFlex[0], pose.ankleFlex[1]);
        std::swap(pose.shoulderFlex[0], pose.shoulderFlex[1]);
        std::swap(pose.elbowFlex[0], pose.elbowFlex[1]);
    }
    bool front = ex.demo && ex.demo->view == ViewNeed::Front;
    SyntheticCamera cam;
    cam.view = front ? CameraView::Front : CameraView::LeftSide;
    cam.width = static_cast<int>(size.x);
    cam.height = static_cast<int>(size.y);
    // Lying and kneeling figures are long: make them fit the width as well as the height.
    cam.bodyFill = std::min(0.78f, 0.85f * size.x / size.y);
    if (ex.position && (*ex.position == StartPosition::LyingBack || *ex.position == StartPosition::LyingFront ||
                        *ex.position == StartPosition::AllFours || *ex.position == StartPosition::Kneeling))
        cam.bodyFill = std::min(cam.bodyFill, 0.62f * size.x / size.y);
    cam.world = false;
    LandmarkFrame f = synthesizeFrame(pose, cam, 0);
    auto at = [&](int i) {
        const Point& p = f.points[static_cast<size_t>(i)];
        return ImVec2(origin.x + p.x * size.x, origin.y + p.y * size.y);
    };
    auto mid = [](ImVec2 a, ImVec2 b) { return ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f); };
    const float unit = size.y * cam.bodyFill / 1.75f;  // pixels per metre
    const float thick = std::max(3.0f, unit * 0.07f);
    const float floorY = origin.y + size.y * 0.92f;
    dl->PushClipRect(origin, end, true);
    dl->AddLine(ImVec2(origin.x + 8, floorY), ImVec2(end.x - 8, floorY), floorCol, 2.0f);

    using namespace lm;
    ImVec2 hipC = mid(at(LeftHip), at(RightHip)), shC = mid(at(LeftShoulder), at(RightShoulder));
    const std::string& prop = ex.demo ? ex.demo->prop : std::string();
    if (prop == "mat") {
        dl->AddRectFilled(ImVec2(origin.x + size.x * 0.08f, floorY - 2), ImVec2(end.x - size.x * 0.08f, floorY + 5),
                          IM_COL32(60, 130, 125, 255), 3.0f);
    } else if (prop == "chair") {
        float seatY = std::min(floorY - unit * 0.45f, hipC.y + thick);
        float backX = hipC.x - unit * 0.22f, frontX = hipC.x + unit * 0.2f;
        dl->AddLine(ImVec2(backX, seatY), ImVec2(frontX, seatY), propCol, thick);          // seat
        dl->AddLine(ImVec2(backX, floorY), ImVec2(backX, seatY - unit * 0.45f), propCol, thick * 0.7f);  // back
        dl->AddLine(ImVec2(frontX, seatY), ImVec2(frontX, floorY), propCol, thick * 0.7f);
    } else if (prop == "wall") {
        float x = std::min(hipC.x, shC.x) - unit * 0.14f;
        dl->AddRectFilled(ImVec2(x - unit * 0.08f, origin.y + 6), ImVec2(x, floorY), IM_COL32(80, 90, 110, 255));
    }

    // Far side first (darker), then the trunk, then the near side.
    bool leftNear = !front;  // the side camera sees the left
    auto limb = [&](int s, ImU32 col) {
        int sh = LeftShoulder + s, el = LeftElbow + s, wr = LeftWrist + s, hp = LeftHip + s, kn = LeftKnee + s,
            an = LeftAnkle + s, toe = LeftFootIndex + s, heel = LeftHeel + s;
        dl->AddLine(at(hp), at(kn), col, thick);
        dl->AddLine(at(kn), at(an), col, thick);
        dl->AddLine(at(heel), at(toe), col, thick * 0.8f);
        dl->AddLine(at(sh), at(el), col, thick * 0.85f);
        dl->AddLine(at(el), at(wr), col, thick * 0.85f);
        for (int j : {kn, an, el}) dl->AddCircleFilled(at(j), thick * 0.55f, col);
        if (prop == "weights") {
            ImVec2 w = at(wr);
            dl->AddRectFilled(ImVec2(w.x - thick * 1.4f, w.y - thick * 0.8f), ImVec2(w.x + thick * 1.4f, w.y + thick * 0.8f),
                              IM_COL32(120, 130, 150, 255), 3.0f);
        }
    };
    const int farSide = leftNear ? 1 : 0, nearSide = leftNear ? 0 : 1;
    limb(farSide, front ? nearCol : farCol);
    // trunk and head
    dl->AddLine(at(LeftShoulder), at(RightShoulder), nearCol, thick);
    dl->AddLine(at(LeftHip), at(RightHip), nearCol, thick);
    dl->AddLine(shC, hipC, nearCol, thick * 1.4f);
    ImVec2 ear = mid(at(LeftEar), at(RightEar)), nose = at(Nose);
    ImVec2 head((ear.x * 2 + nose.x) / 3, (ear.y * 2 + nose.y) / 3);
    dl->AddLine(shC, ear, nearCol, thick);
    dl->AddCircleFilled(head, unit * 0.11f, nearCol, 24);
    dl->AddCircleFilled(nose, thick * 0.5f, IM_COL32(38, 166, 154, 255));  // which way the face points
    limb(nearSide, nearCol);
    if (prop == "box") {
        ImVec2 w = mid(at(LeftWrist), at(RightWrist));
        float b = unit * 0.16f;
        dl->AddRectFilled(ImVec2(w.x - b, w.y - b * 0.4f), ImVec2(w.x + b, w.y + b * 1.3f), propCol, 4.0f);
    }
    dl->PopClipRect();
}

}  // namespace ptcoach::ui
