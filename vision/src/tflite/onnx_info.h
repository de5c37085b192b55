#pragma once
// Reads the graph inputs and outputs (names and shapes) of an ONNX model with a minimal,
// bounds-checked protobuf walker, so that ModelInfo can describe ONNX models too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ptcoach::vision::onnx {

struct ValueInfo {
    std::string name;
    std::vector<int> shape;  // -1 for symbolic or unknown dimensions
};

struct GraphIo {
    std::vector<ValueInfo> inputs;  // without initializers
    std::vector<ValueInfo> outputs;
};

// Throws std::runtime_error on malformed data.
GraphIo readGraphIo(const uint8_t* data, size_t size);

}  // namespace ptcoach::vision::onnx
