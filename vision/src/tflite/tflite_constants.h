#pragma once
// What both backends of the TFLite importer (cv::dnn and XNNPACK) read the same way: constant
// tensors decoded to float32, and the operators a set of kept outputs needs.
#include <cstdint>
#include <vector>

#include "tflite/tflite_reader.h"

namespace ptcoach::vision::tflite {

// Decodes IEEE half floats.
float halfToFloat(uint16_t h);

// Constant tensor `td` (an input of `op`, named in errors) as float32 in TFLite layout: float32
// as is, float16 converted, sparse (TFLite's TACO format, DENSIFY's input) densified. With
// `dequantize`, int8/uint8/int16/int32 data with quantization scales is dequantized.
std::vector<float> decodeConstant(const TensorDesc& td, const OperatorDesc& op, bool dequantize);

// Which operators (by position) the model's outputs need, leaving out every operator that only
// feeds the outputs listed (by position) in skipOutputs. keptOutputs gets the tensor indices of
// the other outputs. Fails if every output is skipped.
std::vector<char> neededOperators(const ModelReader& r, const std::vector<int>& skipOutputs,
                                  std::vector<int>& keptOutputs);

}  // namespace ptcoach::vision::tflite
