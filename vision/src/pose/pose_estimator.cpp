#include "ptcoach/vision/pose_estimator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <system_error>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "ptcoach/core/paths.h"
#include "ptcoach/vision/detail/blazepose_math.h"
#include "ptcoach/vision/tflite_model.h"

namespace ptcoach::vision {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr int kDetectorSize = 224;
constexpr int kLandmarkSize = 256;
constexpr int kRawLandmarks = 39;  // 33 pose + 2 auxiliary (ROI) + 4 unused

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// Which landmark-model output is which, found by element count.
struct LandmarkOutputs {
    int landmarks = -1, flag = -1, heatmap = -1, world = -1;
};

Expected<LandmarkOutputs> mapLandmarkOutputs(const ModelInfo& info, const std::string& name) {
    LandmarkOutputs m;
    for (size_t i = 0; i < info.outputs.size(); ++i) {
        const auto& s = info.outputs[i].shape;
        long n = 1;
        for (int d : s) n *= d;
        if (n == kRawLandmarks * 5) m.landmarks = static_cast<int>(i);
        else if (n == 1) m.flag = static_cast<int>(i);
        else if (n == kRawLandmarks * 3) m.world = static_cast<int>(i);
        else if (s.size() == 4 && s[3] == kRawLandmarks) m.heatmap = static_cast<int>(i);
    }
    if (m.landmarks < 0 || m.flag < 0 || m.world < 0)
        return makeError("model " + name + " is not a BlazePose landmark model (expected outputs of 195, 1 and 117 values)");
    return m;
}

struct Smoother {
    // One filter per coordinate; created on first use, dropped on reset.
    std::vector<OneEuroFilter> filters;
    std::vector<float> visibility;
    bool active = false;
    void reset() {
        filters.clear();
        visibility.clear();
        active = false;
    }
};

}  // namespace

struct PoseEstimator::Impl {
    PoseEstimatorOptions options;
    std::string modelName;
    DnnModel detector;
    DnnModel landmarker;
    LandmarkOutputs outs;
    std::vector<Anchor> anchors = poseDetectorAnchors();
    std::optional<PoseRoi> trackedRoi;
    int64_t lastTimestampMs = -1;
    Smoother landmarkSmoother, auxSmoother, worldSmoother;

    Impl(PoseEstimatorOptions o, std::string name, DnnModel det, DnnModel lm, LandmarkOutputs m)
        : options(std::move(o)), modelName(std::move(name)), detector(std::move(det)), landmarker(std::move(lm)),
          outs(m) {}

    void resetTracking() {
        trackedRoi.reset();
        landmarkSmoother.reset();
        auxSmoother.reset();
        worldSmoother.reset();
    }

    // Runs the detector on the whole image; returns the ROI of the largest person, if any. A model
    // that fails to run or gives outputs of the wrong shape is an error, never "no person".
    Expected<std::optional<PoseRoi>> detect(const cv::Mat& rgb, PoseResult& res) {
        auto t0 = std::chrono::steady_clock::now();
        const int W = rgb.cols, H = rgb.rows;
        const float side = static_cast<float>(std::max(W, H));
        cv::Mat input = cropToTensor(rgb, W / 2.0f, H / 2.0f, side, side, 0.0f, kDetectorSize, kDetectorSize, -1.0f,
                                     1.0f, /*zeroBorder=*/true);
        auto out = detector.run(input);
        res.ranDetector = true;
        if (!out) return makeError("the pose detector failed: " + out.error().message);
        if (out->size() < 2)
            return makeError("the pose detector gave " + std::to_string(out->size()) +
                             " outputs, expected boxes and scores");
        const cv::Mat& boxes = (*out)[0].total() >= (*out)[1].total() ? (*out)[0] : (*out)[1];
        const cv::Mat& scores = (*out)[0].total() >= (*out)[1].total() ? (*out)[1] : (*out)[0];
        if (boxes.total() != anchors.size() * 12 || scores.total() != anchors.size())
            return makeError("the pose detector gave " + std::to_string(boxes.total()) + " box values and " +
                             std::to_string(scores.total()) + " scores, expected " +
                             std::to_string(anchors.size() * 12) + " and " + std::to_string(anchors.size()));
        auto dets = weightedNms(decodeDetections(boxes.ptr<float>(), scores.ptr<float>(), anchors,
                                                 options.minDetectionConfidence));
        res.detectorMs = msSince(t0);
        if (dets.empty()) return std::optional<PoseRoi>();
        // Several people: the largest body (hip centre to full-body point distance).
        auto toPx = [&](cv::Point2f p) {
            return cv::Point2f((p.x - 0.5f) * side + W / 2.0f, (p.y - 0.5f) * side + H / 2.0f);
        };
        const Detection* best = nullptr;
        float bestSize = -1;
        for (const Detection& d : dets) {
            cv::Point2f v = toPx(d.keypoints[1]) - toPx(d.keypoints[0]);
            float size = std::hypot(v.x, v.y);
            if (size > bestSize) {
                bestSize = size;
                best = &d;
            }
        }
        return std::optional<PoseRoi>(roiFromPoints(toPx(best->keypoints[0]), toPx(best->keypoints[1])));
    }

