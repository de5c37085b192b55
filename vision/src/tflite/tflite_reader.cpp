#include "tflite/tflite_reader.h"

#include <cstring>
#include <limits>
#include <sstream>

#include "tflite/tflite_schema.h"

namespace ptcoach::vision::tflite {

namespace fb = flatbuffers;
using schema::vt;

void fail(const std::string& message) { throw ImportError(message); }

std::string shapeToString(const std::vector<int>& shape) {
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < shape.size(); ++i) s << (i ? "," : "") << shape[i];
    s << ']';
    return s.str();
}

size_t TensorDesc::elementCount() const {
    size_t n = 1;
    for (int d : shape) n *= static_cast<size_t>(d);
    return n;
}

std::string TensorDesc::describe() const {
    return "tensor '" + name + "' (#" + std::to_string(index) + ")";
}

std::string OperatorDesc::opName() const {
    if (builtin == schema::CUSTOM) return "CUSTOM(" + customCode + ")";
    return schema::builtinOpName(builtin);
}

std::string OperatorDesc::describe() const {
    return "op #" + std::to_string(index) + " " + opName();
}

// ---------------------------------------------------------------------------------------------
// OptionsView

template <typename T>
T OptionsView::scalar(int field, T def) const {
    if (!m_table) return def;
    if (!m_table->VerifyField<T>(*m_verifier, vt(field), sizeof(T)))
        fail(m_context + ": options field " + std::to_string(field) + " of the table at byte " +
             std::to_string(reinterpret_cast<const uint8_t*>(m_table) - m_base) +
             " lies outside the file");
    return m_table->GetField<T>(vt(field), def);
}

int8_t OptionsView::i8(int field, int8_t def) const { return scalar<int8_t>(field, def); }
int32_t OptionsView::i32(int field, int32_t def) const { return scalar<int32_t>(field, def); }
bool OptionsView::boolean(int field, bool def) const {
    return scalar<uint8_t>(field, def ? 1 : 0) != 0;
}
float OptionsView::f32(int field, float def) const { return scalar<float>(field, def); }

std::vector<int> OptionsView::intVector(int field) const {
    if (!m_table) return {};
    if (!m_table->VerifyOffset(*m_verifier, vt(field)))
        fail(m_context + ": options vector field " + std::to_string(field) + " is corrupt");
    auto* v = m_table->GetPointer<const fb::Vector<int32_t>*>(vt(field));
    if (!v) return {};
    if (!m_verifier->VerifyVector(v))
        fail(m_context + ": options vector field " + std::to_string(field) +
             " runs past the end of the file");
    return std::vector<int>(v->begin(), v->end());
}

// ---------------------------------------------------------------------------------------------
// ModelReader helpers

void ModelReader::checkTable(const uint8_t* p, const std::string& what) const {
    if (p < m_base || p >= m_base + m_size)
        fail(what + ": table offset points outside the file");
    if (!m_verifier->VerifyTableStart(p))
        fail(what + ": corrupt or truncated table at byte offset " + std::to_string(offsetOf(p)));
    m_verifier->EndTable();
}

template <typename T>
T ModelReader::scalar(const fb::Table* t, int field, T def, const std::string& what) const {
    if (!t->VerifyField<T>(*m_verifier, vt(field), sizeof(T)))
        fail(what + ": field " + std::to_string(field) + " of the table at byte offset " +
             std::to_string(offsetOf(t)) + " lies outside the file");
    return t->GetField<T>(vt(field), def);
}

const fb::Table* ModelReader::table(const fb::Table* t, int field, const std::string& what) const {
    if (!t->VerifyOffset(*m_verifier, vt(field)))
        fail(what + ": bad offset in field " + std::to_string(field) + " of the table at byte " +
             std::to_string(offsetOf(t)));
    auto* p = t->GetPointer<const fb::Table*>(vt(field));
    if (p) checkTable(reinterpret_cast<const uint8_t*>(p), what);
    return p;
}

template <typename T>
const fb::Vector<T>* ModelReader::vec(const fb::Table* t, int field,
                                      const std::string& what) const {
    if (!t->VerifyOffset(*m_verifier, vt(field)))
        fail(what + ": bad offset in field " + std::to_string(field) + " of the table at byte " +
             std::to_string(offsetOf(t)));
    auto* v = t->GetPointer<const fb::Vector<T>*>(vt(field));
    if (v && !m_verifier->VerifyVector(v))
        fail(what + ": vector at byte offset " + std::to_string(offsetOf(v)) +
             " runs past the end of the file");
    return v;
}

