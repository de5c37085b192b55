#include "ptcoach/analysis/landmark_frame.h"

namespace ptcoach::analysis {

float visibilityCutoff(std::string_view model) {
    if (model.find("heavy") != std::string_view::npos) return kMinVisibilityHeavy;
    return kMinVisibility;
}

bool allVisible(const LandmarkFrame& f, std::initializer_list<int> landmarks) {
    if (!f.person) return false;
    for (int i : landmarks)
        if (i < 0 || i >= kLandmarks || f.points[static_cast<size_t>(i)].visibility < f.minVisibility) return false;
    return true;
}

}  // namespace ptcoach::analysis
