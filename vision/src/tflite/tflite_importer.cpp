#include "tflite/tflite_importer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>

#include "tflite/tflite_constants.h"
#include "tflite/tflite_layers.h"
#include "tflite/tflite_schema.h"

namespace ptcoach::vision::tflite {

using namespace schema;
using cv::dnn::LayerParams;


namespace {

// NHWC <-> NCHW
const std::vector<int> kToNchw = {0, 3, 1, 2};  // order for Permute: NHWC input -> NCHW output
const std::vector<int> kToNhwc = {0, 2, 3, 1};  // NCHW input -> NHWC output

std::vector<int> nhwcToNchwShape(const std::vector<int>& s) { return {s[0], s[3], s[1], s[2]}; }

int nhwcAxisToNchw(int axis) {
    static constexpr int map[4] = {0, 2, 3, 1};
    return map[axis];
}

size_t product(const std::vector<int>& s) {
    size_t n = 1;
    for (int d : s) n *= static_cast<size_t>(d);
    return n;
}

// True if permuting a tensor of `shape` by `order` leaves its memory unchanged (the non-1
// dimensions keep their relative order).
bool permuteIsNoop(const std::vector<int>& shape, const std::vector<int>& order) {
    int last = -1;
    for (int ax : order) {
        if (shape[ax] == 1) continue;
        if (ax < last) return false;
        last = ax;
    }
    return true;
}

struct ConstTensor {
    std::vector<int> shape;  // TFLite shape
    std::vector<float> data;
};
using ConstPtr = std::shared_ptr<const ConstTensor>;

// NHWC data of a 4D constant -> NCHW Mat.
cv::Mat toNetLayout(const ConstTensor& c, bool nchw) {
    if (nchw) {
        CV_Assert(c.shape.size() == 4);
        const int n = c.shape[0], h = c.shape[1], w = c.shape[2], ch = c.shape[3];
        cv::Mat m(std::vector<int>{n, ch, h, w}, CV_32F);
        float* d = m.ptr<float>();
        for (int b = 0; b < n; ++b)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    for (int k = 0; k < ch; ++k)
                        d[((static_cast<size_t>(b) * ch + k) * h + y) * w + x] =
                            c.data[((static_cast<size_t>(b) * h + y) * w + x) * ch + k];
        return m;
    }
    std::vector<int> s = c.shape;
    if (s.empty()) s = {1};
    if (s.size() == 1) s.insert(s.begin(), 1);
    cv::Mat m(s, CV_32F);
    std::memcpy(m.ptr<float>(), c.data.data(), c.data.size() * sizeof(float));
    return m;
}

struct Value {
    enum Kind { Unset, Const, Layer, PadView };
    Kind kind = Unset;
    ConstPtr c;             // Const
    int lid = -1, oid = 0;  // Layer (and PadView once materialised)
    bool nchw = false;      // rank-4 tensor held as NCHW
    // PadView: zero padding of H and W of tensor `padSrc`, not yet applied (folded into a
    // following convolution, or materialised as a Padding layer for other consumers).
    int padSrc = -1;
    int padT = 0, padB = 0, padL = 0, padR = 0;
    int nativeLid = -1;  // cached permute to TFLite memory order
};

class Builder {
public:
    Builder(const ModelReader& r, std::vector<int> skipOutputs)
        : m_r(r), m_values(r.tensors.size()), m_skip(std::move(skipOutputs)) {}

    ImportResult build() {
        registerCustomLayers();
        ImportResult res;
        // Inputs.
        std::vector<cv::String> names;
        for (int t : m_r.inputs) names.push_back(m_r.tensors[t].name);
        if (names.empty()) fail("the model has no inputs");
        m_net.setInputsNames(names);
        m_names.push_back("_input");
        for (size_t i = 0; i < m_r.inputs.size(); ++i) {
            const TensorDesc& t = m_r.tensors[m_r.inputs[i]];
            if (t.type != FLOAT32)
                fail("input " + t.describe() + " has type " + tensorTypeName(t.type) +
                     "; only float32 inputs are supported");
            Value& v = m_values[t.index];
            v.kind = Value::Layer;
            v.lid = 0;
            v.oid = static_cast<int>(i);
            v.nchw = t.shape.size() == 4;
            std::vector<int> netShape = v.nchw ? nhwcToNchwShape(t.shape) : t.shape;
            m_net.setInputShape(t.name, netShape);
            res.inputs.push_back({t.name, t.shape, v.nchw, {}});
        }
        // Operators needed for the kept outputs.
        std::vector<int> keptOutputs;
        const std::vector<char> needed = neededOperators(m_r, m_skip, keptOutputs);
        for (size_t k = 0; k < m_r.ops.size(); ++k) {
            const OperatorDesc& op = m_r.ops[k];
            res.opCounts[op.opName()]++;
            if (needed[k]) convert(op);
        }
        for (int t : keptOutputs) {
            const TensorDesc& td = m_r.tensors[t];
            Value& v = m_values[t];
            if (v.kind == Value::Unset)
                fail("output " + td.describe() + " is not produced by any operator");
            auto [lid, oid] = pin(t, nullptr);
            if (lid == 0 || oid != 0) {  // a net input or a secondary output: add an Identity
                LayerParams lp;
                int id = addLayer("output_" + std::to_string(t), "Identity", lp);
                connect(lid, oid, id, 0);
                lid = id;
            }
            res.outputs.push_back({td.name, td.shape, v.nchw, m_names[lid]});
        }
        checkShapes();
        m_net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        m_net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        res.net = m_net;
        res.layerCounts = m_layerCounts;
        return res;
    }

private:
    const ModelReader& m_r;
    cv::dnn::Net m_net;
    std::vector<Value> m_values;
    std::vector<int> m_skip;  // model outputs (by position) not built
    std::vector<std::string> m_names;  // by layer id
    std::map<std::string, int> m_layerCounts;
    struct Expect { int lid; std::vector<int> shape; int tensor; };
    std::vector<Expect> m_expect;
    std::map<int, int> m_constLayers;  // constant tensor -> its Const layer

    // ---------------------------------------------------------------- net helpers
    int addLayer(const std::string& name, const std::string& type, LayerParams& lp) {
        lp.name = name;
        lp.type = type;
        int id = m_net.addLayer(name, type, lp);
        if (id < 0) fail("OpenCV refused layer " + name + " of type " + type);
        if (static_cast<size_t>(id) >= m_names.size()) m_names.resize(id + 1);
        m_names[id] = name;
        m_layerCounts[type]++;
        return id;
    }
    void connect(int srcLid, int srcOid, int dstLid, int dstIn) {
        m_net.connect(srcLid, srcOid, dstLid, dstIn);
    }
    static std::string base(const OperatorDesc& op) {
        return "op" + std::to_string(op.index) + "_" + op.opName();
    }

