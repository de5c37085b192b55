#include "ptcoach/vision/detail/blazepose_math.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

namespace ptcoach::vision::detail {

std::vector<Anchor> poseDetectorAnchors() {
    // SsdAnchorsCalculator: num_layers 5, strides 8,16,32,32,32, aspect ratio 1 plus one
    // interpolated anchor per stride; layers with equal strides share one grid.
    const int strides[] = {8, 16, 32, 32, 32};
    const int numLayers = 5;
    const int inputSize = 224;
    std::vector<Anchor> anchors;
    int layer = 0;
    while (layer < numLayers) {
        int perCell = 0;
        int last = layer;
        while (last < numLayers && strides[last] == strides[layer]) {
            perCell += 2;  // aspect ratio 1.0 and the interpolated one
            ++last;
        }
        int fm = static_cast<int>(std::ceil(static_cast<float>(inputSize) / strides[layer]));
        for (int y = 0; y < fm; ++y)
            for (int x = 0; x < fm; ++x)
                for (int a = 0; a < perCell; ++a)
                    anchors.push_back({(x + 0.5f) / fm, (y + 0.5f) / fm});
        layer = last;
    }
    return anchors;
}

std::vector<Detection> decodeDetections(const float* boxes, const float* scores, const std::vector<Anchor>& anchors,
                                        float minScore, float inputSize) {
    std::vector<Detection> out;
    for (size_t i = 0; i < anchors.size(); ++i) {
        float s = std::clamp(scores[i], -100.0f, 100.0f);
        float score = 1.0f / (1.0f + std::exp(-s));
        if (score < minScore) continue;
        const float* r = boxes + i * 12;
        const Anchor& a = anchors[i];
        float xc = r[0] / inputSize + a.cx;
        float yc = r[1] / inputSize + a.cy;
        float w = r[2] / inputSize;
        float h = r[3] / inputSize;
        Detection d;
        d.score = score;
        d.xmin = xc - w / 2;
        d.ymin = yc - h / 2;
        d.xmax = xc + w / 2;
        d.ymax = yc + h / 2;
        if (!(d.xmax - d.xmin >= 0) || !(d.ymax - d.ymin >= 0)) continue;  // also drops NaN
        for (int k = 0; k < 4; ++k)
            d.keypoints[k] = {r[4 + 2 * k] / inputSize + a.cx, r[5 + 2 * k] / inputSize + a.cy};
        out.push_back(d);
    }
    return out;
}

namespace {
float iou(const Detection& a, const Detection& b) {
    float ix = std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin);
    float iy = std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin);
    if (ix <= 0 || iy <= 0) return 0;
    float inter = ix * iy;
    float uni = (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
    return uni > 0 ? inter / uni : 0;
}
}  // namespace

std::vector<Detection> weightedNms(std::vector<Detection> dets, float iouThreshold) {
    std::stable_sort(dets.begin(), dets.end(), [](const Detection& a, const Detection& b) { return a.score > b.score; });
    std::vector<Detection> out;
    std::vector<Detection> remaining = std::move(dets);
    while (!remaining.empty()) {
        const Detection top = remaining.front();
        std::vector<Detection> candidates, rest;
        for (const Detection& d : remaining) (iou(d, top) > iouThreshold ? candidates : rest).push_back(d);
        Detection w = top;
        if (!candidates.empty()) {
            float total = 0, xmin = 0, ymin = 0, xmax = 0, ymax = 0;
            std::array<cv::Point2f, 4> kp{};
            for (const Detection& c : candidates) {
                total += c.score;
                xmin += c.score * c.xmin;
                ymin += c.score * c.ymin;
                xmax += c.score * c.xmax;
                ymax += c.score * c.ymax;
                for (int k = 0; k < 4; ++k) kp[k] += c.score * c.keypoints[k];
            }
            w.xmin = xmin / total;
            w.ymin = ymin / total;
            w.xmax = xmax / total;
            w.ymax = ymax / total;
            for (int k = 0; k < 4; ++k) w.keypoints[k] = kp[k] / total;
        }
        out.push_back(w);
        if (rest.size() == remaining.size()) break;  // cannot happen (top overlaps itself), kept as in MediaPipe
        remaining = std::move(rest);
    }
    return out;
}

