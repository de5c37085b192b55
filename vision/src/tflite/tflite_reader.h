#pragma once
// A bounds-checked reader of TFLite flatbuffers, reflection-free: every table, vector and string
// is checked with flatbuffers::Verifier before it is read. Problems throw ImportError with a
// message that names the tensor, operator or byte offset; the public API turns them into Errors.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

namespace ptcoach::vision::tflite {

// Internal error type of the importer; never leaves the public API.
struct ImportError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[noreturn]] void fail(const std::string& message);

std::string shapeToString(const std::vector<int>& shape);

struct SparseDim {
    int format = 0;     // schema::DIM_DENSE or schema::DIM_SPARSE_CSR
    int denseSize = 0;  // DENSE: size of the dimension
    std::vector<int> segments, indices;  // SPARSE_CSR
};

struct Sparsity {
    std::vector<int> traversalOrder, blockMap;
    std::vector<SparseDim> dims;
};

struct TensorDesc {
    int index = 0;
    std::string name;
    std::vector<int> shape;  // TFLite shape (NHWC for 4D activations)
    int type = 0;            // schema::TensorType
    uint32_t buffer = 0;
    const uint8_t* data = nullptr;  // constant data, or nullptr
    size_t dataSize = 0;
    std::shared_ptr<Sparsity> sparsity;  // set for sparse constant tensors (DENSIFY's input)
    std::vector<float> scales;           // quantization (DEQUANTIZE of int8/uint8 weights)
    std::vector<int64_t> zeroPoints;
    int quantizedDimension = 0;

    bool isConstant() const { return data != nullptr; }
    size_t elementCount() const;
    // "tensor 'name' (#index)"
    std::string describe() const;
};

class OptionsView;

struct OperatorDesc {
    int index = 0;
    int32_t builtin = 0;     // schema::BuiltinOp; CUSTOM (32) for custom operators
    std::string customCode;  // the custom operator's name
    int version = 1;
    std::vector<int> inputs, outputs;  // tensor indices; -1 marks an absent optional input
    uint8_t optionsType = 0;
    const flatbuffers::Table* options = nullptr;  // verified table (may be null)

    // "CONV_2D" or "CUSTOM(name)"
    std::string opName() const;
    // "op #12 CONV_2D"
    std::string describe() const;
};

// Reads scalars and vectors of one options table, checking each read.
class OptionsView {
public:
    OptionsView(const flatbuffers::Table* table, flatbuffers::Verifier* verifier,
                const uint8_t* base, std::string context)
        : m_table(table), m_verifier(verifier), m_base(base), m_context(std::move(context)) {}
    bool present() const { return m_table != nullptr; }
    int8_t i8(int field, int8_t def = 0) const;
    int32_t i32(int field, int32_t def = 0) const;
    bool boolean(int field, bool def = false) const;
    float f32(int field, float def = 0.f) const;
    std::vector<int> intVector(int field) const;

private:
    template <typename T> T scalar(int field, T def) const;
    const flatbuffers::Table* m_table;
    flatbuffers::Verifier* m_verifier;
    const uint8_t* m_base;
    std::string m_context;
};

// Parses the model's first subgraph. The bytes must outlive the reader (tensor data points
// into them).
class ModelReader {
public:
    ModelReader(const uint8_t* data, size_t size);  // throws ImportError

    uint32_t version = 0;
    std::string description;
    std::vector<TensorDesc> tensors;
    std::vector<OperatorDesc> ops;
    std::vector<int> inputs, outputs;
    size_t subgraphCount = 0;

    OptionsView options(const OperatorDesc& op) const;
    const TensorDesc& tensor(int index, const OperatorDesc& op) const;

private:
    const uint8_t* m_base;
    size_t m_size;
    std::unique_ptr<flatbuffers::Verifier> m_verifier;

    size_t offsetOf(const void* p) const {
        return static_cast<size_t>(static_cast<const uint8_t*>(p) - m_base);
    }
    void checkTable(const uint8_t* p, const std::string& what) const;
    template <typename T>
    T scalar(const flatbuffers::Table* t, int field, T def, const std::string& what) const;
    const flatbuffers::Table* table(const flatbuffers::Table* t, int field,
                                    const std::string& what) const;
    template <typename T>
    const flatbuffers::Vector<T>* vec(const flatbuffers::Table* t, int field,
                                      const std::string& what) const;
    std::vector<const flatbuffers::Table*> tables(const flatbuffers::Table* t, int field,
                                                  const std::string& what) const;
    std::string str(const flatbuffers::Table* t, int field, const std::string& what) const;
    std::vector<int> intVector(const flatbuffers::Table* t, int field,
                               const std::string& what) const;
    std::vector<int> indexVector(const flatbuffers::Table* t, int typeField, int valueField,
                                 const std::string& what) const;
    std::shared_ptr<Sparsity> readSparsity(const flatbuffers::Table* t,
                                           const std::string& what) const;
};

}  // namespace ptcoach::vision::tflite
