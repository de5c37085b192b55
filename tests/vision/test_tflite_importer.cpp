// Tests of the TFLite importer: tiny hand-built .tflite flatbuffers, one per op, checked against
// plain reference loops; error handling; ONNX loading; and (with PTCOACH_MODEL_DIR) the real
// BlazePose models. Each runs on the default backend (XNNPACK where it runs the model); CTest runs
// the whole binary a second time with PTCOACH_DNN_BACKEND=opencv, and the convolution tests and
// the real-model comparison run both backends themselves.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <flatbuffers/flatbuffers.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "ptcoach/vision/tflite_model.h"
#include "ptcoach/core/paths.h"
#include "test_support.h"

using ptcoach::vision::DnnModel;

namespace {

namespace fb = flatbuffers;
constexpr fb::voffset_t vt(int id) { return static_cast<fb::voffset_t>(4 + 2 * id); }

// TFLite enum values used here (schema.fbs).
enum Op {
    ADD = 0, CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, DEPTH_TO_SPACE = 5,
    DEQUANTIZE = 6, LOGISTIC = 14, MAX_POOL_2D = 17, MUL = 18, RESHAPE = 22, RESIZE_BILINEAR = 23,
    TANH = 28, CUSTOM = 32, PAD = 34, SQRT = 75, DENSIFY = 124
};
enum Type { FLOAT32 = 0, FLOAT16 = 1, INT32 = 2 };
enum Act { NONE = 0, RELU = 1, RELU6 = 3 };

// One field of an options table.
struct F {
    int id;
    enum Kind { I8, I32, BOOL } kind;
    int value;
};

// A tiny TFLite model built with FlatBufferBuilder's low-level table API.
struct ModelBuilder {
    struct Sparse {
        std::vector<int> traversal, blockMap;
        struct Dim { int format, denseSize; int segType; std::vector<int> segments; int idxType; std::vector<int> indices; };
        std::vector<Dim> dims;
    };
    struct Tensor {
        std::string name;
        std::vector<int> shape;
        int type = FLOAT32;
        std::vector<uint8_t> data;
        bool hasData = false;
        std::shared_ptr<Sparse> sparse;
    };
    struct Operator {
        int code;
        std::string custom;
        std::vector<int> in, out;
        int optType = 0;
        std::vector<F> opts;
        std::vector<int> newShape;  // RESHAPE options
    };
    std::vector<Tensor> tensors;
    std::vector<Operator> ops;
    std::vector<int> inputs, outputs;

    int tensor(const std::string& name, std::vector<int> shape, int type = FLOAT32) {
        tensors.push_back({name, std::move(shape), type, {}, false, nullptr});
        return static_cast<int>(tensors.size()) - 1;
    }
    int input(const std::string& name, std::vector<int> shape) {
        int t = tensor(name, std::move(shape));
        inputs.push_back(t);
        return t;
    }
    template <typename T>
    int constant(const std::string& name, std::vector<int> shape, const std::vector<T>& values,
                 int type) {
        int t = tensor(name, std::move(shape), type);
        tensors[t].data.resize(values.size() * sizeof(T));
        std::memcpy(tensors[t].data.data(), values.data(), tensors[t].data.size());
        tensors[t].hasData = true;
        return t;
    }
    int constF(const std::string& name, std::vector<int> shape, const std::vector<float>& v) {
        return constant(name, std::move(shape), v, FLOAT32);
    }
    int constI(const std::string& name, std::vector<int> shape, const std::vector<int32_t>& v) {
        return constant(name, std::move(shape), v, INT32);
    }
    void op(int code, std::vector<int> in, std::vector<int> out, int optType = 0,
            std::vector<F> opts = {}) {
        ops.push_back({code, "", std::move(in), std::move(out), optType, std::move(opts), {}});
    }