    // Runs the landmark model on a ROI. Returns false when no pose is present there; a model that
    // fails to run is an error.
    Expected<bool> landmarks(const cv::Mat& rgb, const PoseRoi& roi, PoseResult& res, std::array<cv::Point2f, 2>& aux) {
        auto t0 = std::chrono::steady_clock::now();
        cv::Mat input = cropToTensor(rgb, roi.cx, roi.cy, roi.size, roi.size, roi.rotation, kLandmarkSize,
                                     kLandmarkSize, 0.0f, 1.0f, /*zeroBorder=*/false);
        auto out = landmarker.run(input);
        res.landmarksMs = msSince(t0);
        if (!out) return makeError("the landmark model failed: " + out.error().message);
        const auto& o = *out;
        const int needed = std::max({outs.flag, outs.landmarks, outs.world, outs.heatmap});
        if (static_cast<int>(o.size()) <= needed)
            return makeError("the landmark model gave " + std::to_string(o.size()) + " outputs, expected " +
                             std::to_string(needed + 1));
        res.score = o[outs.flag].ptr<float>()[0];
        if (!(res.score > options.minTrackingConfidence)) return false;

        const float* raw = o[outs.landmarks].ptr<float>();
        std::vector<cv::Point2f> xy(kRawLandmarks);
        for (int i = 0; i < kRawLandmarks; ++i) xy[i] = {raw[i * 5] / kLandmarkSize, raw[i * 5 + 1] / kLandmarkSize};
        if (outs.heatmap >= 0) {
            const cv::Mat& hm = o[outs.heatmap];
            refineFromHeatmap(xy, hm.ptr<float>(), hm.size[1], hm.size[2], hm.size[3]);
        }
        const float c = std::cos(roi.rotation), s = std::sin(roi.rotation);
        const float W = static_cast<float>(rgb.cols), H = static_cast<float>(rgb.rows);
        auto project = [&](cv::Point2f p) {
            float x = p.x - 0.5f, y = p.y - 0.5f;
            return cv::Point2f((c * x - s * y) * roi.size + roi.cx, (s * x + c * y) * roi.size + roi.cy);
        };
        for (int i = 0; i < kNumPoseLandmarks; ++i) {
            cv::Point2f p = project(xy[i]);
            Landmark& l = res.landmarks[i];
            l.x = p.x / W;
            l.y = p.y / H;
            l.z = raw[i * 5 + 2] / kLandmarkSize * roi.size / W;
            l.visibility = sigmoid(raw[i * 5 + 3]);
            l.presence = sigmoid(raw[i * 5 + 4]);
        }
        aux[0] = project(xy[33]);
        aux[1] = project(xy[34]);
        const float* world = o[outs.world].ptr<float>();
        for (int i = 0; i < kNumPoseLandmarks; ++i) {
            float x = world[i * 3], y = world[i * 3 + 1];
            res.world[i] = {c * x - s * y, s * x + c * y, world[i * 3 + 2]};
        }
        res.roi = roi;
        return true;
    }

