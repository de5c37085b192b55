#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include "ptcoach/vision/tflite_model.h"
#include "tflite/onnx_info.h"
#include "tflite/tflite_importer.h"
#include "tflite/tflite_reader.h"
#include "tflite/xnn_model.h"

namespace ptcoach::vision {

namespace {

std::string shapeStr(const std::vector<int>& s) { return tflite::shapeToString(s); }

std::string describeMat(const cv::Mat& m) {
    std::ostringstream s;
    s << m.dims << "D ";
    for (int i = 0; i < m.dims; ++i) s << (i ? "x" : "") << m.size[i];
    static const char* depths[] = {"CV_8U", "CV_8S", "CV_16U", "CV_16S", "CV_32S", "CV_32F",
                                   "CV_64F", "CV_16F"};
    s << " " << depths[m.depth()] << " with " << m.channels() << " channel(s)";
    return s.str();
}

Expected<std::vector<uint8_t>> readFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return makeError(path.string() + ": model file not found");
    std::ifstream f(path, std::ios::binary);
    if (!f) return makeError(path.string() + ": cannot open model file");
    f.seekg(0, std::ios::end);
    const std::streamoff n = f.tellg();
    f.seekg(0, std::ios::beg);
    if (n < 0) return makeError(path.string() + ": cannot read model file");
    std::vector<uint8_t> bytes(static_cast<size_t>(n));
    if (n > 0 && !f.read(reinterpret_cast<char*>(bytes.data()), n))
        return makeError(path.string() + ": read error");
    return bytes;
}

}  // namespace

struct DnnModel::Impl {
    std::string name;  // for error messages
    ModelInfo info;
    cv::dnn::Net net;
    std::unique_ptr<tflite::XnnModel> xnn;  // set when the model runs on XNNPACK
    bool tflite = true;
    std::vector<tflite::ImportedTensor> inputs, outputs;  // TFLite layout facts
    std::vector<std::string> outNames;
    std::vector<cv::Mat> netOuts;

    Expected<cv::Mat> prepareInput(const cv::Mat& m, size_t i) const {
        const tflite::ImportedTensor& spec = inputs[i];
        const std::vector<int>& s = spec.shape;
        auto err = [&](const std::string& why) {
            return makeError(name + ": input '" + spec.name + "' (TFLite shape " + shapeStr(s) +
                             "): " + why + "; got " + describeMat(m));
        };
        if (m.empty()) return err("empty input");
        if (m.depth() != CV_32F) return err("expects float32 (CV_32F) data");
        if (!tflite || !spec.nchwInNet) {
            // ONNX, or a non-4D TFLite input: same element count, reshaped to the model shape.
            size_t want = 1;
            bool known = true;
            for (int d : s) {
                if (d < 0) known = false;
                else want *= static_cast<size_t>(d);
            }
            if (!tflite && m.dims == 4 && m.channels() == 1) return m;  // a ready NCHW blob
            if (!tflite && m.dims == 2 && s.size() == 4) {
                // An image: to the model's layout (channels first if shape[1] == channels).
                if (s[1] == m.channels() || s[1] < 0) return cv::dnn::blobFromImage(m);
                cv::Mat c = m.isContinuous() ? m : m.clone();
                return c.reshape(1, std::vector<int>{1, m.rows, m.cols, m.channels()});
            }
            if (known && m.total() * m.channels() != want)
                return err("expects " + std::to_string(want) + " values");
            cv::Mat c = m.isContinuous() ? m : m.clone();
            std::vector<int> dims = s;
            if (!known || dims.empty()) return c;
            if (dims.size() == 1) dims.insert(dims.begin(), 1);
            return c.reshape(1, dims);
        }
        const int n = s[0], h = s[1], w = s[2], c = s[3];
        cv::Mat blob;
        auto fromNhwc = [&](const cv::Mat& src, int batch) {
            blob.create(std::vector<int>{n, c, h, w}, CV_32F);
            std::vector<cv::Mat> planes(c);
            for (int k = 0; k < c; ++k)
                planes[k] = cv::Mat(h, w, CV_32F, blob.ptr<float>(batch, k));
            cv::split(src, planes);
        };
        if (m.dims == 4 && m.channels() == 1 && m.size[0] == n && m.size[1] == h &&
            m.size[2] == w && m.size[3] == c) {
            cv::Mat cont = m.isContinuous() ? m : m.clone();
            blob.create(std::vector<int>{n, c, h, w}, CV_32F);
            for (int b = 0; b < n; ++b) {
                cv::Mat hwc(h, w, CV_32FC(c),
                            const_cast<float*>(cont.ptr<float>()) + static_cast<size_t>(b) * h * w * c);
                std::vector<cv::Mat> planes(c);
                for (int k = 0; k < c; ++k)
                    planes[k] = cv::Mat(h, w, CV_32F, blob.ptr<float>(b, k));
                cv::split(hwc, planes);
            }
            return blob;
        }
        if (m.dims == 2 && n == 1 && m.rows == h && m.cols == w && m.channels() == c) {
            fromNhwc(m, 0);
            return blob;
        }
        if (m.dims == 4 && m.channels() == 1 && m.size[0] == n && m.size[1] == c &&
            m.size[2] == h && m.size[3] == w)
            return m;  // already an NCHW blob
        return err("expects a " + std::to_string(w) + "x" + std::to_string(h) + " image with " +
                   std::to_string(c) + " channels (CV_32FC" + std::to_string(c) +
                   "), a 4D NHWC Mat " + shapeStr(s) + " or a 4D NCHW blob");
    }