    std::vector<uint8_t> finish() const {
        fb::FlatBufferBuilder b;
        auto table = [&](const std::vector<F>& fields) {
            auto start = b.StartTable();
            for (const F& f : fields) {
                if (f.kind == F::I32) b.AddElement<int32_t>(vt(f.id), f.value, 0);
                else b.AddElement<int8_t>(vt(f.id), static_cast<int8_t>(f.value), 0);
            }
            return b.EndTable(start);
        };
        // Buffers: #0 is the empty sentinel.
        std::vector<fb::Offset<void>> buffers;
        buffers.push_back(fb::Offset<void>(b.EndTable(b.StartTable())));
        std::vector<uint32_t> bufferOf(tensors.size(), 0);
        for (size_t i = 0; i < tensors.size(); ++i) {
            if (!tensors[i].hasData) continue;
            b.ForceVectorAlignment(tensors[i].data.size(), 1, 16);
            auto data = b.CreateVector(tensors[i].data);
            auto start = b.StartTable();
            b.AddOffset(vt(0), data);
            bufferOf[i] = static_cast<uint32_t>(buffers.size());
            buffers.push_back(fb::Offset<void>(b.EndTable(start)));
        }
        auto indexVector = [&](int type, const std::vector<int>& v) -> fb::Offset<void> {
            if (type == 0) return 0;
            fb::Offset<void> values;
            if (type == 1) values = b.CreateVector(v).Union();
            if (type == 2) values = b.CreateVector(std::vector<uint16_t>(v.begin(), v.end())).Union();
            if (type == 3) values = b.CreateVector(std::vector<uint8_t>(v.begin(), v.end())).Union();
            auto start = b.StartTable();
            b.AddOffset(vt(0), values);
            return fb::Offset<void>(b.EndTable(start));
        };
        std::vector<fb::Offset<void>> tensorOffs;
        for (size_t i = 0; i < tensors.size(); ++i) {
            const Tensor& t = tensors[i];
            auto name = b.CreateString(t.name);
            auto shape = b.CreateVector(t.shape);
            fb::Offset<void> sparsity = 0;
            if (t.sparse) {
                std::vector<fb::Offset<void>> dims;
                for (auto& d : t.sparse->dims) {
                    auto seg = indexVector(d.segType, d.segments);
                    auto idx = indexVector(d.idxType, d.indices);
                    auto start = b.StartTable();
                    b.AddElement<int8_t>(vt(0), static_cast<int8_t>(d.format), 0);
                    b.AddElement<int32_t>(vt(1), d.denseSize, 0);
                    b.AddElement<uint8_t>(vt(2), static_cast<uint8_t>(d.segType), 0);
                    b.AddOffset(vt(3), seg);
                    b.AddElement<uint8_t>(vt(4), static_cast<uint8_t>(d.idxType), 0);
                    b.AddOffset(vt(5), idx);
                    dims.push_back(fb::Offset<void>(b.EndTable(start)));
                }
                auto trav = b.CreateVector(t.sparse->traversal);
                auto bm = b.CreateVector(t.sparse->blockMap);
                auto dm = b.CreateVector(dims);
                auto start = b.StartTable();
                b.AddOffset(vt(0), trav);
                b.AddOffset(vt(1), bm);
                b.AddOffset(vt(2), dm);
                sparsity = fb::Offset<void>(b.EndTable(start));
            }
            auto start = b.StartTable();
            b.AddOffset(vt(0), shape);
            b.AddElement<int8_t>(vt(1), static_cast<int8_t>(t.type), 0);
            b.AddElement<uint32_t>(vt(2), bufferOf[i], 0);
            b.AddOffset(vt(3), name);
            b.AddOffset(vt(6), sparsity);
            tensorOffs.push_back(fb::Offset<void>(b.EndTable(start)));
        }
        // Operator codes: one per distinct (code, custom).
        std::vector<std::pair<int, std::string>> codes;
        std::vector<fb::Offset<void>> opOffs;
        for (const Operator& o : ops) {
            auto key = std::make_pair(o.code, o.custom);
            auto it = std::find(codes.begin(), codes.end(), key);
            uint32_t ci = static_cast<uint32_t>(it - codes.begin());
            if (it == codes.end()) codes.push_back(key);
            fb::Offset<void> opts = 0;
            if (!o.newShape.empty()) {
                auto ns = b.CreateVector(o.newShape);
                auto start = b.StartTable();
                b.AddOffset(vt(0), ns);
                opts = fb::Offset<void>(b.EndTable(start));
            } else if (!o.opts.empty()) {
                opts = fb::Offset<void>(table(o.opts));
            }
            auto in = b.CreateVector(o.in);
            auto out = b.CreateVector(o.out);
            auto start = b.StartTable();
            b.AddElement<uint32_t>(vt(0), ci, 0);
            b.AddOffset(vt(1), in);
            b.AddOffset(vt(2), out);
            b.AddElement<uint8_t>(vt(3), static_cast<uint8_t>(o.optType), 0);
            b.AddOffset(vt(4), opts);
            opOffs.push_back(fb::Offset<void>(b.EndTable(start)));
        }
        std::vector<fb::Offset<void>> codeOffs;
        for (auto& [code, custom] : codes) {
            auto cs = custom.empty() ? fb::Offset<fb::String>() : b.CreateString(custom);
            auto start = b.StartTable();
            b.AddElement<int8_t>(vt(0), static_cast<int8_t>(std::min(code, 127)), 0);
            if (!custom.empty()) b.AddOffset(vt(1), cs);
            b.AddElement<int32_t>(vt(2), 1, 1);
            b.AddElement<int32_t>(vt(3), code, 0);
            codeOffs.push_back(fb::Offset<void>(b.EndTable(start)));
        }
        auto tv = b.CreateVector(tensorOffs);
        auto iv = b.CreateVector(inputs);
        auto ov = b.CreateVector(outputs);
        auto opv = b.CreateVector(opOffs);
        auto sgName = b.CreateString("main");
        auto sgStart = b.StartTable();
        b.AddOffset(vt(0), tv);
        b.AddOffset(vt(1), iv);
        b.AddOffset(vt(2), ov);
        b.AddOffset(vt(3), opv);
        b.AddOffset(vt(4), sgName);
        auto sg = fb::Offset<void>(b.EndTable(sgStart));
        auto cv = b.CreateVector(codeOffs);
        auto sgv = b.CreateVector(std::vector<fb::Offset<void>>{sg});
        auto bv = b.CreateVector(buffers);
        auto desc = b.CreateString("ptcoach test model");
        auto mStart = b.StartTable();
        b.AddElement<uint32_t>(vt(0), 3, 0);
        b.AddOffset(vt(1), cv);
        b.AddOffset(vt(2), sgv);
        b.AddOffset(vt(3), desc);
        b.AddOffset(vt(4), bv);
        b.Finish(fb::Offset<void>(b.EndTable(mStart)), "TFL3");
        return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    }
};

// NHWC tensor with values from a seeded generator.
struct Nhwc {
    int n = 1, h, w, c;
    std::vector<float> v;
    Nhwc(int h_, int w_, int c_) : h(h_), w(w_), c(c_), v(static_cast<size_t>(h_) * w_ * c_) {}
    float& at(int y, int x, int k) { return v[(static_cast<size_t>(y) * w + x) * c + k]; }
    float at(int y, int x, int k) const { return v[(static_cast<size_t>(y) * w + x) * c + k]; }
    cv::Mat mat() const {
        cv::Mat m(std::vector<int>{1, h, w, c}, CV_32F);
        std::memcpy(m.ptr<float>(), v.data(), v.size() * sizeof(float));
        return m;
    }
};

std::vector<float> randomValues(size_t n, unsigned seed, float lo = -1.f, float hi = 1.f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

Nhwc randomInput(int h, int w, int c, unsigned seed) {
    Nhwc t(h, w, c);
    t.v = randomValues(t.v.size(), seed);
    return t;
}

DnnModel load(const ModelBuilder& mb) {
    auto bytes = mb.finish();
    auto m = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "test model");
    if (!m) FAIL(m.error().message);
    return std::move(m).value();
}

std::vector<cv::Mat> runModel(DnnModel& m, const cv::Mat& in) {
    auto r = m.run(in);
    if (!r) FAIL(r.error().message);
    return std::move(r).value();
}

std::vector<cv::Mat> runModels(DnnModel& m, const std::vector<cv::Mat>& in) {
    auto r = m.runInputs(in);
    if (!r) FAIL(r.error().message);
    return std::move(r).value();
}

void requireClose(const cv::Mat& got, const std::vector<float>& want, float tol = 1e-4f) {
    REQUIRE(got.total() == want.size());
    const float* g = got.ptr<float>();
    for (size_t i = 0; i < want.size(); ++i) {
        INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
        REQUIRE(std::abs(g[i] - want[i]) <= tol * std::max(1.f, std::abs(want[i])));
    }
}

void requireShape(const cv::Mat& m, const std::vector<int>& shape) {
    REQUIRE(m.dims == static_cast<int>(shape.size()));
    for (int i = 0; i < m.dims; ++i) REQUIRE(m.size[i] == shape[i]);
}

float act(float v, int a) {
    if (a == RELU) return std::max(v, 0.f);
    if (a == RELU6) return std::min(std::max(v, 0.f), 6.f);
    return v;
}

// Reference NHWC convolution (TFLite semantics). Weights: dense [O,KH,KW,I] or depthwise
// [1,KH,KW,O].
std::vector<float> refConv(const Nhwc& x, const std::vector<float>& w, const std::vector<float>& bias,
                           int outC, int kh, int kw, int sh, int sw, bool same, bool depthwise,
                           int a, int& oh, int& ow) {
    int pt = 0, pl = 0;
    if (same) {
        oh = (x.h + sh - 1) / sh;
        ow = (x.w + sw - 1) / sw;
        pt = std::max((oh - 1) * sh + kh - x.h, 0) / 2;
        pl = std::max((ow - 1) * sw + kw - x.w, 0) / 2;
    } else {
        oh = (x.h - kh) / sh + 1;
        ow = (x.w - kw) / sw + 1;
    }
    std::vector<float> out(static_cast<size_t>(oh) * ow * outC);
    const int mult = depthwise ? outC / x.c : 0;
    for (int y = 0; y < oh; ++y)
        for (int xx = 0; xx < ow; ++xx)
            for (int o = 0; o < outC; ++o) {
                float s = bias.empty() ? 0.f : bias[o];
                for (int i = 0; i < kh; ++i)
                    for (int j = 0; j < kw; ++j) {
                        const int iy = y * sh + i - pt, ix = xx * sw + j - pl;
                        if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
                        if (depthwise) {
                            s += x.at(iy, ix, o / mult) * w[(static_cast<size_t>(i) * kw + j) * outC + o];
                        } else {
                            for (int c = 0; c < x.c; ++c)
                                s += x.at(iy, ix, c) *
                                     w[((static_cast<size_t>(o) * kh + i) * kw + j) * x.c + c];
                        }
                    }
                out[(static_cast<size_t>(y) * ow + xx) * outC + o] = act(s, a);
            }
    return out;
}

// Runs `body` once on each backend (PTCOACH_DNN_BACKEND=xnnpack, then =opencv), restoring the
// variable afterwards. A model XNNPACK cannot run fails the first pass.
void forBothBackends(const std::function<void()>& body) {
    const char* old = std::getenv("PTCOACH_DNN_BACKEND");
    const std::string saved = old ? old : "";
    for (const char* v : {"xnnpack", "opencv"}) {
        ::setenv("PTCOACH_DNN_BACKEND", v, 1);
        INFO("PTCOACH_DNN_BACKEND=" << v);
        body();
    }
    if (old) ::setenv("PTCOACH_DNN_BACKEND", saved.c_str(), 1);
    else ::unsetenv("PTCOACH_DNN_BACKEND");
}

uint16_t floatToHalf(float f) {  // exact for the values used (normal range, 10-bit mantissa)
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u;
    const int exp = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
    const uint32_t mant = (x >> 13) & 0x3ffu;
    if ((x & 0x7fffffffu) == 0) return static_cast<uint16_t>(sign);
    return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exp) << 10) | mant);
}
float roundToHalf(float f) {  // value after a float16 round trip (truncating mantissa)
    uint32_t x;
    std::memcpy(&x, &f, 4);
    x &= 0xffffe000u;
    std::memcpy(&f, &x, 4);
    return f;
}

}  // namespace

