#include "tflite/xnn_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <set>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "tflite/tflite_constants.h"
#include "tflite/tflite_schema.h"

namespace ptcoach::vision::tflite {

using namespace schema;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr size_t kExtraFloats = (XNN_EXTRA_BYTES + sizeof(float) - 1) / sizeof(float);

const char* statusName(xnn_status s) {
    switch (s) {
        case xnn_status_success: return "success";
        case xnn_status_uninitialized: return "uninitialized";
        case xnn_status_invalid_parameter: return "invalid parameter";
        case xnn_status_invalid_state: return "invalid state";
        case xnn_status_unsupported_parameter: return "unsupported parameter";
        case xnn_status_unsupported_hardware: return "unsupported hardware";
        case xnn_status_out_of_memory: return "out of memory";
    }
    return "unknown status";
}

struct InitState {
    xnn_status status = xnn_status_uninitialized;
};

const InitState& init() {
    static InitState s;
    static std::once_flag once;
    std::call_once(once, [] { s.status = xnn_initialize(nullptr); });
    return s;
}

size_t product(const std::vector<int>& s) {
    size_t n = 1;
    for (int d : s) n *= static_cast<size_t>(d);
    return n;
}

std::vector<size_t> dimsOf(const std::vector<int>& s) {
    std::vector<size_t> d;
    for (int v : s) d.push_back(static_cast<size_t>(v));
    if (d.empty()) d.push_back(1);
    return d;
}

// TFLite SAME padding of one spatial dimension.
void samePads(int in, int k, int stride, int dilation, int& before, int& after) {
    const int eff = (k - 1) * dilation + 1;
    const int out = (in + stride - 1) / stride;
    const int total = std::max((out - 1) * stride + eff - in, 0);
    before = total / 2;
    after = total - before;
}

// Clamp bounds of a fused activation; throws for the ones XNNPACK cannot fuse.
void activationRange(int act, const OperatorDesc& op, float& lo, float& hi) {
    lo = -kInf;
    hi = kInf;
    switch (act) {
        case ACT_NONE: return;
        case ACT_RELU: lo = 0.f; return;
        case ACT_RELU6: lo = 0.f; hi = 6.f; return;
        case ACT_RELU_N1_TO_1: lo = -1.f; hi = 1.f; return;
        default:
            throw XnnUnsupported(op.describe() + ": fused activation " + std::to_string(act) +
                                 " (TANH or SIGN_BIT) has no XNNPACK node here");
    }
}

// One pthreadpool per thread count for the whole process. Two pools would fight over the cores:
// a pool's workers spin between the operators of a run, so the detector's and the landmark
// model's pools took turns starving each other (the detector took 34 ms instead of 9 with two
// threads each). pthreadpool runs one parallel job at a time, so sharing it across models and
// threads is safe; runs from two threads then take turns.
std::shared_ptr<pthreadpool> sharedPool(int threads) {
    static std::mutex mutex;
    static std::map<int, std::weak_ptr<pthreadpool>> pools;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto p = pools[threads].lock()) return p;
    pthreadpool_t raw = pthreadpool_create(static_cast<size_t>(threads));
    if (!raw) throw std::bad_alloc();
    std::shared_ptr<pthreadpool> p(raw, [](pthreadpool_t q) { pthreadpool_destroy(q); });
    pools[threads] = p;
    return p;
}

}  // namespace

bool xnnAvailable(std::string* why) {
    const InitState& s = init();
    if (s.status == xnn_status_success) return true;
    if (why) *why = std::string("XNNPACK did not initialise: ") + statusName(s.status);
    return false;
}

struct XnnModel::Impl {
    std::shared_ptr<pthreadpool> pool;  // shared by every model with the same thread count
    xnn_runtime_t runtime = nullptr;
    std::vector<std::shared_ptr<std::vector<float>>> constants;  // static data, kept alive
    std::vector<std::vector<float>> outBuf;                      // external outputs
    // A model output made by concatenating external outputs after the run (axis, activation).
    struct Concat {
        size_t output;            // index into m_outputs
        std::vector<size_t> parts;  // external output buffers, in order
        std::vector<size_t> partInner;  // elements per outer index of each part
        size_t outer = 1;
        float lo = -kInf, hi = kInf;
    };
    std::vector<Concat> concats;
    std::vector<int> outputBuffer;  // m_outputs index -> outBuf index, -1 for concatenated ones
    std::vector<std::vector<float>> concatBuf;  // by m_outputs index (empty unless concatenated)

    ~Impl() {
        if (runtime) xnn_delete_runtime(runtime);
    }
};

class XnnBuilder {
public:
    XnnBuilder(const ModelReader& r, const std::vector<int>& skip, const XnnOptions& o)
        : m_r(r), m_skip(skip), m_opt(o), m_values(r.tensors.size()) {}

    void build(XnnModel* model, XnnModel::Impl& impl);

private:
    struct Value {
        enum Kind { Unset, Const, Dyn, PadView };
        Kind kind = Unset;
        std::shared_ptr<std::vector<float>> c;  // Const: TFLite-layout data
        std::vector<int> cshape;                // Const: shape
        uint32_t id = XNN_INVALID_VALUE_ID;     // Dyn, or a Const/PadView once defined in XNNPACK
        int padSrc = -1;                        // PadView: zero H/W padding of padSrc
        int padT = 0, padB = 0, padL = 0, padR = 0;
    };

