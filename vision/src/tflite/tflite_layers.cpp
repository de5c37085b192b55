#include "tflite/tflite_layers.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/layer.details.hpp>
#include <opencv2/dnn/shape_utils.hpp>

namespace ptcoach::vision::tflite {

namespace {

using cv::dnn::Layer;
using cv::dnn::LayerParams;
using cv::dnn::MatShape;

// ---------------------------------------------------------------------------------------------
class DepthToSpaceLayer final : public Layer {
public:
    explicit DepthToSpaceLayer(const LayerParams& p) : Layer(p), m_block(p.get<int>("block_size")) {
        CV_Assert(m_block >= 1);
    }
    static cv::Ptr<Layer> create(LayerParams& p) { return cv::makePtr<DepthToSpaceLayer>(p); }

    bool getMemoryShapes(const std::vector<MatShape>& in, const int, std::vector<MatShape>& out,
                         std::vector<MatShape>&) const override {
        CV_Assert(in.size() == 1 && in[0].size() == 4);
        const MatShape& s = in[0];
        CV_Assert(s[1] % (m_block * m_block) == 0);
        out.assign(1, MatShape{s[0], s[1] / (m_block * m_block), s[2] * m_block, s[3] * m_block});
        return false;
    }

    void forward(cv::InputArrayOfArrays inArr, cv::OutputArrayOfArrays outArr,
                 cv::OutputArrayOfArrays) override {
        SingleIo io = singleFloatIo(inArr, outArr);
        const cv::Mat& src = io.src;
        cv::Mat& dst = io.dst;
        const int n = src.size[0], cin = src.size[1], h = src.size[2], w = src.size[3];
        const int b = m_block, cout = cin / (b * b), oh = h * b, ow = w * b;
        const float* sp = src.ptr<float>();
        float* dp = dst.ptr<float>();
        cv::parallel_for_(cv::Range(0, n * cout), [&](const cv::Range& r) {
            for (int nc = r.start; nc < r.end; ++nc) {
                const int bn = nc / cout, c = nc % cout;
                float* o = dp + static_cast<size_t>(nc) * oh * ow;
                for (int dy = 0; dy < b; ++dy)
                    for (int dx = 0; dx < b; ++dx) {
                        const float* i = sp + (static_cast<size_t>(bn) * cin +
                                               (dy * b + dx) * cout + c) * h * w;
                        for (int y = 0; y < h; ++y) {
                            float* orow = o + static_cast<size_t>(y * b + dy) * ow + dx;
                            const float* irow = i + static_cast<size_t>(y) * w;
                            for (int x = 0; x < w; ++x) orow[x * b] = irow[x];
                        }
                    }
            }
        });
    }

private:
    int m_block;
};

// ---------------------------------------------------------------------------------------------
// TFLite's resize coordinate rules (reference_ops ResizeBilinear / ResizeNearestNeighbor).
float resizeScale(int in, int out, bool alignCorners) {
    if (alignCorners && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
    return static_cast<float>(in) / static_cast<float>(out);
}

class ResizeLayerBase : public Layer {
public:
    explicit ResizeLayerBase(const LayerParams& p)
        : Layer(p),
          m_height(p.get<int>("height")),
          m_width(p.get<int>("width")),
          m_alignCorners(p.get<bool>("align_corners", false)),
          m_halfPixel(p.get<bool>("half_pixel_centers", false)) {
        CV_Assert(m_height > 0 && m_width > 0);
    }
    bool getMemoryShapes(const std::vector<MatShape>& in, const int, std::vector<MatShape>& out,
                         std::vector<MatShape>&) const override {
        CV_Assert(in.size() == 1 && in[0].size() == 4);
        out.assign(1, MatShape{in[0][0], in[0][1], m_height, m_width});
        return false;
    }

protected:
    int m_height, m_width;
    bool m_alignCorners, m_halfPixel;
};

class ResizeBilinearLayer final : public ResizeLayerBase {
public:
    using ResizeLayerBase::ResizeLayerBase;
    static cv::Ptr<Layer> create(LayerParams& p) { return cv::makePtr<ResizeBilinearLayer>(p); }

    void forward(cv::InputArrayOfArrays inArr, cv::OutputArrayOfArrays outArr,
                 cv::OutputArrayOfArrays) override {
        SingleIo io = singleFloatIo(inArr, outArr);
        const cv::Mat& src = io.src;
        cv::Mat& dst = io.dst;
        const int planes = src.size[0] * src.size[1], ih = src.size[2], iw = src.size[3];
        const int oh = m_height, ow = m_width;
        struct Tap { int i0, i1; float f; };
        auto taps = [&](int inSize, int outSize) {
            std::vector<Tap> t(outSize);
            const float scale = resizeScale(inSize, outSize, m_alignCorners);
            for (int o = 0; o < outSize; ++o) {
                const float v = m_halfPixel ? (static_cast<float>(o) + 0.5f) * scale - 0.5f
                                            : static_cast<float>(o) * scale;
                const float fl = std::floor(v);
                const int lo = std::max(static_cast<int>(fl), 0);
                const int hi = std::min(static_cast<int>(std::ceil(v)), inSize - 1);
                t[o] = {std::min(lo, inSize - 1), hi, v - static_cast<float>(lo)};
            }
            return t;
        };
        const std::vector<Tap> ty = taps(ih, oh), tx = taps(iw, ow);
        const float* sp = src.ptr<float>();
        float* dp = dst.ptr<float>();
        // Per plane: every input row interpolated along x once (hx), then each output row is a
        // blend of two of those rows. Same arithmetic, in the same order, as interpolating each
        // output pixel from its four neighbours.
        cv::parallel_for_(cv::Range(0, planes), [&](const cv::Range& r) {
            std::vector<float> hx(static_cast<size_t>(ih) * ow);
            for (int p = r.start; p < r.end; ++p) {
                const float* plane = sp + static_cast<size_t>(p) * ih * iw;
                for (int i = 0; i < ih; ++i) {
                    const float* in = plane + static_cast<size_t>(i) * iw;
                    float* h = hx.data() + static_cast<size_t>(i) * ow;
                    for (int x = 0; x < ow; ++x) {
                        const Tap& t = tx[x];
                        h[x] = in[t.i0] * (1.f - t.f) + in[t.i1] * t.f;
                    }
                }
                float* out = dp + static_cast<size_t>(p) * oh * ow;
                for (int y = 0; y < oh; ++y) {
                    const float* top = hx.data() + static_cast<size_t>(ty[y].i0) * ow;
                    const float* bot = hx.data() + static_cast<size_t>(ty[y].i1) * ow;
                    const float fy = ty[y].f, gy = 1.f - fy;
                    float* o = out + static_cast<size_t>(y) * ow;
                    for (int x = 0; x < ow; ++x) o[x] = top[x] * gy + bot[x] * fy;
                }
            }
        }, std::min(planes, std::max(1, cv::getNumThreads()) * 4));
    }
};

class ResizeNearestLayer final : public ResizeLayerBase {
public:
    using ResizeLayerBase::ResizeLayerBase;
    static cv::Ptr<Layer> create(LayerParams& p) { return cv::makePtr<ResizeNearestLayer>(p); }

    void forward(cv::InputArrayOfArrays inArr, cv::OutputArrayOfArrays outArr,
                 cv::OutputArrayOfArrays) override {
        SingleIo io = singleFloatIo(inArr, outArr);
        const cv::Mat& src = io.src;
        cv::Mat& dst = io.dst;
        const int planes = src.size[0] * src.size[1], ih = src.size[2], iw = src.size[3];
        auto index = [&](int o, int inSize, int outSize) {
            const float scale = resizeScale(inSize, outSize, m_alignCorners);
            const float offset = m_halfPixel ? 0.5f : 0.f;
            int v = m_alignCorners ? static_cast<int>(std::round((o + offset) * scale))
                                   : static_cast<int>(std::floor((o + offset) * scale));
            v = std::min(v, inSize - 1);
            if (m_halfPixel) v = std::max(v, 0);
            return v;
        };
        std::vector<int> iy(m_height), ix(m_width);
        for (int y = 0; y < m_height; ++y) iy[y] = index(y, ih, m_height);
        for (int x = 0; x < m_width; ++x) ix[x] = index(x, iw, m_width);
        const float* sp = src.ptr<float>();
        float* dp = dst.ptr<float>();
        cv::parallel_for_(cv::Range(0, planes * m_height), [&](const cv::Range& r) {
            for (int row = r.start; row < r.end; ++row) {
                const int p = row / m_height, y = row % m_height;
                const float* irow = sp + (static_cast<size_t>(p) * ih + iy[y]) * iw;
                float* o = dp + static_cast<size_t>(row) * m_width;
                for (int x = 0; x < m_width; ++x) o[x] = irow[ix[x]];
            }
        });
    }
};

// ---------------------------------------------------------------------------------------------
enum class BinOp { Add, Sub, Mul, Div, Max, Min };

MatShape broadcastShapes(const MatShape& a, const MatShape& b) {
    const size_t n = std::max(a.size(), b.size());
    MatShape out(n, 1);
    for (size_t i = 0; i < n; ++i) {
        const int da = i < n - a.size() ? 1 : a[i - (n - a.size())];
        const int db = i < n - b.size() ? 1 : b[i - (n - b.size())];
        CV_Assert(da == db || da == 1 || db == 1);
        out[i] = std::max(da, db);
    }
    return out;
}

class BroadcastBinaryLayer final : public Layer {
public:
    explicit BroadcastBinaryLayer(const LayerParams& p)
        : Layer(p), m_constFirst(p.get<bool>("const_first", false)) {
        const std::string op = p.get<cv::String>("op");
        if (op == "add") m_op = BinOp::Add;
        else if (op == "sub") m_op = BinOp::Sub;
        else if (op == "mul") m_op = BinOp::Mul;
        else if (op == "div") m_op = BinOp::Div;
        else if (op == "max") m_op = BinOp::Max;
        else if (op == "min") m_op = BinOp::Min;
        else CV_Error(cv::Error::StsBadArg, "unknown binary op " + op);
    }
    static cv::Ptr<Layer> create(LayerParams& p) { return cv::makePtr<BroadcastBinaryLayer>(p); }

    bool getMemoryShapes(const std::vector<MatShape>& in, const int, std::vector<MatShape>& out,
                         std::vector<MatShape>&) const override {
        MatShape a, b;
        operandShapes(in, a, b);
        out.assign(1, broadcastShapes(a, b));
        return false;
    }

    void forward(cv::InputArrayOfArrays inArr, cv::OutputArrayOfArrays outArr,
                 cv::OutputArrayOfArrays) override {
        std::vector<cv::Mat> in, out;
        inArr.getMatVector(in);
        outArr.getMatVector(out);
        cv::Mat a, b;
        if (blobs.empty()) {
            CV_Assert(in.size() == 2);
            a = in[0];
            b = in[1];
        } else {
            CV_Assert(in.size() == 1);
            a = m_constFirst ? blobs[0] : in[0];
            b = m_constFirst ? in[0] : blobs[0];
        }
        cv::Mat& dst = out[0];
        CV_Assert(a.type() == CV_32F && b.type() == CV_32F && a.isContinuous() &&
                  b.isContinuous() && dst.isContinuous());
        const MatShape os = cv::dnn::shape(dst);
        const int n = static_cast<int>(os.size());
        // Element strides of a and b in the output's index space (0 where broadcast).
        auto strides = [&](const cv::Mat& m) {
            MatShape s = cv::dnn::shape(m);
            std::vector<size_t> st(n, 0);
            size_t acc = 1;
            for (int i = n - 1; i >= 0; --i) {
                const int k = i - (n - static_cast<int>(s.size()));
                const int d = k >= 0 ? s[k] : 1;
                st[i] = d == 1 ? 0 : acc;
                acc *= static_cast<size_t>(d);
            }
            return st;
        };
        const std::vector<size_t> sa = strides(a), sb = strides(b);
        const int inner = n > 0 ? os[n - 1] : 1;
        const size_t outer = dst.total() / std::max(inner, 1);
        const float* pa = a.ptr<float>();
        const float* pb = b.ptr<float>();
        float* po = dst.ptr<float>();
        const BinOp op = m_op;
        cv::parallel_for_(cv::Range(0, static_cast<int>(outer)), [&](const cv::Range& r) {
            std::vector<int> idx(std::max(n - 1, 0));
            for (int row = r.start; row < r.end; ++row) {
                size_t rem = static_cast<size_t>(row), oa = 0, ob = 0;
                for (int i = n - 2; i >= 0; --i) {
                    const size_t c = rem % static_cast<size_t>(os[i]);
                    rem /= static_cast<size_t>(os[i]);
                    oa += c * sa[i];
                    ob += c * sb[i];
                }
                const size_t ia = n > 0 ? sa[n - 1] : 0, ib = n > 0 ? sb[n - 1] : 0;
                float* o = po + static_cast<size_t>(row) * inner;
                for (int x = 0; x < inner; ++x) {
                    const float u = pa[oa + x * ia], v = pb[ob + x * ib];
                    float res;
                    switch (op) {
                        case BinOp::Add: res = u + v; break;
                        case BinOp::Sub: res = u - v; break;
                        case BinOp::Mul: res = u * v; break;
                        case BinOp::Div: res = u / v; break;
                        case BinOp::Max: res = std::max(u, v); break;
                        default: res = std::min(u, v); break;
                    }
                    o[x] = res;
                }
            }
        });
    }

private:
    void operandShapes(const std::vector<MatShape>& in, MatShape& a, MatShape& b) const {
        if (blobs.empty()) {
            CV_Assert(in.size() == 2);
            a = in[0];
            b = in[1];
        } else {
            CV_Assert(in.size() == 1);
            const MatShape c = cv::dnn::shape(blobs[0]);
            a = m_constFirst ? c : in[0];
            b = m_constFirst ? in[0] : c;
        }
    }
    BinOp m_op = BinOp::Add;
    bool m_constFirst;
};

}  // namespace

SingleIo singleFloatIo(cv::InputArrayOfArrays inputs, cv::OutputArrayOfArrays outputs) {
    std::vector<cv::Mat> in, out;
    inputs.getMatVector(in);
    outputs.getMatVector(out);
    CV_Assert(!in.empty() && !out.empty());
    CV_Assert(in[0].type() == CV_32F && in[0].isContinuous() && out[0].isContinuous());
    return {in[0], out[0]};
}

void registerCustomLayers() {
    static std::once_flag once;
    std::call_once(once, [] {
        cv::dnn::LayerFactory::registerLayer(kDepthToSpaceType, DepthToSpaceLayer::create);
        cv::dnn::LayerFactory::registerLayer(kResizeBilinearType, ResizeBilinearLayer::create);
        cv::dnn::LayerFactory::registerLayer(kResizeNearestType, ResizeNearestLayer::create);
        cv::dnn::LayerFactory::registerLayer(kBroadcastBinaryType, BroadcastBinaryLayer::create);
    });
}

}  // namespace ptcoach::vision::tflite