// --------------------------------------------------------------------------------------------
TEST_CASE("tflite CONV_2D: SAME asymmetric padding, stride 2, fused RELU6", "[tflite]") {
    // W = 6, k = 3, s = 2: TFLite pads 0 left and 1 right; H = 5 pads 1 and 1.
    const int O = 4, C = 3;
    Nhwc x = randomInput(5, 6, C, 1);
    for (auto& v : x.v) v *= 4.f;  // make RELU6 clip at both ends
    auto w = randomValues(static_cast<size_t>(O) * 3 * 3 * C, 2);
    auto bias = randomValues(O, 3);
    int oh, ow;
    auto want = refConv(x, w, bias, O, 3, 3, 2, 2, true, false, RELU6, oh, ow);
    REQUIRE(oh == 3);
    REQUIRE(ow == 3);
    bool clippedHigh = false, clippedLow = false;
    for (float v : want) {
        clippedHigh |= v == 6.f;
        clippedLow |= v == 0.f;
    }
    REQUIRE(clippedHigh);
    REQUIRE(clippedLow);
    forBothBackends([&] {
        ModelBuilder mb;
        int in = mb.input("x", {1, 5, 6, C});
        int wt = mb.constF("w", {O, 3, 3, C}, w);
        int bt = mb.constF("b", {O}, bias);
        int y = mb.tensor("y", {1, oh, ow, O});
        mb.op(CONV_2D, {in, wt, bt}, {y}, 1,
              {{0, F::I8, 0 /*SAME*/}, {1, F::I32, 2}, {2, F::I32, 2}, {3, F::I8, RELU6}});
        mb.outputs = {y};
        DnnModel m = load(mb);
        REQUIRE(m.info().opCounts.at("CONV_2D") == 1);
        auto out = runModel(m, x.mat());
        requireShape(out[0], {1, oh, ow, O});
        requireClose(out[0], want);
    });
}

TEST_CASE("tflite CONV_2D: 1x1 and VALID 3x3 without bias", "[tflite]") {
    const int O = 7, C = 5;
    Nhwc x = randomInput(9, 20, C, 11);
    auto w1 = randomValues(static_cast<size_t>(O) * C, 12);
    auto w3 = randomValues(static_cast<size_t>(O) * 9 * O, 13);
    int oh1, ow1, oh, ow;
    auto mid = refConv(x, w1, {}, O, 1, 1, 1, 1, true, false, NONE, oh1, ow1);
    Nhwc midT(oh1, ow1, O);
    midT.v = mid;
    auto want = refConv(midT, w3, {}, O, 3, 3, 1, 1, false, false, RELU, oh, ow);
    forBothBackends([&] {
        ModelBuilder mb;
        int in = mb.input("x", {1, 9, 20, C});
        int a = mb.tensor("a", {1, 9, 20, O});
        int y = mb.tensor("y", {1, oh, ow, O});
        mb.op(CONV_2D, {in, mb.constF("w1", {O, 1, 1, C}, w1), -1}, {a}, 1,
              {{0, F::I8, 0}, {1, F::I32, 1}, {2, F::I32, 1}});
        mb.op(CONV_2D, {a, mb.constF("w3", {O, 3, 3, O}, w3), -1}, {y}, 1,
              {{0, F::I8, 1 /*VALID*/}, {1, F::I32, 1}, {2, F::I32, 1}, {3, F::I8, RELU}});
        mb.outputs = {y};
        DnnModel m = load(mb);
        auto out = runModel(m, x.mat());
        requireShape(out[0], {1, oh, ow, O});
        requireClose(out[0], want);
    });
}

TEST_CASE("tflite DEPTHWISE_CONV_2D: depth_multiplier 1, SAME, and 5x5 stride 2 after PAD",
          "[tflite]") {
    const int C = 6;
    Nhwc x = randomInput(11, 13, C, 21);
    auto w3 = randomValues(9 * C, 22);
    auto b3 = randomValues(C, 23);
    int oh, ow;
    auto want1 = refConv(x, w3, b3, C, 3, 3, 1, 1, true, true, RELU6, oh, ow);
    // PAD by 2 on every side, then a VALID 5x5 stride-2 depthwise conv (BlazePose's pattern).
    Nhwc xp(15, 17, C);
    for (int y = 0; y < 11; ++y)
        for (int xx = 0; xx < 13; ++xx)
            for (int c = 0; c < C; ++c) xp.at(y + 2, xx + 2, c) = x.at(y, xx, c);
    auto w5 = randomValues(25 * C, 24);
    int oh2, ow2;
    auto want2 = refConv(xp, w5, {}, C, 5, 5, 2, 2, false, true, NONE, oh2, ow2);
    forBothBackends([&] {
        ModelBuilder mb;
        int in = mb.input("x", {1, 11, 13, C});
        int y1 = mb.tensor("y1", {1, 11, 13, C});
        mb.op(DEPTHWISE_CONV_2D, {in, mb.constF("w3", {1, 3, 3, C}, w3), mb.constF("b3", {C}, b3)},
              {y1}, 2,
              {{0, F::I8, 0}, {1, F::I32, 1}, {2, F::I32, 1}, {3, F::I32, 1}, {4, F::I8, RELU6}});
        int padded = mb.tensor("padded", {1, 15, 17, C});
        mb.op(PAD, {in, mb.constI("paddings", {4, 2}, {0, 0, 2, 2, 2, 2, 0, 0})}, {padded});
        int y2 = mb.tensor("y2", {1, oh2, ow2, C});
        mb.op(DEPTHWISE_CONV_2D, {padded, mb.constF("w5", {1, 5, 5, C}, w5), -1}, {y2}, 2,
              {{0, F::I8, 1}, {1, F::I32, 2}, {2, F::I32, 2}, {3, F::I32, 1}});
        mb.outputs = {y1, y2};
        DnnModel m = load(mb);
        auto out = runModel(m, x.mat());
        REQUIRE(out.size() == 2);
        requireShape(out[0], {1, 11, 13, C});
        requireClose(out[0], want1);
        requireShape(out[1], {1, oh2, ow2, C});
        requireClose(out[1], want2);
    });
}

