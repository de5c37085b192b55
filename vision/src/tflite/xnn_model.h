#pragma once
// A TFLite model run as one XNNPACK subgraph (Debian's libxnnpack, Google's CPU kernels, the ones
// MediaPipe's own runtime uses). TFLite and XNNPACK share the NHWC layout and the weight
// layouts, so tensors and weights go across unchanged; zero PADs are folded into the following
// convolution, DEQUANTIZE and DENSIFY are folded into constants, and a CONCATENATION that only
// makes a model output is done after the subgraph runs. With sparse inference on, XNNPACK runs
// the NCHW-compatible part of a model (MediaPipe's detector: its backbone up to the
// DEPTH_TO_SPACE outputs) with sparse 1x1 kernels.
//
// Models with an operator or form this XNNPACK release lacks (e.g. TANH, RESIZE_NEAREST_NEIGHBOR,
// CONCATENATION inside the graph) are reported as unsupported; DnnModel then uses the cv::dnn
// importer.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tflite/tflite_importer.h"
#include "tflite/tflite_reader.h"

namespace ptcoach::vision::tflite {

// This XNNPACK cannot run the model (as opposed to ImportError: the model is malformed).
struct XnnUnsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct XnnOptions {
    int threads = 1;     // 1: the caller's thread only
    bool sparse = true;  // XNN_FLAG_HINT_SPARSE_INFERENCE
    // Build only these operators (by position; empty: all the kept outputs need); their
    // inputs that come from other operators become model inputs. For per-layer benchmarks.
    std::vector<int> onlyOps;
};

class XnnModel {
public:
    // Throws XnnUnsupported or ImportError.
    static std::unique_ptr<XnnModel> build(const ModelReader& model, const std::vector<int>& skipOutputs,
                                           const XnnOptions& options);
    ~XnnModel();
    XnnModel(const XnnModel&) = delete;
    XnnModel& operator=(const XnnModel&) = delete;

    const std::vector<ImportedTensor>& inputs() const { return m_inputs; }
    const std::vector<ImportedTensor>& outputs() const { return m_outputs; }
    // Input i's buffer (TFLite layout, as many floats as its shape holds): fill it, then run().
    float* input(size_t i) { return m_inBuf[i].data(); }
    // Throws ImportError if XNNPACK fails.
    void run();
    // Output i (TFLite layout) after run().
    const float* output(size_t i) const;
    size_t nodeCount() const { return m_nodes; }

    struct Impl;

private:
    XnnModel() = default;
    friend class XnnBuilder;
    std::vector<ImportedTensor> m_inputs, m_outputs;
    std::vector<std::vector<float>> m_inBuf;  // each with XNN_EXTRA_BYTES of slack
    std::unique_ptr<Impl> m_impl;
    size_t m_nodes = 0;
};

// Whether XNNPACK initialises on this processor (once per process). False with a reason on an
// x86 without SSE2, or if the library is missing its hardware support.
bool xnnAvailable(std::string* why = nullptr);

}  // namespace ptcoach::vision::tflite