    // Copies input i into XNNPACK's buffer in TFLite (NHWC) order; takes the same forms as
    // prepareInput.
    Status fillXnnInput(const cv::Mat& m, size_t i) {
        const tflite::ImportedTensor& spec = inputs[i];
        const std::vector<int>& s = spec.shape;
        auto err = [&](const std::string& why) {
            return makeError(name + ": input '" + spec.name + "' (TFLite shape " + shapeStr(s) +
                             "): " + why + "; got " + describeMat(m));
        };
        if (m.empty()) return err("empty input");
        if (m.depth() != CV_32F) return err("expects float32 (CV_32F) data");
        size_t want = 1;
        for (int d : s) want *= static_cast<size_t>(d);
        float* dst = xnn->input(i);
        const cv::Mat c = m.isContinuous() ? m : m.clone();
        if (s.size() == 4) {
            const int n = s[0], h = s[1], w = s[2], ch = s[3];
            const bool image = m.dims == 2 && n == 1 && m.rows == h && m.cols == w && m.channels() == ch;
            const bool nhwc = m.dims == 4 && m.channels() == 1 && m.size[0] == n && m.size[1] == h &&
                              m.size[2] == w && m.size[3] == ch;
            const bool nchw = m.dims == 4 && m.channels() == 1 && m.size[0] == n && m.size[1] == ch &&
                              m.size[2] == h && m.size[3] == w;
            if (image || nhwc) {
                std::memcpy(dst, c.ptr<float>(), want * sizeof(float));
                return Status::success();
            }
            if (nchw) {  // a blobFromImage-style blob: interleave the planes
                for (int b = 0; b < n; ++b) {
                    std::vector<cv::Mat> planes(ch);
                    for (int k = 0; k < ch; ++k)
                        planes[k] = cv::Mat(h, w, CV_32F, const_cast<float*>(c.ptr<float>()) +
                                                              (static_cast<size_t>(b) * ch + k) * h * w);
                    cv::Mat hwc(h, w, CV_32FC(ch), dst + static_cast<size_t>(b) * h * w * ch);
                    cv::merge(planes, hwc);
                }
                return Status::success();
            }
            return err("expects a " + std::to_string(w) + "x" + std::to_string(h) + " image with " +
                       std::to_string(ch) + " channels (CV_32FC" + std::to_string(ch) + "), a 4D NHWC Mat " +
                       shapeStr(s) + " or a 4D NCHW blob");
        }
        if (c.total() * c.channels() != want) return err("expects " + std::to_string(want) + " values");
        std::memcpy(dst, c.ptr<float>(), want * sizeof(float));
        return Status::success();
    }

