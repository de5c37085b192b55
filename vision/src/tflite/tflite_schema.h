#pragma once
// The facts of the TFLite flatbuffer schema (tensorflow/lite/schema/schema.fbs, file identifier
// "TFL3") that the importer needs: field ids of the tables it reads and the enum values it knows.
// Nothing here is generated; a field's vtable offset is 4 + 2 * field id. A union field takes two
// ids: `<name>_type` (a ubyte) and then the value (an offset to the table).
#include <cstdint>
#include <string>

namespace ptcoach::vision::tflite::schema {

constexpr uint16_t vt(int fieldId) { return static_cast<uint16_t>(4 + 2 * fieldId); }

namespace Model {
constexpr int version = 0, operator_codes = 1, subgraphs = 2, description = 3, buffers = 4;
}
namespace SubGraph {
constexpr int tensors = 0, inputs = 1, outputs = 2, operators = 3, name = 4;
}
namespace Tensor {
constexpr int shape = 0, type = 1, buffer = 2, name = 3, quantization = 4, is_variable = 5,
              sparsity = 6, shape_signature = 7;
}
namespace QuantizationParameters {
constexpr int min = 0, max = 1, scale = 2, zero_point = 3;
}
namespace Buffer {
constexpr int data = 0, offset = 1, size = 2;
}
namespace OperatorCode {
constexpr int deprecated_builtin_code = 0, custom_code = 1, version = 2, builtin_code = 3;
}
namespace Operator {
constexpr int opcode_index = 0, inputs = 1, outputs = 2, builtin_options_type = 3,
              builtin_options = 4, custom_options = 5;
}
namespace SparsityParameters {
constexpr int traversal_order = 0, block_map = 1, dim_metadata = 2;
}
namespace DimensionMetadata {
constexpr int format = 0, dense_size = 1, array_segments_type = 2, array_segments = 3,
              array_indices_type = 4, array_indices = 5;
}
// Int32Vector, Uint16Vector and Uint8Vector all have one field: values (id 0).
namespace IndexVector {
constexpr int values = 0;
}
enum SparseIndexVectorType : uint8_t { SIV_NONE = 0, SIV_Int32 = 1, SIV_Uint16 = 2, SIV_Uint8 = 3 };
enum DimensionType : int8_t { DIM_DENSE = 0, DIM_SPARSE_CSR = 1 };

// --- options tables ---
namespace Conv2DOptions {
constexpr int padding = 0, stride_w = 1, stride_h = 2, fused_activation_function = 3,
              dilation_w_factor = 4, dilation_h_factor = 5;
}
namespace DepthwiseConv2DOptions {
constexpr int padding = 0, stride_w = 1, stride_h = 2, depth_multiplier = 3,
              fused_activation_function = 4, dilation_w_factor = 5, dilation_h_factor = 6;
}
namespace Pool2DOptions {
constexpr int padding = 0, stride_w = 1, stride_h = 2, filter_width = 3, filter_height = 4,
              fused_activation_function = 5;
}
// AddOptions, SubOptions, MulOptions, DivOptions: fused_activation_function is field 0.
namespace BinaryOptions {
constexpr int fused_activation_function = 0;
}
namespace ConcatenationOptions {
constexpr int axis = 0, fused_activation_function = 1;
}
namespace ReshapeOptions {
constexpr int new_shape = 0;
}
namespace ResizeBilinearOptions {  // fields 0 and 1 (new_height, new_width) are deprecated
constexpr int align_corners = 2, half_pixel_centers = 3;
}
namespace ResizeNearestNeighborOptions {
constexpr int align_corners = 0, half_pixel_centers = 1;
}
namespace DepthToSpaceOptions {
constexpr int block_size = 0;
}
namespace SoftmaxOptions {
constexpr int beta = 0;
}
namespace FullyConnectedOptions {
constexpr int fused_activation_function = 0, weights_format = 1, keep_num_dims = 2;
}
namespace LeakyReluOptions {
constexpr int alpha = 0;
}
namespace ReducerOptions {
constexpr int keep_dims = 0;
}
namespace TransposeConvOptions {
constexpr int padding = 0, stride_w = 1, stride_h = 2, fused_activation_function = 3;
}

enum Padding : int8_t { PAD_SAME = 0, PAD_VALID = 1 };
enum Activation : int8_t {
    ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3, ACT_TANH = 4, ACT_SIGN_BIT = 5
};

enum TensorType : int8_t {
    FLOAT32 = 0, FLOAT16 = 1, INT32 = 2, UINT8 = 3, INT64 = 4, STRING = 5, BOOL = 6, INT16 = 7,
    COMPLEX64 = 8, INT8 = 9, FLOAT64 = 10
};

enum BuiltinOp : int32_t {
    ADD = 0, AVERAGE_POOL_2D = 1, CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4,
    DEPTH_TO_SPACE = 5, DEQUANTIZE = 6, FULLY_CONNECTED = 9, LOGISTIC = 14, MAX_POOL_2D = 17,
    MUL = 18, RELU = 19, RELU_N1_TO_1 = 20, RELU6 = 21, RESHAPE = 22, RESIZE_BILINEAR = 23,
    SOFTMAX = 25, TANH = 28, CUSTOM = 32, PAD = 34, TRANSPOSE = 39, MEAN = 40, SUB = 41, DIV = 42,
    SQUEEZE = 43, PRELU = 54, MAXIMUM = 55, MINIMUM = 57, PADV2 = 60, TRANSPOSE_CONV = 67,
    EXPAND_DIMS = 70, RESIZE_NEAREST_NEIGHBOR = 97, LEAKY_RELU = 98, HARD_SWISH = 117,
    DENSIFY = 124
};

// The name of a builtin operator (the enum's spelling in schema.fbs), or "BUILTIN_<n>".
std::string builtinOpName(int32_t code);
// The name of a tensor type, or "TYPE_<n>".
std::string tensorTypeName(int type);
// Size in bytes of one element of a tensor type; 0 if unknown.
size_t tensorTypeSize(int type);

}  // namespace ptcoach::vision::tflite::schema