float normalizeRadians(float a) {
    const double twoPi = 2.0 * CV_PI;
    return static_cast<float>(a - twoPi * std::floor((a + CV_PI) / twoPi));
}

PoseRoi roiFromPoints(cv::Point2f p0, cv::Point2f p1, float scale) {
    PoseRoi r;
    float dx = p1.x - p0.x, dy = p1.y - p0.y;
    r.cx = p0.x;
    r.cy = p0.y;
    r.size = 2.0f * std::sqrt(dx * dx + dy * dy) * scale;
    r.rotation = normalizeRadians(static_cast<float>(CV_PI / 2) - std::atan2(-dy, dx));
    return r;
}

cv::Matx23d cropTransform(float cx, float cy, float width, float height, float rotation, int outW, int outH) {
    // src = C + R * (((u + 0.5) / outW - 0.5) * width, ((v + 0.5) / outH - 0.5) * height) - 0.5
    double c = std::cos(rotation), s = std::sin(rotation);
    double ax = width / outW, ay = height / outH;
    double u0 = (0.5 / outW - 0.5) * width, v0 = (0.5 / outH - 0.5) * height;
    return cv::Matx23d(c * ax, -s * ay, cx + c * u0 - s * v0 - 0.5,  //
                       s * ax, c * ay, cy + s * u0 + c * v0 - 0.5);
}

cv::Mat cropToTensor(const cv::Mat& rgb, float cx, float cy, float width, float height, float rotation, int outW,
                     int outH, float lo, float hi, bool zeroBorder) {
    cv::Mat crop;
    cv::Matx23d m = cropTransform(cx, cy, width, height, rotation, outW, outH);
    cv::warpAffine(rgb, crop, cv::Mat(m), cv::Size(outW, outH), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                   zeroBorder ? cv::BORDER_CONSTANT : cv::BORDER_REPLICATE, cv::Scalar::all(0));
    cv::Mat out;
    crop.convertTo(out, CV_32F, (hi - lo) / 255.0, lo);
    return out;
}

void refineFromHeatmap(std::vector<cv::Point2f>& xy, const float* hm, int hmH, int hmW, int channels, int kernel,
                       float minConfidence) {
    const int off = (kernel - 1) / 2;
    for (int l = 0; l < static_cast<int>(xy.size()) && l < channels; ++l) {
        int col = static_cast<int>(xy[l].x * hmW);  // truncation toward zero, as in MediaPipe
        int row = static_cast<int>(xy[l].y * hmH);
        if (col < 0 || col >= hmW || row < 0 || row >= hmH) continue;
        int c0 = std::max(0, col - off), c1 = std::min(hmW, col + off + 1);
        int r0 = std::max(0, row - off), r1 = std::min(hmH, row + off + 1);
        double sum = 0, wc = 0, wr = 0, maxc = 0;
        for (int r = r0; r < r1; ++r)
            for (int c = c0; c < c1; ++c) {
                double conf = 1.0 / (1.0 + std::exp(-static_cast<double>(hm[(r * hmW + c) * channels + l])));
                sum += conf;
                maxc = std::max(maxc, conf);
                wc += c * conf;
                wr += r * conf;
            }
        if (maxc >= minConfidence && sum > 0) {
            xy[l].x = static_cast<float>(wc / hmW / sum);
            xy[l].y = static_cast<float>(wr / hmH / sum);
        }
    }
}

double OneEuroFilter::alpha(double cutoff) const {
    double te = 1.0 / m_freq;
    double tau = 1.0 / (2 * CV_PI * cutoff);
    return 1.0 / (1.0 + tau / te);
}

double OneEuroFilter::apply(int64_t timestampUs, double valueScale, double value) {
    if (m_lastUs >= timestampUs) return value;
    if (m_lastUs != 0 && timestampUs != 0) m_freq = 1.0e6 / static_cast<double>(timestampUs - m_lastUs);
    m_lastUs = timestampUs;
    double dv = m_x.init ? (value - m_x.raw) * valueScale * m_freq : 0.0;
    double edv = m_dx.apply(dv, alpha(m_dCutoff));
    double cutoff = m_minCutoff + m_beta * std::abs(edv);
    return m_x.apply(value, alpha(cutoff));
}

}  // namespace ptcoach::vision::detail