std::vector<const fb::Table*> ModelReader::tables(const fb::Table* t, int field,
                                                  const std::string& what) const {
    std::vector<const fb::Table*> out;
    auto* v = vec<fb::uoffset_t>(t, field, what);
    if (!v) return out;
    out.reserve(v->size());
    const uint8_t* data = v->Data();
    for (fb::uoffset_t i = 0; i < v->size(); ++i) {
        const uint8_t* elem = data + i * sizeof(fb::uoffset_t);
        fb::uoffset_t o = m_verifier->VerifyOffset(offsetOf(elem));
        if (!o)
            fail(what + ": element " + std::to_string(i) + " of the table vector at byte " +
                 std::to_string(offsetOf(v)) + " points outside the file");
        const uint8_t* p = elem + o;
        checkTable(p, what + " [element " + std::to_string(i) + "]");
        out.push_back(reinterpret_cast<const fb::Table*>(p));
    }
    return out;
}

std::string ModelReader::str(const fb::Table* t, int field, const std::string& what) const {
    if (!t->VerifyOffset(*m_verifier, vt(field)))
        fail(what + ": bad string offset at byte " + std::to_string(offsetOf(t)));
    auto* s = t->GetPointer<const fb::String*>(vt(field));
    if (!s) return {};
    if (!m_verifier->VerifyString(s))
        fail(what + ": string at byte offset " + std::to_string(offsetOf(s)) +
             " runs past the end of the file");
    return s->str();
}

std::vector<int> ModelReader::intVector(const fb::Table* t, int field,
                                        const std::string& what) const {
    auto* v = vec<int32_t>(t, field, what);
    if (!v) return {};
    return std::vector<int>(v->begin(), v->end());
}

std::vector<int> ModelReader::indexVector(const fb::Table* t, int typeField, int valueField,
                                          const std::string& what) const {
    auto type = scalar<uint8_t>(t, typeField, 0, what);
    const fb::Table* holder = table(t, valueField, what);
    if (type == schema::SIV_NONE || !holder) return {};
    std::vector<int> out;
    switch (type) {
        case schema::SIV_Int32: {
            auto* v = vec<int32_t>(holder, schema::IndexVector::values, what);
            if (v) out.assign(v->begin(), v->end());
            break;
        }
        case schema::SIV_Uint16: {
            auto* v = vec<uint16_t>(holder, schema::IndexVector::values, what);
            if (v) out.assign(v->begin(), v->end());
            break;
        }
        case schema::SIV_Uint8: {
            auto* v = vec<uint8_t>(holder, schema::IndexVector::values, what);
            if (v) out.assign(v->begin(), v->end());
            break;
        }
        default:
            fail(what + ": unknown sparse index vector type " + std::to_string(type));
    }
    return out;
}

std::shared_ptr<Sparsity> ModelReader::readSparsity(const fb::Table* t,
                                                    const std::string& what) const {
    auto sp = std::make_shared<Sparsity>();
    sp->traversalOrder = intVector(t, schema::SparsityParameters::traversal_order, what);
    sp->blockMap = intVector(t, schema::SparsityParameters::block_map, what);
    auto dims = tables(t, schema::SparsityParameters::dim_metadata, what + " sparsity");
    for (size_t i = 0; i < dims.size(); ++i) {
        const std::string w = what + " sparsity dim_metadata[" + std::to_string(i) + "]";
        SparseDim d;
        d.format = scalar<int8_t>(dims[i], schema::DimensionMetadata::format, 0, w);
        d.denseSize = scalar<int32_t>(dims[i], schema::DimensionMetadata::dense_size, 0, w);
        d.segments = indexVector(dims[i], schema::DimensionMetadata::array_segments_type,
                                 schema::DimensionMetadata::array_segments, w);
        d.indices = indexVector(dims[i], schema::DimensionMetadata::array_indices_type,
                                schema::DimensionMetadata::array_indices, w);
        sp->dims.push_back(std::move(d));
    }
    return sp;
}

