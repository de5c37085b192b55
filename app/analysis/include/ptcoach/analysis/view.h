#pragma once
// Camera-view awareness: front or side, which side is nearer the camera, whether the body parts an
// analysis needs are in the picture, and whether the person is too close or too far.
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/analysis/measures.h"

namespace ptcoach::analysis {

// The view seen in one frame: shoulder width against trunk length in the image (front: wide;
// side: narrow; in between: Unknown, i.e. turned at an angle).
View estimateView(const LandmarkFrame& f);
// In a side view, the side of the body nearer the camera (from depth, then visibility).
std::optional<BodySide> nearSide(const LandmarkFrame& f);

// The landmarks a measure needs (left-side indices for sided measures).
std::vector<int> measureLandmarks(MeasureId id);

struct ViewCheckOptions {
    ViewNeed need = ViewNeed::Either;
    std::optional<BodySide> sideToCamera;  // side view of this side needed (one-sided exercises)
    std::vector<int> landmarks;            // body parts that must be in the picture (left or right counts)
    float tooFarBelow = 0.25f;             // body extent (fraction of the image) below which it is too far
    float tooCloseAbove = 1.05f;           // span of all landmarks (fraction of the image) above which it is too close
};

// Problem codes: no_person, not_in_frame, too_close, too_far, wrong_view, wrong_side.
struct ViewStatus {
    View view = View::Unknown;
    std::optional<BodySide> near;
    std::vector<std::string> problems;  // codes, empty when the view is fine
    std::string missing;                // not_in_frame: which parts, e.g. "ankles, knees"
};

// `view` is the view to judge against (the caller may smooth it over frames).
ViewStatus checkView(const LandmarkFrame& f, const ViewCheckOptions& options, View view);

// The message a person understands for a view problem code.
std::string viewProblemMessage(const std::string& code, ViewNeed need, std::optional<BodySide> side,
                               const std::string& missing);

}  // namespace ptcoach::analysis