    // ---------------------------------------------------------------- operands
    const TensorDesc& input(const OperatorDesc& op, size_t k) const {
        if (k >= op.inputs.size() || op.inputs[k] < 0)
            fail(op.describe() + ": input " + std::to_string(k) + " is missing");
        return m_r.tensors[op.inputs[k]];
    }
    bool hasInput(const OperatorDesc& op, size_t k) const {
        return k < op.inputs.size() && op.inputs[k] >= 0;
    }
    const TensorDesc& output(const OperatorDesc& op, size_t k = 0) const {
        if (k >= op.outputs.size()) fail(op.describe() + ": output " + std::to_string(k) + " is missing");
        return m_r.tensors[op.outputs[k]];
    }
    void expectInputs(const OperatorDesc& op, size_t n) const {
        if (op.inputs.size() < n)
            fail(op.describe() + " needs " + std::to_string(n) + " inputs but has " +
                 std::to_string(op.inputs.size()));
        if (op.outputs.empty()) fail(op.describe() + " has no output");
    }

    bool isConst(int t) const {
        const Value& v = m_values[t];
        if (static_cast<size_t>(t) >= m_r.tensors.size()) return false;
        if (v.kind == Value::Const) return true;
        if (v.kind != Value::Unset) return false;
        return m_r.tensors[t].isConstant();
    }

    // The decoded constant tensor t (see decodeConstant), cached.
    ConstPtr constant(int t, const OperatorDesc& op, bool dequantize = false) {
        Value& v = m_values[t];
        if (v.kind == Value::Const) return v.c;
        const TensorDesc& td = m_r.tensors[t];
        if (v.kind != Value::Unset || !td.isConstant())
            fail(op.describe() + ": " + td.describe() + " must be a constant");
        auto c = std::make_shared<ConstTensor>();
        c->shape = td.shape;
        c->data = decodeConstant(td, op, dequantize);
        v.kind = Value::Const;
        v.c = c;
        return c;
    }
    std::vector<int64_t> constInts(int t, const OperatorDesc& op) const {
        const TensorDesc& td = m_r.tensors[t];
        if (!td.isConstant() || td.sparsity)
            fail(op.describe() + ": " + td.describe() + " must be a constant");
        const size_t n = td.elementCount();
        std::vector<int64_t> out(n);
        if (td.type == INT32) {
            for (size_t i = 0; i < n; ++i) {
                int32_t x;
                std::memcpy(&x, td.data + 4 * i, 4);
                out[i] = x;
            }
        } else if (td.type == INT64) {
            std::memcpy(out.data(), td.data, 8 * n);
        } else {
            fail(op.describe() + ": " + td.describe() + " must be INT32 or INT64, not " +
                 tensorTypeName(td.type));
        }
        return out;
    }

    // The (layer, output) holding tensor t, creating a Const or Padding layer when needed.
    std::pair<int, int> pin(int t, const OperatorDesc* op) {
        Value& v = m_values[t];
        if (static_cast<size_t>(t) >= m_r.tensors.size()) return {v.lid, v.oid};  // synthetic
        const TensorDesc& td = m_r.tensors[t];
        if (v.kind == Value::Layer) return {v.lid, v.oid};
        if (v.kind == Value::Const) {
            auto it = m_constLayers.find(t);
            if (it != m_constLayers.end()) return {it->second, 0};
        }
        if (v.kind == Value::PadView) {
            if (v.lid < 0) {
                auto [slid, soid] = pin(v.padSrc, op);
                LayerParams lp;
                lp.set("type", "constant");
                lp.set("value", 0.f);
                std::vector<int> p = {0, 0, 0, 0, v.padT, v.padB, v.padL, v.padR};
                lp.set("paddings", cv::dnn::DictValue::arrayInt(p.data(), (int)p.size()));
                v.lid = addLayer("t" + std::to_string(t) + "_pad", "Padding", lp);
                v.oid = 0;
                connect(slid, soid, v.lid, 0);
                expect(v.lid, t);
            }
            return {v.lid, v.oid};
        }
        if (isConst(t)) {
            const OperatorDesc dummy{};
            ConstPtr c = constant(t, op ? *op : dummy);
            LayerParams lp;
            const bool nchw = c->shape.size() == 4;
            lp.blobs.push_back(toNetLayout(*c, nchw));
            int id = addLayer("t" + std::to_string(t) + "_const", "Const", lp);
            // Keep the value constant (for folding) but remember its layer.
            v.lid = id;
            v.oid = 0;
            v.nchw = nchw;
            // A Const value with a layer: next time return the layer.
            m_constLayers[t] = id;
            return {id, 0};
        }
        fail((op ? op->describe() + ": " : std::string()) + "input " + td.describe() +
             " is not produced by any earlier operator");
    }
    std::pair<int, int> activationPin(int t, const OperatorDesc& op) {
        if (static_cast<size_t>(t) >= m_r.tensors.size()) return pin(t, &op);  // synthetic
        const TensorDesc& td = m_r.tensors[t];
        if (td.type != FLOAT32 && !isConst(t))
            fail(op.describe() + ": " + td.describe() + " has type " + tensorTypeName(td.type) +
                 "; only float32 activations are supported");
        return pin(t, &op);
    }

    bool heldNchw(int t) const {
        const Value& v = m_values[t];
        if (v.kind == Value::Const && static_cast<size_t>(t) < m_r.tensors.size())
            return m_r.tensors[t].shape.size() == 4;
        return v.nchw;
    }

    void expect(int lid, int t) {
        const TensorDesc& td = m_r.tensors[t];
        const Value& v = m_values[t];
        std::vector<int> s = (v.nchw && td.shape.size() == 4) ? nhwcToNchwShape(td.shape) : td.shape;
        m_expect.push_back({lid, s, t});
    }

    void setLayer(const OperatorDesc& op, int lid, bool nchw, size_t outIdx = 0) {
        const int t = output(op, outIdx).index;
        Value& v = m_values[t];
        if (v.kind != Value::Unset)
            fail(op.describe() + ": output " + m_r.tensors[t].describe() +
                 " is already produced by another operator or is a constant");
        v.kind = Value::Layer;
        v.lid = lid;
        v.oid = 0;
        v.nchw = nchw;
        expect(lid, t);
    }
    void setConst(const OperatorDesc& op, std::shared_ptr<ConstTensor> c) {
        const int t = output(op).index;
        Value& v = m_values[t];
        if (v.kind != Value::Unset)
            fail(op.describe() + ": output " + m_r.tensors[t].describe() + " is already produced");
        if (product(c->shape) != product(m_r.tensors[t].shape))
            fail(op.describe() + ": folded constant has shape " + shapeToString(c->shape) +
                 " but " + m_r.tensors[t].describe() + " has shape " +
                 shapeToString(m_r.tensors[t].shape));
        c->shape = m_r.tensors[t].shape;
        v.kind = Value::Const;
        v.c = std::move(c);
    }

