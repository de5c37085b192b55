// A fast convolution layer for the TFLite importer ("PtcTfliteConv"), used where OpenCV 4.6's
// Convolution is slow for the BlazePose models (measured: depthwise 5x5 at ~1 GFLOP/s, small
// channel counts, and no use of the detector's 75%-sparse 1x1 weights). NCHW float32.
//
// Three kernels, chosen when the layer is created:
//  - direct: depthwise (any multiplier) or a dense conv with few taps per output
//    (cin * kh * kw <= 256): each output row is a weighted sum of shifted input rows, read from a
//    zero-padded copy of the input whose columns are split by stride phase so that every tap is
//    a contiguous run; with stride 1 a whole output plane is one such run (the padding columns
//    are computed and dropped), which saves the per-row set-up on the many small planes;
//  - gemm: dense 1x1 stride-1 conv, out[O,P] = W[O,I] * X[I,P] with a 6x16 register-blocked kernel
//    over prepacked weights;
//  - sparse: 1x1 stride-1 conv with mostly zero weights, CSR over output channels (as XNNPACK's
//    sparse inference does).
// Bias and a clamp (fused RELU / RELU6 / RELU_N1_TO_1) are applied on store. The hot kernels are
// compiled twice (x86-64-v3 = AVX2+FMA, and the baseline) and picked at run time by GCC's
// target_clones.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/shape_utils.hpp>

#include "tflite/tflite_conv.h"
#include "tflite/tflite_layers.h"

#pragma GCC diagnostic ignored "-Wpsabi"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define PTC_MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PTC_MULTIVERSION
#endif