TEST_CASE("tflite ADD: broadcast constant with fused RELU, activations, spatial broadcast",
          "[tflite]") {
    const int C = 4;
    Nhwc x = randomInput(2, 3, C, 31);
    Nhwc z = randomInput(2, 3, C, 32);
    auto k = randomValues(C, 33);
    auto s = randomValues(3, 34);  // shape [1,1,3,1]: broadcast over H and C
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 3, C});
    int in2 = mb.input("z", {1, 2, 3, C});
    int a = mb.tensor("a", {1, 2, 3, C});
    mb.op(ADD, {in, mb.constF("k", {C}, k)}, {a}, 11, {{0, F::I8, RELU}});
    int b = mb.tensor("b", {1, 2, 3, C});
    mb.op(ADD, {a, in2}, {b}, 11);
    int c = mb.tensor("c", {1, 2, 3, C});
    mb.op(ADD, {mb.constF("s", {1, 1, 3, 1}, s), b}, {c}, 11, {{0, F::I8, RELU}});
    int d = mb.tensor("d", {1, 2, 3, C});
    mb.op(MUL, {c, mb.constF("two", {}, {2.f})}, {d}, 21);
    mb.outputs = {a, d};
    DnnModel m = load(mb);
    auto out = runModels(m, {x.mat(), z.mat()});
    std::vector<float> wantA(x.v.size()), wantD(x.v.size());
    for (int y = 0; y < 2; ++y)
        for (int xx = 0; xx < 3; ++xx)
            for (int ch = 0; ch < C; ++ch) {
                const size_t i = (static_cast<size_t>(y) * 3 + xx) * C + ch;
                wantA[i] = std::max(x.v[i] + k[ch], 0.f);
                wantD[i] = 2.f * std::max(s[xx] + wantA[i] + z.v[i], 0.f);
            }
    requireShape(out[0], {1, 2, 3, C});
    requireClose(out[0], wantA);
    requireClose(out[1], wantD);
}

TEST_CASE("tflite PAD: spatial and channel padding", "[tflite]") {
    Nhwc x = randomInput(2, 3, 2, 41);
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 3, 2});
    int y = mb.tensor("y", {1, 3, 6, 5});
    mb.op(PAD, {in, mb.constI("p", {4, 2}, {0, 0, 1, 0, 2, 1, 0, 3})}, {y});
    mb.outputs = {y};
    DnnModel m = load(mb);
    auto out = runModel(m, x.mat());
    requireShape(out[0], {1, 3, 6, 5});
    std::vector<float> want(3 * 6 * 5, 0.f);
    for (int yy = 0; yy < 2; ++yy)
        for (int xx = 0; xx < 3; ++xx)
            for (int c = 0; c < 2; ++c) want[((yy + 1) * 6 + xx + 2) * 5 + c] = x.at(yy, xx, c);
    requireClose(out[0], want);
}

TEST_CASE("tflite MAX_POOL_2D: 2x2 VALID and 3x3 SAME stride 2", "[tflite]") {
    Nhwc x = randomInput(5, 6, 3, 51);
    ModelBuilder mb;
    int in = mb.input("x", {1, 5, 6, 3});
    int y1 = mb.tensor("y1", {1, 2, 3, 3});
    mb.op(MAX_POOL_2D, {in}, {y1}, 5,
          {{0, F::I8, 1}, {1, F::I32, 2}, {2, F::I32, 2}, {3, F::I32, 2}, {4, F::I32, 2}});
    int y2 = mb.tensor("y2", {1, 3, 3, 3});
    mb.op(MAX_POOL_2D, {in}, {y2}, 5,
          {{0, F::I8, 0}, {1, F::I32, 2}, {2, F::I32, 2}, {3, F::I32, 3}, {4, F::I32, 3}});
    mb.outputs = {y1, y2};
    DnnModel m = load(mb);
    auto out = runModel(m, x.mat());
    auto ref = [&](int k, int oh, int ow, int pt, int pl) {
        std::vector<float> r;
        for (int y = 0; y < oh; ++y)
            for (int xx = 0; xx < ow; ++xx)
                for (int c = 0; c < 3; ++c) {
                    float best = -1e30f;
                    for (int i = 0; i < k; ++i)
                        for (int j = 0; j < k; ++j) {
                            const int iy = y * 2 + i - pt, ix = xx * 2 + j - pl;
                            if (iy >= 0 && iy < 5 && ix >= 0 && ix < 6) best = std::max(best, x.at(iy, ix, c));
                        }
                    r.push_back(best);
                }
        return r;
    };
    requireClose(out[0], ref(2, 2, 3, 0, 0));
    // SAME, 3x3 stride 2: H 5 -> pads 1/1, W 6 -> pads 0/1.
    requireClose(out[1], ref(3, 3, 3, 1, 0));
}

TEST_CASE("tflite RESIZE_BILINEAR: default, align_corners, half_pixel_centers", "[tflite]") {
    Nhwc x = randomInput(3, 4, 2, 61);
    auto ref = [&](int oh, int ow, bool align, bool half) {
        auto scale = [&](int in, int out) {
            return align && out > 1 ? float(in - 1) / float(out - 1) : float(in) / float(out);
        };
        const float sy = scale(3, oh), sx = scale(4, ow);
        std::vector<float> r;
        for (int y = 0; y < oh; ++y)
            for (int xx = 0; xx < ow; ++xx)
                for (int c = 0; c < 2; ++c) {
                    const float iy = half ? (y + 0.5f) * sy - 0.5f : y * sy;
                    const float ix = half ? (xx + 0.5f) * sx - 0.5f : xx * sx;
                    const int y0 = std::max(int(std::floor(iy)), 0), y1 = std::min(int(std::ceil(iy)), 2);
                    const int x0 = std::max(int(std::floor(ix)), 0), x1 = std::min(int(std::ceil(ix)), 3);
                    const float dy = iy - y0, dx = ix - x0;
                    r.push_back(x.at(y0, x0, c) * (1 - dy) * (1 - dx) + x.at(y1, x0, c) * dy * (1 - dx) +
                                x.at(y0, x1, c) * (1 - dy) * dx + x.at(y1, x1, c) * dy * dx);
                }
        return r;
    };
    for (auto [align, half] : {std::pair{false, false}, {true, false}, {false, true}}) {
        INFO("align_corners " << align << " half_pixel_centers " << half);
        ModelBuilder mb;
        int in = mb.input("x", {1, 3, 4, 2});
        int y = mb.tensor("y", {1, 7, 9, 2});
        mb.op(RESIZE_BILINEAR, {in, mb.constI("size", {2}, {7, 9})}, {y}, 15,
              {{2, F::BOOL, align}, {3, F::BOOL, half}});
        mb.outputs = {y};
        DnnModel m = load(mb);
        auto out = runModel(m, x.mat());
        requireShape(out[0], {1, 7, 9, 2});
        requireClose(out[0], ref(7, 9, align, half), 1e-5f);
    }
}

TEST_CASE("tflite RESHAPE: flattening follows TFLite's NHWC order", "[tflite]") {
    Nhwc x = randomInput(2, 3, 4, 71);
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 3, 4});
    int y1 = mb.tensor("flat", {1, 24});
    mb.op(RESHAPE, {in, mb.constI("s1", {2}, {1, 24})}, {y1});
    int y2 = mb.tensor("rows", {1, 6, 4});
    mb.op(RESHAPE, {in, mb.constI("s2", {3}, {1, 6, 4})}, {y2});
    int y3 = mb.tensor("back", {1, 3, 2, 4});
    mb.op(RESHAPE, {y1, mb.constI("s3", {4}, {1, 3, 2, 4})}, {y3});
    mb.outputs = {y1, y2, y3};
    DnnModel m = load(mb);
    auto out = runModel(m, x.mat());
    requireShape(out[0], {1, 24});
    requireShape(out[1], {1, 6, 4});
    requireShape(out[2], {1, 3, 2, 4});
    for (auto& o : out) requireClose(o, x.v);
}