    // Data of tensor t in TFLite memory order (permutes a NCHW tensor to NHWC when that
    // changes memory). The returned layer's shape may differ: callers reshape.
    std::pair<int, int> nativePin(int t, const OperatorDesc& op) {
        auto p = activationPin(t, op);
        const TensorDesc& td = m_r.tensors[t];
        if (!heldNchw(t)) return p;
        const std::vector<int> nchwShape = nhwcToNchwShape(td.shape);
        if (permuteIsNoop(nchwShape, kToNhwc)) return p;
        Value& v = m_values[t];
        if (v.nativeLid < 0) {
            LayerParams lp;
            lp.set("order", cv::dnn::DictValue::arrayInt(kToNhwc.data(), 4));
            v.nativeLid = addLayer("t" + std::to_string(t) + "_to_nhwc", "Permute", lp);
            connect(p.first, p.second, v.nativeLid, 0);
        }
        return {v.nativeLid, 0};
    }

    // Adds the fused activation after layer lid; returns the last layer id.
    int activation(int lid, int act, const OperatorDesc& op) {
        if (act == ACT_NONE) return lid;
        LayerParams lp;
        std::string type;
        switch (act) {
            case ACT_RELU: type = "ReLU"; break;
            case ACT_RELU6:
                type = "ReLU6";
                lp.set("min_value", 0.f);
                lp.set("max_value", 6.f);
                break;
            case ACT_RELU_N1_TO_1:
                type = "ReLU6";
                lp.set("min_value", -1.f);
                lp.set("max_value", 1.f);
                break;
            case ACT_TANH: type = "TanH"; break;
            default:
                fail(op.describe() + ": fused activation " + std::to_string(act) +
                     " (SIGN_BIT or unknown) is not supported");
        }
        int id = addLayer(base(op) + "_" + type, type, lp);
        connect(lid, 0, id, 0);
        return id;
    }

    // OpenCV's own SAME padding (pad_mode "SAME"): pads_begin = pads_end = the value below, and
    // an output of ceil(in / stride); the convolution and pooling kernels skip taps that fall
    // past the end, which is TFLite's extra bottom/right zero padding.
    static int opencvSameBegin(int in, int k, int stride) {
        if (stride > k) return 0;
        return (k - 1 - (in - 1 + stride) % stride) / 2;
    }

    // Sets the padding params of a convolution or pooling layer `lp` for input tensor x with
    // TFLite padding `padding`, folding a preceding zero PAD (PadView) when possible. OpenCV 4.6
    // rejects asymmetric explicit pads, so asymmetric SAME padding uses pad_mode "SAME" when that
    // is exact, and otherwise a Padding layer takes the asymmetric part. Returns the tensor
    // whose layer feeds the op (x, or the source of a folded PadView, or a padded tensor).
    int spatialPadding(const OperatorDesc& op, const TensorDesc& x, int padding, int kh, int kw,
                       int sh, int sw, int dh, int dw, LayerParams& lp, bool allowFold = true) {
        int src = x.index, pt = 0, pb = 0, pl = 0, pr = 0;
        if (allowFold && m_values[src].kind == Value::PadView) {
            const Value& pv = m_values[src];
            pt = pv.padT; pb = pv.padB; pl = pv.padL; pr = pv.padR;
            src = pv.padSrc;
        }
        int st = 0, sb = 0, sl = 0, sr = 0;
        if (padding == PAD_SAME) {
            samePads(x.shape[1], kh, sh, dh, st, sb);
            samePads(x.shape[2], kw, sw, dw, sl, sr);
        }
        pt += st; pb += sb; pl += sl; pr += sr;
        if (pt == pb && pl == pr) {
            lp.set("pad_t", pt);
            lp.set("pad_b", pb);
            lp.set("pad_l", pl);
            lp.set("pad_r", pr);
            return src;
        }
        if (padding == PAD_SAME && src == x.index && dh == 1 && dw == 1 &&
            opencvSameBegin(x.shape[1], kh, sh) == st && opencvSameBegin(x.shape[2], kw, sw) == sl) {
            lp.set("pad_mode", "SAME");
            return src;
        }
        if (!allowFold)  // pooling: padded cells must be ignored, not zeros
            fail(op.describe() + ": asymmetric SAME padding with stride > kernel is not supported");
        // General case: symmetric part in the layer, the rest in an explicit Padding layer.
        const int ct = std::min(pt, pb), cl = std::min(pl, pr);
        lp.set("pad_t", ct);
        lp.set("pad_b", ct);
        lp.set("pad_l", cl);
        lp.set("pad_r", cl);
        auto [slid, soid] = activationPin(src, op);
        LayerParams pp;
        pp.set("type", "constant");
        pp.set("value", 0.f);
        std::vector<int> q = {0, 0, 0, 0, pt - ct, pb - ct, pl - cl, pr - cl};
        pp.set("paddings", cv::dnn::DictValue::arrayInt(q.data(), (int)q.size()));
        int id = addLayer(base(op) + "_pad", "Padding", pp);
        connect(slid, soid, id, 0);
        // A synthetic tensor slot for the padded value.
        Value v;
        v.kind = Value::Layer;
        v.lid = id;
        v.nchw = true;
        m_values.push_back(v);
        return static_cast<int>(m_values.size()) - 1;
    }

    static void samePads(int in, int k, int stride, int dilation, int& before, int& after) {
        const int eff = (k - 1) * dilation + 1;
        const int out = (in + stride - 1) / stride;
        const int total = std::max((out - 1) * stride + eff - in, 0);
        before = total / 2;
        after = total - before;
    }