    cv::Mat xnnOutput(size_t i) const {
        std::vector<int> dims = outputs[i].shape;
        if (dims.empty()) dims = {1};
        if (dims.size() == 1) dims.insert(dims.begin(), 1);
        cv::Mat res(dims, CV_32F);
        std::memcpy(res.ptr<float>(), xnn->output(i), res.total() * sizeof(float));
        return res;
    }

    Expected<cv::Mat> convertOutput(const cv::Mat& out, size_t i) const {
        if (!tflite) return out.clone();
        const tflite::ImportedTensor& spec = outputs[i];
        const std::vector<int>& s = spec.shape;
        size_t want = 1;
        for (int d : s) want *= static_cast<size_t>(d);
        if (out.total() != want || out.depth() != CV_32F)
            return makeError(name + ": output '" + spec.name + "' has " +
                             std::to_string(out.total()) + " values, expected shape " +
                             shapeStr(s));
        if (spec.nchwInNet && s[3] > 1) {
            const int n = s[0], h = s[1], w = s[2], c = s[3];
            cv::Mat res(s, CV_32F);
            cv::Mat src = out.isContinuous() ? out : out.clone();
            for (int b = 0; b < n; ++b) {
                std::vector<cv::Mat> planes(c);
                for (int k = 0; k < c; ++k)
                    planes[k] = cv::Mat(h, w, CV_32F,
                                        const_cast<float*>(src.ptr<float>()) +
                                            (static_cast<size_t>(b) * c + k) * h * w);
                cv::Mat hwc(h, w, CV_32FC(c), res.ptr<float>() + static_cast<size_t>(b) * h * w * c);
                cv::merge(planes, hwc);
            }
            return res;
        }
        std::vector<int> dims = s;
        if (dims.empty()) dims = {1};
        if (dims.size() == 1) dims.insert(dims.begin(), 1);
        cv::Mat res(dims, CV_32F);
        cv::Mat src = out.isContinuous() ? out : out.clone();
        std::memcpy(res.ptr<float>(), src.ptr<float>(), want * sizeof(float));
        return res;
    }
};

DnnModel::DnnModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DnnModel::DnnModel(DnnModel&&) noexcept = default;
DnnModel& DnnModel::operator=(DnnModel&&) noexcept = default;
DnnModel::~DnnModel() = default;

const ModelInfo& DnnModel::info() const { return m_impl->info; }

namespace {

DnnBackend backendFromEnvironment(DnnBackend requested) {
    if (requested != DnnBackend::Auto) return requested;
    const char* e = std::getenv("PTCOACH_DNN_BACKEND");
    if (!e || !*e) return DnnBackend::Auto;
    const std::string v = e;
    if (v == "opencv") return DnnBackend::OpenCV;
    if (v == "xnnpack") return DnnBackend::Xnnpack;
    return DnnBackend::Auto;
}

// XNNPACK's pool (pthreadpool) waits for every worker at the end of each of the ~150 operators
// of a run. When the machine has more runnable threads than cores, a worker that is not
// scheduled stalls the run: on this 2-core machine under a load average of 18, `full` took 324 ms
// a frame with 2 threads against 31 ms with 1. So half the cores, at most 4, and on two cores
// one thread (the app's own UI and capture threads need the other).
int defaultThreads() {
    const unsigned hw = std::thread::hardware_concurrency();
    return static_cast<int>(std::clamp(hw / 2, 1u, 4u));
}

}  // namespace