    const ModelReader& m_r;
    const std::vector<int>& m_skip;
    const XnnOptions& m_opt;
    std::vector<Value> m_values;
    xnn_subgraph_t m_sg = nullptr;
    XnnModel::Impl* m_impl = nullptr;
    std::map<int, uint32_t> m_externalOut;  // tensor -> external id of an external output
    std::set<int> m_tailConcats;            // ops done after the run
    size_t m_nodes = 0;

    static void check(xnn_status s, const std::string& where, const char* what) {
        if (s == xnn_status_success) return;
        if (s == xnn_status_out_of_memory) throw std::bad_alloc();
        throw XnnUnsupported(where + ": XNNPACK rejected " + what + " (" + statusName(s) + ")");
    }
    static void check(xnn_status s, const OperatorDesc& op, const char* what) { check(s, op.describe(), what); }
    void node(xnn_status s, const OperatorDesc& op, const char* what) {
        check(s, op, what);
        ++m_nodes;
    }

    const TensorDesc& input(const OperatorDesc& op, size_t k) const {
        if (k >= op.inputs.size() || op.inputs[k] < 0)
            fail(op.describe() + ": input " + std::to_string(k) + " is missing");
        return m_r.tensors[op.inputs[k]];
    }
    bool hasInput(const OperatorDesc& op, size_t k) const { return k < op.inputs.size() && op.inputs[k] >= 0; }
    const TensorDesc& output(const OperatorDesc& op) const {
        if (op.outputs.empty() || op.outputs[0] < 0) fail(op.describe() + " has no output");
        return m_r.tensors[op.outputs[0]];
    }

    bool isConst(int t) const {
        const Value& v = m_values[t];
        if (v.kind == Value::Const) return true;
        return v.kind == Value::Unset && m_r.tensors[t].isConstant();
    }
    // Decoded constant (cached).
    Value& constant(int t, const OperatorDesc& op, bool dequantize = false) {
        Value& v = m_values[t];
        if (v.kind == Value::Const) return v;
        const TensorDesc& td = m_r.tensors[t];
        if (v.kind != Value::Unset || !td.isConstant())
            fail(op.describe() + ": " + td.describe() + " must be a constant");
        v.kind = Value::Const;
        v.c = std::make_shared<std::vector<float>>(decodeConstant(td, op, dequantize));
        v.cshape = td.shape;
        return v;
    }
    uint32_t staticValue(std::shared_ptr<std::vector<float>> data, const std::vector<int>& shape,
                         const OperatorDesc& op) {
        data->resize(std::max(data->size(), product(shape)) + kExtraFloats, 0.f);
        m_impl->constants.push_back(data);
        const auto dims = dimsOf(shape);
        uint32_t id;
        check(xnn_define_tensor_value(m_sg, xnn_datatype_fp32, dims.size(), dims.data(), data->data(),
                                      XNN_INVALID_VALUE_ID, 0, &id),
              op, "a constant tensor");
        return id;
    }
    // XNNPACK value of tensor t as an operand (constants become static values, pending pads
    // become PAD nodes).
    uint32_t operand(int t, const OperatorDesc& op) {
        Value& v = m_values[t];
        const TensorDesc& td = m_r.tensors[t];
        if (v.kind == Value::Dyn) return v.id;
        if (v.kind == Value::PadView) {
            if (v.id == XNN_INVALID_VALUE_ID) materializePad(t, op);
            return v.id;
        }
        if (isConst(t)) {
            Value& c = constant(t, op);
            if (c.id == XNN_INVALID_VALUE_ID) c.id = staticValue(c.c, td.shape, op);
            return c.id;
        }
        fail(op.describe() + ": input " + td.describe() + " is not produced by any earlier operator");
    }
    uint32_t dynOperand(int t, const OperatorDesc& op) {
        if (isConst(t))
            throw XnnUnsupported(op.describe() + ": a constant " + m_r.tensors[t].describe() +
                                 " where XNNPACK wants computed data");
        if (m_r.tensors[t].type != FLOAT32)
            throw XnnUnsupported(op.describe() + ": " + m_r.tensors[t].describe() + " is " +
                                 tensorTypeName(m_r.tensors[t].type) + ", not float32");
        return operand(t, op);
    }
    // Defines the output value of tensor t (external if it is a model output).
    uint32_t defineOut(int t, const OperatorDesc& op) {
        Value& v = m_values[t];
        if (v.kind != Value::Unset)
            fail(op.describe() + ": output " + m_r.tensors[t].describe() +
                 " is already produced by another operator or is a constant");
        const auto dims = dimsOf(m_r.tensors[t].shape);
        auto ext = m_externalOut.find(t);
        uint32_t id;
        check(xnn_define_tensor_value(m_sg, xnn_datatype_fp32, dims.size(), dims.data(), nullptr,
                                      ext == m_externalOut.end() ? XNN_INVALID_VALUE_ID : ext->second,
                                      ext == m_externalOut.end() ? 0 : XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &id),
              op, "an output tensor");
        v.kind = Value::Dyn;
        v.id = id;
        return id;
    }
    uint32_t internalValue(const std::vector<int>& shape, const OperatorDesc& op) {
        const auto dims = dimsOf(shape);
        uint32_t id;
        check(xnn_define_tensor_value(m_sg, xnn_datatype_fp32, dims.size(), dims.data(), nullptr,
                                      XNN_INVALID_VALUE_ID, 0, &id),
              op, "an intermediate tensor");
        return id;
    }