namespace ptcoach::vision::tflite {

namespace {

using cv::dnn::Layer;
using cv::dnn::LayerParams;
using cv::dnn::MatShape;

typedef float v8 __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) v8 ld(const float* p) {
    v8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
static inline __attribute__((always_inline)) void st(float* p, v8 v) {
    std::memcpy(p, &v, sizeof v);
}
static inline __attribute__((always_inline)) v8 splat(float f) { return v8{f, f, f, f, f, f, f, f}; }
static inline __attribute__((always_inline)) v8 clampv(v8 v, v8 lo, v8 hi) {
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}
static inline __attribute__((always_inline)) float clampf(float v, float lo, float hi) {
    return std::min(std::max(v, lo), hi);
}

// out[x] = clamp(bias + sum_t w[t] * rows[t][x]) for x in [0, width).
PTC_MULTIVERSION
void directRow(const float* const* rows, const float* w, int ntaps, float* out, int width,
               float bias, float lo, float hi) {
    const v8 vlo = splat(lo), vhi = splat(hi);
    int x = 0;
    for (; x + 32 <= width; x += 32) {
        v8 a0 = splat(bias), a1 = a0, a2 = a0, a3 = a0;
        for (int t = 0; t < ntaps; ++t) {
            const v8 wv = splat(w[t]);
            const float* r = rows[t] + x;
            a0 += wv * ld(r);
            a1 += wv * ld(r + 8);
            a2 += wv * ld(r + 16);
            a3 += wv * ld(r + 24);
        }
        st(out + x, clampv(a0, vlo, vhi));
        st(out + x + 8, clampv(a1, vlo, vhi));
        st(out + x + 16, clampv(a2, vlo, vhi));
        st(out + x + 24, clampv(a3, vlo, vhi));
    }
    for (; x + 16 <= width; x += 16) {
        v8 a0 = splat(bias), a1 = a0;
        for (int t = 0; t < ntaps; ++t) {
            const v8 wv = splat(w[t]);
            a0 += wv * ld(rows[t] + x);
            a1 += wv * ld(rows[t] + x + 8);
        }
        st(out + x, clampv(a0, vlo, vhi));
        st(out + x + 8, clampv(a1, vlo, vhi));
    }
    for (; x < width; x += 8) {  // width is a multiple of 8: the caller reads and writes slack
        v8 a0 = splat(bias);
        for (int t = 0; t < ntaps; ++t) a0 += splat(w[t]) * ld(rows[t] + x);
        st(out + x, clampv(a0, vlo, vhi));
    }
}

constexpr int MR = 4, NR = 16;

// MR output channels x `pixels` pixels, K inputs. wp: packed weights [K][MR]; x: input rows with
// stride `ldx`; out rows with stride `ldo`; only the first `rows` output rows are stored.
PTC_MULTIVERSION
void gemmBlock(const float* wp, const float* x, size_t ldx, int K, float* out, size_t ldo,
               int pixels, int rows, const float* bias, float lo, float hi) {
    const v8 vlo = splat(lo), vhi = splat(hi);
    int p = 0;
    for (; p + NR <= pixels; p += NR) {
        v8 c00 = splat(bias[0]), c01 = c00, c10 = splat(bias[1]), c11 = c10;
        v8 c20 = splat(bias[2]), c21 = c20, c30 = splat(bias[3]), c31 = c30;
        const float* xp = x + p;
        const float* w = wp;
        for (int k = 0; k < K; ++k, xp += ldx, w += MR) {
            const v8 x0 = ld(xp), x1 = ld(xp + 8);
            v8 wv = splat(w[0]);
            c00 += wv * x0;
            c01 += wv * x1;
            wv = splat(w[1]);
            c10 += wv * x0;
            c11 += wv * x1;
            wv = splat(w[2]);
            c20 += wv * x0;
            c21 += wv * x1;
            wv = splat(w[3]);
            c30 += wv * x0;
            c31 += wv * x1;
        }
        const v8 res[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
        for (int r = 0; r < rows; ++r) {
            st(out + r * ldo + p, clampv(res[r][0], vlo, vhi));
            st(out + r * ldo + p + 8, clampv(res[r][1], vlo, vhi));
        }
    }
    for (; p < pixels; ++p) {
        float c[MR];
        for (int r = 0; r < MR; ++r) c[r] = bias[r];
        const float* xp = x + p;
        const float* w = wp;
        for (int k = 0; k < K; ++k, xp += ldx, w += MR)
            for (int r = 0; r < MR; ++r) c[r] += w[r] * *xp;
        for (int r = 0; r < rows; ++r) out[r * ldo + p] = clampf(c[r], lo, hi);
    }
}

// Sparse 1x1: for output channels [o0, o1) and pixels [p0, p1).
PTC_MULTIVERSION
void sparseBlock(const int* rowPtr, const int* cols, const float* vals, const float* x,
                 size_t P, float* out, int o0, int o1, int p0, int p1, const float* bias,
                 float lo, float hi) {
    const v8 vlo = splat(lo), vhi = splat(hi);
    int p = p0;
    for (; p + 32 <= p1; p += 32) {
        for (int o = o0; o < o1; ++o) {
            v8 a0 = splat(bias[o]), a1 = a0, a2 = a0, a3 = a0;
            for (int k = rowPtr[o]; k < rowPtr[o + 1]; ++k) {
                const v8 wv = splat(vals[k]);
                const float* xp = x + static_cast<size_t>(cols[k]) * P + p;
                a0 += wv * ld(xp);
                a1 += wv * ld(xp + 8);
                a2 += wv * ld(xp + 16);
                a3 += wv * ld(xp + 24);
            }
            float* op = out + static_cast<size_t>(o) * P + p;
            st(op, clampv(a0, vlo, vhi));
            st(op + 8, clampv(a1, vlo, vhi));
            st(op + 16, clampv(a2, vlo, vhi));
            st(op + 24, clampv(a3, vlo, vhi));
        }
    }
    for (; p + 8 <= p1; p += 8) {
        for (int o = o0; o < o1; ++o) {
            v8 a0 = splat(bias[o]);
            for (int k = rowPtr[o]; k < rowPtr[o + 1]; ++k)
                a0 += splat(vals[k]) * ld(x + static_cast<size_t>(cols[k]) * P + p);
            st(out + static_cast<size_t>(o) * P + p, clampv(a0, vlo, vhi));
        }
    }
    for (; p < p1; ++p) {
        for (int o = o0; o < o1; ++o) {
            float a = bias[o];
            for (int k = rowPtr[o]; k < rowPtr[o + 1]; ++k)
                a += vals[k] * x[static_cast<size_t>(cols[k]) * P + p];
            out[static_cast<size_t>(o) * P + p] = clampf(a, lo, hi);
        }
    }
}

int taskCount(size_t work) {
    const int threads = std::max(1, cv::getNumThreads());
    // Enough tasks to balance, not so many that scheduling dominates small layers.
    const size_t perTask = 16 * 1024;  // MACs
    return static_cast<int>(std::clamp<size_t>(work / perTask, 1, static_cast<size_t>(threads) * 4));
}

class ConvLayer final : public Layer {
public:
    enum class Mode { Direct, Gemm, Sparse };

    explicit ConvLayer(const LayerParams& p) : Layer(p) {
        kh = p.get<int>("kernel_h");
        kw = p.get<int>("kernel_w");
        sh = p.get<int>("stride_h", 1);
        sw = p.get<int>("stride_w", 1);
        dh = p.get<int>("dilation_h", 1);
        dw = p.get<int>("dilation_w", 1);
        pt = p.get<int>("pad_t", 0);
        pb = p.get<int>("pad_b", 0);
        pl = p.get<int>("pad_l", 0);
        pr = p.get<int>("pad_r", 0);
        group = p.get<int>("group", 1);
        lo = p.get<float>("act_min", -FLT_MAX);
        hi = p.get<float>("act_max", FLT_MAX);
        CV_Assert(!blobs.empty() && blobs[0].dims == 4 && blobs[0].type() == CV_32F);
        outC = blobs[0].size[0];
        cinPerGroup = blobs[0].size[1];
        CV_Assert(blobs[0].size[2] == kh && blobs[0].size[3] == kw);
        CV_Assert(outC % group == 0);
        bias.assign(outC, 0.f);
        if (blobs.size() > 1) {
            CV_Assert(blobs[1].total() == static_cast<size_t>(outC));
            std::memcpy(bias.data(), blobs[1].ptr<float>(), outC * sizeof(float));
        }
        const float* w = blobs[0].ptr<float>();
        const size_t wn = blobs[0].total();
        const bool pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pb == 0 &&
                               pl == 0 && pr == 0 && group == 1;
        size_t nnz = 0;
        for (size_t i = 0; i < wn; ++i) nnz += w[i] != 0.f;
        const std::string forced = p.get<cv::String>("mode", "");
        const bool depthwise = group > 1 && cinPerGroup == 1;
        CV_Assert(group == 1 || depthwise);
        if (forced == "direct" || (forced.empty() && (depthwise || !pointwise))) {
            mode = Mode::Direct;
        } else if (pointwise && (forced == "sparse" || (forced.empty() && nnz * 2 < wn))) {
            mode = Mode::Sparse;
            rowPtr.assign(outC + 1, 0);
            for (int o = 0; o < outC; ++o) {
                for (int i = 0; i < cinPerGroup; ++i) {
                    const float v = w[static_cast<size_t>(o) * cinPerGroup + i];
                    if (v != 0.f) {
                        cols.push_back(i);
                        vals.push_back(v);
                    }
                }
                rowPtr[o + 1] = static_cast<int>(cols.size());
            }
        } else {
            CV_Assert(pointwise);
            mode = Mode::Gemm;
            const int ob = (outC + MR - 1) / MR;
            packed.assign(static_cast<size_t>(ob) * cinPerGroup * MR, 0.f);
            for (int o = 0; o < outC; ++o)
                for (int i = 0; i < cinPerGroup; ++i)
                    packed[(static_cast<size_t>(o / MR) * cinPerGroup + i) * MR + o % MR] =
                        w[static_cast<size_t>(o) * cinPerGroup + i];
            bias.resize(static_cast<size_t>(ob) * MR, 0.f);
        }
    }

    static cv::Ptr<Layer> create(LayerParams& p) { return cv::makePtr<ConvLayer>(p); }

    bool getMemoryShapes(const std::vector<MatShape>& in, const int, std::vector<MatShape>& out,
                         std::vector<MatShape>&) const override {
        CV_Assert(in.size() == 1 && in[0].size() == 4);
        CV_Assert(in[0][1] == cinPerGroup * group);
        const int oh = (in[0][2] + pt + pb - ((kh - 1) * dh + 1)) / sh + 1;
        const int ow = (in[0][3] + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
        CV_Assert(oh > 0 && ow > 0);
        out.assign(1, MatShape{in[0][0], outC, oh, ow});
        return false;
    }

    void forward(cv::InputArrayOfArrays inArr, cv::OutputArrayOfArrays outArr,
                 cv::OutputArrayOfArrays) override {
        SingleIo io = singleFloatIo(inArr, outArr);
        const cv::Mat& src = io.src;
        cv::Mat& dst = io.dst;
        const int n = src.size[0], cin = src.size[1], h = src.size[2], w = src.size[3];
        const int oh = dst.size[2], ow = dst.size[3];
        for (int b = 0; b < n; ++b) {
            const float* x = src.ptr<float>() + static_cast<size_t>(b) * cin * h * w;
            float* y = dst.ptr<float>() + static_cast<size_t>(b) * outC * oh * ow;
            switch (mode) {
                case Mode::Direct: direct(x, cin, h, w, y, oh, ow); break;
                case Mode::Gemm: gemm(x, cin, static_cast<size_t>(h) * w, y); break;
                case Mode::Sparse: sparse(x, static_cast<size_t>(h) * w, y); break;
            }
        }
    }

private:
    void direct(const float* x, int cin, int h, int w, float* y, int oh, int ow) {
        // Zero-padded copy, columns split by stride phase: row r of channel c holds, for phase
        // f in [0, sw), the padded columns f, f + sw, f + 2 sw, ... at [f * wq, f * wq + wq).
        const int hp = h + pt + pb, wp = w + pl + pr;
        const int ow8 = (ow + 7) / 8 * 8;
        // Each phase row has room for reads up to ow8 + (kw - 1) * dw / sw columns.
        const int wq = std::max((wp + sw - 1) / sw, ow8 + ((kw - 1) * dw) / sw) + 1;
        const size_t rowStride = static_cast<size_t>(sw) * wq;
        const size_t planeStride = static_cast<size_t>(hp) * rowStride;
        scratch.resize(planeStride * cin + rowStride);
        float* pad = scratch.data();
        std::fill(pad + planeStride * cin, pad + planeStride * cin + rowStride, 0.f);
        cv::parallel_for_(cv::Range(0, cin), [&](const cv::Range& r) {
            for (int c = r.start; c < r.end; ++c) {
                float* pc = pad + c * planeStride;
                std::fill(pc, pc + static_cast<size_t>(pt) * rowStride, 0.f);
                std::fill(pc + static_cast<size_t>(pt + h) * rowStride, pc + planeStride, 0.f);
                const float* xc = x + static_cast<size_t>(c) * h * w;
                for (int i = 0; i < h; ++i) {
                    float* row = pc + static_cast<size_t>(pt + i) * rowStride;
                    const float* xr = xc + static_cast<size_t>(i) * w;
                    std::fill(row, row + rowStride, 0.f);
                    if (sw == 1) {
                        std::memcpy(row + pl, xr, w * sizeof(float));
                    } else {
                        // padded column col = j + pl goes to phase col % sw, index col / sw
                        for (int f = 0; f < sw; ++f) {
                            float* dst = row + static_cast<size_t>(f) * wq;
                            int j = ((f - pl) % sw + sw) % sw;  // first j with (j+pl)%sw == f
                            for (int q = (j + pl) / sw; j < w; j += sw, ++q) dst[q] = xr[j];
                        }
                    }
                }
            }
        });
        const int depthMult = group > 1 ? outC / group : 0;
        const int inPerOut = group > 1 ? 1 : cinPerGroup;
        const int ntaps = inPerOut * kh * kw;
        const float* wts = blobs[0].ptr<float>();
        if (sh == 1 && sw == 1 && dh == 1 && dw == 1) {
            directPlanes(pad, planeStride, rowStride, y, oh, ow, depthMult, inPerOut, ntaps, wts);
            return;
        }
        const size_t work = static_cast<size_t>(outC) * oh * ow * ntaps;
        const int tasks = std::max(taskCount(work), std::min(outC * oh, 1));
        const int units = outC * oh;  // (output channel, output row)
        cv::parallel_for_(cv::Range(0, tasks), [&](const cv::Range& r) {
            std::vector<const float*> rows(ntaps);
            std::vector<float> tmp(ow8);
            for (int t = r.start; t < r.end; ++t) {
                const int u0 = static_cast<int>(static_cast<int64_t>(units) * t / tasks);
                const int u1 = static_cast<int>(static_cast<int64_t>(units) * (t + 1) / tasks);
                for (int u = u0; u < u1; ++u) {
                    const int o = u / oh, yy = u % oh;
                    const int c0 = group > 1 ? o / depthMult : 0;
                    int k = 0;
                    for (int c = 0; c < inPerOut; ++c) {
                        const float* pc = pad + static_cast<size_t>(c0 + c) * planeStride;
                        for (int i = 0; i < kh; ++i) {
                            const float* prow =
                                pc + static_cast<size_t>(yy * sh + i * dh) * rowStride;
                            for (int j = 0; j < kw; ++j) {
                                const int col = j * dw;
                                rows[k++] = prow + (col % sw) * wq + col / sw;
                            }
                        }
                    }
                    float* dst = y + (static_cast<size_t>(o) * oh + yy) * ow;
                    if (ow8 == ow) {
                        directRow(rows.data(), wts + static_cast<size_t>(o) * ntaps, ntaps, dst,
                                  ow8, bias[o], lo, hi);
                    } else {
                        directRow(rows.data(), wts + static_cast<size_t>(o) * ntaps, ntaps,
                                  tmp.data(), ow8, bias[o], lo, hi);
                        std::memcpy(dst, tmp.data(), ow * sizeof(float));
                    }
                }
            }
        });
    }

    // Stride 1: a whole output plane at once. In the padded layout every tap is a constant
    // offset, so the plane is one long row of oh x rowStride values (the columns past ow are
    // computed and dropped), which avoids the per-row set-up that dominates small planes.
    void directPlanes(const float* pad, size_t planeStride, size_t rowStride, float* y, int oh, int ow,
                      int depthMult, int inPerOut, int ntaps, const float* wts) {
        const size_t len = (static_cast<size_t>(oh) * rowStride + 7) / 8 * 8;
        // The longest tap offset plus len must stay inside the scratch (one zero row of slack is
        // there; reads past the last plane land in it or in the next plane's zero padding, and
        // only feed dropped columns).
        const size_t work = static_cast<size_t>(outC) * len * ntaps;
        const int tasks = std::min(outC, std::max(taskCount(work), 1));
        cv::parallel_for_(cv::Range(0, tasks), [&](const cv::Range& r) {
            std::vector<const float*> taps(ntaps);
            std::vector<float> tmp(len);
            const int o0 = static_cast<int>(static_cast<int64_t>(outC) * r.start / tasks);
            const int o1 = static_cast<int>(static_cast<int64_t>(outC) * r.end / tasks);
            for (int o = o0; o < o1; ++o) {
                const int c0 = group > 1 ? o / depthMult : 0;
                int k = 0;
                for (int c = 0; c < inPerOut; ++c) {
                    const float* pc = pad + static_cast<size_t>(c0 + c) * planeStride;
                    for (int i = 0; i < kh; ++i)
                        for (int j = 0; j < kw; ++j) taps[k++] = pc + static_cast<size_t>(i) * rowStride + j;
                }
                directRow(taps.data(), wts + static_cast<size_t>(o) * ntaps, ntaps, tmp.data(),
                          static_cast<int>(len), bias[o], lo, hi);
                float* dst = y + static_cast<size_t>(o) * oh * ow;
                for (int yy = 0; yy < oh; ++yy)
                    std::memcpy(dst + static_cast<size_t>(yy) * ow, tmp.data() + yy * rowStride, ow * sizeof(float));
            }
        });
    }

    void gemm(const float* x, int cin, size_t P, float* y) {
        const int ob = (outC + MR - 1) / MR;
        const int pChunk = 64;
        const int pc = static_cast<int>((P + pChunk - 1) / pChunk);
        const size_t work = static_cast<size_t>(outC) * P * cin;
        const int want = taskCount(work);
        const int oSplit = std::clamp((want + pc - 1) / pc, 1, ob);
        const int tasks = pc * oSplit;
        cv::parallel_for_(cv::Range(0, tasks), [&](const cv::Range& r) {
            for (int t = r.start; t < r.end; ++t) {
                const int pi = t / oSplit, os = t % oSplit;
                const int p0 = pi * pChunk;
                const int p1 = static_cast<int>(std::min<size_t>(P, p0 + pChunk));
                const int b0 = ob * os / oSplit, b1 = ob * (os + 1) / oSplit;
                for (int b = b0; b < b1; ++b) {
                    const int rows = std::min(MR, outC - b * MR);
                    gemmBlock(packed.data() + static_cast<size_t>(b) * cin * MR, x + p0, P, cin,
                              y + static_cast<size_t>(b) * MR * P + p0, P, p1 - p0, rows,
                              bias.data() + b * MR, lo, hi);
                }
            }
        });
    }

    void sparse(const float* x, size_t P, float* y) {
        const int pChunk = 128;
        const int pc = static_cast<int>((P + pChunk - 1) / pChunk);
        const size_t work = static_cast<size_t>(vals.size()) * P;
        const int want = taskCount(work);
        const int oSplit = std::clamp((want + pc - 1) / pc, 1, outC);
        const int tasks = pc * oSplit;
        cv::parallel_for_(cv::Range(0, tasks), [&](const cv::Range& r) {
            for (int t = r.start; t < r.end; ++t) {
                const int pi = t / oSplit, os = t % oSplit;
                const int p0 = pi * pChunk;
                const int p1 = static_cast<int>(std::min<size_t>(P, p0 + pChunk));
                sparseBlock(rowPtr.data(), cols.data(), vals.data(), x, P, y,
                            outC * os / oSplit, outC * (os + 1) / oSplit, p0, p1, bias.data(),
                            lo, hi);
            }
        });
    }

    int kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, group, outC, cinPerGroup;
    float lo, hi;
    Mode mode = Mode::Direct;
    std::vector<float> bias, packed, vals, scratch;
    std::vector<int> rowPtr, cols;
};

}  // namespace

bool fastConvSupports(int group, int cin, int cinPerGroup, int kh, int kw, int strideH,
                      int strideW, bool padded) {
    if (group > 1) return cinPerGroup == 1 && group == cin;  // depthwise
    const bool pointwise = kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && !padded;
    return pointwise || cinPerGroup * kh * kw <= 512;
}

void registerFastConv() {
    cv::dnn::LayerFactory::registerLayer(kFastConvType, ConvLayer::create);
}

}  // namespace ptcoach::vision::tflite