Expected<DnnModel> DnnModel::loadTfliteFromMemory(const uint8_t* data, size_t size,
                                                  std::string nameForErrors, const LoadOptions& options) {
    const DnnBackend backend = backendFromEnvironment(options.backend);
    try {
        tflite::ModelReader reader(data, size);
        auto impl = std::make_unique<Impl>();
        impl->name = nameForErrors;
        impl->tflite = true;
        impl->info.format = "tflite";
        for (auto& op : reader.ops) impl->info.opCounts[op.opName()]++;
        std::string note;
        if (backend != DnnBackend::OpenCV) {
            tflite::XnnOptions xo;
            xo.threads = options.threads > 0 ? options.threads : defaultThreads();
            try {
                impl->xnn = tflite::XnnModel::build(reader, options.skipOutputs, xo);
                impl->inputs = impl->xnn->inputs();
                impl->outputs = impl->xnn->outputs();
                impl->info.backend = "xnnpack";
                impl->info.threads = xo.threads;
                impl->info.layerCounts["xnnpack nodes"] = static_cast<int>(impl->xnn->nodeCount());
            } catch (const tflite::XnnUnsupported& e) {
                if (backend == DnnBackend::Xnnpack)
                    return makeError(nameForErrors + ": cannot run on XNNPACK: " + e.what());
                note = e.what();
            } catch (const tflite::ImportError& e) {
                // Malformed: the OpenCV importer below reports it in its own words.
                if (backend == DnnBackend::Xnnpack) return makeError(nameForErrors + ": " + e.what());
                note = e.what();
            }
        }
        if (!impl->xnn) {
            tflite::ImportResult r = tflite::importModel(reader, options.skipOutputs);
            impl->net = r.net;
            impl->inputs = r.inputs;
            impl->outputs = r.outputs;
            impl->info.backend = "opencv";
            impl->info.backendNote = note;
            impl->info.threads = cv::getNumThreads();
            impl->info.layerCounts = r.layerCounts;
            for (auto& t : r.outputs) impl->outNames.push_back(t.layerName);
        }
        for (auto& t : impl->inputs) impl->info.inputs.push_back({t.name, t.shape});
        for (auto& t : impl->outputs) impl->info.outputs.push_back({t.name, t.shape});
        return DnnModel(std::move(impl));
    } catch (const cv::Exception& e) {
        return makeError(nameForErrors + ": OpenCV rejected the imported net: " + e.what());
    } catch (const std::bad_alloc&) {
        return makeError(nameForErrors + ": out of memory while importing the model");
    } catch (const std::exception& e) {
        return makeError(nameForErrors + ": " + e.what());
    }
}

Expected<DnnModel> DnnModel::loadTflite(const std::filesystem::path& path, const LoadOptions& options) {
    auto bytes = readFile(path);
    if (!bytes) return bytes.error();
    return loadTfliteFromMemory(bytes->data(), bytes->size(), path.string(), options);
}

Expected<ModelInfo> DnnModel::inspectTflite(const std::filesystem::path& path) {
    auto bytes = readFile(path);
    if (!bytes) return bytes.error();
    try {
        tflite::ModelReader reader(bytes->data(), bytes->size());
        ModelInfo info;
        info.format = "tflite";
        for (int t : reader.inputs)
            info.inputs.push_back({reader.tensors[t].name, reader.tensors[t].shape});
        for (int t : reader.outputs)
            info.outputs.push_back({reader.tensors[t].name, reader.tensors[t].shape});
        for (auto& op : reader.ops) info.opCounts[op.opName()]++;
        return info;
    } catch (const std::exception& e) {
        return makeError(path.string() + ": " + e.what());
    }
}

