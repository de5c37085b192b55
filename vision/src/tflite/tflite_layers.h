#pragma once
// Custom cv::dnn layers for the TFLite importer, where OpenCV 4.6 has no layer with TFLite's exact
// semantics. All work on the net's layout (NCHW for 4D tensors). Registered once, process-wide,
// under the type names below.
#include <opencv2/core.hpp>

namespace ptcoach::vision::tflite {

// The one input and one output of a custom layer's forward(), checked to be continuous float32.
// The Mats share the net's buffers: writing to dst writes the layer's output.
struct SingleIo {
    cv::Mat src, dst;
};
SingleIo singleFloatIo(cv::InputArrayOfArrays inputs, cv::OutputArrayOfArrays outputs);

// DEPTH_TO_SPACE in TFLite's ordering: input channel (dy * block + dx) * C + c goes to output
// channel c at (h * block + dy, w * block + dx). Param "block_size".
inline constexpr const char* kDepthToSpaceType = "PtcTfliteDepthToSpace";

// RESIZE_BILINEAR with TFLite's coordinate rules. Params "height", "width", "align_corners",
// "half_pixel_centers".
inline constexpr const char* kResizeBilinearType = "PtcTfliteResizeBilinear";

// RESIZE_NEAREST_NEIGHBOR with TFLite's coordinate rules. Same params.
inline constexpr const char* kResizeNearestType = "PtcTfliteResizeNearest";

// Element-wise binary op with numpy broadcasting: params "op" (add, sub, mul, div, max, min),
// optional blob 0 = constant operand, "const_first" (the constant is the left operand).
inline constexpr const char* kBroadcastBinaryType = "PtcTfliteBroadcastBinary";

void registerCustomLayers();

}  // namespace ptcoach::vision::tflite
