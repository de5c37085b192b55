// A fast convolution layer for the TFLite importer ("PtcTfliteConv"), used where OpenCV 4.6's
// Convolution is slow for the BlazePose models (measured: depthwise 5x5 at ~1 GFLOP/s, small
// channel counts, and no use of the detector's 75%-sparse 1x1 weights). NCHW float32.
//
// Three kernels, chosen when the layer is created:
//  - direct: depthwise (any multiplier) or a dense conv with few taps per output
//    (cin * kh * kw <= 512). The input is copied, zero-padded, into "phase planes": for stride
//    (sh, sw), plane (a, b) of a channel holds the padded rows a, a + sh, ... and columns b,
//    b + sw, ..., cut to what the outputs read. Every tap (i, j) is then a constant offset into one
//    plane, for any stride and dilation, so stride-2 layers run the same unit-stride kernel, and a
//    small output plane is one long run of oh x planeWidth values (the columns past ow are
//    computed and dropped; no per-row set-up); wide planes go row by row straight into the
//    output. Depthwise layers pad channel by channel into a per-thread buffer whose zero borders
//    are kept; dense ones feed their taps to the gemm kernel below as its K dimension;
//  - gemm: dense 1x1 stride-1 conv, out[O,P] = W[O,I] * X[I,P]: X is packed per pixel chunk into
//    16-pixel strips (contiguous, so power-of-two plane sizes do not alias in the L1 cache), then
//    a 6x16 register-blocked kernel over prepacked weights;
//  - sparse: 1x1 stride-1 conv with mostly zero weights, CSR over output channels (as XNNPACK's
//    sparse inference does), up to 64 pixels per output channel at a time.
// Bias and a clamp (fused RELU / RELU6 / RELU_N1_TO_1) are applied on store. The hot kernels have
// an AVX2+FMA version (intrinsics, chosen at run time when the CPU has both; no -march needed)
// and a portable one (plain loops the compiler vectorises for the baseline ISA); the environment
// variable PTCOACH_NO_AVX2=1 forces the portable one (read when a layer is created).
#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/shape_utils.hpp>

#include "tflite/tflite_conv.h"
#include "tflite/tflite_layers.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define PTC_X86 1
#include <immintrin.h>
#define PTC_AVX2 __attribute__((target("avx2,fma")))
#else
#define PTC_X86 0
#endif

namespace ptcoach::vision::tflite {

namespace {

using cv::dnn::Layer;
using cv::dnn::LayerParams;
using cv::dnn::MatShape;

inline float clampf(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }

bool cpuHasAvx2Fma() {
#if PTC_X86
    static const bool yes = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return yes;
#else
    return false;
#endif
}

bool avx2Wanted() {
    const char* e = std::getenv("PTCOACH_NO_AVX2");
    return cpuHasAvx2Fma() && !(e && *e && std::string(e) != "0");
}

// Per-thread scratch (OpenCV's worker threads live as long as the process).
std::vector<float>& threadScratch(int which) {
    thread_local std::vector<float> bufs[2];
    return bufs[which];
}

// A per-thread padded-input buffer and the geometry its zero borders were laid out for.
struct PadBuffer {
    std::vector<float> buf;
    std::array<int, 8> key{};
};
PadBuffer& threadPadBuffer() {
    thread_local PadBuffer b;
    return b;
}

// ---------------------------------------------------------------------------------------------
// direct: out[x] = clamp(bias + sum_t w[t] * taps[t][at + x]) for x in [0, width), width a
// multiple of 8 (the caller provides readable and writable slack).

void directRowGeneric(const float* const* taps, size_t at, const float* w, int ntaps, float* out,
                      int width, float bias, float lo, float hi) {
    constexpr int B = 32;
    for (int x = 0; x < width; x += B) {
        const int n = std::min(B, width - x);
        float a[B];
        for (int j = 0; j < B; ++j) a[j] = bias;
        for (int t = 0; t < ntaps; ++t) {
            const float wt = w[t];
            const float* r = taps[t] + at + x;
            if (n == B) {
                for (int j = 0; j < B; ++j) a[j] += wt * r[j];
            } else {
                for (int j = 0; j < n; ++j) a[j] += wt * r[j];
            }
        }
        for (int j = 0; j < n; ++j) out[x + j] = clampf(a[j], lo, hi);
    }
}

#if PTC_X86
PTC_AVX2 inline __m256 clamp8(__m256 v, __m256 lo, __m256 hi) {
    return _mm256_min_ps(_mm256_max_ps(v, lo), hi);
}

PTC_AVX2 void directRowAvx2(const float* const* taps, size_t at, const float* w, int ntaps,
                            float* out, int width, float bias, float lo, float hi) {
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi), vb = _mm256_set1_ps(bias);
    int x = 0;
    for (; x + 64 <= width; x += 64) {
        __m256 a0 = vb, a1 = vb, a2 = vb, a3 = vb, a4 = vb, a5 = vb, a6 = vb, a7 = vb;
        for (int t = 0; t < ntaps; ++t) {
            const __m256 wv = _mm256_broadcast_ss(w + t);
            const float* r = taps[t] + at + x;
            a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r), a0);
            a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 8), a1);
            a2 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 16), a2);
            a3 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 24), a3);
            a4 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 32), a4);
            a5 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 40), a5);
            a6 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 48), a6);
            a7 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 56), a7);
        }
        _mm256_storeu_ps(out + x, clamp8(a0, vlo, vhi));
        _mm256_storeu_ps(out + x + 8, clamp8(a1, vlo, vhi));
        _mm256_storeu_ps(out + x + 16, clamp8(a2, vlo, vhi));
        _mm256_storeu_ps(out + x + 24, clamp8(a3, vlo, vhi));
        _mm256_storeu_ps(out + x + 32, clamp8(a4, vlo, vhi));
        _mm256_storeu_ps(out + x + 40, clamp8(a5, vlo, vhi));
        _mm256_storeu_ps(out + x + 48, clamp8(a6, vlo, vhi));
        _mm256_storeu_ps(out + x + 56, clamp8(a7, vlo, vhi));
    }
    for (; x + 32 <= width; x += 32) {
        __m256 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
        for (int t = 0; t < ntaps; ++t) {
            const __m256 wv = _mm256_broadcast_ss(w + t);
            const float* r = taps[t] + at + x;
            a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r), a0);
            a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 8), a1);
            a2 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 16), a2);
            a3 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + 24), a3);
        }
        _mm256_storeu_ps(out + x, clamp8(a0, vlo, vhi));
        _mm256_storeu_ps(out + x + 8, clamp8(a1, vlo, vhi));
        _mm256_storeu_ps(out + x + 16, clamp8(a2, vlo, vhi));
        _mm256_storeu_ps(out + x + 24, clamp8(a3, vlo, vhi));
    }
    for (; x < width; x += 8) {
        __m256 a0 = vb, a1 = _mm256_setzero_ps();
        int t = 0;
        for (; t + 2 <= ntaps; t += 2) {
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), _mm256_loadu_ps(taps[t] + at + x), a0);
            a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t + 1), _mm256_loadu_ps(taps[t + 1] + at + x), a1);
        }
        if (t < ntaps) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), _mm256_loadu_ps(taps[t] + at + x), a0);
        _mm256_storeu_ps(out + x, clamp8(_mm256_add_ps(a0, a1), vlo, vhi));
    }
}
#endif