Expected<DnnModel> DnnModel::loadOnnx(const std::filesystem::path& path) {
    auto bytes = readFile(path);
    if (!bytes) return bytes.error();
    const std::string name = path.string();
    try {
        onnx::GraphIo io = onnx::readGraphIo(bytes->data(), bytes->size());
        cv::dnn::Net net = cv::dnn::readNetFromONNX(
            reinterpret_cast<const char*>(bytes->data()), bytes->size());
        if (net.empty()) return makeError(name + ": OpenCV could not read the ONNX model");
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        auto impl = std::make_unique<Impl>();
        impl->name = name;
        impl->tflite = false;
        impl->info.format = "onnx";
        impl->info.backend = "opencv";
        impl->info.threads = cv::getNumThreads();
        for (auto& v : io.inputs) {
            impl->info.inputs.push_back({v.name, v.shape});
            impl->inputs.push_back({v.name, v.shape, false, {}});
        }
        bool allNamed = !io.outputs.empty();
        for (auto& v : io.outputs) {
            impl->info.outputs.push_back({v.name, v.shape});
            if (net.getLayerId(v.name) < 0) allNamed = false;
        }
        if (allNamed) {
            for (auto& v : io.outputs) impl->outNames.push_back(v.name);
        } else {
            for (auto& n : net.getUnconnectedOutLayersNames()) impl->outNames.push_back(n);
        }
        std::vector<cv::String> types;
        net.getLayerTypes(types);
        for (auto& t : types) impl->info.layerCounts[t] = net.getLayersCount(t);
        impl->net = net;
        return DnnModel(std::move(impl));
    } catch (const cv::Exception& e) {
        return makeError(name + ": OpenCV could not read the ONNX model: " + e.what());
    } catch (const std::exception& e) {
        return makeError(name + ": " + e.what());
    }
}

Expected<DnnModel> DnnModel::load(const std::filesystem::path& path, const LoadOptions& options) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".onnx") return loadOnnx(path);
    return loadTflite(path, options);
}

Expected<std::vector<cv::Mat>> DnnModel::run(const cv::Mat& input) {
    return runInputs(std::vector<cv::Mat>{input});
}

Expected<std::vector<cv::Mat>> DnnModel::runInputs(const std::vector<cv::Mat>& in) {
    Impl& d = *m_impl;
    if (in.size() != d.inputs.size())
        return makeError(d.name + ": the model has " + std::to_string(d.inputs.size()) +
                         " input(s), got " + std::to_string(in.size()));
    try {
        if (d.xnn) {
            for (size_t i = 0; i < in.size(); ++i) {
                Status ok = d.fillXnnInput(in[i], i);
                if (!ok) return makeError(ok.message());
            }
            d.xnn->run();
            std::vector<cv::Mat> outs;
            outs.reserve(d.outputs.size());
            for (size_t i = 0; i < d.outputs.size(); ++i) outs.push_back(d.xnnOutput(i));
            return outs;
        }
        for (size_t i = 0; i < in.size(); ++i) {
            auto blob = d.prepareInput(in[i], i);
            if (!blob) return blob.error();
            d.net.setInput(*blob, d.inputs[i].name);
        }
        d.net.forward(d.netOuts, std::vector<cv::String>(d.outNames.begin(), d.outNames.end()));
        if (d.netOuts.size() != d.outNames.size())
            return makeError(d.name + ": the net returned " + std::to_string(d.netOuts.size()) +
                             " outputs, expected " + std::to_string(d.outNames.size()));
        std::vector<cv::Mat> outs;
        outs.reserve(d.netOuts.size());
        for (size_t i = 0; i < d.netOuts.size(); ++i) {
            auto o = d.convertOutput(d.netOuts[i], i);
            if (!o) return o.error();
            outs.push_back(std::move(*o));
        }
        return outs;
    } catch (const cv::Exception& e) {
        return makeError(d.name + ": inference failed in OpenCV: " + e.what());
    } catch (const std::exception& e) {
        return makeError(d.name + ": inference failed: " + e.what());
    }
}

}  // namespace ptcoach::vision