    // A pending zero pad that a consumer other than a convolution needs: a PAD node.
    void materializePad(int t, const OperatorDesc& op) {
        const Value v = m_values[t];
        const uint32_t src = operand(v.padSrc, op);
        const size_t pre[4] = {0, static_cast<size_t>(v.padT), static_cast<size_t>(v.padL), 0};
        const size_t post[4] = {0, static_cast<size_t>(v.padB), static_cast<size_t>(v.padR), 0};
        m_values[t] = Value{};
        const uint32_t id = defineOut(t, op);
        node(xnn_define_static_constant_pad(m_sg, pre, post, 0.f, src, id, 0), op, "PAD");
    }

    // ---------------------------------------------------------------- operators
    void convert(const OperatorDesc& op) {
        switch (op.builtin) {
            case CONV_2D: return conv(op, false);
            case DEPTHWISE_CONV_2D: return conv(op, true);
            case ADD: case SUB: case MUL: case DIV: case MAXIMUM: case MINIMUM: return binary(op);
            case PAD: case PADV2: return pad(op);
            case MAX_POOL_2D: case AVERAGE_POOL_2D: return pool(op);
            case RESIZE_BILINEAR: return resize(op);
            case RESHAPE: case SQUEEZE: case EXPAND_DIMS: return reshape(op);
            case LOGISTIC: case RELU: case RELU6: case RELU_N1_TO_1: case HARD_SWISH: case LEAKY_RELU:
                return unary(op);
            case PRELU: return prelu(op);
            case SOFTMAX: return softmax(op);
            case FULLY_CONNECTED: return fullyConnected(op);
            case DEPTH_TO_SPACE: return depthToSpace(op);
            case DEQUANTIZE: return foldConstant(op, true);
            case DENSIFY: {
                const TensorDesc& y = output(op);
                return foldConstant(op, y.type != FLOAT32 && y.type != FLOAT16);
            }
            case CONCATENATION:
                if (m_tailConcats.count(op.index)) return;  // after the run
                throw XnnUnsupported(op.describe() + ": this XNNPACK has no concatenation node "
                                     "(only a concatenation that makes a model output is supported)");
            default:
                throw XnnUnsupported(op.describe() + " has no XNNPACK node here");
        }
    }

    void foldConstant(const OperatorDesc& op, bool dequantize) {
        const TensorDesc& x = input(op, 0);
        if (!isConst(x.index))
            fail(op.describe() + ": only constant inputs are supported (" + x.describe() + " is " +
                 tensorTypeName(x.type) + " computed at run time)");
        Value& c = constant(x.index, op, dequantize);
        const TensorDesc& y = output(op);
        if (product(y.shape) != c.c->size() && product(y.shape) != product(c.cshape))
            fail(op.describe() + ": folded constant does not fit " + y.describe());
        Value& v = m_values[y.index];
        if (v.kind != Value::Unset) fail(op.describe() + ": output already produced");
        v.kind = Value::Const;
        v.c = c.c;
        v.cshape = y.shape;
        if (m_externalOut.count(y.index))
            throw XnnUnsupported(op.describe() + ": a model output that is a constant");
    }

