#include "tflite/tflite_constants.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "tflite/tflite_schema.h"

namespace ptcoach::vision::tflite {

using namespace schema;

float halfToFloat(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            exp = 127 - 15 + 1;
            while ((mant & 0x400u) == 0) {
                mant <<= 1;
                --exp;
            }
            mant &= 0x3ffu;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

namespace {

void dequantizeInto(const TensorDesc& td, const uint8_t* raw, size_t n,
                    std::vector<float>& out, const OperatorDesc& op) {
    const int qd = td.quantizedDimension;
    size_t inner = 1, dimSize = 1;
    if (td.scales.size() > 1) {
        if (qd < 0 || static_cast<size_t>(qd) >= td.shape.size() ||
            static_cast<size_t>(td.shape[qd]) != td.scales.size())
            fail(op.describe() + ": " + td.describe() + " has " +
                 std::to_string(td.scales.size()) + " scales that do not match dimension " +
                 std::to_string(qd) + " of shape " + shapeToString(td.shape));
        for (size_t i = qd + 1; i < td.shape.size(); ++i) inner *= td.shape[i];
        dimSize = td.shape[qd];
    }
    for (size_t i = 0; i < n; ++i) {
        const size_t ch = td.scales.size() > 1 ? (i / inner) % dimSize : 0;
        const float scale = td.scales[ch];
        const int64_t zp = ch < td.zeroPoints.size() ? td.zeroPoints[ch] : 0;
        int64_t q;
        switch (td.type) {
            case INT8: q = static_cast<int8_t>(raw[i]); break;
            case UINT8: q = raw[i]; break;
            case INT16: { int16_t s; std::memcpy(&s, raw + 2 * i, 2); q = s; break; }
            default: { int32_t s; std::memcpy(&s, raw + 4 * i, 4); q = s; break; }
        }
        out[i] = scale * static_cast<float>(q - zp);
    }
}

// TFLite sparse format (a variant of TACO): walks the dimensions in traversal order; DENSE
// levels enumerate 0..dense_size-1, SPARSE_CSR levels enumerate array_indices over the
// segment of the parent position; block dimensions (>= rank) refine the dimension named by
// block_map. Returns the dense bytes (element size of the tensor type).
std::vector<uint8_t> densify(const TensorDesc& td, const OperatorDesc& op) {
    const Sparsity& sp = *td.sparsity;
    const std::string w = op.describe() + ": sparse " + td.describe();
    const size_t rank = td.shape.size();
    const size_t levels = sp.traversalOrder.size();
    const size_t es = tensorTypeSize(td.type);
    if (es == 0) fail(w + " has unsupported type " + tensorTypeName(td.type));
    if (levels < rank || levels > rank + 8 || sp.dims.size() != levels ||
        sp.blockMap.size() != levels - rank)
        fail(w + ": traversal_order has " + std::to_string(levels) + " entries, dim_metadata " +
             std::to_string(sp.dims.size()) + ", block_map " +
             std::to_string(sp.blockMap.size()) + " for rank " + std::to_string(rank));
    std::vector<bool> seen(levels, false);
    for (size_t i = 0; i < levels; ++i) {
        const int d = sp.traversalOrder[i];
        const bool ok = i < rank ? (d >= 0 && static_cast<size_t>(d) < rank)
                                 : (static_cast<size_t>(d) >= rank &&
                                    static_cast<size_t>(d) < levels);
        if (!ok || seen[d]) fail(w + ": invalid traversal_order");
        seen[d] = true;
    }
    std::vector<int> blockSize(levels - rank, 1);
    for (size_t i = rank; i < levels; ++i) {
        const size_t b = sp.traversalOrder[i] - rank;
        if (sp.blockMap[b] < 0 || static_cast<size_t>(sp.blockMap[b]) >= rank)
            fail(w + ": invalid block_map");
        blockSize[b] = sp.dims[i].denseSize;
        if (sp.dims[i].format != DIM_DENSE || blockSize[b] <= 0)
            fail(w + ": block dimensions must be DENSE with a positive size");
    }
    // Size of each level along its dimension.
    std::vector<int> levelSize(levels);
    for (size_t i = 0; i < levels; ++i) {
        const int d = sp.traversalOrder[i];
        if (static_cast<size_t>(d) < rank) {
            int sz = td.shape[d];
            for (size_t b = 0; b < blockSize.size(); ++b)
                if (static_cast<size_t>(sp.blockMap[b]) == static_cast<size_t>(d)) {
                    if (sz % blockSize[b] != 0) fail(w + ": block size does not divide shape");
                    sz /= blockSize[b];
                }
            levelSize[i] = sz;
        } else {
            levelSize[i] = blockSize[d - rank];
        }
        if (sp.dims[i].format == DIM_DENSE && sp.dims[i].denseSize != levelSize[i])
            fail(w + ": dim_metadata[" + std::to_string(i) + "] dense_size " +
                 std::to_string(sp.dims[i].denseSize) + " does not match " +
                 std::to_string(levelSize[i]));
        if (sp.dims[i].format != DIM_DENSE && sp.dims[i].format != DIM_SPARSE_CSR)
            fail(w + ": unknown dimension format " + std::to_string(sp.dims[i].format));
    }
    const size_t total = td.elementCount();
    const size_t nnzMax = td.dataSize / es;
    std::vector<uint8_t> out(total * es, 0);
    std::vector<int> coord(levels, 0);
    size_t src = 0;
    std::function<void(size_t, size_t)> walk = [&](size_t level, size_t prev) {
        if (level == levels) {
            std::vector<size_t> orig(rank, 0);
            for (size_t i = 0; i < rank; ++i) orig[sp.traversalOrder[i]] = coord[i];
            for (size_t i = rank; i < levels; ++i) {
                const size_t b = sp.traversalOrder[i] - rank;
                const size_t d = sp.blockMap[b];
                orig[d] = orig[d] * blockSize[b] + coord[i];
            }
            size_t flat = 0;
            for (size_t i = 0; i < rank; ++i) {
                if (orig[i] >= static_cast<size_t>(td.shape[i]))
                    fail(w + ": index out of range in dimension " + std::to_string(i));
                flat = flat * td.shape[i] + orig[i];
            }
            if (src >= nnzMax)
                fail(w + ": buffer #" + std::to_string(td.buffer) + " holds " +
                     std::to_string(nnzMax) + " values but the sparsity metadata needs more");
            std::memcpy(out.data() + flat * es, td.data + src * es, es);
            ++src;
            return;
        }
        const SparseDim& dm = sp.dims[level];
        if (dm.format == DIM_DENSE) {
            for (int i = 0; i < levelSize[level]; ++i) {
                coord[level] = i;
                walk(level + 1, prev * levelSize[level] + i);
            }
        } else {
            if (prev + 1 >= dm.segments.size())
                fail(w + ": array_segments of dim_metadata[" + std::to_string(level) +
                     "] too short");
            const int b = dm.segments[prev], e = dm.segments[prev + 1];
            if (b < 0 || e < b || static_cast<size_t>(e) > dm.indices.size())
                fail(w + ": array_segments of dim_metadata[" + std::to_string(level) +
                     "] out of range");
            for (int i = b; i < e; ++i) {
                coord[level] = dm.indices[i];
                if (coord[level] < 0 || coord[level] >= levelSize[level])
                    fail(w + ": array_indices value out of range");
                walk(level + 1, static_cast<size_t>(i));
            }
        }
    };
    walk(0, 0);
    return out;
}

}  // namespace

std::vector<float> decodeConstant(const TensorDesc& td, const OperatorDesc& op, bool dequantize) {
    if (!td.isConstant()) fail(op.describe() + ": " + td.describe() + " must be a constant");
    std::vector<float> out;
    const size_t n = td.elementCount();
    std::vector<uint8_t> dense;
    const uint8_t* raw = td.data;
    size_t rawSize = td.dataSize;
    if (td.sparsity) {
        dense = densify(td, op);
        raw = dense.data();
        rawSize = dense.size();
    }
    const size_t es = tensorTypeSize(td.type);
    if (es == 0 || rawSize < n * es)
        fail(op.describe() + ": " + td.describe() + " of type " + tensorTypeName(td.type) +
             " holds " + std::to_string(rawSize) + " bytes, too few for shape " +
             shapeToString(td.shape));
    out.resize(n);
    switch (td.type) {
        case FLOAT32:
            std::memcpy(out.data(), raw, n * 4);
            break;
        case FLOAT16:
            for (size_t i = 0; i < n; ++i) {
                uint16_t h;
                std::memcpy(&h, raw + 2 * i, 2);
                out[i] = halfToFloat(h);
            }
            break;
        case INT8: case UINT8: case INT16: case INT32: {
            if (!dequantize || td.scales.empty())
                fail(op.describe() + ": " + td.describe() + " is " +
                     tensorTypeName(td.type) +
                     "; quantized or integer tensors are only supported as DEQUANTIZE input");
            dequantizeInto(td, raw, n, out, op);
            break;
        }
        default:
            fail(op.describe() + ": " + td.describe() + " has unsupported type " +
                 tensorTypeName(td.type));
    }
    return out;
}

std::vector<char> neededOperators(const ModelReader& r, const std::vector<int>& skipOutputs,
                                  std::vector<int>& keptOutputs) {
    keptOutputs.clear();
    for (size_t i = 0; i < r.outputs.size(); ++i)
        if (std::find(skipOutputs.begin(), skipOutputs.end(), static_cast<int>(i)) == skipOutputs.end())
            keptOutputs.push_back(r.outputs[i]);
    if (keptOutputs.empty()) fail("every output of the model was skipped");
    std::vector<int> producer(r.tensors.size(), -1);
    for (size_t k = 0; k < r.ops.size(); ++k)
        for (int t : r.ops[k].outputs)
            if (t >= 0 && static_cast<size_t>(t) < producer.size()) producer[t] = static_cast<int>(k);
    std::vector<char> needed(r.ops.size(), skipOutputs.empty() ? 1 : 0);
    if (!skipOutputs.empty()) {
        std::vector<int> stack(keptOutputs.begin(), keptOutputs.end());
        std::vector<char> seen(r.tensors.size(), 0);
        while (!stack.empty()) {
            int t = stack.back();
            stack.pop_back();
            if (t < 0 || static_cast<size_t>(t) >= seen.size() || seen[t]) continue;
            seen[t] = 1;
            int k = producer[t];
            if (k < 0 || needed[k]) continue;
            needed[k] = 1;
            for (int in : r.ops[k].inputs) stack.push_back(in);
        }
    }
    return needed;
}

}  // namespace ptcoach::vision::tflite
