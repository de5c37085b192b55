#pragma once
// A neural network model (TFLite or ONNX), ready to run.
//
// TFLite: OpenCV 4.6 cannot read .tflite files, so the importer parses the flatbuffer itself
// (bounds-checked). Float32 models with float32, float16 (DEQUANTIZE) or sparse (DENSIFY)
// constant weights are supported. Two backends run it:
// - XNNPACK (the default): the whole model as one XNNPACK subgraph, NHWC as in TFLite;
// - OpenCV: the graph rebuilt with cv::dnn's layers (4D tensors NCHW inside the net), the
//   portable fallback for models with an operator this XNNPACK lacks.
// Either way run() takes the model's NHWC input and returns every output in the TFLite output's
// layout and shape (NHWC for 4D outputs).
//
// ONNX: read with cv::dnn::readNetFromONNX; run() passes inputs and outputs in the ONNX model's
// own layout.
//
// A DnnModel is not thread-safe: use one per thread.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "ptcoach/core/expected.h"

namespace ptcoach::vision {

struct TensorInfo {
    std::string name;
    std::vector<int> shape;  // the model's shape, e.g. {1,256,256,3} (TFLite, NHWC)
};

struct ModelInfo {
    std::string format;  // "tflite" or "onnx"
    std::string backend;      // "xnnpack" or "opencv"
    std::string backendNote;  // why a TFLite model is not on XNNPACK (empty when it is)
    int threads = 1;          // worker threads the backend uses
    std::vector<TensorInfo> inputs, outputs;
    // TFLite: builtin operator name -> count, e.g. {"CONV_2D": 58, ...}. ONNX: empty.
    std::map<std::string, int> opCounts;
    // cv::dnn layer type -> count of the layers built (TFLite on OpenCV) or read (ONNX); for
    // XNNPACK {"xnnpack nodes": n}.
    std::map<std::string, int> layerCounts;
};

enum class DnnBackend {
    Auto,     // XNNPACK when it runs the whole model, else OpenCV; PTCOACH_DNN_BACKEND=opencv or
              // =xnnpack in the environment picks one
    Xnnpack,  // XNNPACK or an error saying why not
    OpenCV,   // cv::dnn
};

struct LoadOptions {
    // TFLite: model outputs (by position) not to compute. The operators that only feed them are
    // left out of the net, and info().outputs and run() then hold only the other outputs, in
    // model order. (E.g. BlazePose's segmentation mask when no mask is wanted.)
    std::vector<int> skipOutputs;
    DnnBackend backend = DnnBackend::Auto;  // TFLite only; ONNX always runs on OpenCV
    // Threads of the XNNPACK backend (one pool per thread count, shared by the process's models);
    // 0: half the cores, at most 4 (so 1 on a 2-core machine, where more stalls under load).
    // The OpenCV backend uses OpenCV's process-wide pool (cv::setNumThreads).
    int threads = 0;
};

class DnnModel {
public:
    static Expected<DnnModel> loadTflite(const std::filesystem::path& path, const LoadOptions& options = {});
    static Expected<DnnModel> loadTfliteFromMemory(const uint8_t* data, size_t size,
                                                   std::string nameForErrors, const LoadOptions& options = {});
    static Expected<DnnModel> loadOnnx(const std::filesystem::path& path);
    // By extension: ".onnx" -> ONNX, anything else is read as TFLite (the file identifier
    // "TFL3" is checked), so MediaPipe's packed assets such as pose_solution_packed_assets.data
    // load too.
    static Expected<DnnModel> load(const std::filesystem::path& path, const LoadOptions& options = {});

    // Lists a TFLite model's inputs, outputs and operators without building a net (works for
    // models with unsupported operators too).
    static Expected<ModelInfo> inspectTflite(const std::filesystem::path& path);

    DnnModel(DnnModel&&) noexcept;
    DnnModel& operator=(DnnModel&&) noexcept;
    DnnModel(const DnnModel&) = delete;
    DnnModel& operator=(const DnnModel&) = delete;
    ~DnnModel();

    const ModelInfo& info() const;

    // Runs the model on its first input. `input` is float32 (CV_32F) data in the model's layout:
    // for a TFLite image input of shape {1,H,W,C} either a 4D Mat of exactly that shape or an
    // H x W image with C channels (CV_32FC(C), e.g. CV_32FC3), or a 4D NCHW blob {1,C,H,W}.
    // Other inputs: any CV_32F Mat with the same number of elements. Returns the outputs in model
    // output order, each a fresh Mat with the TFLite output's shape (e.g. 4D {1,64,64,39}, 3D
    // {1,2254,12}, 2D {1,195}).
    Expected<std::vector<cv::Mat>> run(const cv::Mat& input);
    // Same, one Mat per model input (in model input order) for models with several inputs.
    Expected<std::vector<cv::Mat>> runInputs(const std::vector<cv::Mat>& inputs);

private:
    struct Impl;
    explicit DnnModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ptcoach::vision