// even[k] = src[2k], odd[k] = src[2k + 1] for k in [0, n).
void deinterleaveGeneric(const float* src, float* even, float* odd, int n) {
    for (int k = 0; k < n; ++k) {
        even[k] = src[2 * k];
        odd[k] = src[2 * k + 1];
    }
}

#if PTC_X86
PTC_AVX2 void deinterleaveAvx2(const float* src, float* even, float* odd, int n) {
    int k = 0;
    for (; k + 8 <= n; k += 8) {
        const __m256 a = _mm256_loadu_ps(src + 2 * k), b = _mm256_loadu_ps(src + 2 * k + 8);
        // Per 128-bit lane: a0 a2 b0 b2 | a4 a6 b4 b6, then the 64-bit pairs in order 0 2 1 3.
        const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
        const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
        _mm256_storeu_ps(even + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xd8)));
        _mm256_storeu_ps(odd + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xd8)));
    }
    deinterleaveGeneric(src + 2 * k, even + k, odd + k, n - k);
}
#endif

#if PTC_X86
// Short copies (plane rows of 7 to 130 floats), inline rather than a libc call per row.
PTC_AVX2 void copyAvx2(float* d, const float* src, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(d + i, _mm256_loadu_ps(src + i));
    for (; i < n; ++i) d[i] = src[i];
}
#endif

// ---------------------------------------------------------------------------------------------
// gemm: MR output channels x NR pixels. wp: packed weights [K][MR]; xs: one packed strip
// [K][NR]; output row r at out + r * ldo; only `rows` rows and `cols` columns are stored.
constexpr int MR = 6, NR = 16;

void gemmTileGeneric(const float* wp, const float* xs, int K, float* out, size_t ldo, int rows,
                     int cols, const float* bias, float lo, float hi) {
    float c[MR][NR];
    for (int r = 0; r < MR; ++r)
        for (int j = 0; j < NR; ++j) c[r][j] = bias[r];
    for (int k = 0; k < K; ++k, wp += MR, xs += NR)
        for (int r = 0; r < MR; ++r) {
            const float wv = wp[r];
            for (int j = 0; j < NR; ++j) c[r][j] += wv * xs[j];
        }
    for (int r = 0; r < rows; ++r)
        for (int j = 0; j < cols; ++j) out[r * ldo + j] = clampf(c[r][j], lo, hi);
}