    void conv(const OperatorDesc& op, bool depthwise) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& wt = input(op, 1);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4 || wt.shape.size() != 4 || y.shape.size() != 4)
            fail(op.describe() + ": expects 4D input, weights and output; got " + shapeToString(x.shape) +
                 ", " + shapeToString(wt.shape) + ", " + shapeToString(y.shape));
        OptionsView o = m_r.options(op);
        int padding, sw, sh, act, dw, dh;
        if (depthwise) {
            padding = o.i8(DepthwiseConv2DOptions::padding);
            sw = o.i32(DepthwiseConv2DOptions::stride_w, 1);
            sh = o.i32(DepthwiseConv2DOptions::stride_h, 1);
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
        if (sw < 1 || sh < 1 || dw < 1 || dh < 1) fail(op.describe() + ": invalid stride or dilation");
        if (padding != PAD_SAME && padding != PAD_VALID)
            fail(op.describe() + ": unknown padding " + std::to_string(padding));
        float lo, hi;
        activationRange(act, op, lo, hi);
        const int cin = x.shape[3];
        const int kh = wt.shape[1], kw = wt.shape[2];
        const int outC = depthwise ? wt.shape[3] : wt.shape[0];
        if (depthwise && (wt.shape[0] != 1 || cin <= 0 || outC % cin != 0))
            fail(op.describe() + ": depthwise weights " + shapeToString(wt.shape) +
                 " do not fit input channels " + std::to_string(cin));
        if (!depthwise && (wt.shape[3] <= 0 || cin % wt.shape[3] != 0 || outC % (cin / wt.shape[3]) != 0))
            fail(op.describe() + ": weights " + wt.describe() + " " + shapeToString(wt.shape) +
                 " do not fit input channels " + std::to_string(cin));
        if (y.shape[3] != outC)
            fail(op.describe() + ": output " + y.describe() + " has " + std::to_string(y.shape[3]) +
                 " channels but the weights give " + std::to_string(outC));
        // Explicit padding: TFLite SAME plus a folded zero PAD.
        int src = x.index, pt = 0, pb = 0, pl = 0, pr = 0;
        if (m_values[src].kind == Value::PadView) {
            const Value& pv = m_values[src];
            pt = pv.padT; pb = pv.padB; pl = pv.padL; pr = pv.padR;
            src = pv.padSrc;
        }
        if (padding == PAD_SAME) {
            int a, b;
            samePads(x.shape[1], kh, sh, dh, a, b);
            pt += a; pb += b;
            samePads(x.shape[2], kw, sw, dw, a, b);
            pl += a; pr += b;
        }
        const uint32_t in = dynOperand(src, op);
        Value& w = constant(wt.index, op);
        if (w.id == XNN_INVALID_VALUE_ID) w.id = staticValue(w.c, wt.shape, op);
        uint32_t bias;
        if (hasInput(op, 2)) {
            const TensorDesc& bt = input(op, 2);
            Value& b = constant(bt.index, op);
            if (b.c->size() < static_cast<size_t>(outC) || product(bt.shape) != static_cast<size_t>(outC))
                fail(op.describe() + ": bias " + bt.describe() + " has " + std::to_string(product(bt.shape)) +
                     " values, expected " + std::to_string(outC));
            if (b.id == XNN_INVALID_VALUE_ID) b.id = staticValue(b.c, {outC}, op);
            bias = b.id;
        } else {
            bias = staticValue(std::make_shared<std::vector<float>>(outC, 0.f), {outC}, op);
        }
        const uint32_t out = defineOut(y.index, op);
        if (depthwise) {
            node(xnn_define_depthwise_convolution_2d(m_sg, pt, pr, pb, pl, kh, kw, sh, sw, dh, dw, outC / cin, cin,
                                                     lo, hi, in, w.id, bias, out, 0),
                 op, "DEPTHWISE_CONV_2D");
        } else {
            const int groups = cin / wt.shape[3];
            node(xnn_define_convolution_2d(m_sg, pt, pr, pb, pl, kh, kw, sh, sw, dh, dw, groups, wt.shape[3],
                                           outC / groups, lo, hi, in, w.id, bias, out, 0),
                 op, "CONV_2D");
        }
    }

    void binary(const OperatorDesc& op) {
        const TensorDesc& a = input(op, 0);
        const TensorDesc& b = input(op, 1);
        const TensorDesc& y = output(op);
        const int act = m_r.options(op).i8(BinaryOptions::fused_activation_function);
        float lo, hi;
        activationRange(act, op, lo, hi);
        if (isConst(a.index) && isConst(b.index))
            throw XnnUnsupported(op.describe() + ": both operands constant");
        if (a.shape.size() > XNN_MAX_TENSOR_DIMS || b.shape.size() > XNN_MAX_TENSOR_DIMS)
            throw XnnUnsupported(op.describe() + ": more than " + std::to_string(XNN_MAX_TENSOR_DIMS) + " dims");
        const uint32_t ia = operand(a.index, op), ib = operand(b.index, op);
        const uint32_t out = defineOut(y.index, op);
        switch (op.builtin) {
            case ADD: return node(xnn_define_add2(m_sg, lo, hi, ia, ib, out, 0), op, "ADD");
            case SUB: return node(xnn_define_subtract(m_sg, lo, hi, ia, ib, out, 0), op, "SUB");
            case MUL: return node(xnn_define_multiply2(m_sg, lo, hi, ia, ib, out, 0), op, "MUL");
            case DIV: return node(xnn_define_divide(m_sg, lo, hi, ia, ib, out, 0), op, "DIV");
            default: break;
        }
        if (act != ACT_NONE) {  // MAXIMUM/MINIMUM have no fused clamp
            const uint32_t tmp = internalValue(y.shape, op);
            node(op.builtin == MAXIMUM ? xnn_define_maximum2(m_sg, ia, ib, tmp, 0)
                                       : xnn_define_minimum2(m_sg, ia, ib, tmp, 0),
                 op, "MAXIMUM/MINIMUM");
            return node(xnn_define_clamp(m_sg, lo, hi, tmp, out, 0), op, "clamp");
        }
        node(op.builtin == MAXIMUM ? xnn_define_maximum2(m_sg, ia, ib, out, 0)
                                   : xnn_define_minimum2(m_sg, ia, ib, out, 0),
             op, "MAXIMUM/MINIMUM");
    }

    std::vector<int64_t> constInts(int t, const OperatorDesc& op) const {
        const TensorDesc& td = m_r.tensors[t];
        if (!td.isConstant() || td.sparsity) fail(op.describe() + ": " + td.describe() + " must be a constant");
        const size_t n = td.elementCount();
        std::vector<int64_t> out(n);
        if (td.dataSize < n * (td.type == INT64 ? 8 : 4))
            fail(op.describe() + ": " + td.describe() + " holds too few bytes");
        if (td.type == INT32) {
            for (size_t i = 0; i < n; ++i) {
                int32_t v;
                std::memcpy(&v, td.data + 4 * i, 4);
                out[i] = v;
            }
        } else if (td.type == INT64) {
            std::memcpy(out.data(), td.data, 8 * n);
        } else {
            fail(op.describe() + ": " + td.describe() + " must be INT32 or INT64, not " + tensorTypeName(td.type));
        }
        return out;
    }

    void pad(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        auto p = constInts(input(op, 1).index, op);
        const size_t rank = x.shape.size();
        if (p.size() != rank * 2)
            fail(op.describe() + ": paddings " + input(op, 1).describe() + " has " + std::to_string(p.size()) +
                 " values, expected " + std::to_string(rank * 2));
        for (auto v : p)
            if (v < 0 || v > (1 << 20)) fail(op.describe() + ": invalid padding " + std::to_string(v));
        for (size_t i = 0; i < rank; ++i)
            if (x.shape[i] + p[2 * i] + p[2 * i + 1] != y.shape[i])
                fail(op.describe() + ": padded shape does not match output " + y.describe() + " " +
                     shapeToString(y.shape));
        float value = 0.f;
        if (op.builtin == PADV2 && hasInput(op, 2)) {
            Value& c = constant(input(op, 2).index, op);
            if (c.c->size() < 1 || product(c.cshape) != 1) fail(op.describe() + ": constant_values must be a scalar");
            value = (*c.c)[0];
        }
        if (isConst(x.index)) throw XnnUnsupported(op.describe() + ": padding a constant");
        if (rank == 4 && value == 0.f && p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0 &&
            m_values[x.index].kind != Value::PadView && !m_externalOut.count(y.index)) {
            Value& v = m_values[y.index];
            if (v.kind != Value::Unset) fail(op.describe() + ": output already produced");
            v.kind = Value::PadView;
            v.padSrc = x.index;
            v.padT = static_cast<int>(p[2]);
            v.padB = static_cast<int>(p[3]);
            v.padL = static_cast<int>(p[4]);
            v.padR = static_cast<int>(p[5]);
            return;
        }
        std::vector<size_t> pre(rank), post(rank);
        for (size_t i = 0; i < rank; ++i) {
            pre[i] = static_cast<size_t>(p[2 * i]);
            post[i] = static_cast<size_t>(p[2 * i + 1]);
        }
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        node(xnn_define_static_constant_pad(m_sg, pre.data(), post.data(), value, in, out, 0), op, "PAD");
    }

    void pool(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4) fail(op.describe() + ": expects a 4D input");
        OptionsView o = m_r.options(op);
        const int padding = o.i8(Pool2DOptions::padding);
        const int sw = o.i32(Pool2DOptions::stride_w, 1), sh = o.i32(Pool2DOptions::stride_h, 1);
        const int fw = o.i32(Pool2DOptions::filter_width, 1), fh = o.i32(Pool2DOptions::filter_height, 1);
        const int act = o.i8(Pool2DOptions::fused_activation_function);
        if (sw < 1 || sh < 1 || fw < 1 || fh < 1) fail(op.describe() + ": invalid pool options");
        if (padding != PAD_SAME && padding != PAD_VALID)
            fail(op.describe() + ": unknown padding " + std::to_string(padding));
        float lo, hi;
        activationRange(act, op, lo, hi);
        // SAME: XNNPACK's TensorFlow SAME padding leaves padded cells out of the max and of the
        // average's divisor, as TFLite does. Never fold a zero PAD here (PAD's zeros count).
        const uint32_t flags = padding == PAD_SAME ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0;
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        if (op.builtin == MAX_POOL_2D)
            node(xnn_define_max_pooling_2d(m_sg, 0, 0, 0, 0, fh, fw, sh, sw, 1, 1, lo, hi, in, out, flags), op,
                 "MAX_POOL_2D");
        else
            node(xnn_define_average_pooling_2d(m_sg, 0, 0, 0, 0, fh, fw, sh, sw, lo, hi, in, out, flags), op,
                 "AVERAGE_POOL_2D");
    }

    void resize(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4) fail(op.describe() + ": expects a 4D input");
        auto size = constInts(input(op, 1).index, op);
        if (size.size() != 2 || size[0] <= 0 || size[1] <= 0 || size[0] != y.shape[1] || size[1] != y.shape[2])
            fail(op.describe() + ": size tensor does not match output " + y.describe() + " " +
                 shapeToString(y.shape));
        OptionsView o = m_r.options(op);
        const bool align = o.boolean(ResizeBilinearOptions::align_corners);
        const bool half = o.boolean(ResizeBilinearOptions::half_pixel_centers);
        // XNNPACK's default is half-pixel centres; TFLite's default (neither) is its legacy mode.
        const uint32_t flags = align ? XNN_FLAG_ALIGN_CORNERS : half ? 0 : XNN_FLAG_TENSORFLOW_LEGACY_MODE;
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        node(xnn_define_static_resize_bilinear_2d(m_sg, size[0], size[1], in, out, flags), op, "RESIZE_BILINEAR");
    }

    void reshape(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (product(x.shape) != product(y.shape))
            fail(op.describe() + ": cannot reshape " + x.describe() + " " + shapeToString(x.shape) + " to " +
                 y.describe() + " " + shapeToString(y.shape));
        if (isConst(x.index)) {
            Value& c = constant(x.index, op);
            Value& v = m_values[y.index];
            if (v.kind != Value::Unset) fail(op.describe() + ": output already produced");
            v.kind = Value::Const;
            v.c = c.c;
            v.cshape = y.shape;
            if (m_externalOut.count(y.index))
                throw XnnUnsupported(op.describe() + ": a model output that is a constant");
            return;
        }
        if (y.shape.size() > XNN_MAX_TENSOR_DIMS)
            throw XnnUnsupported(op.describe() + ": more than " + std::to_string(XNN_MAX_TENSOR_DIMS) + " dims");
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        const auto dims = dimsOf(y.shape);
        node(xnn_define_static_reshape(m_sg, dims.size(), dims.data(), in, out, 0), op, "RESHAPE");
    }

    void unary(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        switch (op.builtin) {
            case LOGISTIC: return node(xnn_define_sigmoid(m_sg, in, out, 0), op, "LOGISTIC");
            case RELU: return node(xnn_define_clamp(m_sg, 0.f, kInf, in, out, 0), op, "RELU");
            case RELU6: return node(xnn_define_clamp(m_sg, 0.f, 6.f, in, out, 0), op, "RELU6");
            case RELU_N1_TO_1: return node(xnn_define_clamp(m_sg, -1.f, 1.f, in, out, 0), op, "RELU_N1_TO_1");
            case HARD_SWISH: return node(xnn_define_hardswish(m_sg, in, out, 0), op, "HARD_SWISH");
            default: {
                const float alpha = m_r.options(op).f32(LeakyReluOptions::alpha, 0.2f);
                return node(xnn_define_leaky_relu(m_sg, alpha, in, out, 0), op, "LEAKY_RELU");
            }
        }
    }

    void prelu(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (x.shape.size() != 4) throw XnnUnsupported(op.describe() + ": XNNPACK's PRELU needs a 4D input");
        Value& alpha = constant(input(op, 1).index, op);
        const int channels = x.shape[3];
        if (alpha.c->size() < 1 || (product(alpha.cshape) != static_cast<size_t>(channels) && product(alpha.cshape) != 1))
            throw XnnUnsupported(op.describe() + ": only per-channel or scalar alpha is supported");
        auto slope = std::make_shared<std::vector<float>>(channels);
        for (int i = 0; i < channels; ++i) (*slope)[i] = (*alpha.c)[product(alpha.cshape) == 1 ? 0 : i];
        const uint32_t sid = staticValue(slope, {channels}, op);
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        node(xnn_define_prelu(m_sg, in, sid, out, 0), op, "PRELU");
    }

    void softmax(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        if (m_r.options(op).f32(SoftmaxOptions::beta, 1.f) != 1.f)
            throw XnnUnsupported(op.describe() + ": beta other than 1");
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        node(xnn_define_softmax(m_sg, in, out, 0), op, "SOFTMAX");
    }

    void fullyConnected(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& wt = input(op, 1);
        const TensorDesc& y = output(op);
        OptionsView o = m_r.options(op);
        const int act = o.i8(FullyConnectedOptions::fused_activation_function);
        if (o.i8(FullyConnectedOptions::weights_format) != 0)
            fail(op.describe() + ": shuffled weights are not supported");
        if (wt.shape.size() != 2) fail(op.describe() + ": weights must be 2D");
        float lo, hi;
        activationRange(act, op, lo, hi);
        const int outC = wt.shape[0], inC = wt.shape[1];
        if (inC <= 0 || product(x.shape) % inC != 0)
            fail(op.describe() + ": input " + shapeToString(x.shape) + " does not fit weights " +
                 shapeToString(wt.shape));
        const int rows = static_cast<int>(product(x.shape) / inC);
        Value& w = constant(wt.index, op);
        if (w.id == XNN_INVALID_VALUE_ID) w.id = staticValue(w.c, wt.shape, op);
        uint32_t bias = XNN_INVALID_VALUE_ID;
        if (hasInput(op, 2)) {
            Value& b = constant(input(op, 2).index, op);
            if (product(b.cshape) != static_cast<size_t>(outC)) fail(op.describe() + ": bad bias size");
            if (b.id == XNN_INVALID_VALUE_ID) b.id = staticValue(b.c, {outC}, op);
            bias = b.id;
        }
        const uint32_t in = dynOperand(x.index, op);
        const bool plain = x.shape.size() == 2 && y.shape.size() == 2;
        if (plain) {
            const uint32_t out = defineOut(y.index, op);
            return node(xnn_define_fully_connected(m_sg, lo, hi, in, w.id, bias, out, 0), op, "FULLY_CONNECTED");
        }
        if (product(y.shape) != static_cast<size_t>(rows) * outC)
            fail(op.describe() + ": output " + shapeToString(y.shape) + " does not fit");
        const uint32_t tmp = internalValue({rows, outC}, op);
        node(xnn_define_fully_connected(m_sg, lo, hi, in, w.id, bias, tmp, XNN_FLAG_TENSORFLOW_RESHAPE_2D), op,
             "FULLY_CONNECTED");
        const uint32_t out = defineOut(y.index, op);
        const auto dims = dimsOf(y.shape);
        node(xnn_define_static_reshape(m_sg, dims.size(), dims.data(), tmp, out, 0), op, "reshape");
    }

    void depthToSpace(const OperatorDesc& op) {
        const TensorDesc& x = input(op, 0);
        const TensorDesc& y = output(op);
        const int block = m_r.options(op).i32(DepthToSpaceOptions::block_size);
        if (x.shape.size() != 4 || block < 1 || x.shape[3] % (block * block) != 0 || y.shape.size() != 4 ||
            y.shape[1] != x.shape[1] * block || y.shape[2] != x.shape[2] * block ||
            y.shape[3] != x.shape[3] / (block * block))
            fail(op.describe() + ": block_size " + std::to_string(block) + " does not fit " +
                 shapeToString(x.shape) + " -> " + shapeToString(y.shape));
        const uint32_t in = dynOperand(x.index, op);
        const uint32_t out = defineOut(y.index, op);
        node(xnn_define_depth_to_space(m_sg, in, out, block, 0), op, "DEPTH_TO_SPACE");
    }

    // A CONCATENATION whose output is a kept model output and feeds no operator: its inputs
    // become subgraph outputs and the copy is done after the run.
    bool planTailConcat(const OperatorDesc& op, const std::vector<int>& kept, const std::vector<char>& needed,
                        XnnModel::Impl::Concat& plan, std::vector<int>& parts) {
        if (op.outputs.size() != 1 || op.outputs[0] < 0) return false;
        const int t = op.outputs[0];
        if (std::find(kept.begin(), kept.end(), t) == kept.end()) return false;
        for (size_t k = 0; k < m_r.ops.size(); ++k) {
            if (!needed[k]) continue;
            for (int in : m_r.ops[k].inputs)
                if (in == t) return false;
        }
        const TensorDesc& y = m_r.tensors[t];
        OptionsView o = m_r.options(op);
        int axis = o.i32(ConcatenationOptions::axis);
        const int rank = static_cast<int>(y.shape.size());
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) fail(op.describe() + ": invalid axis");
        activationRange(o.i8(ConcatenationOptions::fused_activation_function), op, plan.lo, plan.hi);
        plan.outer = 1;
        for (int i = 0; i < axis; ++i) plan.outer *= static_cast<size_t>(y.shape[i]);
        int sum = 0;
        for (int in : op.inputs) {
            if (in < 0) fail(op.describe() + ": missing input");
            const TensorDesc& x = m_r.tensors[in];
            if (static_cast<int>(x.shape.size()) != rank)
                fail(op.describe() + ": " + x.describe() + " has rank " + std::to_string(x.shape.size()) +
                     ", output has " + std::to_string(rank));
            for (int i = 0; i < rank; ++i)
                if (i != axis && x.shape[i] != y.shape[i])
                    fail(op.describe() + ": " + x.describe() + " " + shapeToString(x.shape) +
                         " does not match output " + shapeToString(y.shape));
            if (x.isConstant() || std::find(m_r.inputs.begin(), m_r.inputs.end(), in) != m_r.inputs.end())
                return false;
            sum += x.shape[axis];
            size_t inner = 1;
            for (int i = axis; i < rank; ++i) inner *= static_cast<size_t>(x.shape[i]);
            plan.partInner.push_back(inner);
            parts.push_back(in);
        }
        if (sum != y.shape[axis]) fail(op.describe() + ": concatenated size does not match output");
        return true;
    }
};