TEST_CASE("tflite CONCATENATION on the channel axis", "[tflite]") {
    Nhwc a = randomInput(2, 3, 2, 81), b = randomInput(2, 3, 3, 82);
    for (int axis : {3, -1}) {
        ModelBuilder mb;
        int ia = mb.input("a", {1, 2, 3, 2});
        int ib = mb.input("b", {1, 2, 3, 3});
        int y = mb.tensor("y", {1, 2, 3, 5});
        mb.op(CONCATENATION, {ia, ib}, {y}, 10, {{0, F::I32, axis}});
        mb.outputs = {y};
        DnnModel m = load(mb);
        auto out = runModels(m, {a.mat(), b.mat()});
        std::vector<float> want;
        for (int yy = 0; yy < 2; ++yy)
            for (int xx = 0; xx < 3; ++xx) {
                for (int c = 0; c < 2; ++c) want.push_back(a.at(yy, xx, c));
                for (int c = 0; c < 3; ++c) want.push_back(b.at(yy, xx, c));
            }
        requireShape(out[0], {1, 2, 3, 5});
        requireClose(out[0], want);
    }
}

TEST_CASE("tflite LOGISTIC", "[tflite]") {
    Nhwc x = randomInput(3, 2, 2, 91);
    ModelBuilder mb;
    int in = mb.input("x", {1, 3, 2, 2});
    int y = mb.tensor("y", {1, 3, 2, 2});
    mb.op(LOGISTIC, {in}, {y});
    mb.outputs = {y};
    DnnModel m = load(mb);
    auto out = runModel(m, x.mat());
    std::vector<float> want;
    for (float v : x.v) want.push_back(1.f / (1.f + std::exp(-v)));
    requireClose(out[0], want, 1e-5f);
}

TEST_CASE("tflite DEPTH_TO_SPACE uses TFLite's (block, block, C) ordering", "[tflite]") {
    const int bs = 2, C = 3;
    Nhwc x = randomInput(2, 3, bs * bs * C, 101);
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 3, bs * bs * C});
    int y = mb.tensor("y", {1, 4, 6, C});
    mb.op(DEPTH_TO_SPACE, {in}, {y}, 94, {{0, F::I32, bs}});
    mb.outputs = {y};
    DnnModel m = load(mb);
    auto out = runModel(m, x.mat());
    std::vector<float> want(4 * 6 * C);
    for (int yy = 0; yy < 4; ++yy)
        for (int xx = 0; xx < 6; ++xx)
            for (int c = 0; c < C; ++c)
                want[(yy * 6 + xx) * C + c] = x.at(yy / bs, xx / bs, ((yy % bs) * bs + xx % bs) * C + c);
    requireShape(out[0], {1, 4, 6, C});
    requireClose(out[0], want);
}

TEST_CASE("tflite DEQUANTIZE of float16 weights", "[tflite]") {
    const int O = 3, C = 2;
    Nhwc x = randomInput(4, 4, C, 111);
    auto w = randomValues(static_cast<size_t>(O) * C, 112);
    std::vector<uint16_t> wh;
    for (float& v : w) {
        v = roundToHalf(v);
        wh.push_back(floatToHalf(v));
    }
    ModelBuilder mb;
    int in = mb.input("x", {1, 4, 4, C});
    int w16 = mb.constant("w16", {O, 1, 1, C}, wh, FLOAT16);
    int w32 = mb.tensor("w32", {O, 1, 1, C});
    mb.op(DEQUANTIZE, {w16}, {w32});
    int y = mb.tensor("y", {1, 4, 4, O});
    mb.op(CONV_2D, {in, w32, -1}, {y}, 1, {{0, F::I8, 1}, {1, F::I32, 1}, {2, F::I32, 1}});
    mb.outputs = {y};
    DnnModel m = load(mb);
    REQUIRE(m.info().opCounts.at("DEQUANTIZE") == 1);
    auto out = runModel(m, x.mat());
    int oh, ow;
    requireClose(out[0], refConv(x, w, {}, O, 1, 1, 1, 1, false, false, NONE, oh, ow));
}

TEST_CASE("tflite DENSIFY of sparse constants (CSR with uint8, uint16, int32 indices)",
          "[tflite]") {
    // Weights [O=4, 1, 1, I=24], mostly zero, stored CSR over (O, I) with the 1x1 dims dense.
    const int O = 4, I = 24;
    std::vector<float> dense(static_cast<size_t>(O) * I, 0.f);
    std::vector<int> segments = {0}, indices;
    std::vector<float> values;
    std::mt19937 rng(5);
    for (int o = 0; o < O; ++o) {
        for (int i = 0; i < I; ++i)
            if (rng() % 5 == 0) {
                const float v = std::uniform_real_distribution<float>(-1, 1)(rng);
                dense[static_cast<size_t>(o) * I + i] = v;
                indices.push_back(i);
                values.push_back(v);
            }
        segments.push_back(static_cast<int>(indices.size()));
    }
    Nhwc x = randomInput(3, 5, I, 121);
    int oh, ow;
    auto want = refConv(x, dense, {}, O, 1, 1, 1, 1, false, false, NONE, oh, ow);
    for (int idxType : {1, 2, 3}) {
        INFO("index vector type " << idxType);
        ModelBuilder mb;
        int in = mb.input("x", {1, 3, 5, I});
        int sp = mb.constF("sparse_w", {O, 1, 1, I}, values);
        auto s = std::make_shared<ModelBuilder::Sparse>();
        s->traversal = {0, 1, 2, 3};
        s->dims = {{0, O, 0, {}, 0, {}},
                   {0, 1, 0, {}, 0, {}},
                   {0, 1, 0, {}, 0, {}},
                   {1, 0, idxType, segments, idxType, indices}};
        // Segment offsets are absolute (each spans the flattened O*1*1 prefix).
        mb.tensors[sp].sparse = s;
        int wd = mb.tensor("dense_w", {O, 1, 1, I});
        mb.op(DENSIFY, {sp}, {wd});
        int y = mb.tensor("y", {1, 3, 5, O});
        mb.op(CONV_2D, {in, wd, -1}, {y}, 1, {{0, F::I8, 1}, {1, F::I32, 1}, {2, F::I32, 1}});
        mb.outputs = {y};
        DnnModel m = load(mb);
        auto out = runModel(m, x.mat());
        requireClose(out[0], want);
    }
}