#if PTC_X86
PTC_AVX2 void gemmTileAvx2(const float* wp, const float* xs, int K, float* out, size_t ldo,
                           int rows, int cols, const float* bias, float lo, float hi) {
    __m256 c00 = _mm256_broadcast_ss(bias), c01 = c00;
    __m256 c10 = _mm256_broadcast_ss(bias + 1), c11 = c10;
    __m256 c20 = _mm256_broadcast_ss(bias + 2), c21 = c20;
    __m256 c30 = _mm256_broadcast_ss(bias + 3), c31 = c30;
    __m256 c40 = _mm256_broadcast_ss(bias + 4), c41 = c40;
    __m256 c50 = _mm256_broadcast_ss(bias + 5), c51 = c50;
    for (int k = 0; k < K; ++k, wp += MR, xs += NR) {
        const __m256 x0 = _mm256_loadu_ps(xs), x1 = _mm256_loadu_ps(xs + 8);
        __m256 w = _mm256_broadcast_ss(wp);
        c00 = _mm256_fmadd_ps(w, x0, c00);
        c01 = _mm256_fmadd_ps(w, x1, c01);
        w = _mm256_broadcast_ss(wp + 1);
        c10 = _mm256_fmadd_ps(w, x0, c10);
        c11 = _mm256_fmadd_ps(w, x1, c11);
        w = _mm256_broadcast_ss(wp + 2);
        c20 = _mm256_fmadd_ps(w, x0, c20);
        c21 = _mm256_fmadd_ps(w, x1, c21);
        w = _mm256_broadcast_ss(wp + 3);
        c30 = _mm256_fmadd_ps(w, x0, c30);
        c31 = _mm256_fmadd_ps(w, x1, c31);
        w = _mm256_broadcast_ss(wp + 4);
        c40 = _mm256_fmadd_ps(w, x0, c40);
        c41 = _mm256_fmadd_ps(w, x1, c41);
        w = _mm256_broadcast_ss(wp + 5);
        c50 = _mm256_fmadd_ps(w, x0, c50);
        c51 = _mm256_fmadd_ps(w, x1, c51);
    }
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    const __m256 res[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                               {c30, c31}, {c40, c41}, {c50, c51}};
    if (cols == NR) {
        for (int r = 0; r < rows; ++r) {
            _mm256_storeu_ps(out + r * ldo, clamp8(res[r][0], vlo, vhi));
            _mm256_storeu_ps(out + r * ldo + 8, clamp8(res[r][1], vlo, vhi));
        }
    } else {
        alignas(32) float tmp[NR];
        for (int r = 0; r < rows; ++r) {
            _mm256_store_ps(tmp, clamp8(res[r][0], vlo, vhi));
            _mm256_store_ps(tmp + 8, clamp8(res[r][1], vlo, vhi));
            std::memcpy(out + r * ldo, tmp, cols * sizeof(float));
        }
    }
}
#endif