void XnnBuilder::build(XnnModel* model, XnnModel::Impl& impl) {
    m_impl = &impl;
    std::string why;
    if (!xnnAvailable(&why)) throw XnnUnsupported(why);
    // Which operators, which outputs.
    std::vector<int> kept;
    std::vector<char> needed = neededOperators(m_r, m_skip, kept);
    std::vector<int> inputs = m_r.inputs;
    if (!m_opt.onlyOps.empty()) {
        // A slice of the model: the chosen operators, fed from their computed inputs.
        needed.assign(m_r.ops.size(), 0);
        std::set<int> produced;
        kept.clear();
        inputs.clear();
        for (int k : m_opt.onlyOps) {
            if (k < 0 || static_cast<size_t>(k) >= m_r.ops.size()) fail("operator #" + std::to_string(k) + " does not exist");
            needed[k] = 1;
        }
        std::vector<int> producer(m_r.tensors.size(), -1);
        for (size_t k = 0; k < m_r.ops.size(); ++k)
            for (int t : m_r.ops[k].outputs)
                if (t >= 0) producer[t] = static_cast<int>(k);
        // Constant-making operators the slice depends on come along.
        for (int k : m_opt.onlyOps)
            for (int t : m_r.ops[k].inputs) {
                if (t < 0) continue;
                int p = producer[t];
                while (p >= 0 && (m_r.ops[p].builtin == DEQUANTIZE || m_r.ops[p].builtin == DENSIFY)) {
                    needed[p] = 1;
                    const int src = m_r.ops[p].inputs.empty() ? -1 : m_r.ops[p].inputs[0];
                    p = src >= 0 ? producer[src] : -1;
                }
            }
        for (size_t k = 0; k < m_r.ops.size(); ++k) {
            if (!needed[k]) continue;
            for (int t : m_r.ops[k].outputs) produced.insert(t);
        }
        for (size_t k = 0; k < m_r.ops.size(); ++k) {
            if (!needed[k]) continue;
            for (int t : m_r.ops[k].inputs)
                if (t >= 0 && !produced.count(t) && !m_r.tensors[t].isConstant() &&
                    std::find(inputs.begin(), inputs.end(), t) == inputs.end())
                    inputs.push_back(t);
        }
        // Its outputs: what no operator of the slice consumes.
        for (int k : m_opt.onlyOps)
            for (int t : m_r.ops[k].outputs) {
                bool consumed = false;
                for (int j : m_opt.onlyOps)
                    for (int in : m_r.ops[j].inputs) consumed |= in == t;
                if (t >= 0 && !consumed) kept.push_back(t);
            }
    }
    if (inputs.empty()) fail("the model has no inputs");

    // External outputs: the kept outputs, except tail concatenations, whose parts stand in.
    std::vector<int> extOut;
    std::vector<std::pair<XnnModel::Impl::Concat, std::vector<int>>> concatPlans;
    std::map<int, size_t> concatOfTensor;
    for (size_t k = 0; k < m_r.ops.size(); ++k) {
        if (!needed[k] || m_r.ops[k].builtin != CONCATENATION) continue;
        XnnModel::Impl::Concat plan;
        std::vector<int> parts;
        if (planTailConcat(m_r.ops[k], kept, needed, plan, parts)) {
            m_tailConcats.insert(m_r.ops[k].index);
            concatOfTensor[m_r.ops[k].outputs[0]] = concatPlans.size();
            concatPlans.push_back({plan, parts});
        }
    }
    auto addExt = [&](int t) {
        if (std::find(extOut.begin(), extOut.end(), t) == extOut.end()) extOut.push_back(t);
    };
    for (int t : kept) {
        auto it = concatOfTensor.find(t);
        if (it == concatOfTensor.end()) addExt(t);
        else for (int p : concatPlans[it->second].second) addExt(p);
    }
    for (int t : kept)
        if (std::find(inputs.begin(), inputs.end(), t) != inputs.end())
            throw XnnUnsupported("output " + m_r.tensors[t].describe() + " is a model input");
    const uint32_t nIn = static_cast<uint32_t>(inputs.size());
    for (size_t i = 0; i < extOut.size(); ++i) m_externalOut[extOut[i]] = nIn + static_cast<uint32_t>(i);

    check(xnn_create_subgraph(nIn + static_cast<uint32_t>(extOut.size()), 0, &m_sg), std::string("the model"), "a subgraph");
    struct SubgraphGuard {
        xnn_subgraph_t& s;
        ~SubgraphGuard() {
            if (s) xnn_delete_subgraph(s);
        }
    } guard{m_sg};

    for (uint32_t i = 0; i < nIn; ++i) {
        const TensorDesc& t = m_r.tensors[inputs[i]];
        if (t.type != FLOAT32)
            throw XnnUnsupported("input " + t.describe() + " has type " + tensorTypeName(t.type) +
                                 "; only float32 inputs are supported");
        for (int d : t.shape)
            if (d <= 0) throw XnnUnsupported("input " + t.describe() + " has an unknown dimension");
        const auto dims = dimsOf(t.shape);
        uint32_t id;
        check(xnn_define_tensor_value(m_sg, xnn_datatype_fp32, dims.size(), dims.data(), nullptr, i,
                                      XNN_VALUE_FLAG_EXTERNAL_INPUT, &id),
              "input " + t.describe(), "an input tensor");
        m_values[t.index].kind = Value::Dyn;
        m_values[t.index].id = id;
        model->m_inputs.push_back({t.name, t.shape, false, {}});
        model->m_inBuf.emplace_back(product(t.shape) + kExtraFloats, 0.f);
    }
    for (size_t k = 0; k < m_r.ops.size(); ++k)
        if (needed[k]) convert(m_r.ops[k]);
    // Outputs that are pending pads get their PAD node now.
    for (int t : extOut) {
        Value& v = m_values[t];
        if (v.kind == Value::Unset)
            fail("output " + m_r.tensors[t].describe() + " is not produced by any operator");
        if (v.kind == Value::Const)
            throw XnnUnsupported("output " + m_r.tensors[t].describe() + " is a constant");
    }
    m_impl->outBuf.resize(extOut.size());
    for (size_t i = 0; i < extOut.size(); ++i)
        m_impl->outBuf[i].assign(product(m_r.tensors[extOut[i]].shape) + kExtraFloats, 0.f);
    for (int t : kept) {
        const TensorDesc& td = m_r.tensors[t];
        model->m_outputs.push_back({td.name, td.shape, false, {}});
        auto it = concatOfTensor.find(t);
        if (it == concatOfTensor.end()) {
            m_impl->outputBuffer.push_back(static_cast<int>(
                std::find(extOut.begin(), extOut.end(), t) - extOut.begin()));
            m_impl->concatBuf.emplace_back();
        } else {
            XnnModel::Impl::Concat c = concatPlans[it->second].first;
            c.output = model->m_outputs.size() - 1;
            for (int p : concatPlans[it->second].second)
                c.parts.push_back(static_cast<size_t>(std::find(extOut.begin(), extOut.end(), p) - extOut.begin()));
            m_impl->concats.push_back(c);
            m_impl->outputBuffer.push_back(-1);
            m_impl->concatBuf.emplace_back(product(td.shape), 0.f);
        }
    }

    if (m_opt.threads > 1) {
        m_impl->pool = sharedPool(m_opt.threads);
    }
    uint32_t flags = m_opt.sparse ? XNN_FLAG_HINT_SPARSE_INFERENCE : 0;
    // Workers sleep as soon as the model has run instead of spinning for the next one.
    flags |= XNN_FLAG_YIELD_WORKERS;
    check(xnn_create_runtime_v2(m_sg, m_impl->pool.get(), flags, &m_impl->runtime), std::string("the model"), "the runtime");
    std::vector<xnn_external_value> ext;
    for (uint32_t i = 0; i < nIn; ++i) ext.push_back({i, model->m_inBuf[i].data()});
    for (size_t i = 0; i < extOut.size(); ++i)
        ext.push_back({nIn + static_cast<uint32_t>(i), m_impl->outBuf[i].data()});
    check(xnn_setup_runtime(m_impl->runtime, ext.size(), ext.data()), std::string("the model"), "the runtime set-up");
    model->m_nodes = m_nodes;
}