    // ---------------------------------------------------------------- ops
    void convert(const OperatorDesc& op) {
        switch (op.builtin) {
            case CONV_2D: return conv(op, false);
            case DEPTHWISE_CONV_2D: return conv(op, true);
            case ADD: return binary(op, "add");
            case SUB: return binary(op, "sub");
            case MUL: return binary(op, "mul");
            case DIV: return binary(op, "div");
            case MAXIMUM: return binary(op, "max");
            case MINIMUM: return binary(op, "min");
            case PAD: case PADV2: return pad(op);
            case MAX_POOL_2D: return pool(op, "max");
            case AVERAGE_POOL_2D: return pool(op, "ave");
            case RESIZE_BILINEAR: return resize(op, kResizeBilinearType);
            case RESIZE_NEAREST_NEIGHBOR: return resize(op, kResizeNearestType);
            case RESHAPE: case SQUEEZE: case EXPAND_DIMS: return reshape(op);
            case CONCATENATION: return concat(op);
            case LOGISTIC: return unary(op, "Sigmoid");
            case TANH: return unary(op, "TanH");
            case RELU: return unary(op, "ReLU");
            case RELU6: return unary(op, "ReLU6");
            case RELU_N1_TO_1: return unary(op, "ReLU1");
            case HARD_SWISH: return unary(op, "HardSwish");
            case LEAKY_RELU: return unary(op, "LeakyReLU");
            case PRELU: return prelu(op);
            case SOFTMAX: return softmax(op);
            case FULLY_CONNECTED: return fullyConnected(op);
            case DEPTH_TO_SPACE: return depthToSpace(op);
            case DEQUANTIZE: return dequantize(op);
            case DENSIFY: return densifyOp(op);
            default: break;
        }
        std::string ins;
        for (int t : op.inputs)
            if (t >= 0) ins += (ins.empty() ? "" : ", ") + m_r.tensors[t].describe();
        fail(op.describe() + " (builtin code " + std::to_string(op.builtin) +
             ") is not supported by the TFLite importer; its inputs: " + ins);
    }

    void conv(const OperatorDesc& op, bool depthwise) {
        expectInputs(op, 2);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& wt = input(op, 1);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4 || wt.shape.size() != 4 || y.shape.size() != 4)
            fail(op.describe() + ": expects 4D input, weights and output; got " +
                 shapeToString(x.shape) + ", " + shapeToString(wt.shape) + ", " +
                 shapeToString(y.shape));
        OptionsView o = m_r.options(op);
        int padding, sw, sh, act, dw, dh, mult = 1;
        if (depthwise) {
            padding = o.i8(DepthwiseConv2DOptions::padding);
            sw = o.i32(DepthwiseConv2DOptions::stride_w, 1);
            sh = o.i32(DepthwiseConv2DOptions::stride_h, 1);
            mult = o.i32(DepthwiseConv2DOptions::depth_multiplier, 1);
            act = o.i8(DepthwiseConv2DOptions::fused_activation_function);
            dw = o.i32(DepthwiseConv2DOptions::dilation_w_factor, 1);
            dh = o.i32(DepthwiseConv2DOptions::dilation_h_factor, 1);
        } else {
            padding = o.i8(Conv2DOptions::padding);
            sw = o.i32(Conv2DOptions::stride_w, 1);
            sh = o.i32(Conv2DOptions::stride_h, 1);
            act = o.i8(Conv2DOptions::fused_activation_function);
            dw = o.i32(Conv2DOptions::dilation_w_factor, 1);
            dh = o.i32(Conv2DOptions::dilation_h_factor, 1);
        }
        if (sw < 1 || sh < 1 || dw < 1 || dh < 1)
            fail(op.describe() + ": invalid stride or dilation");
        const int cin = x.shape[3];
        int outC, kh, kw, group;
        ConstPtr w = constant(wt.index, op);
        cv::Mat blob;
        if (depthwise) {
            // [1, KH, KW, O] -> [O, 1, KH, KW]
            if (wt.shape[0] != 1) fail(op.describe() + ": depthwise weights must be [1,KH,KW,C]");
            kh = wt.shape[1];
            kw = wt.shape[2];
            outC = wt.shape[3];
            if (cin <= 0 || outC % cin != 0)
                fail(op.describe() + ": depthwise output channels " + std::to_string(outC) +
                     " are not a multiple of input channels " + std::to_string(cin));
            (void)mult;  // redundant with the weights' shape (TFLite ignores it since 2.x)
            group = cin;
            blob.create(std::vector<int>{outC, 1, kh, kw}, CV_32F);
            float* d = blob.ptr<float>();
            for (int oc = 0; oc < outC; ++oc)
                for (int i = 0; i < kh; ++i)
                    for (int j = 0; j < kw; ++j)
                        d[(static_cast<size_t>(oc) * kh + i) * kw + j] =
                            w->data[(static_cast<size_t>(i) * kw + j) * outC + oc];
        } else {
            // [O, KH, KW, I] -> [O, I, KH, KW]
            outC = wt.shape[0];
            kh = wt.shape[1];
            kw = wt.shape[2];
            const int ci = wt.shape[3];
            if (ci <= 0 || cin % ci != 0 || outC % (cin / ci) != 0)
                fail(op.describe() + ": weights " + wt.describe() + " " +
                     shapeToString(wt.shape) + " do not fit input channels " +
                     std::to_string(cin));
            group = cin / ci;
            blob.create(std::vector<int>{outC, ci, kh, kw}, CV_32F);
            float* d = blob.ptr<float>();
            for (int oc = 0; oc < outC; ++oc)
                for (int i = 0; i < kh; ++i)
                    for (int j = 0; j < kw; ++j)
                        for (int c = 0; c < ci; ++c)
                            d[((static_cast<size_t>(oc) * ci + c) * kh + i) * kw + j] =
                                w->data[((static_cast<size_t>(oc) * kh + i) * kw + j) * ci + c];
        }
        if (y.shape[3] != outC)
            fail(op.describe() + ": output " + y.describe() + " has " + std::to_string(y.shape[3]) +
                 " channels but the weights give " + std::to_string(outC));
        cv::Mat bias;
        if (hasInput(op, 2)) {
            ConstPtr b = constant(input(op, 2).index, op);
            if (b->data.size() != static_cast<size_t>(outC))
                fail(op.describe() + ": bias " + input(op, 2).describe() + " has " +
                     std::to_string(b->data.size()) + " values, expected " + std::to_string(outC));
            bias = cv::Mat(1, outC, CV_32F);
            std::memcpy(bias.ptr<float>(), b->data.data(), outC * sizeof(float));
        }
        if (padding != PAD_SAME && padding != PAD_VALID)
            fail(op.describe() + ": unknown padding " + std::to_string(padding));
        if (!heldNchw(x.index)) fail(op.describe() + ": input must be a 4D tensor");
        LayerParams lp;
        lp.set("kernel_h", kh);
        lp.set("kernel_w", kw);
        lp.set("stride_h", sh);
        lp.set("stride_w", sw);
        lp.set("dilation_h", dh);
        lp.set("dilation_w", dw);
        const int src = spatialPadding(op, x, padding, kh, kw, sh, sw, dh, dw, lp);
        lp.set("num_output", outC);
        lp.set("group", group);
        lp.set("bias_term", !bias.empty());
        lp.blobs.push_back(blob);
        if (!bias.empty()) lp.blobs.push_back(bias);
        auto [slid, soid] = activationPin(src, op);
        int id = addLayer(base(op), "Convolution", lp);
        connect(slid, soid, id, 0);
        id = activation(id, act, op);
        setLayer(op, id, true);
    }