// Packs pixels [p0, p0 + n) of X[K][P] into strips of NR: xs[s][k][j] (zero past n).
void packStrips(const float* x, size_t P, int K, size_t p0, int n, float* xs) {
    const int strips = (n + NR - 1) / NR;
    for (int k = 0; k < K; ++k) {
        const float* xr = x + static_cast<size_t>(k) * P + p0;
        for (int s = 0; s < strips; ++s) {
            float* d = xs + (static_cast<size_t>(s) * K + k) * NR;
            const int m = std::min(NR, n - s * NR);
            std::memcpy(d, xr + s * NR, m * sizeof(float));
            if (m < NR) std::fill(d + m, d + NR, 0.f);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// sparse 1x1: output channels [o0, o1), pixels [p0, p1). off[k] = input channel of nonzero k
// times P.
void sparseGeneric(const int* rowPtr, const int* off, const float* vals, const float* x,
                   size_t P, float* out, int o0, int o1, int p0, int p1, const float* bias,
                   float lo, float hi) {
    constexpr int B = 32;
    for (int p = p0; p < p1; p += B) {
        const int n = std::min(B, p1 - p);
        for (int o = o0; o < o1; ++o) {
            float a[B];
            for (int j = 0; j < B; ++j) a[j] = bias[o];
            for (int k = rowPtr[o]; k < rowPtr[o + 1]; ++k) {
                const float v = vals[k];
                const float* xp = x + off[k] + p;
                if (n == B) {
                    for (int j = 0; j < B; ++j) a[j] += v * xp[j];
                } else {
                    for (int j = 0; j < n; ++j) a[j] += v * xp[j];
                }
            }
            float* op = out + static_cast<size_t>(o) * P + p;
            for (int j = 0; j < n; ++j) op[j] = clampf(a[j], lo, hi);
        }
    }
}

#if PTC_X86
// NV vectors of 8 pixels for output channels [o0, o1); with MASKED the last vector holds only
// the lanes set in `mask` (masked loads and stores, nothing read or written past them). With few
// vectors, two sets of accumulators (even and odd nonzeros) hide the FMA latency.
template <int NV, bool MASKED>
PTC_AVX2 inline void sparseTileAvx2(const int* rowPtr, const int* off, const float* vals,
                                    const float* xb, size_t P, float* ob, int o0, int o1,
                                    const float* bias, __m256 vlo, __m256 vhi, __m256i mask) {
    constexpr bool kSplit = NV <= 4;
    constexpr int NB = kSplit ? NV : 1;
    for (int o = o0; o < o1; ++o) {
        __m256 a[NV], b[NB];
        for (int v = 0; v < NV; ++v) a[v] = _mm256_broadcast_ss(bias + o);
        for (int v = 0; v < NB; ++v) b[v] = _mm256_setzero_ps();
        int k = rowPtr[o];
        const int e = rowPtr[o + 1];
        if (kSplit) {
            for (; k + 2 <= e; k += 2) {
                const __m256 w0 = _mm256_broadcast_ss(vals + k), w1 = _mm256_broadcast_ss(vals + k + 1);
                const float* x0 = xb + off[k];
                const float* x1 = xb + off[k + 1];
                for (int v = 0; v < NB; ++v) {
                    a[v] = _mm256_fmadd_ps(w0, (MASKED && v == NV - 1 ? _mm256_maskload_ps(x0 + 8 * v, mask) : _mm256_loadu_ps(x0 + 8 * v)), a[v]);
                    b[v] = _mm256_fmadd_ps(w1, (MASKED && v == NV - 1 ? _mm256_maskload_ps(x1 + 8 * v, mask) : _mm256_loadu_ps(x1 + 8 * v)), b[v]);
                }
            }
        }
        for (; k < e; ++k) {
            const __m256 w0 = _mm256_broadcast_ss(vals + k);
            const float* x0 = xb + off[k];
            for (int v = 0; v < NV; ++v)
                a[v] = _mm256_fmadd_ps(w0, (MASKED && v == NV - 1 ? _mm256_maskload_ps(x0 + 8 * v, mask) : _mm256_loadu_ps(x0 + 8 * v)), a[v]);
        }
        float* op = ob + static_cast<size_t>(o) * P;
        for (int v = 0; v < NV; ++v) {
            const __m256 r = clamp8(kSplit ? _mm256_add_ps(a[v], b[v < NB ? v : 0]) : a[v], vlo, vhi);
            if (MASKED && v == NV - 1) _mm256_maskstore_ps(op + 8 * v, mask, r);
            else _mm256_storeu_ps(op + 8 * v, r);
        }
    }
}

// Pixels [p0, p1) (at most 64) for output channels [o0, o1).
PTC_AVX2 void sparseAvx2(const int* rowPtr, const int* off, const float* vals, const float* x,
                         size_t P, float* out, int o0, int o1, int p0, int p1, const float* bias,
                         float lo, float hi) {
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    const int r = p1 - p0;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(r % 8 ? r % 8 : 8),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    const float* xb = x + p0;
    float* ob = out + p0;
#define PTC_SPARSE_TILE(nv, m) \
    sparseTileAvx2<nv, m>(rowPtr, off, vals, xb, P, ob, o0, o1, bias, vlo, vhi, mask)
    switch ((r + 7) / 8 * 2 + (r % 8 != 0)) {
        case 2: PTC_SPARSE_TILE(1, false); break;
        case 3: PTC_SPARSE_TILE(1, true); break;
        case 4: PTC_SPARSE_TILE(2, false); break;
        case 5: PTC_SPARSE_TILE(2, true); break;
        case 6: PTC_SPARSE_TILE(3, false); break;
        case 7: PTC_SPARSE_TILE(3, true); break;
        case 8: PTC_SPARSE_TILE(4, false); break;
        case 9: PTC_SPARSE_TILE(4, true); break;
        case 10: PTC_SPARSE_TILE(5, false); break;
        case 11: PTC_SPARSE_TILE(5, true); break;
        case 12: PTC_SPARSE_TILE(6, false); break;
        case 13: PTC_SPARSE_TILE(6, true); break;
        case 14: PTC_SPARSE_TILE(7, false); break;
        case 15: PTC_SPARSE_TILE(7, true); break;
        case 16: PTC_SPARSE_TILE(8, false); break;
        default: PTC_SPARSE_TILE(8, true); break;
    }
#undef PTC_SPARSE_TILE
}
#endif

int taskCount(size_t work) {
    const int threads = std::max(1, cv::getNumThreads());
    if (threads == 1) return 1;
    // Enough tasks to balance, not so many that scheduling dominates small layers.
    const size_t perTask = 32 * 1024;  // MACs
    return static_cast<int>(std::clamp<size_t>(work / perTask, 1, static_cast<size_t>(threads) * 4));
}

// Runs body(t) for t in [0, tasks): inline when there is one task (no thread-pool round trip).
template <class F>
void runTasks(int tasks, const F& body) {
    if (tasks <= 1) {
        body(0);
        return;
    }
    cv::parallel_for_(cv::Range(0, tasks), [&](const cv::Range& r) {
        for (int t = r.start; t < r.end; ++t) body(t);
    }, tasks);
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
        avx2 = avx2Wanted();
        CV_Assert(kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1);
        CV_Assert(pt >= 0 && pb >= 0 && pl >= 0 && pr >= 0);
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
            packWeights(w, cinPerGroup);
        }
        // Dense direct convolutions also run on the GEMM kernel (taps as the K dimension).
        if (mode == Mode::Direct && group == 1) packWeights(w, cinPerGroup * kh * kw);
    }

    // Weights [outC][K] into blocks of MR output channels, [block][K][MR]; bias padded to match.
    void packWeights(const float* w, int K) {
        const int ob = (outC + MR - 1) / MR;
        packed.assign(static_cast<size_t>(ob) * K * MR, 0.f);
        for (int o = 0; o < outC; ++o)
            for (int i = 0; i < K; ++i)
                packed[(static_cast<size_t>(o / MR) * K + i) * MR + o % MR] = w[static_cast<size_t>(o) * K + i];
        bias.resize(static_cast<size_t>(ob) * MR, 0.f);
    }

    void gemmTile(const float* wp, const float* xs, int K, float* out, size_t ldo, int rows,
                  int cols, const float* b) const {
#if PTC_X86
        if (avx2) return gemmTileAvx2(wp, xs, K, out, ldo, rows, cols, b, lo, hi);
#endif
        gemmTileGeneric(wp, xs, K, out, ldo, rows, cols, b, lo, hi);
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
    void row(const float* const* taps, size_t at, const float* w, int ntaps, float* out, int width,
             float b) const {
#if PTC_X86
        if (avx2) return directRowAvx2(taps, at, w, ntaps, out, width, b, lo, hi);
#endif
        directRowGeneric(taps, at, w, ntaps, out, width, b, lo, hi);
    }

    void copy(float* d, const float* src, int n) const {
#if PTC_X86
        if (avx2) return copyAvx2(d, src, n);
#endif
        std::memcpy(d, src, n * sizeof(float));
    }

    // Phase-plane geometry for an input of h x w (see the file comment).
    struct Planes {
        int hq, rq;        // rows and columns of one phase plane
        size_t plane;      // hq * rq
        size_t perChannel; // sh * sw planes
        size_t slack;      // readable floats needed past the last plane
    };
    Planes planesFor(int oh, int ow) const {
        Planes g;
        g.hq = oh + ((kh - 1) * dh) / sh;
        g.rq = ow + ((kw - 1) * dw) / sw;
        g.plane = static_cast<size_t>(g.hq) * g.rq;
        g.perChannel = g.plane * sh * sw;
        g.slack = static_cast<size_t>(((kw - 1) * dw) / sw) + 8;
        return g;
    }

    // Fills the sh * sw phase planes of one input channel xc (h x w) into dst. With bordersZero,
    // dst already holds zeros wherever the input does not land (same geometry as last time), and
    // only the input values are written.
    void fillPlanes(const float* xc, int h, int w, const Planes& g, float* dst,
                    bool bordersZero) const {
        if (sw == 2) return fillPlanes2(xc, h, w, g, dst, bordersZero);
        for (int a = 0; a < sh; ++a)
            for (int b = 0; b < sw; ++b) {
                float* pln = dst + static_cast<size_t>(a * sw + b) * g.plane;
                // Plane column s holds input column s * sw + b - pl.
                const int s0 = std::clamp((pl - b + sw - 1) / sw, 0, g.rq);
                const int s1 = std::clamp((w + pl - b + sw - 1) / sw, s0, g.rq);
                for (int q = 0; q < g.hq; ++q) {
                    float* rowp = pln + static_cast<size_t>(q) * g.rq;
                    const int iy = q * sh + a - pt;
                    if (iy < 0 || iy >= h || s1 <= s0) {
                        if (!bordersZero) std::fill(rowp, rowp + g.rq, 0.f);
                        continue;
                    }
                    const float* xr = xc + static_cast<size_t>(iy) * w;
                    if (!bordersZero) std::fill(rowp, rowp + s0, 0.f);
                    if (sw == 1) {
                        copy(rowp + s0, xr + (s0 + b - pl), s1 - s0);
                    } else {
                        const float* xs = xr + (static_cast<ptrdiff_t>(s0) * sw + b - pl);
                        for (int s = s0; s < s1; ++s, xs += sw) rowp[s] = *xs;
                    }
                    if (!bordersZero) std::fill(rowp + s1, rowp + g.rq, 0.f);
                }
            }
    }

    // fillPlanes for column stride 2: both column phases of a row in one pass.
    void fillPlanes2(const float* xc, int h, int w, const Planes& g, float* dst,
                     bool bordersZero) const {
        // Plane b column s holds input column 2 s + b - pl: valid for s in [s0[b], s1[b]).
        int s0[2], s1[2];
        for (int b = 0; b < 2; ++b) {
            s0[b] = std::clamp((pl - b + 1) / 2, 0, g.rq);
            s1[b] = std::clamp((w + pl - b + 1) / 2, s0[b], g.rq);
        }
        // Columns where both phases are valid: input columns 2 s - pl and 2 s + 1 - pl.
        const int m0 = std::max(s0[0], s0[1]), m1 = std::max(m0, std::min(s1[0], s1[1]));
        for (int a = 0; a < sh; ++a) {
            float* p0 = dst + static_cast<size_t>(a * 2) * g.plane;
            float* p1 = p0 + g.plane;
            for (int q = 0; q < g.hq; ++q) {
                float* r0 = p0 + static_cast<size_t>(q) * g.rq;
                float* r1 = p1 + static_cast<size_t>(q) * g.rq;
                const int iy = q * sh + a - pt;
                if (!bordersZero) {
                    std::fill(r0, r0 + g.rq, 0.f);
                    std::fill(r1, r1 + g.rq, 0.f);
                }
                if (iy < 0 || iy >= h) continue;
                const float* xr = xc + static_cast<size_t>(iy) * w;
                float* rows[2] = {r0, r1};
                for (int b = 0; b < 2; ++b) {
                    for (int s = s0[b]; s < std::min(s1[b], m0); ++s) rows[b][s] = xr[2 * s + b - pl];
                    for (int s = std::max(s0[b], m1); s < s1[b]; ++s) rows[b][s] = xr[2 * s + b - pl];
                }
                if (m1 > m0) {
#if PTC_X86
                    if (avx2) {
                        deinterleaveAvx2(xr + 2 * m0 - pl, r0 + m0, r1 + m0, m1 - m0);
                        continue;
                    }
#endif
                    deinterleaveGeneric(xr + 2 * m0 - pl, r0 + m0, r1 + m0, m1 - m0);
                }
            }
        }
    }

    // Tap pointers for input channels [c0, c0 + count) whose planes start at base, base + stride...
    void tapsFor(const float* base, size_t chStride, int count, const Planes& g,
                 const float** taps) const {
        int k = 0;
        for (int c = 0; c < count; ++c) {
            const float* pc = base + static_cast<size_t>(c) * chStride;
            for (int i = 0; i < kh; ++i) {
                const int ry = i * dh;
                for (int j = 0; j < kw; ++j) {
                    const int rx = j * dw;
                    taps[k++] = pc + static_cast<size_t>((ry % sh) * sw + rx % sw) * g.plane +
                                static_cast<size_t>(ry / sh) * g.rq + rx / sw;
                }
            }
        }
    }

    // One output plane from its taps: a long row over the phase-plane layout, then the first ow
    // columns of every row go to y.
    // Wide planes (ow >= 16) go row by row straight into y instead: each row writes ow rounded
    // up to 8 values, the excess landing in the next row before that is computed; the last row
    // goes through tmp.
    void outputPlane(const float* const* taps, int o, int ntaps, const Planes& g, int oh, int ow,
                     float* yo, float* tmp, size_t len) const {
        const float* w = blobs[0].ptr<float>() + static_cast<size_t>(o) * ntaps;
        if (g.rq == ow && len == static_cast<size_t>(oh) * ow) {
            row(taps, 0, w, ntaps, yo, static_cast<int>(len), bias[o]);
            return;
        }
        if (ow >= 16) {
            const int ow8 = (ow + 7) / 8 * 8;
            const int direct = ow8 == ow ? oh : oh - 1;
            for (int yy = 0; yy < direct; ++yy)
                row(taps, static_cast<size_t>(yy) * g.rq, w, ntaps, yo + static_cast<size_t>(yy) * ow, ow8, bias[o]);
            if (direct < oh) {
                row(taps, static_cast<size_t>(direct) * g.rq, w, ntaps, tmp, ow8, bias[o]);
                std::memcpy(yo + static_cast<size_t>(direct) * ow, tmp, ow * sizeof(float));
            }
            return;
        }
        row(taps, 0, w, ntaps, tmp, static_cast<int>(len), bias[o]);
        for (int yy = 0; yy < oh; ++yy)
            copy(yo + static_cast<size_t>(yy) * ow, tmp + static_cast<size_t>(yy) * g.rq, ow);
    }

    void direct(const float* x, int cin, int h, int w, float* y, int oh, int ow) {
        const Planes g = planesFor(oh, ow);
        const size_t len = (static_cast<size_t>(oh) * g.rq + 7) / 8 * 8;
        const size_t outPlane = static_cast<size_t>(oh) * ow;
        if (group > 1) {
            // Depthwise: each task pads its own channels into a per-thread buffer.
            const int mult = outC / group;
            const int ntaps = kh * kw;
            const size_t work = static_cast<size_t>(outC) * len * ntaps;
            const int tasks = std::min(cin, taskCount(work));
            runTasks(tasks, [&](int t) {
                // The buffer keeps its zero borders from channel to channel (and layer to layer
                // while the geometry is the same): only the input values are rewritten.
                PadBuffer& pad = threadPadBuffer();
                const std::array<int, 8> key{g.hq, g.rq, sh, sw, pt, pl, h, w};
                if (pad.key != key) {
                    pad.buf.assign(g.perChannel + g.slack, 0.f);
                    pad.key = key;
                }
                std::vector<float>& pbuf = pad.buf;
                std::vector<float>& obuf = threadScratch(0);
                obuf.resize(len);
                const float* taps[64];
                std::vector<const float*> tapsHeap;
                const float** tp = taps;
                if (ntaps > 64) {
                    tapsHeap.resize(ntaps);
                    tp = tapsHeap.data();
                }
                tapsFor(pbuf.data(), 0, 1, g, tp);
                const int c0 = static_cast<int>(static_cast<int64_t>(cin) * t / tasks);
                const int c1 = static_cast<int>(static_cast<int64_t>(cin) * (t + 1) / tasks);
                for (int c = c0; c < c1; ++c) {
                    fillPlanes(x + static_cast<size_t>(c) * h * w, h, w, g, pbuf.data(), true);
                    for (int m = 0; m < mult; ++m) {
                        const int o = c * mult + m;
                        outputPlane(tp, o, ntaps, g, oh, ow, y + o * outPlane, obuf.data(), len);
                    }
                }
            });
            return;
        }
        // Dense: all channels padded once into a shared buffer, then the outputs in parallel.
        const int ntaps = cinPerGroup * kh * kw;
        scratch.resize(g.perChannel * cin + g.slack);
        std::fill(scratch.begin() + g.perChannel * cin, scratch.end(), 0.f);
        float* pad = scratch.data();
        runTasks(std::min(cin, cv::getNumThreads()), [&](int t) {
            const int tasks = std::min(cin, cv::getNumThreads());
            for (int c = cin * t / tasks; c < cin * (t + 1) / tasks; ++c)
                fillPlanes(x + static_cast<size_t>(c) * h * w, h, w, g, pad + g.perChannel * c, false);
        });
        std::vector<const float*> taps(ntaps);
        tapsFor(pad, g.perChannel, cin, g, taps.data());
        // Blocks of the long output row, each for every output channel: the taps of a block are
        // packed into 16-pixel strips (K = taps) and run through the GEMM kernel, so each input
        // value loaded serves MR output channels.
        constexpr int kBlock = 256;
        const int blocks = static_cast<int>((len + kBlock - 1) / kBlock);
        const int ob = (outC + MR - 1) / MR;
        const size_t work = static_cast<size_t>(outC) * len * ntaps;
        const int tasks = std::min(blocks, taskCount(work));
        runTasks(tasks, [&](int t) {
            std::vector<float>& xs = threadScratch(1);
            std::vector<float>& res = threadScratch(0);
            xs.resize(static_cast<size_t>(ntaps) * kBlock);
            res.resize(static_cast<size_t>(ob) * MR * kBlock);
            const int k0 = static_cast<int>(static_cast<int64_t>(blocks) * t / tasks);
            const int k1 = static_cast<int>(static_cast<int64_t>(blocks) * (t + 1) / tasks);
            for (int blk = k0; blk < k1; ++blk) {
                const size_t l0 = static_cast<size_t>(blk) * kBlock;
                const int n = static_cast<int>(std::min<size_t>(kBlock, len - l0));
                const int strips = (n + NR - 1) / NR;
                for (int st = 0; st < strips; ++st) {
                    const int m = std::min(NR, n - st * NR);
                    float* d = xs.data() + static_cast<size_t>(st) * ntaps * NR;
                    if (m == NR) {
                        for (int k = 0; k < ntaps; ++k, d += NR) {
                            const float* src = taps[k] + l0 + st * NR;
                            for (int j = 0; j < NR; ++j) d[j] = src[j];
                        }
                    } else {
                        for (int k = 0; k < ntaps; ++k, d += NR) {
                            std::memcpy(d, taps[k] + l0 + st * NR, m * sizeof(float));
                            std::fill(d + m, d + NR, 0.f);
                        }
                    }
                }
                for (int b = 0; b < ob; ++b) {
                    const int rows = std::min(MR, outC - b * MR);
                    const float* wp = packed.data() + static_cast<size_t>(b) * ntaps * MR;
                    for (int st = 0; st < strips; ++st)
                        gemmTile(wp, xs.data() + static_cast<size_t>(st) * ntaps * NR, ntaps,
                                 res.data() + static_cast<size_t>(b) * MR * kBlock + st * NR, kBlock,
                                 rows, std::min(NR, n - st * NR), bias.data() + b * MR);
                }
                for (int o = 0; o < outC; ++o)
                    scatterLongRow(res.data() + static_cast<size_t>(o) * kBlock, l0, n, g, oh, ow,
                                   y + o * outPlane);
            }
        });
    }

    // Copies long-row positions [l0, l0 + n) that are real outputs (column < ow, row < oh).
    static void scatterLongRow(const float* tmp, size_t l0, int n, const Planes& g, int oh, int ow,
                               float* yo) {
        const size_t end = l0 + n, rq = static_cast<size_t>(g.rq);
        for (size_t l = l0; l < end;) {
            const size_t yy = l / rq, xx = l % rq;
            if (yy >= static_cast<size_t>(oh)) break;
            const size_t segEnd = std::min(end, (yy + 1) * rq);
            if (xx < static_cast<size_t>(ow)) {
                const size_t cnt = std::min(segEnd, yy * rq + ow) - l;
                std::memcpy(yo + yy * ow + xx, tmp + (l - l0), cnt * sizeof(float));
            }
            l = segEnd;
        }
    }

    void gemm(const float* x, int K, size_t P, float* y) {
        const int ob = (outC + MR - 1) / MR;
        // Pixel chunk: its packed panel (K x chunk) stays in L1 while all output blocks use it.
        const int chunk = std::clamp((8192 / std::max(K, 1)) / NR * NR, NR, 256);
        const int pc = static_cast<int>((P + chunk - 1) / chunk);
        const size_t work = static_cast<size_t>(outC) * P * K;
        const int want = taskCount(work);
        const int oSplit = std::clamp((want + pc - 1) / pc, 1, ob);
        const int tasks = std::min(pc * oSplit, std::max(want, 1) * 2);
        const int units = pc * oSplit;
        runTasks(tasks, [&](int t) {
            std::vector<float>& xs = threadScratch(1);
            xs.resize(static_cast<size_t>(K) * chunk);
            const int u0 = static_cast<int>(static_cast<int64_t>(units) * t / tasks);
            const int u1 = static_cast<int>(static_cast<int64_t>(units) * (t + 1) / tasks);
            int packedChunk = -1;
            for (int u = u0; u < u1; ++u) {
                const int pi = u / oSplit, os = u % oSplit;
                const size_t p0 = static_cast<size_t>(pi) * chunk;
                const int n = static_cast<int>(std::min<size_t>(P - p0, chunk));
                if (pi != packedChunk) {
                    packStrips(x, P, K, p0, n, xs.data());
                    packedChunk = pi;
                }
                const int strips = (n + NR - 1) / NR;
                const int b0 = ob * os / oSplit, b1 = ob * (os + 1) / oSplit;
                for (int b = b0; b < b1; ++b) {
                    const int rows = std::min(MR, outC - b * MR);
                    const float* wp = packed.data() + static_cast<size_t>(b) * K * MR;
                    float* yb = y + static_cast<size_t>(b) * MR * P + p0;
                    for (int s = 0; s < strips; ++s) {
                        const int cols = std::min(NR, n - s * NR);
                        const float* xsp = xs.data() + static_cast<size_t>(s) * K * NR;
                        gemmTile(wp, xsp, K, yb + s * NR, P, rows, cols, bias.data() + b * MR);
                    }
                }
            }
        });
    }

    void sparse(const float* x, size_t P, float* y) {
        CV_Assert(static_cast<size_t>(cinPerGroup) * P < (1u << 31));
        if (offsetsFor != P) {
            offsets.resize(cols.size());
            for (size_t k = 0; k < cols.size(); ++k) offsets[k] = static_cast<int>(cols[k] * P);
            offsetsFor = P;
        }
        // Pixel tiles of up to maxVec vectors, of even size (a short last tile would stream all
        // the weights again for a few pixels). Wide tiles read the weights fewer times; narrow
        // ones keep the rows of X they touch (K x tile) closer to L1.
        const int maxVec = cinPerGroup <= 256 ? 8 : 4;
        const int vecs = static_cast<int>((P + 7) / 8);
        const int tiles = (vecs + maxVec - 1) / maxVec;
        const size_t work = static_cast<size_t>(vals.size()) * P;
        const int want = taskCount(work);
        const int oSplit = std::clamp((want + tiles - 1) / tiles, 1, outC);
        const int units = tiles * oSplit;
        const int tasks = std::min(units, std::max(want, 1) * 2);
        runTasks(tasks, [&](int t) {
            const int u0 = static_cast<int>(static_cast<int64_t>(units) * t / tasks);
            const int u1 = static_cast<int>(static_cast<int64_t>(units) * (t + 1) / tasks);
            for (int u = u0; u < u1; ++u) {
                const int ti = u / oSplit, os = u % oSplit;
                const int p0 = 8 * static_cast<int>(static_cast<int64_t>(vecs) * ti / tiles);
                const int p1 = std::min(static_cast<int>(P), 8 * static_cast<int>(static_cast<int64_t>(vecs) * (ti + 1) / tiles));
                const int o0 = outC * os / oSplit, o1 = outC * (os + 1) / oSplit;
#if PTC_X86
                if (avx2) {
                    sparseAvx2(rowPtr.data(), offsets.data(), vals.data(), x, P, y, o0, o1, p0, p1,
                               bias.data(), lo, hi);
                    continue;
                }
#endif
                sparseGeneric(rowPtr.data(), offsets.data(), vals.data(), x, P, y, o0, o1, p0, p1,
                              bias.data(), lo, hi);
            }
        });
    }

    int kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, group, outC, cinPerGroup;
    float lo, hi;
    bool avx2 = false;
    Mode mode = Mode::Direct;
    std::vector<float> bias, packed, vals, scratch;
    std::vector<int> rowPtr, cols;
    std::vector<int> offsets;  // cols[k] * offsetsFor
    size_t offsetsFor = 0;
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
