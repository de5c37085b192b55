#pragma once
// BlazePose (on XNNPACK, or OpenCV DNN as the fallback), run as MediaPipe runs it: detector ->
// rotated region of interest -> 256x256 landmark model -> heatmap refinement -> projection back to the image; in video the next
// region comes from the last landmarks and the detector runs again only when tracking is lost.
//
// Options struct, failing factory, plain result. Not thread-safe: one estimator per thread (the
// app runs it on the capture worker).
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "ptcoach/core/expected.h"
#include "ptcoach/vision/pose_topology.h"
#include "ptcoach/vision/tflite_model.h"

namespace ptcoach::vision {

struct PoseEstimatorOptions {
    // "lite", "full", "heavy" (files pose_landmark_<name>.tflite in modelDir), or a path to a
    // .tflite/.onnx landmark model.
    std::string model = "full";
    std::filesystem::path modelDir;       // empty: ptcoach::modelDir()
    std::filesystem::path detectorModel;  // empty: <modelDir>/pose_detection.tflite
    bool staticImages = false;            // every image on its own: detector each time, no smoothing
    bool smoothing = true;                // One Euro smoothing of landmarks in video
    float minDetectionConfidence = 0.5f;
    float minTrackingConfidence = 0.5f;   // pose-presence threshold
    int threads = 0;                      // inference threads; 0: the backend's default
    DnnBackend backend = DnnBackend::Auto;  // XNNPACK, or OpenCV (the portable fallback)
};

struct Landmark {
    float x = 0, y = 0;   // normalised to the image, [0,1] inside it (may fall outside)
    float z = 0;          // depth, same scale as x, smaller is nearer the camera; hips ~0
    float visibility = 0; // probability the landmark is visible (not occluded)
    float presence = 0;   // probability the landmark is in the image
};

struct WorldLandmark {
    float x = 0, y = 0, z = 0;  // metres, origin between the hips
};

// A rotated square region in image pixels.
struct PoseRoi {
    float cx = 0, cy = 0;  // centre
    float size = 0;        // side
    float rotation = 0;    // radians, clockwise on screen
};

struct PoseResult {
    bool person = false;   // false: no person found; landmarks are then meaningless
    float score = 0;       // pose-presence score of the landmark model (0 when nothing ran)
    std::array<Landmark, kNumPoseLandmarks> landmarks{};
    std::array<WorldLandmark, kNumPoseLandmarks> world{};
    PoseRoi roi;           // region the landmark model looked at
    bool ranDetector = false;
    double detectorMs = 0, landmarksMs = 0, totalMs = 0;
    int imageWidth = 0, imageHeight = 0;
};

class PoseEstimator {
public:
    // Loads both models. A missing or corrupt model file is an Error naming the file.
    static Expected<std::unique_ptr<PoseEstimator>> create(const PoseEstimatorOptions& options);
    ~PoseEstimator();

    // One image on its own (detector every time, no smoothing). `bgr` is 8-bit BGR. Nobody in
    // the picture is a result with person = false; an empty picture, another pixel format or a
    // model that fails to run is an Error (never "no person").
    Expected<PoseResult> detectImage(const cv::Mat& bgr);
    // The next video frame. Timestamps must increase; a smaller one restarts tracking. Errors as
    // detectImage (tracking restarts after one).
    Expected<PoseResult> detectForVideo(const cv::Mat& bgr, int64_t timestampMs);
    // Forgets the tracked person and smoothing state.
    void reset();

    const PoseEstimatorOptions& options() const;
    std::string modelName() const;  // "full", or the model file's name
    // How the models run, e.g. "detector xnnpack, landmarks xnnpack, 2 threads".
    std::string backendSummary() const;

private:
    struct Impl;
    explicit PoseEstimator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ptcoach::vision
