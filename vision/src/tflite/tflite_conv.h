#pragma once
// A fast NCHW convolution layer for the TFLite importer (see tflite_conv.cpp). Params as for
// OpenCV's Convolution (kernel_h/w, stride_h/w, dilation_h/w, explicit pad_t/pad_b/pad_l/pad_r,
// which may be asymmetric, group), plus "act_min"/"act_max" (fused clamp) and an optional "mode"
// ("direct", "gemm", "sparse") to force a kernel. Blobs: weights [O, I/group, KH, KW], bias [O].
namespace ptcoach::vision::tflite {

inline constexpr const char* kFastConvType = "PtcTfliteConv";

// Whether the fast layer handles this convolution (dense or depthwise; dense kxk only with at
// most 512 taps per output); otherwise OpenCV's Convolution is used.
bool fastConvSupports(int group, int cin, int cinPerGroup, int kh, int kw, int strideH,
                      int strideW, bool padded);

void registerFastConv();

}  // namespace ptcoach::vision::tflite
