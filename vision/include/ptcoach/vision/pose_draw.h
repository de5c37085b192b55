#pragma once
// Draws a pose result onto an image (for overlays and the app's camera view).
#include <opencv2/core.hpp>

#include "ptcoach/vision/pose_estimator.h"

namespace ptcoach::vision {

// Bones and joints of landmarks whose visibility is at least minVisibility; the ROI as a thin box.
void drawPose(cv::Mat& bgr, const PoseResult& pose, float minVisibility = 0.5f, bool drawRoi = true);

}  // namespace ptcoach::vision