// ---------------------------------------------------------------------------------------------
// ModelReader

ModelReader::ModelReader(const uint8_t* data, size_t size) : m_base(data), m_size(size) {
    if (!data || size < 8)
        fail("file too small to be a TFLite model (" + std::to_string(size) + " bytes)");
    if (size >= FLATBUFFERS_MAX_BUFFER_SIZE) fail("models of 2 GiB or more are not supported");
    if (std::memcmp(data + 4, "TFL3", 4) != 0)
        fail("not a TFLite model: the flatbuffer file identifier at byte 4 is not \"TFL3\"");
    fb::Verifier::Options vopts;
    vopts.max_depth = 64;
    vopts.max_tables = 10'000'000;
    vopts.check_alignment = true;
    m_verifier = std::make_unique<fb::Verifier>(data, size, vopts);

    fb::uoffset_t rootOff = m_verifier->VerifyOffset(0);
    if (!rootOff) fail("corrupt TFLite file: root table offset points outside the file");
    checkTable(data + rootOff, "model root table");
    auto* model = reinterpret_cast<const fb::Table*>(data + rootOff);

    version = scalar<uint32_t>(model, schema::Model::version, 0, "Model.version");
    description = str(model, schema::Model::description, "Model.description");

    // Buffers: (pointer, size) of each; data may be inline or, for >2GB files, at offset/size.
    struct Buf { const uint8_t* p = nullptr; size_t n = 0; };
    std::vector<Buf> buffers;
    {
        auto bt = tables(model, schema::Model::buffers, "Model.buffers");
        buffers.resize(bt.size());
        for (size_t i = 0; i < bt.size(); ++i) {
            const std::string w = "buffer #" + std::to_string(i);
            if (auto* d = vec<uint8_t>(bt[i], schema::Buffer::data, w); d && d->size() > 0) {
                buffers[i] = {d->Data(), d->size()};
            } else {
                auto off = scalar<uint64_t>(bt[i], schema::Buffer::offset, 0, w);
                auto sz = scalar<uint64_t>(bt[i], schema::Buffer::size, 0, w);
                if (off > 1) {
                    if (off > size || sz > size - off)
                        fail(w + ": external data at byte offset " + std::to_string(off) +
                             " (+" + std::to_string(sz) + " bytes) lies past the end of the " +
                             std::to_string(size) + "-byte file");
                    buffers[i] = {data + off, static_cast<size_t>(sz)};
                }
            }
        }
    }

    // Operator codes.
    struct Code { int32_t builtin; std::string custom; int version; };
    std::vector<Code> codes;
    for (auto* oc : tables(model, schema::Model::operator_codes, "Model.operator_codes")) {
        const std::string w = "operator code #" + std::to_string(codes.size());
        int32_t dep = scalar<int8_t>(oc, schema::OperatorCode::deprecated_builtin_code, 0, w);
        int32_t code = scalar<int32_t>(oc, schema::OperatorCode::builtin_code, 0, w);
        Code c{std::max(dep, code), str(oc, schema::OperatorCode::custom_code, w),
               scalar<int32_t>(oc, schema::OperatorCode::version, 1, w)};
        codes.push_back(std::move(c));
    }

    auto subgraphs = tables(model, schema::Model::subgraphs, "Model.subgraphs");
    subgraphCount = subgraphs.size();
    if (subgraphs.empty()) fail("TFLite model has no subgraph");
    const fb::Table* sg = subgraphs[0];

    auto tensorTables = tables(sg, schema::SubGraph::tensors, "SubGraph.tensors");
    tensors.resize(tensorTables.size());
    for (size_t i = 0; i < tensorTables.size(); ++i) {
        const fb::Table* t = tensorTables[i];
        TensorDesc& d = tensors[i];
        d.index = static_cast<int>(i);
        const std::string w0 = "tensor #" + std::to_string(i);
        d.name = str(t, schema::Tensor::name, w0);
        const std::string w = d.describe();
        d.shape = intVector(t, schema::Tensor::shape, w);
        for (int dim : d.shape)
            if (dim < 0) fail(w + ": shape " + shapeToString(d.shape) + " has a negative size");
        size_t count = 1;
        for (int dim : d.shape) {
            if (dim != 0 && count > (size_t(1) << 31) / static_cast<size_t>(dim))
                fail(w + ": shape " + shapeToString(d.shape) + " is too large");
            count *= static_cast<size_t>(dim);
        }
        d.type = scalar<int8_t>(t, schema::Tensor::type, 0, w);
        d.buffer = scalar<uint32_t>(t, schema::Tensor::buffer, 0, w);
        if (d.buffer >= buffers.size() && !(d.buffer == 0 && buffers.empty()))
            fail(w + " refers to buffer #" + std::to_string(d.buffer) + " but the model has " +
                 std::to_string(buffers.size()) + " buffers");
        if (d.buffer < buffers.size() && buffers[d.buffer].n > 0) {
            d.data = buffers[d.buffer].p;
            d.dataSize = buffers[d.buffer].n;
        }
        if (const fb::Table* q = table(t, schema::Tensor::quantization, w)) {
            if (auto* s = vec<float>(q, schema::QuantizationParameters::scale, w))
                d.scales.assign(s->begin(), s->end());
            if (auto* z = vec<int64_t>(q, schema::QuantizationParameters::zero_point, w))
                d.zeroPoints.assign(z->begin(), z->end());
            d.quantizedDimension = scalar<int32_t>(q, 6, 0, w);
        }
        if (const fb::Table* sp = table(t, schema::Tensor::sparsity, w))
            d.sparsity = readSparsity(sp, w);
        if (d.data && !d.sparsity) {
            size_t es = schema::tensorTypeSize(d.type);
            if (es != 0 && d.dataSize < count * es)
                fail(w + ": buffer #" + std::to_string(d.buffer) + " holds " +
                     std::to_string(d.dataSize) + " bytes but shape " + shapeToString(d.shape) +
                     " of " + schema::tensorTypeName(d.type) + " needs " +
                     std::to_string(count * es) + " bytes");
        }
    }

    auto checkIndices = [&](const std::vector<int>& idx, const std::string& what, bool optional) {
        for (int k : idx) {
            if (k == -1 && optional) continue;
            if (k < 0 || static_cast<size_t>(k) >= tensors.size())
                fail(what + " refers to tensor #" + std::to_string(k) + " but the subgraph has " +
                     std::to_string(tensors.size()) + " tensors");
        }
    };
    inputs = intVector(sg, schema::SubGraph::inputs, "SubGraph.inputs");
    outputs = intVector(sg, schema::SubGraph::outputs, "SubGraph.outputs");
    checkIndices(inputs, "SubGraph.inputs", false);
    checkIndices(outputs, "SubGraph.outputs", false);

    auto opTables = tables(sg, schema::SubGraph::operators, "SubGraph.operators");
    ops.resize(opTables.size());
    for (size_t i = 0; i < opTables.size(); ++i) {
        const fb::Table* t = opTables[i];
        OperatorDesc& op = ops[i];
        op.index = static_cast<int>(i);
        const std::string w0 = "op #" + std::to_string(i);
        auto ci = scalar<uint32_t>(t, schema::Operator::opcode_index, 0, w0);
        if (ci >= codes.size())
            fail(w0 + ": opcode_index " + std::to_string(ci) + " but the model has " +
                 std::to_string(codes.size()) + " operator codes");
        op.builtin = codes[ci].builtin;
        op.customCode = codes[ci].custom;
        op.version = codes[ci].version;
        const std::string w = op.describe();
        op.inputs = intVector(t, schema::Operator::inputs, w);
        op.outputs = intVector(t, schema::Operator::outputs, w);
        checkIndices(op.inputs, w + " input", true);
        checkIndices(op.outputs, w + " output", false);
        op.optionsType = scalar<uint8_t>(t, schema::Operator::builtin_options_type, 0, w);
        op.options = table(t, schema::Operator::builtin_options, w + " builtin_options");
    }
}

OptionsView ModelReader::options(const OperatorDesc& op) const {
    return OptionsView(op.options, m_verifier.get(), m_base, op.describe());
}

const TensorDesc& ModelReader::tensor(int index, const OperatorDesc& op) const {
    if (index < 0 || static_cast<size_t>(index) >= tensors.size())
        fail(op.describe() + ": missing input tensor");
    return tensors[index];
}

}  // namespace ptcoach::vision::tflite