    // Broadcast of two TFLite shapes (numpy rules).
    static bool broadcastShape(const std::vector<int>& a, const std::vector<int>& b,
                               std::vector<int>& out) {
        const size_t n = std::max(a.size(), b.size());
        out.assign(n, 1);
        for (size_t i = 0; i < n; ++i) {
            const int da = i < n - a.size() ? 1 : a[i - (n - a.size())];
            const int db = i < n - b.size() ? 1 : b[i - (n - b.size())];
            if (da != db && da != 1 && db != 1) return false;
            out[i] = std::max(da, db);
        }
        return true;
    }

    static float applyBin(const std::string& kind, float u, float v) {
        if (kind == "add") return u + v;
        if (kind == "sub") return u - v;
        if (kind == "mul") return u * v;
        if (kind == "div") return u / v;
        if (kind == "max") return std::max(u, v);
        return std::min(u, v);
    }

    static float applyAct(int act, float v) {
        switch (act) {
            case ACT_RELU: return std::max(v, 0.f);
            case ACT_RELU6: return std::min(std::max(v, 0.f), 6.f);
            case ACT_RELU_N1_TO_1: return std::min(std::max(v, -1.f), 1.f);
            case ACT_TANH: return std::tanh(v);
            default: return v;
        }
    }

    // Constant expanded to `rank` dims (leading 1s), then to the net layout of a tensor of that
    // rank (NCHW if 4D).
    static cv::Mat constForNet(const ConstTensor& c, size_t rank) {
        ConstTensor e = c;
        while (e.shape.size() < rank) e.shape.insert(e.shape.begin(), 1);
        return toNetLayout(e, e.shape.size() == 4);
    }

    // A layer pin for tensor t expressed with `rank` dims in net layout (reshaping a lower-rank
    // tensor up to 4D NCHW when needed).
    std::pair<int, int> pinWithRank(int t, size_t rank, const OperatorDesc& op) {
        const TensorDesc& td = m_r.tensors[t];
        auto p = activationPin(t, op);
        if (td.shape.size() == rank) return p;
        std::vector<int> s = td.shape;
        while (s.size() < rank) s.insert(s.begin(), 1);
        p = nativePin(t, op);
        LayerParams lp;
        lp.set("dim", cv::dnn::DictValue::arrayInt(s.data(), (int)s.size()));
        int id = addLayer(base(op) + "_expand" + std::to_string(t), "Reshape", lp);
        connect(p.first, p.second, id, 0);
        if (rank == 4 && !permuteIsNoop(s, kToNchw)) {
            LayerParams pp;
            pp.set("order", cv::dnn::DictValue::arrayInt(kToNchw.data(), 4));
            int pid = addLayer(base(op) + "_expand" + std::to_string(t) + "_nchw", "Permute", pp);
            connect(id, 0, pid, 0);
            id = pid;
        } else if (rank == 4) {
            std::vector<int> ns = nhwcToNchwShape(s);
            LayerParams rp;
            rp.set("dim", cv::dnn::DictValue::arrayInt(ns.data(), 4));
            int rid = addLayer(base(op) + "_expand" + std::to_string(t) + "_nchw", "Reshape", rp);
            connect(id, 0, rid, 0);
            id = rid;
        }
        return {id, 0};
    }

    void binary(const OperatorDesc& op, const std::string& kind) {
        expectInputs(op, 2);
        const TensorDesc& a = input(op, 0);
        const TensorDesc& b = input(op, 1);
        const TensorDesc& y = output(op);
        const int act = m_r.options(op).i8(BinaryOptions::fused_activation_function);
        std::vector<int> outShape;
        if (!broadcastShape(a.shape, b.shape, outShape) || product(outShape) != product(y.shape))
            fail(op.describe() + ": shapes " + shapeToString(a.shape) + " and " +
                 shapeToString(b.shape) + " do not broadcast to output " + y.describe() + " " +
                 shapeToString(y.shape));
        const bool ca = isConst(a.index), cb = isConst(b.index);
        if (ca && cb) {  // fold
            ConstPtr A = constant(a.index, op), B = constant(b.index, op);
            auto c = std::make_shared<ConstTensor>();
            c->shape = outShape;
            c->data.resize(product(outShape));
            const size_t n = outShape.size();
            std::vector<int> idx(n, 0);
            auto offset = [&](const std::vector<int>& s) {
                size_t off = 0;
                for (size_t i = 0; i < n; ++i) {
                    const int k = static_cast<int>(i) - static_cast<int>(n - s.size());
                    if (k < 0) continue;
                    off = off * s[k] + (s[k] == 1 ? 0 : idx[i]);
                }
                return off;
            };
            for (size_t e = 0; e < c->data.size(); ++e) {
                size_t rem = e;
                for (size_t i = n; i-- > 0;) {
                    idx[i] = static_cast<int>(rem % outShape[i]);
                    rem /= outShape[i];
                }
                c->data[e] = applyAct(act, applyBin(kind, A->data[offset(A->shape)],
                                                    B->data[offset(B->shape)]));
            }
            return setConst(op, c);
        }
        const size_t rank = outShape.size();
        const bool outNchw = rank == 4;
        int id = -1;
        if (!ca && !cb && a.shape == b.shape && kind != "div" && kind != "min") {
            auto pa = activationPin(a.index, op);
            auto pb = activationPin(b.index, op);
            LayerParams lp;
            if (kind == "sub") {
                lp.set("operation", "sum");
                std::vector<float> coeff = {1.f, -1.f};
                lp.set("coeff", cv::dnn::DictValue::arrayReal(coeff.data(), 2));
            } else {
                lp.set("operation", kind == "add" ? "sum" : kind == "mul" ? "prod" : "max");
            }
            id = addLayer(base(op), "Eltwise", lp);
            connect(pa.first, pa.second, id, 0);
            connect(pb.first, pb.second, id, 1);
        } else if (ca != cb) {
            const TensorDesc& xt = ca ? b : a;
            const TensorDesc& kt = ca ? a : b;
            ConstPtr k = constant(kt.index, op);
            const bool constFirst = ca;
            // Is the constant a scalar or a per-channel (last TFLite dim) vector?
            const int channels = xt.shape.empty() ? 1 : xt.shape.back();
            bool scalar = k->data.size() == 1;
            bool perChannel = !scalar && xt.shape.size() == rank && !xt.shape.empty() &&
                              k->data.size() == static_cast<size_t>(channels) &&
                              !k->shape.empty() && k->shape.back() == channels;
            if (scalar && !(kind == "max" || kind == "min" || (kind == "div" && constFirst))) {
                const float v = k->data[0];
                float scale = 1.f, shift = 0.f;
                if (kind == "add") shift = v;
                else if (kind == "sub") { if (constFirst) { scale = -1.f; shift = v; } else shift = -v; }
                else if (kind == "mul") scale = v;
                else scale = 1.f / v;  // x / c
                LayerParams lp;
                lp.set("power", 1.f);
                lp.set("scale", scale);
                lp.set("shift", shift);
                auto px = activationPin(xt.index, op);
                id = addLayer(base(op), "Power", lp);
                connect(px.first, px.second, id, 0);
            } else if (perChannel && (kind == "add" || kind == "mul" ||
                                      (kind == "sub" && !constFirst))) {
                cv::Mat blob(1, channels, CV_32F);
                for (int i = 0; i < channels; ++i)
                    blob.at<float>(i) = kind == "sub" ? -k->data[i] : k->data[i];
                LayerParams lp;
                lp.set("axis", outNchw ? 1 : static_cast<int>(rank) - 1);
                lp.set("bias_term", kind != "mul");
                lp.blobs.push_back(blob);
                auto px = activationPin(xt.index, op);
                id = addLayer(base(op), "Scale", lp);
                connect(px.first, px.second, id, 0);
            } else {
                LayerParams lp;
                lp.set("op", kind);
                lp.set("const_first", constFirst);
                lp.blobs.push_back(constForNet(*k, rank));
                auto px = pinWithRank(xt.index, rank, op);
                id = addLayer(base(op), kBroadcastBinaryType, lp);
                connect(px.first, px.second, id, 0);
            }
        } else {
            auto pa = pinWithRank(a.index, rank, op);
            auto pb = pinWithRank(b.index, rank, op);
            LayerParams lp;
            lp.set("op", kind);
            id = addLayer(base(op), kBroadcastBinaryType, lp);
            connect(pa.first, pa.second, id, 0);
            connect(pb.first, pb.second, id, 1);
        }
        id = activation(id, act, op);
        if (y.shape.size() != rank)
            fail(op.describe() + ": output rank " + std::to_string(y.shape.size()) +
                 " differs from the broadcast rank " + std::to_string(rank));
        setLayer(op, id, outNchw);
    }

