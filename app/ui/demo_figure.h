#pragma once
// The animated demonstration: a figure drawn with ImDrawList from the keyframed joint angles of an
// exercise file, seen from the camera view the exercise expects, with its prop (chair, wall, box,
// weights, mat). No art files: the same synthetic body the tests pose.
#include <optional>

#include <imgui.h>

#include "ptcoach/analysis/exercise.h"

namespace ptcoach::ui {

// Draws the figure posed at time tS (seconds; the demo loops) inside the rectangle origin..origin+size.
// `side`: for one-sided exercises, the side working (the right mirrors the figure's limbs).
void drawDemoFigure(ImDrawList* dl, const analysis::ExerciseDefinition& ex, double tS, ImVec2 origin, ImVec2 size,
                    std::optional<analysis::BodySide> side = std::nullopt);

// "Side view (side-on to the camera)" etc.
const char* demoViewLabel(const analysis::ExerciseDefinition& ex);

}  // namespace ptcoach::ui