TEST_CASE("tflite DENSIFY of a block-sparse constant", "[tflite]") {
    // A 4x4 matrix in 2x2 blocks: traversal (d0, d1, d2, d3), block_map (0, 1); blocks (0,1) and
    // (1,0) present. Used as 1x1 conv weights [4,1,1,4] via RESHAPE of the densified [4,4].
    std::vector<float> values = {1, 2, 3, 4, 5, 6, 7, 8};
    std::vector<float> dense = {0, 0, 1, 2,
                                0, 0, 3, 4,
                                5, 6, 0, 0,
                                7, 8, 0, 0};
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 2, 4});
    int sp = mb.constF("bs", {4, 4}, values);
    auto s = std::make_shared<ModelBuilder::Sparse>();
    s->traversal = {0, 1, 2, 3};
    s->blockMap = {0, 1};
    s->dims = {{0, 2, 0, {}, 0, {}},
               {1, 0, 1, {0, 1, 2}, 1, {1, 0}},
               {0, 2, 0, {}, 0, {}},
               {0, 2, 0, {}, 0, {}}};
    mb.tensors[sp].sparse = s;
    int d = mb.tensor("d", {4, 4});
    mb.op(DENSIFY, {sp}, {d});
    int w = mb.tensor("w", {4, 1, 1, 4});
    mb.op(RESHAPE, {d, mb.constI("ws", {4}, {4, 1, 1, 4})}, {w});
    int y = mb.tensor("y", {1, 2, 2, 4});
    mb.op(CONV_2D, {in, w, -1}, {y}, 1, {{0, F::I8, 1}, {1, F::I32, 1}, {2, F::I32, 1}});
    mb.outputs = {y};
    DnnModel m = load(mb);
    Nhwc x = randomInput(2, 2, 4, 131);
    auto out = runModel(m, x.mat());
    int oh, ow;
    requireClose(out[0], refConv(x, dense, {}, 4, 1, 1, 1, 1, false, false, NONE, oh, ow));
}

// --------------------------------------------------------------------------------------------
// Errors

namespace {
ModelBuilder smallConvModel() {
    ModelBuilder mb;
    int in = mb.input("image", {1, 4, 4, 3});
    int y = mb.tensor("y", {1, 4, 4, 2});
    mb.op(CONV_2D, {in, mb.constF("w", {2, 1, 1, 3}, randomValues(6, 7)), -1}, {y}, 1,
          {{0, F::I8, 0}, {1, F::I32, 1}, {2, F::I32, 1}});
    mb.outputs = {y};
    return mb;
}
}  // namespace

TEST_CASE("tflite errors: truncated files are rejected cleanly", "[tflite][errors]") {
    auto bytes = smallConvModel().finish();
    auto full = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "ok");
    REQUIRE(full.ok());
    for (size_t n = 0; n < bytes.size(); n += std::max<size_t>(1, bytes.size() / 97)) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
        auto m = DnnModel::loadTfliteFromMemory(cut.data(), cut.size(), "truncated.tflite");
        INFO("length " << n);
        REQUIRE_FALSE(m.ok());
        REQUIRE(m.error().message.find("truncated.tflite") != std::string::npos);
    }
    auto half = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size() / 2, "half.tflite");
    REQUIRE_FALSE(half.ok());
    INFO(half.error().message);
    REQUIRE((half.error().message.find("byte") != std::string::npos ||
             half.error().message.find("outside") != std::string::npos ||
             half.error().message.find("past the end") != std::string::npos));
}

TEST_CASE("tflite errors: random garbage and corrupted bytes never crash", "[tflite][errors]") {
    std::mt19937 rng(99);
    std::vector<uint8_t> junk(4096);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    auto m = DnnModel::loadTfliteFromMemory(junk.data(), junk.size(), "junk.bin");
    REQUIRE_FALSE(m.ok());
    REQUIRE(m.error().message.find("TFL3") != std::string::npos);
    std::memcpy(junk.data() + 4, "TFL3", 4);  // right identifier, garbage content
    auto m2 = DnnModel::loadTfliteFromMemory(junk.data(), junk.size(), "junk2.bin");
    REQUIRE_FALSE(m2.ok());
    // Flip bytes of a valid model: each load must fail cleanly or succeed; never crash.
    auto bytes = smallConvModel().finish();
    for (int trial = 0; trial < 400; ++trial) {
        auto copy = bytes;
        for (int k = 0; k < 3; ++k) copy[8 + rng() % (copy.size() - 8)] = static_cast<uint8_t>(rng());
        auto r = DnnModel::loadTfliteFromMemory(copy.data(), copy.size(), "fuzz");
        if (r.ok()) {
            cv::Mat img(4, 4, CV_32FC3, cv::Scalar(0.1, 0.2, 0.3));
            (void)r->run(img);  // may fail (e.g. a shape changed), must not crash
        }
    }
}

TEST_CASE("tflite errors: an unsupported op is named", "[tflite][errors]") {
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 2, 1});
    int y = mb.tensor("y", {1, 2, 2, 1});
    mb.op(SQRT, {in}, {y});
    mb.outputs = {y};
    auto bytes = mb.finish();
    auto m = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "sqrt.tflite");
    REQUIRE_FALSE(m.ok());
    INFO(m.error().message);
    REQUIRE(m.error().message.find("op #0 SQRT") != std::string::npos);
    REQUIRE(m.error().message.find("not supported") != std::string::npos);

    ModelBuilder mc;
    int ci = mc.input("x", {1, 2, 2, 1});
    int cy = mc.tensor("y", {1, 2, 2, 1});
    mc.ops.push_back({CUSTOM, "MyFancyOp", {ci}, {cy}, 0, {}, {}});
    mc.outputs = {cy};
    auto cb = mc.finish();
    auto cm = DnnModel::loadTfliteFromMemory(cb.data(), cb.size(), "custom.tflite");
    REQUIRE_FALSE(cm.ok());
    REQUIRE(cm.error().message.find("CUSTOM(MyFancyOp)") != std::string::npos);
    // inspectTflite still lists such models.
    auto dir = ptcoach::test::scratchDir("tflite_inspect");
    std::ofstream(dir / "custom.tflite", std::ios::binary)
        .write(reinterpret_cast<const char*>(cb.data()), static_cast<std::streamsize>(cb.size()));
    auto info = DnnModel::inspectTflite(dir / "custom.tflite");
    REQUIRE(info.ok());
    REQUIRE(info->opCounts.at("CUSTOM(MyFancyOp)") == 1);
}

TEST_CASE("tflite errors: a constant whose buffer is too small names the tensor",
          "[tflite][errors]") {
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 2, 3});
    int w = mb.constF("short_weights", {2, 1, 1, 3}, {1, 2, 3});  // 3 of 6 values
    int y = mb.tensor("y", {1, 2, 2, 2});
    mb.op(CONV_2D, {in, w, -1}, {y}, 1, {{0, F::I8, 1}, {1, F::I32, 1}, {2, F::I32, 1}});
    mb.outputs = {y};
    auto bytes = mb.finish();
    auto m = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "short.tflite");
    REQUIRE_FALSE(m.ok());
    INFO(m.error().message);
    REQUIRE(m.error().message.find("'short_weights'") != std::string::npos);
    REQUIRE(m.error().message.find("bytes") != std::string::npos);
}

TEST_CASE("tflite errors: wrong input size or type", "[tflite][errors]") {
    auto bytes = smallConvModel().finish();
    auto m = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "conv.tflite");
    REQUIRE(m.ok());
    auto bad = m->run(cv::Mat(5, 4, CV_32FC3, cv::Scalar(0)));
    REQUIRE_FALSE(bad.ok());
    INFO(bad.error().message);
    REQUIRE(bad.error().message.find("'image'") != std::string::npos);
    REQUIRE(bad.error().message.find("[1,4,4,3]") != std::string::npos);
    auto bad8u = m->run(cv::Mat(4, 4, CV_8UC3, cv::Scalar(0)));
    REQUIRE_FALSE(bad8u.ok());
    REQUIRE(bad8u.error().message.find("CV_32F") != std::string::npos);
    auto twoInputs = m->runInputs({cv::Mat(), cv::Mat()});
    REQUIRE_FALSE(twoInputs.ok());
    // The right input in each accepted form works and agrees.
    cv::Mat img(4, 4, CV_32FC3);
    cv::randu(img, -1, 1);
    auto a = m->run(img);
    REQUIRE(a.ok());
    cv::Mat nhwc(std::vector<int>{1, 4, 4, 3}, CV_32F, img.data);
    auto b = m->run(nhwc);
    REQUIRE(b.ok());
    REQUIRE(cv::norm((*a)[0], (*b)[0], cv::NORM_INF) == 0.0);
    auto c = m->run(cv::dnn::blobFromImage(img));
    REQUIRE(c.ok());
    REQUIRE(cv::norm((*a)[0], (*c)[0], cv::NORM_INF) == 0.0);
}