    void pad(const OperatorDesc& op) {
        expectInputs(op, 2);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        auto p = constInts(input(op, 1).index, op);
        const size_t rank = x.shape.size();
        if (p.size() != rank * 2)
            fail(op.describe() + ": paddings " + input(op, 1).describe() + " has " +
                 std::to_string(p.size()) + " values, expected " + std::to_string(rank * 2));
        for (auto v : p)
            if (v < 0 || v > (1 << 20)) fail(op.describe() + ": invalid padding " + std::to_string(v));
        float value = 0.f;
        if (op.builtin == PADV2 && hasInput(op, 2)) {
            ConstPtr c = constant(input(op, 2).index, op);
            if (c->data.size() != 1) fail(op.describe() + ": constant_values must be a scalar");
            value = c->data[0];
        }
        for (size_t i = 0; i < rank; ++i)
            if (x.shape[i] + p[2 * i] + p[2 * i + 1] != y.shape[i])
                fail(op.describe() + ": padded shape does not match output " + y.describe() + " " +
                     shapeToString(y.shape));
        if (isConst(x.index)) fail(op.describe() + ": padding a constant is not supported");
        const bool nchw = heldNchw(x.index);
        if (nchw && value == 0.f && p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0 &&
            m_values[x.index].kind != Value::PadView) {
            Value& v = m_values[y.index];
            if (v.kind != Value::Unset) fail(op.describe() + ": output already produced");
            v.kind = Value::PadView;
            v.padSrc = x.index;
            v.padT = static_cast<int>(p[2]);
            v.padB = static_cast<int>(p[3]);
            v.padL = static_cast<int>(p[4]);
            v.padR = static_cast<int>(p[5]);
            v.nchw = true;
            return;
        }
        std::vector<int> q(p.begin(), p.end());
        if (nchw) q = {q[0], q[1], q[6], q[7], q[2], q[3], q[4], q[5]};
        LayerParams lp;
        lp.set("type", "constant");
        lp.set("value", value);
        lp.set("paddings", cv::dnn::DictValue::arrayInt(q.data(), (int)q.size()));
        auto px = activationPin(x.index, op);
        int id = addLayer(base(op), "Padding", lp);
        connect(px.first, px.second, id, 0);
        setLayer(op, id, nchw);
    }