std::unique_ptr<XnnModel> XnnModel::build(const ModelReader& model, const std::vector<int>& skipOutputs,
                                          const XnnOptions& options) {
    std::unique_ptr<XnnModel> m(new XnnModel());
    m->m_impl = std::make_unique<Impl>();
    XnnBuilder b(model, skipOutputs, options);
    b.build(m.get(), *m->m_impl);
    return m;
}

XnnModel::~XnnModel() = default;

void XnnModel::run() {
    Impl& d = *m_impl;
    const xnn_status s = xnn_invoke_runtime(d.runtime);
    if (s != xnn_status_success) fail(std::string("XNNPACK failed to run the model: ") + statusName(s));
    for (const Impl::Concat& c : d.concats) {
        float* dst = d.concatBuf[c.output].data();
        for (size_t o = 0; o < c.outer; ++o)
            for (size_t p = 0; p < c.parts.size(); ++p) {
                const float* src = d.outBuf[c.parts[p]].data() + o * c.partInner[p];
                for (size_t i = 0; i < c.partInner[p]; ++i) *dst++ = std::min(std::max(src[i], c.lo), c.hi);
            }
    }
}

const float* XnnModel::output(size_t i) const {
    const Impl& d = *m_impl;
    const int b = d.outputBuffer[i];
    return b >= 0 ? d.outBuf[b].data() : d.concatBuf[i].data();
}

}  // namespace ptcoach::vision::tflite