TEST_CASE("model loading: missing files and unknown formats", "[tflite][errors]") {
    auto m = DnnModel::load("/nonexistent/pose.tflite");
    REQUIRE_FALSE(m.ok());
    REQUIRE(m.error().message.find("/nonexistent/pose.tflite") != std::string::npos);
    auto o = DnnModel::load("/nonexistent/pose.onnx");
    REQUIRE_FALSE(o.ok());
}

// --------------------------------------------------------------------------------------------
// ONNX through the same interface: a hand-encoded ModelProto with one Relu node.

namespace {
struct Proto {
    std::string bytes;
    void varint(uint64_t v) {
        while (v >= 0x80) {
            bytes.push_back(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        bytes.push_back(static_cast<char>(v));
    }
    Proto& num(int field, uint64_t v) {
        varint(static_cast<uint64_t>(field) << 3);
        varint(v);
        return *this;
    }
    Proto& str(int field, const std::string& s) {
        varint((static_cast<uint64_t>(field) << 3) | 2);
        varint(s.size());
        bytes += s;
        return *this;
    }
    Proto& msg(int field, const Proto& p) { return str(field, p.bytes); }
};

Proto valueInfo(const std::string& name, const std::vector<int>& shape) {
    Proto dims;
    for (int d : shape) dims.msg(1, Proto().num(1, static_cast<uint64_t>(d)));
    Proto tensor;
    tensor.num(1, 1 /*FLOAT*/).msg(2, dims);
    return Proto().str(1, name).msg(2, Proto().msg(1, tensor));
}
}  // namespace

TEST_CASE("ONNX models load and run through DnnModel", "[onnx]") {
    Proto node;
    node.str(1, "x").str(2, "y").str(3, "relu").str(4, "Relu");
    Proto graph;
    graph.msg(1, node).str(2, "g").msg(11, valueInfo("x", {1, 3, 2, 2})).msg(12, valueInfo("y", {1, 3, 2, 2}));
    Proto model;
    model.num(1, 7).str(2, "ptcoach-test").msg(7, graph).msg(8, Proto().str(1, "").num(2, 11));
    auto dir = ptcoach::test::scratchDir("onnx_relu");
    const auto path = dir / "relu.onnx";
    std::ofstream(path, std::ios::binary).write(model.bytes.data(), static_cast<std::streamsize>(model.bytes.size()));
    auto m = DnnModel::load(path);
    if (!m) FAIL(m.error().message);
    REQUIRE(m->info().format == "onnx");
    REQUIRE(m->info().inputs.size() == 1);
    REQUIRE(m->info().inputs[0].name == "x");
    REQUIRE(m->info().inputs[0].shape == std::vector<int>{1, 3, 2, 2});
    REQUIRE(m->info().outputs[0].name == "y");
    cv::Mat blob(std::vector<int>{1, 3, 2, 2}, CV_32F);
    cv::randu(blob, -1, 1);
    auto out = m->run(blob);
    if (!out) FAIL(out.error().message);
    cv::Mat want;
    cv::max(blob, 0, want);
    REQUIRE(cv::norm((*out)[0].reshape(1, 1), want.reshape(1, 1), cv::NORM_INF) == 0.0);
    // An image is converted to the model's NCHW layout.
    cv::Mat img(2, 2, CV_32FC3);
    cv::randu(img, -1, 1);
    auto out2 = m->run(img);
    REQUIRE(out2.ok());
    cv::Mat want2;
    cv::max(cv::dnn::blobFromImage(img), 0, want2);
    REQUIRE(cv::norm((*out2)[0].reshape(1, 1), want2.reshape(1, 1), cv::NORM_INF) == 0.0);
}

// --------------------------------------------------------------------------------------------
// The real BlazePose models (PTCOACH_MODEL_DIR with pose_landmark_{lite,full,heavy}.tflite and
// pose_detection.tflite).

namespace {
std::filesystem::path realModelDir() {
    // $PTCOACH_MODEL_DIR, else the models/ folder setup.sh fills.
    std::filesystem::path dir = ptcoach::modelDir();
    for (const char* f : {"pose_landmark_lite.tflite", "pose_landmark_full.tflite",
                          "pose_landmark_heavy.tflite", "pose_detection.tflite"})
        if (!std::filesystem::exists(dir / f))
            PTCOACH_SKIP(dir << " has no " << f << " (run ./setup.sh): real-model tests skipped");
    return dir;
}
}  // namespace

TEST_CASE("real BlazePose models load, have the expected shapes and run", "[tflite][real]") {
    const auto dir = realModelDir();
    struct Expect { const char* file; int side; std::vector<std::vector<int>> outs; };
    const std::vector<Expect> models = {
        {"pose_landmark_lite.tflite", 256, {{1, 195}, {1, 1}, {1, 256, 256, 1}, {1, 64, 64, 39}, {1, 117}}},
        {"pose_landmark_full.tflite", 256, {{1, 195}, {1, 1}, {1, 256, 256, 1}, {1, 64, 64, 39}, {1, 117}}},
        {"pose_landmark_heavy.tflite", 256, {{1, 195}, {1, 1}, {1, 256, 256, 1}, {1, 64, 64, 39}, {1, 117}}},
        {"pose_detection.tflite", 224, {{1, 2254, 12}, {1, 2254, 1}}},
    };
    for (const auto& e : models) {
        INFO(e.file);
        auto m = DnnModel::load(dir / e.file);
        if (!m) FAIL(m.error().message);
        REQUIRE(m->info().inputs.size() == 1);
        REQUIRE(m->info().inputs[0].shape == std::vector<int>{1, e.side, e.side, 3});
        REQUIRE(m->info().outputs.size() == e.outs.size());
        cv::Mat img(e.side, e.side, CV_32FC3, cv::Scalar(0.5, 0.4, 0.3));
        auto out = m->run(img);
        if (!out) FAIL(out.error().message);
        for (size_t i = 0; i < e.outs.size(); ++i) {
            REQUIRE(m->info().outputs[i].shape == e.outs[i]);
            requireShape((*out)[i], e.outs[i]);
            REQUIRE(cv::checkRange((*out)[i]));
        }
    }
}

TEST_CASE("real BlazePose models: XNNPACK and OpenCV agree", "[tflite][real]") {
    const auto dir = realModelDir();
    for (const char* file : {"pose_detection.tflite", "pose_landmark_lite.tflite", "pose_landmark_full.tflite",
                             "pose_landmark_heavy.tflite"}) {
        INFO(file);
        std::vector<cv::Mat> outs[2];
        int side = 0;
        for (int k = 0; k < 2; ++k) {
            ptcoach::vision::LoadOptions o;
            o.backend = k ? ptcoach::vision::DnnBackend::OpenCV : ptcoach::vision::DnnBackend::Xnnpack;
            auto m = DnnModel::load(dir / file, o);
            if (!m) FAIL(m.error().message);
            REQUIRE(m->info().backend == (k ? "opencv" : "xnnpack"));
            side = m->info().inputs[0].shape[1];
            cv::Mat img(side, side, CV_32FC3);
            cv::setRNGSeed(5);
            cv::randu(img, 0, 1);
            auto r = m->run(img);
            if (!r) FAIL(r.error().message);
            outs[k] = *r;
        }
        // Different summation orders through ~100 layers: relative agreement, and for the
        // landmark models the coordinates (output 0, in 256-pixel input units) within a tenth of
        // a pixel.
        REQUIRE(outs[0].size() == outs[1].size());
        for (size_t i = 0; i < outs[0].size(); ++i) {
            const double scale = std::max(1.0, cv::norm(outs[1][i], cv::NORM_INF));
            INFO("output " << i);
            REQUIRE(cv::norm(outs[0][i], outs[1][i], cv::NORM_INF) / scale < 1e-2);
        }
        if (side == 256) REQUIRE(cv::norm(outs[0][0], outs[1][0], cv::NORM_INF) < 0.1);
    }
}

TEST_CASE("a model XNNPACK cannot run falls back to OpenCV and says why", "[tflite]") {
    Nhwc x = randomInput(2, 2, 3, 131);
    ModelBuilder mb;
    int in = mb.input("x", {1, 2, 2, 3});
    int y = mb.tensor("y", {1, 2, 2, 3});
    mb.op(TANH, {in}, {y});
    mb.outputs = {y};
    auto bytes = mb.finish();
    ptcoach::vision::LoadOptions autoPick;
    autoPick.backend = ptcoach::vision::DnnBackend::Auto;
    ::unsetenv("PTCOACH_DNN_BACKEND");
    auto m = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "tanh.tflite", autoPick);
    if (!m) FAIL(m.error().message);
    CHECK(m->info().backend == "opencv");
    CHECK_THAT(m->info().backendNote, Catch::Contains("op #0 TANH"));
    auto out = runModel(*m, x.mat());
    std::vector<float> want;
    for (float v : x.v) want.push_back(std::tanh(v));
    requireClose(out[0], want, 1e-5f);
    // Asked for XNNPACK by name: an error that names the operator.
    ptcoach::vision::LoadOptions xnn;
    xnn.backend = ptcoach::vision::DnnBackend::Xnnpack;
    auto forced = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "tanh.tflite", xnn);
    REQUIRE_FALSE(forced.ok());
    CHECK_THAT(forced.error().message, Catch::Contains("tanh.tflite") && Catch::Contains("XNNPACK") &&
                                           Catch::Contains("TANH"));
}