    void pool(const OperatorDesc& op, const char* kind) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4) fail(op.describe() + ": expects a 4D input");
        OptionsView o = m_r.options(op);
        const int padding = o.i8(Pool2DOptions::padding);
        const int sw = o.i32(Pool2DOptions::stride_w, 1), sh = o.i32(Pool2DOptions::stride_h, 1);
        const int fw = o.i32(Pool2DOptions::filter_width, 1);
        const int fh = o.i32(Pool2DOptions::filter_height, 1);
        const int act = o.i8(Pool2DOptions::fused_activation_function);
        if (sw < 1 || sh < 1 || fw < 1 || fh < 1) fail(op.describe() + ": invalid pool options");
        LayerParams lp;
        lp.set("pool", kind);
        lp.set("kernel_h", fh);
        lp.set("kernel_w", fw);
        lp.set("stride_h", sh);
        lp.set("stride_w", sw);
        lp.set("ceil_mode", false);
        lp.set("ave_pool_padded_area", false);
        if (padding != PAD_SAME && padding != PAD_VALID)
            fail(op.describe() + ": unknown padding " + std::to_string(padding));
        // Never fold a zero PAD into pooling (max pooling ignores padded cells, PAD does not).
        const int src = spatialPadding(op, x, padding, fh, fw, sh, sw, 1, 1, lp, false);
        auto px = activationPin(src, op);
        int id = addLayer(base(op), "Pooling", lp);
        connect(px.first, px.second, id, 0);
        id = activation(id, act, op);
        (void)y;
        setLayer(op, id, true);
    }

    void resize(const OperatorDesc& op, const char* type) {
        expectInputs(op, 2);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4) fail(op.describe() + ": expects a 4D input");
        auto size = constInts(input(op, 1).index, op);
        if (size.size() != 2 || size[0] <= 0 || size[1] <= 0 || size[0] != y.shape[1] ||
            size[1] != y.shape[2])
            fail(op.describe() + ": size tensor does not match output " + y.describe() + " " +
                 shapeToString(y.shape));
        OptionsView o = m_r.options(op);
        const bool bilinear = op.builtin == RESIZE_BILINEAR;
        const bool align = o.boolean(bilinear ? ResizeBilinearOptions::align_corners
                                              : ResizeNearestNeighborOptions::align_corners);
        const bool half = o.boolean(bilinear ? ResizeBilinearOptions::half_pixel_centers
                                             : ResizeNearestNeighborOptions::half_pixel_centers);
        LayerParams lp;
        lp.set("height", static_cast<int>(size[0]));
        lp.set("width", static_cast<int>(size[1]));
        lp.set("align_corners", align);
        lp.set("half_pixel_centers", half);
        auto px = activationPin(x.index, op);
        int id = addLayer(base(op), type, lp);
        connect(px.first, px.second, id, 0);
        setLayer(op, id, true);
    }

    void reshape(const OperatorDesc& op) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (product(x.shape) != product(y.shape))
            fail(op.describe() + ": cannot reshape " + x.describe() + " " + shapeToString(x.shape) +
                 " to " + y.describe() + " " + shapeToString(y.shape));
        if (isConst(x.index)) {
            auto c = std::make_shared<ConstTensor>(*constant(x.index, op));
            return setConst(op, c);
        }
        const bool outNchw = y.shape.size() == 4;
        // Already the right shape in the net?
        if (heldNchw(x.index) == outNchw && x.shape == y.shape) {
            auto px = activationPin(x.index, op);
            LayerParams lp;
            int id = addLayer(base(op), "Identity", lp);
            connect(px.first, px.second, id, 0);
            return setLayer(op, id, outNchw);
        }
        auto px = nativePin(x.index, op);
        std::vector<int> dims = y.shape;
        if (dims.empty()) dims = {1};
        LayerParams lp;
        lp.set("dim", cv::dnn::DictValue::arrayInt(dims.data(), (int)dims.size()));
        int id = addLayer(base(op), "Reshape", lp);
        connect(px.first, px.second, id, 0);
        if (outNchw) {
            if (permuteIsNoop(y.shape, kToNchw)) {
                std::vector<int> ns = nhwcToNchwShape(y.shape);
                LayerParams rp;
                rp.set("dim", cv::dnn::DictValue::arrayInt(ns.data(), 4));
                int rid = addLayer(base(op) + "_nchw", "Reshape", rp);
                connect(id, 0, rid, 0);
                id = rid;
            } else {
                LayerParams pp;
                pp.set("order", cv::dnn::DictValue::arrayInt(kToNchw.data(), 4));
                int pid = addLayer(base(op) + "_nchw", "Permute", pp);
                connect(id, 0, pid, 0);
                id = pid;
            }
        }
        setLayer(op, id, outNchw);
    }

    void concat(const OperatorDesc& op) {
        expectInputs(op, 1);
        const TensorDesc& y = output(op);
        OptionsView o = m_r.options(op);
        int axis = o.i32(ConcatenationOptions::axis);
        const int act = o.i8(ConcatenationOptions::fused_activation_function);
        const int rank = static_cast<int>(y.shape.size());
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) fail(op.describe() + ": invalid axis");
        int sum = 0;
        for (size_t k = 0; k < op.inputs.size(); ++k) {
            const TensorDesc& x = input(op, k);
            if (static_cast<int>(x.shape.size()) != rank)
                fail(op.describe() + ": " + x.describe() + " has rank " +
                     std::to_string(x.shape.size()) + ", output has " + std::to_string(rank));
            for (int i = 0; i < rank; ++i)
                if (i != axis && x.shape[i] != y.shape[i])
                    fail(op.describe() + ": " + x.describe() + " " + shapeToString(x.shape) +
                         " does not match output " + shapeToString(y.shape));
            sum += x.shape[axis];
        }
        if (sum != y.shape[axis]) fail(op.describe() + ": concatenated size does not match output");
        const bool nchw = rank == 4;
        LayerParams lp;
        lp.set("axis", nchw ? nhwcAxisToNchw(axis) : axis);
        int id = addLayer(base(op), "Concat", lp);
        for (size_t k = 0; k < op.inputs.size(); ++k) {
            auto p = activationPin(input(op, k).index, op);
            connect(p.first, p.second, id, static_cast<int>(k));
        }
        id = activation(id, act, op);
        setLayer(op, id, nchw);
    }

    void unary(const OperatorDesc& op, const std::string& what) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        LayerParams lp;
        std::string type = what;
        if (what == "ReLU6") {
            lp.set("min_value", 0.f);
            lp.set("max_value", 6.f);
        } else if (what == "ReLU1") {
            type = "ReLU6";
            lp.set("min_value", -1.f);
            lp.set("max_value", 1.f);
        } else if (what == "LeakyReLU") {
            type = "ReLU";
            lp.set("negative_slope", m_r.options(op).f32(LeakyReluOptions::alpha, 0.2f));
        }
        auto px = activationPin(x.index, op);
        int id = addLayer(base(op), type, lp);
        connect(px.first, px.second, id, 0);
        setLayer(op, id, heldNchw(x.index));
    }

    void prelu(const OperatorDesc& op) {
        expectInputs(op, 2);
        const TensorDesc& x = input(op, 0);
        ConstPtr alpha = constant(input(op, 1).index, op);
        const int channels = x.shape.empty() ? 1 : x.shape.back();
        if (alpha->data.size() != static_cast<size_t>(channels) &&
            alpha->data.size() != 1)
            fail(op.describe() + ": only per-channel or scalar alpha is supported");
        if (x.shape.size() != 4 && x.shape.size() != 2)
            fail(op.describe() + ": only 2D and 4D inputs are supported");
        cv::Mat slope(1, channels, CV_32F);
        for (int i = 0; i < channels; ++i)
            slope.at<float>(i) = alpha->data[alpha->data.size() == 1 ? 0 : i];
        LayerParams lp;
        lp.blobs.push_back(slope);
        auto px = activationPin(x.index, op);
        int id = addLayer(base(op), "PReLU", lp);
        connect(px.first, px.second, id, 0);
        setLayer(op, id, heldNchw(x.index));
    }

    void softmax(const OperatorDesc& op) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        const float beta = m_r.options(op).f32(SoftmaxOptions::beta, 1.f);
        auto px = activationPin(x.index, op);
        int src = px.first, soid = px.second;
        if (beta != 1.f) {
            LayerParams pp;
            pp.set("power", 1.f);
            pp.set("scale", beta);
            pp.set("shift", 0.f);
            int pid = addLayer(base(op) + "_beta", "Power", pp);
            connect(src, soid, pid, 0);
            src = pid;
            soid = 0;
        }
        const bool nchw = heldNchw(x.index);
        LayerParams lp;
        lp.set("axis", nchw ? 1 : static_cast<int>(x.shape.size()) - 1);
        int id = addLayer(base(op), "Softmax", lp);
        connect(src, soid, id, 0);
        setLayer(op, id, nchw);
    }

    void fullyConnected(const OperatorDesc& op) {
        expectInputs(op, 2);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& wt = input(op, 1);
        const TensorDesc& y = output(op);
        OptionsView o = m_r.options(op);
        const int act = o.i8(FullyConnectedOptions::fused_activation_function);
        if (o.i8(FullyConnectedOptions::weights_format) != 0)
            fail(op.describe() + ": shuffled weights are not supported");
        if (wt.shape.size() != 2) fail(op.describe() + ": weights must be 2D");
        ConstPtr w = constant(wt.index, op);
        const int outC = wt.shape[0], inC = wt.shape[1];
        if (inC <= 0 || product(x.shape) % inC != 0)
            fail(op.describe() + ": input " + shapeToString(x.shape) + " does not fit weights " +
                 shapeToString(wt.shape));
        const int rows = static_cast<int>(product(x.shape) / inC);
        cv::Mat wm(outC, inC, CV_32F);
        std::memcpy(wm.ptr<float>(), w->data.data(), w->data.size() * sizeof(float));
        cv::Mat bias(1, outC, CV_32F, cv::Scalar(0));
        if (hasInput(op, 2)) {
            ConstPtr b = constant(input(op, 2).index, op);
            if (b->data.size() != static_cast<size_t>(outC)) fail(op.describe() + ": bad bias size");
            std::memcpy(bias.ptr<float>(), b->data.data(), outC * sizeof(float));
        }
        auto px = nativePin(x.index, op);
        std::vector<int> d = {rows, inC};
        LayerParams rp;
        rp.set("dim", cv::dnn::DictValue::arrayInt(d.data(), 2));
        int rid = addLayer(base(op) + "_flatten", "Reshape", rp);
        connect(px.first, px.second, rid, 0);
        LayerParams lp;
        lp.set("num_output", outC);
        lp.set("axis", 1);
        lp.set("bias_term", true);
        lp.blobs = {wm, bias};
        int id = addLayer(base(op), "InnerProduct", lp);
        connect(rid, 0, id, 0);
        id = activation(id, act, op);
        if (y.shape.size() != 2) {
            if (y.shape.size() == 4) fail(op.describe() + ": 4D output is not supported");
            LayerParams op2;
            std::vector<int> ys = y.shape;
            op2.set("dim", cv::dnn::DictValue::arrayInt(ys.data(), (int)ys.size()));
            int oid = addLayer(base(op) + "_keepdims", "Reshape", op2);
            connect(id, 0, oid, 0);
            id = oid;
        }
        setLayer(op, id, false);
    }

    void depthToSpace(const OperatorDesc& op) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        const int block = m_r.options(op).i32(DepthToSpaceOptions::block_size);
        if (x.shape.size() != 4 || block < 1 || x.shape[3] % (block * block) != 0 ||
            y.shape.size() != 4 || y.shape[1] != x.shape[1] * block ||
            y.shape[2] != x.shape[2] * block || y.shape[3] != x.shape[3] / (block * block))
            fail(op.describe() + ": block_size " + std::to_string(block) + " does not fit " +
                 shapeToString(x.shape) + " -> " + shapeToString(y.shape));
        LayerParams lp;
        lp.set("block_size", block);
        auto px = activationPin(x.index, op);
        int id = addLayer(base(op), kDepthToSpaceType, lp);
        connect(px.first, px.second, id, 0);
        setLayer(op, id, true);
    }

    void dequantize(const OperatorDesc& op) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        if (!isConst(x.index))
            fail(op.describe() + ": only constant inputs are supported (" + x.describe() + " is " +
                 tensorTypeName(x.type) + " computed at run time)");
        auto c = std::make_shared<ConstTensor>(*constant(x.index, op, true));
        setConst(op, c);
    }

    void densifyOp(const OperatorDesc& op) {
        expectInputs(op, 1);
        const TensorDesc& x = input(op, 0);
        if (!x.isConstant()) fail(op.describe() + ": input " + x.describe() + " must be constant");
        const TensorDesc& y = output(op);
        // The dense output keeps the input's element type; a float16 output is then DEQUANTIZEd.
        auto c = std::make_shared<ConstTensor>(*constant(x.index, op, y.type != FLOAT32 &&
                                                                      y.type != FLOAT16));
        setConst(op, c);
    }

    // ---------------------------------------------------------------- checks
    void checkShapes() {
        if (m_expect.empty()) return;
        std::vector<cv::dnn::MatShape> inShapes;
        for (int t : m_r.inputs) {
            const TensorDesc& td = m_r.tensors[t];
            inShapes.push_back(td.shape.size() == 4 ? nhwcToNchwShape(td.shape) : td.shape);
        }
        std::vector<int> ids;
        std::vector<std::vector<cv::dnn::MatShape>> ins, outs;
        m_net.getLayersShapes(inShapes, ids, ins, outs);
        std::map<int, size_t> pos;
        for (size_t i = 0; i < ids.size(); ++i) pos[ids[i]] = i;
        for (const Expect& e : m_expect) {
            auto it = pos.find(e.lid);
            if (it == pos.end() || outs[it->second].empty()) continue;
            const cv::dnn::MatShape& got = outs[it->second][0];
            const bool same = got.size() == e.shape.size()
                                  ? std::equal(got.begin(), got.end(), e.shape.begin())
                                  : product(got) == product(e.shape);
            if (!same)
                fail("importer bug: layer " + m_names[e.lid] + " computes shape " +
                     shapeToString(std::vector<int>(got.begin(), got.end())) + " for " +
                     m_r.tensors[e.tensor].describe() + ", expected " + shapeToString(e.shape) +
                     " (net layout)");
        }
    }
};

}  // namespace

ImportResult importModel(const ModelReader& model, const std::vector<int>& skipOutputs) {
    Builder b(model, skipOutputs);
    return b.build();
}

}  // namespace ptcoach::vision::tflite
