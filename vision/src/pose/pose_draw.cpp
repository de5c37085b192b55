#include "ptcoach/vision/pose_draw.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace ptcoach::vision {

void drawPose(cv::Mat& img, const PoseResult& pose, float minVisibility, bool drawRoi) {
    if (!pose.person || img.empty()) return;
    const float W = static_cast<float>(img.cols), H = static_cast<float>(img.rows);
    const int thick = std::max(2, static_cast<int>(std::lround(std::min(W, H) / 200.0f)));
    auto pt = [&](int i) { return cv::Point2f(pose.landmarks[i].x * W, pose.landmarks[i].y * H); };
    auto seen = [&](int i) { return pose.landmarks[i].visibility >= minVisibility; };
    if (drawRoi && pose.roi.size > 0) {
        cv::RotatedRect r(cv::Point2f(pose.roi.cx, pose.roi.cy), cv::Size2f(pose.roi.size, pose.roi.size),
                          pose.roi.rotation * 180.0f / static_cast<float>(CV_PI));
        cv::Point2f c[4];
        r.points(c);
        for (int i = 0; i < 4; ++i) cv::line(img, c[i], c[(i + 1) % 4], cv::Scalar(80, 200, 255), 1, cv::LINE_AA);
    }
    for (auto [a, b] : kPoseConnections)
        if (seen(a) && seen(b)) cv::line(img, pt(a), pt(b), cv::Scalar(255, 255, 255), thick, cv::LINE_AA);
    for (int i = 0; i < kNumPoseLandmarks; ++i) {
        if (!seen(i)) continue;
        // Left side orange, right side teal, centre (nose) white.
        bool left = i < 11 ? (i >= 1 && i <= 3) || i == 7 || i == 9 : i % 2 == 1;
        cv::Scalar colour = i == 0 ? cv::Scalar(255, 255, 255) : left ? cv::Scalar(0, 140, 255) : cv::Scalar(170, 200, 30);
        cv::circle(img, pt(i), thick + 2, colour, cv::FILLED, cv::LINE_AA);
    }
}

}  // namespace ptcoach::vision