TEST_CASE("XNNPACK: a concatenation that makes a model output is done after the run", "[tflite]") {
    // Like the detector's heads: computed tensors, reshaped, concatenated on axis 1.
    Nhwc a = randomInput(2, 2, 2, 141), b = randomInput(1, 1, 2, 142);
    ModelBuilder mb;
    int ia = mb.input("a", {1, 2, 2, 2});
    int ib = mb.input("b", {1, 1, 1, 2});
    int sa = mb.tensor("sa", {1, 2, 2, 2}), sb = mb.tensor("sb", {1, 1, 1, 2});
    mb.op(LOGISTIC, {ia}, {sa});
    mb.op(LOGISTIC, {ib}, {sb});
    int ra = mb.tensor("ra", {1, 4, 2}), rb = mb.tensor("rb", {1, 1, 2});
    mb.op(RESHAPE, {sa, mb.constI("s1", {3}, {1, 4, 2})}, {ra});
    mb.op(RESHAPE, {sb, mb.constI("s2", {3}, {1, 1, 2})}, {rb});
    int y = mb.tensor("y", {1, 5, 2});
    mb.op(CONCATENATION, {ra, rb}, {y}, 10, {{0, F::I32, 1}});
    mb.outputs = {y, sa};
    auto bytes = mb.finish();
    ptcoach::vision::LoadOptions xnn;
    xnn.backend = ptcoach::vision::DnnBackend::Xnnpack;
    auto m = DnnModel::loadTfliteFromMemory(bytes.data(), bytes.size(), "heads.tflite", xnn);
    if (!m) FAIL(m.error().message);
    REQUIRE(m->info().backend == "xnnpack");
    auto out = runModels(*m, {a.mat(), b.mat()});
    std::vector<float> want, wantSa;
    for (float v : a.v) want.push_back(1.f / (1.f + std::exp(-v)));
    wantSa = want;
    for (float v : b.v) want.push_back(1.f / (1.f + std::exp(-v)));
    requireShape(out[0], {1, 5, 2});
    requireClose(out[0], want, 1e-5f);
    requireShape(out[1], {1, 2, 2, 2});
    requireClose(out[1], wantSa, 1e-5f);
    // Inside the graph (its output feeds another operator) XNNPACK here has no concatenation.
    ModelBuilder mc;
    int ca = mc.input("a", {1, 2, 2, 2});
    int cs = mc.tensor("s", {1, 2, 2, 2});
    mc.op(LOGISTIC, {ca}, {cs});
    int cc = mc.tensor("c", {1, 2, 2, 4});
    mc.op(CONCATENATION, {cs, cs}, {cc}, 10, {{0, F::I32, 3}});
    int cy = mc.tensor("y", {1, 2, 2, 4});
    mc.op(LOGISTIC, {cc}, {cy});
    mc.outputs = {cy};
    auto cb = mc.finish();
    auto inner = DnnModel::loadTfliteFromMemory(cb.data(), cb.size(), "inner.tflite", xnn);
    REQUIRE_FALSE(inner.ok());
    CHECK_THAT(inner.error().message, Catch::Contains("CONCATENATION"));
}

TEST_CASE("real BlazePose full model: a skipped output leaves the others unchanged", "[tflite][real]") {
    const auto dir = realModelDir();
    cv::Mat img(256, 256, CV_32FC3);
    cv::randu(img, 0, 1);
    auto all = DnnModel::load(dir / "pose_landmark_full.tflite");
    if (!all) FAIL(all.error().message);
    ptcoach::vision::LoadOptions skipMask;
    skipMask.skipOutputs = {2};  // the 256x256 segmentation mask
    auto pruned = DnnModel::load(dir / "pose_landmark_full.tflite", skipMask);
    if (!pruned) FAIL(pruned.error().message);
    REQUIRE(pruned->info().outputs.size() == 4);
    CHECK(pruned->info().outputs[2].shape == std::vector<int>{1, 64, 64, 39});
    // Fewer layers were built.
    int layersAll = 0, layersPruned = 0;
    for (const auto& [type, n] : all->info().layerCounts) layersAll += n;
    for (const auto& [type, n] : pruned->info().layerCounts) layersPruned += n;
    CHECK(layersPruned < layersAll);
    auto a = all->run(img);
    auto b = pruned->run(img);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const int map[] = {0, 1, 3, 4};
    for (int i = 0; i < 4; ++i) CHECK(cv::norm((*a)[map[i]], (*b)[i], cv::NORM_INF) == 0.0);
    ptcoach::vision::LoadOptions skipAll;
    skipAll.skipOutputs = {0, 1, 2, 3, 4};
    auto none = DnnModel::load(dir / "pose_landmark_full.tflite", skipAll);
    REQUIRE_FALSE(none.ok());
    CHECK_THAT(none.error().message, Catch::Contains("every output"));
}
