#pragma once
// The arithmetic of MediaPipe's pose graphs, free of models so it can be tested on its own:
// SSD anchors, detection decoding, weighted non-max suppression, rotated regions, the crop
// transform, heatmap refinement and the One Euro filter.
#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "ptcoach/vision/pose_estimator.h"

namespace ptcoach::vision::detail {

struct Anchor {
    float cx, cy;  // normalised to the detector input; size is fixed at 1x1
};

// The detector's 2254 anchors (224x224 input, strides 8,16,32,32,32, two anchors per cell in
// each layer group, fixed size), in the order of the model's output rows.
std::vector<Anchor> poseDetectorAnchors();

struct Detection {
    float score = 0;
    float xmin = 0, ymin = 0, xmax = 0, ymax = 0;  // normalised to the detector input
    std::array<cv::Point2f, 4> keypoints{};        // 0 hip centre, 1 full-body point, 2 shoulder centre, 3 upper-body point
};

// Decodes raw boxes (rows of 12: x, y, w, h, then 4 keypoints) and raw scores (logits) against the
// anchors; keeps detections whose sigmoid score is at least minScore.
std::vector<Detection> decodeDetections(const float* boxes, const float* scores, const std::vector<Anchor>& anchors,
                                        float minScore, float inputSize = 224.0f);

// MediaPipe's weighted non-max suppression (IoU > threshold are averaged, weighted by score).
std::vector<Detection> weightedNms(std::vector<Detection> detections, float iouThreshold = 0.3f);

float normalizeRadians(float a);

// A square ROI from two keypoints in pixels: centred on p0, side 2*|p1-p0|*scale, rotated so that
// p0->p1 points up.
PoseRoi roiFromPoints(cv::Point2f p0, cv::Point2f p1, float scale = 1.25f);

// The affine map from output-tensor pixel (u, v) to source-image pixel coordinates for a rotated
// rectangle, sampling at pixel centres (as MediaPipe's GPU image-to-tensor converter does).
cv::Matx23d cropTransform(float cx, float cy, float width, float height, float rotation, int outW, int outH);

// Crops the rotated rectangle into an RGB float image of outW x outH, values mapped from [0,255]
// to [lo, hi]; outside the image: constant 0 (zeroBorder, then mapped) or the nearest edge pixel.
cv::Mat cropToTensor(const cv::Mat& rgb, float cx, float cy, float width, float height, float rotation, int outW,
                     int outH, float lo, float hi, bool zeroBorder);

// Refines ROI-normalised landmark x, y from a heatmap (H x W x channels, HWC floats, logits) as
// MediaPipe's RefineLandmarksFromHeatmapCalculator does.
void refineFromHeatmap(std::vector<cv::Point2f>& xy, const float* heatmap, int hmH, int hmW, int channels,
                       int kernel = 7, float minConfidence = 0.5f);

// MediaPipe's One Euro filter (util/filtering/one_euro_filter.cc).
class OneEuroFilter {
public:
    OneEuroFilter(double minCutoff = 1.0, double beta = 0.0, double derivateCutoff = 1.0, double frequency = 30.0)
        : m_freq(frequency), m_minCutoff(minCutoff), m_beta(beta), m_dCutoff(derivateCutoff) {}
    double apply(int64_t timestampUs, double valueScale, double value);

private:
    struct LowPass {
        bool init = false;
        double raw = 0, out = 0;
        double apply(double v, double alpha) {
            out = init ? alpha * v + (1 - alpha) * out : v;
            raw = v;
            init = true;
            return out;
        }
    };
    double alpha(double cutoff) const;
    double m_freq, m_minCutoff, m_beta, m_dCutoff;
    LowPass m_x, m_dx;
    int64_t m_lastUs = 0;
};

}  // namespace ptcoach::vision::detail
