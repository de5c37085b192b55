#include "tflite/onnx_info.h"

#include <set>
#include <stdexcept>

namespace ptcoach::vision::onnx {

namespace {

// One protobuf message: iterate over its fields.
class Message {
public:
    Message(const uint8_t* p, size_t n) : m_p(p), m_end(p + n), m_begin(p) {}

    struct Field {
        uint32_t number = 0;
        int wire = 0;
        uint64_t varint = 0;                 // wire type 0
        const uint8_t* data = nullptr;       // wire type 2
        size_t size = 0;
    };

    bool next(Field& f) {
        if (m_p >= m_end) return false;
        const uint64_t key = varint();
        f.number = static_cast<uint32_t>(key >> 3);
        f.wire = static_cast<int>(key & 7);
        f.data = nullptr;
        f.size = 0;
        switch (f.wire) {
            case 0: f.varint = varint(); break;
            case 1: skip(8); break;
            case 5: skip(4); break;
            case 2: {
                const uint64_t len = varint();
                if (len > static_cast<uint64_t>(m_end - m_p)) error("length runs past the end");
                f.data = m_p;
                f.size = static_cast<size_t>(len);
                m_p += len;
                break;
            }
            default: error("unsupported wire type " + std::to_string(f.wire));
        }
        return true;
    }

private:
    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p >= m_end) error("truncated varint");
            const uint8_t b = *m_p++;
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        error("varint too long");
    }
    void skip(size_t n) {
        if (n > static_cast<size_t>(m_end - m_p)) error("field runs past the end");
        m_p += n;
    }
    [[noreturn]] void error(const std::string& what) const {
        throw std::runtime_error("malformed ONNX protobuf at byte " +
                                 std::to_string(m_p - m_begin) + " of a message: " + what);
    }
    const uint8_t* m_p;
    const uint8_t* m_end;
    const uint8_t* m_begin;
};

// ValueInfoProto { name = 1; type = 2 } / TypeProto { tensor_type = 1 } /
// TypeProto.Tensor { elem_type = 1; shape = 2 } / TensorShapeProto { dim = 1 } /
// Dimension { dim_value = 1; dim_param = 2 }
ValueInfo readValueInfo(const uint8_t* p, size_t n) {
    ValueInfo vi;
    Message m(p, n);
    Message::Field f;
    while (m.next(f)) {
        if (f.number == 1 && f.wire == 2) {
            vi.name.assign(reinterpret_cast<const char*>(f.data), f.size);
        } else if (f.number == 2 && f.wire == 2) {
            Message type(f.data, f.size);
            Message::Field tf;
            while (type.next(tf)) {
                if (tf.number != 1 || tf.wire != 2) continue;
                Message tensor(tf.data, tf.size);
                Message::Field tt;
                while (tensor.next(tt)) {
                    if (tt.number != 2 || tt.wire != 2) continue;
                    Message shape(tt.data, tt.size);
                    Message::Field sf;
                    while (shape.next(sf)) {
                        if (sf.number != 1 || sf.wire != 2) continue;
                        int dim = -1;
                        Message d(sf.data, sf.size);
                        Message::Field df;
                        while (d.next(df))
                            if (df.number == 1 && df.wire == 0)
                                dim = static_cast<int>(static_cast<int64_t>(df.varint));
                        vi.shape.push_back(dim);
                    }
                }
            }
        }
    }
    return vi;
}

}  // namespace

GraphIo readGraphIo(const uint8_t* data, size_t size) {
    GraphIo io;
    Message model(data, size);
    Message::Field f;
    bool haveGraph = false;
    while (model.next(f)) {
        if (f.number != 7 || f.wire != 2) continue;  // ModelProto.graph
        haveGraph = true;
        std::set<std::string> initializers;
        std::vector<ValueInfo> inputs;
        Message graph(f.data, f.size);
        Message::Field g;
        while (graph.next(g)) {
            if (g.wire != 2) continue;
            if (g.number == 5) {  // initializer: TensorProto, name = 8
                Message t(g.data, g.size);
                Message::Field tf;
                while (t.next(tf))
                    if (tf.number == 8 && tf.wire == 2)
                        initializers.insert(
                            std::string(reinterpret_cast<const char*>(tf.data), tf.size));
            } else if (g.number == 11) {
                inputs.push_back(readValueInfo(g.data, g.size));
            } else if (g.number == 12) {
                io.outputs.push_back(readValueInfo(g.data, g.size));
            }
        }
        for (auto& vi : inputs)
            if (!initializers.count(vi.name)) io.inputs.push_back(std::move(vi));
    }
    if (!haveGraph) throw std::runtime_error("not an ONNX model: no graph found");
    return io;
}

}  // namespace ptcoach::vision::onnx