    // MediaPipe's pose_landmark_filtering: One Euro in pixels scaled by the object's size for the
    // landmarks and auxiliary points, in metres for world landmarks; visibility low-passed.
    void smooth(PoseResult& res, std::array<cv::Point2f, 2>& aux, int64_t tMs) {
        const int64_t tUs = (tMs + 1) * 1000;  // a zero timestamp would be ignored by the filter
        const float W = static_cast<float>(res.imageWidth), H = static_cast<float>(res.imageHeight);
        const float objectScale = 2.0f * static_cast<float>(cv::norm(aux[1] - aux[0]));
        const double valueScale = objectScale > 1e-6f ? 1.0 / objectScale : 0.0;

        auto ensure = [](Smoother& sm, size_t n, double minCutoff, double beta) {
            if (!sm.active) {
                sm.filters.assign(n, OneEuroFilter(minCutoff, beta, 1.0));
                sm.active = true;
            }
        };
        // Auxiliary points: always smoothed (they steer the next ROI).
        ensure(auxSmoother, 6, 0.01, 10.0);
        if (objectScale > 1e-6f) {
            for (int k = 0; k < 2; ++k) {
                aux[k].x = static_cast<float>(auxSmoother.filters[k * 3].apply(tUs, valueScale, aux[k].x));
                aux[k].y = static_cast<float>(auxSmoother.filters[k * 3 + 1].apply(tUs, valueScale, aux[k].y));
            }
        }
        if (!options.smoothing || options.staticImages) return;

        // Visibility: low-pass with alpha 0.1.
        auto lowpass = [](Smoother& sm, size_t i, float v) {
            if (sm.visibility.size() <= i) sm.visibility.resize(kNumPoseLandmarks, -1.0f);
            float& prev = sm.visibility[i];
            prev = prev < 0 ? v : 0.1f * v + 0.9f * prev;
            return prev;
        };
        ensure(landmarkSmoother, kNumPoseLandmarks * 3, 0.05, 80.0);
        ensure(worldSmoother, kNumPoseLandmarks * 3, 0.1, 40.0);
        if (objectScale > 1e-6f) {
            for (int i = 0; i < kNumPoseLandmarks; ++i) {
                Landmark& l = res.landmarks[i];
                l.visibility = lowpass(landmarkSmoother, i, l.visibility);
                auto& f = landmarkSmoother.filters;
                l.x = static_cast<float>(f[i * 3].apply(tUs, valueScale, l.x * W) / W);
                l.y = static_cast<float>(f[i * 3 + 1].apply(tUs, valueScale, l.y * H) / H);
                l.z = static_cast<float>(f[i * 3 + 2].apply(tUs, valueScale, l.z * W) / W);
            }
        }
        for (int i = 0; i < kNumPoseLandmarks; ++i) {
            WorldLandmark& w = res.world[i];
            auto& f = worldSmoother.filters;
            w.x = static_cast<float>(f[i * 3].apply(tUs, 1.0, w.x));
            w.y = static_cast<float>(f[i * 3 + 1].apply(tUs, 1.0, w.y));
            w.z = static_cast<float>(f[i * 3 + 2].apply(tUs, 1.0, w.z));
        }
    }

    Expected<PoseResult> process(const cv::Mat& bgr, bool track, int64_t tMs) {
        auto t0 = std::chrono::steady_clock::now();
        PoseResult res;
        res.imageWidth = bgr.cols;
        res.imageHeight = bgr.rows;
        if (bgr.empty()) return makeError("pose estimation was given an empty picture");
        if (bgr.type() != CV_8UC3)
            return makeError("pose estimation needs an 8-bit BGR picture (CV_8UC3), was given " +
                             cv::typeToString(bgr.type()) + " " + std::to_string(bgr.cols) + "x" +
                             std::to_string(bgr.rows));
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);

        std::optional<PoseRoi> roi = track ? trackedRoi : std::nullopt;
        auto fail = [&](const Error& e) {
            if (track) resetTracking();
            return e;
        };
        if (!roi) {
            auto d = detect(rgb, res);
            if (!d) return fail(d.error());
            roi = *d;
        }
        std::array<cv::Point2f, 2> aux{};
        bool found = false;
        if (roi) {
            auto l = landmarks(rgb, *roi, res, aux);
            if (!l) return fail(l.error());
            found = *l;
        }
        if (!found) {
            res.person = false;
            res.landmarks = {};
            res.world = {};
            if (track) resetTracking();
            res.totalMs = msSince(t0);
            return res;
        }
        res.person = true;
        if (track) {
            smooth(res, aux, tMs);
            trackedRoi = roiFromPoints(aux[0], aux[1]);
        }
        res.totalMs = msSince(t0);
        return res;
    }
};

