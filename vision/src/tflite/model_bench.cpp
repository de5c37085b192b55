#include "ptcoach/vision/model_bench.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include "tflite/tflite_constants.h"
#include "tflite/tflite_importer.h"
#include "tflite/tflite_reader.h"
#include "tflite/tflite_schema.h"
#include "tflite/xnn_model.h"

namespace ptcoach::vision {

using namespace tflite;
using namespace tflite::schema;

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

bool g_cpuClock = false;

double nowMs() {
    timespec ts{};
    clock_gettime(g_cpuClock ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

template <typename F>
double timeMedian(int runs, F&& f) {
    for (int i = 0; i < 3; ++i) f();
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const double t0 = nowMs();
        f();
        t.push_back(nowMs() - t0);
    }
    return median(t);
}

void fillRandom(float* p, size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(0.f, 1.f);
    for (size_t i = 0; i < n; ++i) p[i] = d(rng);
}

size_t product(const std::vector<int>& s) {
    size_t n = 1;
    for (int d : s) n *= static_cast<size_t>(d);
    return n;
}

// Convolution facts of op (kind, dense and nonzero multiply-adds).
void describeConv(const ModelReader& r, const OperatorDesc& op, const std::vector<int>& producer, LayerTiming& l) {
    const bool dw = op.builtin == DEPTHWISE_CONV_2D;
    const TensorDesc& x = r.tensors[op.inputs[0]];
    const TensorDesc& w = r.tensors[op.inputs[1]];
    const TensorDesc& y = r.tensors[op.outputs[0]];
    OptionsView o = r.options(op);
    const int stride = o.i32(dw ? DepthwiseConv2DOptions::stride_h : Conv2DOptions::stride_h, 1);
    l.kind = (dw ? "dw" : "") + std::to_string(w.shape[1]) + "x" + std::to_string(w.shape[2]) +
             (stride > 1 ? "/" + std::to_string(stride) : "");
    const double outPix = static_cast<double>(y.shape[1]) * y.shape[2];
    const double taps = dw ? static_cast<double>(w.shape[1]) * w.shape[2] * w.shape[3]
                           : static_cast<double>(product(w.shape));
    l.mmacs = outPix * taps / 1e6;
    // Count nonzero weights (through DEQUANTIZE/DENSIFY).
    int t = w.index;
    while (!r.tensors[t].isConstant() && producer[t] >= 0 && !r.ops[producer[t]].inputs.empty())
        t = r.ops[producer[t]].inputs[0];
    if (r.tensors[t].isConstant()) {
        std::vector<float> v = decodeConstant(r.tensors[t], op, true);
        const double nz = static_cast<double>(std::count_if(v.begin(), v.end(), [](float f) { return f != 0.f; }));
        l.nonzeroMmacs = outPix * nz / 1e6;
    } else {
        l.nonzeroMmacs = l.mmacs;
    }
    (void)x;
}

}  // namespace

Expected<ModelTiming> benchModelLayers(const std::filesystem::path& path, const std::vector<int>& skipOutputs,
                                       int runs, int threads, bool cpuClock) {
    g_cpuClock = cpuClock;
    std::ifstream f(path, std::ios::binary);
    if (!f) return makeError(path.string() + ": cannot open model file");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    try {
        ModelReader r(bytes.data(), bytes.size());
        ModelTiming res;
        res.model = path.filename().string();
        res.threads = threads;
        std::vector<int> kept;
        const std::vector<char> needed = neededOperators(r, skipOutputs, kept);
        std::vector<int> producer(r.tensors.size(), -1);
        for (size_t k = 0; k < r.ops.size(); ++k)
            for (int t : r.ops[k].outputs)
                if (t >= 0) producer[t] = static_cast<int>(k);

        // Whole model, XNNPACK.
        XnnOptions xo;
        xo.threads = threads;
        auto whole = XnnModel::build(r, skipOutputs, xo);
        for (size_t i = 0; i < whole->inputs().size(); ++i)
            fillRandom(whole->input(i), product(whole->inputs()[i].shape), 7 + static_cast<unsigned>(i));
        res.xnnpackMs = timeMedian(runs, [&] { whole->run(); });

        // Whole model, OpenCV, with its per-layer profile.
        cv::setNumThreads(threads);
        ImportResult imp = importModel(r, skipOutputs);
        for (const ImportedTensor& in : imp.inputs) {
            std::vector<int> s = in.nchwInNet ? std::vector<int>{in.shape[0], in.shape[3], in.shape[1], in.shape[2]}
                                              : in.shape;
            cv::Mat m(s, CV_32F);
            fillRandom(m.ptr<float>(), m.total(), 7);
            imp.net.setInput(m, in.name);
        }
        std::vector<cv::String> outNames;
        for (const ImportedTensor& o : imp.outputs) outNames.push_back(o.layerName);
        std::vector<cv::Mat> outs;
        std::vector<std::vector<double>> layerRuns;
        std::vector<cv::String> layerNames = imp.net.getLayerNames();
        res.opencvMs = timeMedian(runs, [&] {
            imp.net.forward(outs, outNames);
            std::vector<double> t;
            imp.net.getPerfProfile(t);
            layerRuns.push_back(t);
        });
        const double tickMs = 1000.0 / cv::getTickFrequency();
        std::map<int, std::vector<double>> opencvByOp;  // op -> per-run sums
        std::vector<double> other(layerRuns.size(), 0.0);
        for (size_t run = 0; run < layerRuns.size(); ++run) {
            std::map<int, double> sums;
            for (size_t i = 0; i < layerRuns[run].size() && i < layerNames.size(); ++i) {
                const std::string& n = layerNames[i];
                const double ms = layerRuns[run][i] * tickMs;
                if (n.rfind("op", 0) == 0 && n.size() > 2 && std::isdigit(static_cast<unsigned char>(n[2])))
                    sums[std::stoi(n.substr(2))] += ms;
                else
                    other[run] += ms;
            }
            for (auto& [k, v] : sums) opencvByOp[k].push_back(v);
        }
        res.opencvOtherMs = median(other);

        // Each operator alone on XNNPACK (with the zero PAD it folds, if any).
        for (size_t k = 0; k < r.ops.size(); ++k) {
            const OperatorDesc& op = r.ops[k];
            if (!needed[k] || op.builtin == DEQUANTIZE || op.builtin == DENSIFY) continue;
            LayerTiming l;
            l.op = op.index;
            l.name = op.opName();
            l.shape = shapeToString(r.tensors[op.inputs[0]].shape) + "->" +
                      shapeToString(r.tensors[op.outputs[0]].shape);
            std::vector<int> slice = {static_cast<int>(k)};
            if (op.builtin == CONV_2D || op.builtin == DEPTHWISE_CONV_2D) {
                describeConv(r, op, producer, l);
                const int p = producer[op.inputs[0]];
                if (p >= 0 && (r.ops[p].builtin == PAD || r.ops[p].builtin == PADV2)) slice.insert(slice.begin(), p);
            }
            if (op.builtin == PAD || op.builtin == PADV2) {
                // Folded into every consumer that is a convolution: timed with it.
                bool allConv = true;
                for (size_t c = 0; c < r.ops.size(); ++c)
                    for (int in : r.ops[c].inputs)
                        if (needed[c] && in == op.outputs[0] && r.ops[c].builtin != CONV_2D &&
                            r.ops[c].builtin != DEPTHWISE_CONV_2D)
                            allConv = false;
                if (allConv) continue;
            }
            auto it = opencvByOp.find(op.index);
            if (it != opencvByOp.end()) l.opencvMs = median(it->second);
            if (slice.size() > 1) {
                auto pit = opencvByOp.find(r.ops[slice[0]].index);
                if (pit != opencvByOp.end()) l.opencvMs += median(pit->second);
            }
            if (op.builtin == CONCATENATION) {  // done after the run on XNNPACK
                res.layers.push_back(l);
                continue;
            }
            XnnOptions so = xo;
            so.onlyOps = slice;
            auto m = XnnModel::build(r, {}, so);
            for (size_t i = 0; i < m->inputs().size(); ++i)
                fillRandom(m->input(i), product(m->inputs()[i].shape), 11 + static_cast<unsigned>(i));
            l.xnnpackMs = timeMedian(runs, [&] { m->run(); });
            res.layers.push_back(l);
        }
        return res;
    } catch (const std::exception& e) {
        return makeError(path.string() + ": " + e.what());
    }
}

}  // namespace ptcoach::vision
