#include "ptcoach/analysis/landmark_frame.h"

namespace ptcoach::analysis {

bool allVisible(const LandmarkFrame& f, std::initializer_list<int> landmarks, float minVisibility) {
    if (!f.person) return false;
    for (int i : landmarks)
        if (i < 0 || i >= kLandmarks || f.points[i].visibility < minVisibility) return false;
    return true;
}

}  // namespace ptcoach::analysis