Expected<std::unique_ptr<PoseEstimator>> PoseEstimator::create(const PoseEstimatorOptions& o) {
    std::error_code ec;
    fs::path dir = o.modelDir.empty() ? modelDir() : o.modelDir;
    fs::path lmPath;
    std::string name = o.model;
    if (o.model == "lite" || o.model == "full" || o.model == "heavy") {
        lmPath = dir / ("pose_landmark_" + o.model + ".tflite");
    } else {
        lmPath = o.model;
        name = lmPath.filename().string();
    }
    fs::path detPath = o.detectorModel.empty() ? dir / "pose_detection.tflite" : o.detectorModel;
    for (const fs::path& p : {detPath, lmPath})
        if (!fs::exists(p, ec))
            return makeError("model file " + p.string() + " not found (run ./setup.sh to fetch the BlazePose models)");
    if (o.threads > 0) cv::setNumThreads(o.threads);

    LoadOptions detLoad;
    detLoad.threads = o.threads;
    detLoad.backend = o.backend;
    auto det = DnnModel::load(detPath, detLoad);
    if (!det) return makeError("pose detector: " + det.error().message);
    // The segmentation mask is not used: leave its decoder out of the net (about 15% of the work).
    LoadOptions lmLoad;
    lmLoad.threads = o.threads;
    lmLoad.backend = o.backend;
    if (lmPath.extension() != ".onnx") {
        if (auto info = DnnModel::inspectTflite(lmPath)) {
            for (size_t i = 0; i < info->outputs.size(); ++i) {
                const auto& sh = info->outputs[i].shape;
                if (sh.size() == 4 && sh[1] == kLandmarkSize && sh[2] == kLandmarkSize && sh[3] == 1)
                    lmLoad.skipOutputs.push_back(static_cast<int>(i));
            }
        }
    }
    auto lm = DnnModel::load(lmPath, lmLoad);
    if (!lm) return makeError("landmark model: " + lm.error().message);
    const auto& di = det->info();
    if (di.inputs.empty() || di.inputs[0].shape.size() != 4 || di.inputs[0].shape[1] != kDetectorSize)
        return makeError("model " + detPath.string() + " is not the BlazePose detector (expected a 224x224 input)");
    const auto& li = lm->info();
    if (li.inputs.empty() || li.inputs[0].shape.size() != 4 || li.inputs[0].shape[1] != kLandmarkSize)
        return makeError("model " + lmPath.string() + " is not a BlazePose landmark model (expected a 256x256 input)");
    auto outs = mapLandmarkOutputs(li, lmPath.string());
    if (!outs) return outs.error();
    auto impl = std::make_unique<Impl>(o, name, std::move(det).value(), std::move(lm).value(), *outs);
    return std::unique_ptr<PoseEstimator>(new PoseEstimator(std::move(impl)));
}

PoseEstimator::PoseEstimator(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PoseEstimator::~PoseEstimator() = default;

Expected<PoseResult> PoseEstimator::detectImage(const cv::Mat& bgr) { return m_impl->process(bgr, false, 0); }

Expected<PoseResult> PoseEstimator::detectForVideo(const cv::Mat& bgr, int64_t timestampMs) {
    if (m_impl->options.staticImages) return m_impl->process(bgr, false, 0);
    if (timestampMs <= m_impl->lastTimestampMs) m_impl->resetTracking();
    m_impl->lastTimestampMs = timestampMs;
    return m_impl->process(bgr, true, timestampMs);
}

void PoseEstimator::reset() {
    m_impl->resetTracking();
    m_impl->lastTimestampMs = -1;
}

const PoseEstimatorOptions& PoseEstimator::options() const { return m_impl->options; }
std::string PoseEstimator::modelName() const { return m_impl->modelName; }

std::string PoseEstimator::backendSummary() const {
    const ModelInfo& d = m_impl->detector.info();
    const ModelInfo& l = m_impl->landmarker.info();
    std::string s = "detector " + d.backend + ", landmarks " + l.backend + ", " +
                    std::to_string(std::max(d.threads, l.threads)) + " threads";
    for (const ModelInfo* m : {&d, &l})
        if (!m->backendNote.empty()) s += " (" + m->backendNote + ")";
    return s;
}

}  // namespace ptcoach::vision
