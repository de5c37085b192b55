#include "ptcoach/core/json_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ptcoach/core/file_read.h"

namespace ptcoach {

namespace {
std::string join(const std::string& path, const char* key) { return path + "." + key; }

const char* typeName(const nlohmann::json& v) { return v.type_name(); }
}  // namespace

void JsonCheck::problem(const std::string& path, const std::string& what) {
    m_problems.push_back(m_file + ": " + path + ": " + what);
}

void JsonCheck::onlyKeys(const nlohmann::json& obj, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!obj.is_object()) {
        problem(path, std::string("expected an object, found ") + typeName(obj));
        return;
    }
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; });
        if (!known) {
            std::string list;
            for (const char* k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
            problem(path + "." + it.key(), "unknown key (allowed here: " + list + ")");
        }
    }
}

std::string JsonCheck::str(const nlohmann::json& obj, const std::string& path, const char* key, bool required,
                           const std::string& fallback) {
    auto it = obj.is_object() ? obj.find(key) : obj.end();
    if (!obj.is_object() || it == obj.end()) {
        if (required) problem(join(path, key), "missing (expected a string)");
        return fallback;
    }
    if (!it->is_string()) {
        problem(join(path, key), std::string("expected a string, found ") + typeName(*it));
        return fallback;
    }
    std::string s = it->get<std::string>();
    // A NUL or another control character (but tab and line breaks) is never meant in a data file,
    // and a NUL cuts the text short wherever it is used as a C string.
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f) {
            char code[8];
            std::snprintf(code, sizeof code, "U+%04X", ch);
            problem(join(path, key), std::string("holds the control character ") + code + " at character " +
                                         std::to_string(i + 1));
            return fallback;
        }
    }
    if (required && s.find_first_not_of(" \t\r\n") == std::string::npos)
        problem(join(path, key), s.empty() ? "must not be empty" : "must not be blank");
    return s;
}

double JsonCheck::num(const nlohmann::json& obj, const std::string& path, const char* key, double lo, double hi,
                      bool required, double fallback) {
    auto it = obj.is_object() ? obj.find(key) : obj.end();
    if (!obj.is_object() || it == obj.end()) {
        if (required) problem(join(path, key), "missing (expected a number)");
        return fallback;
    }
    if (!it->is_number()) {
        problem(join(path, key), std::string("expected a number, found ") + typeName(*it));
        return fallback;
    }
    double v = it->get<double>();
    if (!std::isfinite(v) || v < lo || v > hi) {
        std::ostringstream os;
        os << "expected a number from " << lo << " to " << hi << ", found " << v;
        problem(join(path, key), os.str());
        return fallback;
    }
    return v;
}

int JsonCheck::integer(const nlohmann::json& obj, const std::string& path, const char* key, int lo, int hi,
                       bool required, int fallback) {
    auto it = obj.is_object() ? obj.find(key) : obj.end();
    if (!obj.is_object() || it == obj.end()) {
        if (required) problem(join(path, key), "missing (expected a whole number)");
        return fallback;
    }
    if (!it->is_number_integer()) {
        problem(join(path, key), std::string("expected a whole number, found ") + typeName(*it));
        return fallback;
    }
    if (it->is_number_unsigned() && it->get<unsigned long long>() > static_cast<unsigned long long>(hi)) {
        problem(join(path, key), "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                     ", found " + std::to_string(it->get<unsigned long long>()));
        return fallback;
    }
    long long v = it->get<long long>();
    if (v < lo || v > hi) {
        problem(join(path, key), "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                     ", found " + std::to_string(v));
        return fallback;
    }
    return static_cast<int>(v);
}

bool JsonCheck::boolean(const nlohmann::json& obj, const std::string& path, const char* key, bool required,
                        bool fallback) {
    auto it = obj.is_object() ? obj.find(key) : obj.end();
    if (!obj.is_object() || it == obj.end()) {
        if (required) problem(join(path, key), "missing (expected true or false)");
        return fallback;
    }
    if (!it->is_boolean()) {
        problem(join(path, key), std::string("expected true or false, found ") + typeName(*it));
        return fallback;
    }
    return it->get<bool>();
}

std::string JsonCheck::message() const {
    std::string out;
    for (const auto& p : m_problems) out += (out.empty() ? "" : "\n") + p;
    return out;
}

namespace {

// Builds the document like nlohmann's own DOM parser, and keeps the JSON path of where it is, so
// that an error (a syntax error, a number outside a double's range, nesting too deep) can say
// where it happened.
class PathTrackingSax {
public:
    using json = nlohmann::json;
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using string_t = json::string_t;
    using binary_t = json::binary_t;

    explicit PathTrackingSax(json& result) : m_dom(result, false) {}

    bool null() { return value() && m_dom.null(); }
    bool boolean(bool v) { return value() && m_dom.boolean(v); }
    bool number_integer(number_integer_t v) { return value() && m_dom.number_integer(v); }
    bool number_unsigned(number_unsigned_t v) { return value() && m_dom.number_unsigned(v); }
    bool number_float(number_float_t v, const string_t& s) { return value() && m_dom.number_float(v, s); }
    bool string(string_t& v) { return value() && m_dom.string(v); }
    bool binary(binary_t& v) { return value() && m_dom.binary(v); }
    bool start_object(std::size_t n) {
        if (!value() || !enter()) return false;
        m_path.push_back({false, 0, false, {}});
        return m_dom.start_object(n);
    }
    bool key(string_t& k) {
        if (!m_path.empty()) {
            m_path.back().key = k;
            m_path.back().haveKey = true;
        }
        return m_dom.key(k);
    }
    bool end_object() {
        if (!m_path.empty()) m_path.pop_back();
        return m_dom.end_object();
    }
    bool start_array(std::size_t n) {
        if (!value() || !enter()) return false;
        m_path.push_back({true, 0, false, {}});
        return m_dom.start_array(n);
    }
    bool end_array() {
        if (!m_path.empty()) m_path.pop_back();
        return m_dom.end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t position, const std::string&, const Exception& ex) {
        m_position = position;
        m_what = ex.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." ->
        // what comes after the exception's id.
        if (auto close = m_what.find("] "); close != std::string::npos) m_what = m_what.substr(close + 2);
        if (ex.id == 406) m_what += " (a number outside the range a double can hold)";
        return false;
    }

    std::string path() const {
        // An array's innermost level is at the element being read (started or not yet); an outer
        // one at the element that holds the levels below it.
        std::string p = "$";
        for (size_t i = 0; i < m_path.size(); ++i) {
            const Level& level = m_path[i];
            bool innermost = i + 1 == m_path.size();
            if (level.array) {
                long index = innermost ? level.started : level.started - 1;
                p += '[';
                p += std::to_string(std::max(index, 0L));
                p += ']';
            } else if (level.haveKey) {
                p += "." + level.key;
            }
        }
        return p;
    }
    std::size_t position() const { return m_position; }
    const std::string& what() const { return m_what; }
    bool tooDeep() const { return m_tooDeep; }

private:
    struct Level {
        bool array;
        long started = 0;      // array: how many elements have begun
        bool haveKey = false;  // object: a key was read
        std::string key;       // object: the member being read
    };
    // A value begins: in an array it is the next element.
    bool value() {
        if (!m_path.empty() && m_path.back().array) ++m_path.back().started;
        return true;
    }
    bool enter() {
        if (m_path.size() >= kMaxJsonDepth) {
            m_what = "nested more than " + std::to_string(kMaxJsonDepth) + " levels deep";
            m_tooDeep = true;
            return false;
        }
        return true;
    }

    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    std::vector<Level> m_path;
    std::size_t m_position = 0;
    std::string m_what;
    bool m_tooDeep = false;
};

// "line:column" of a byte offset (1-based both).
std::string lineColumn(const std::string& text, size_t offset) {
    offset = std::min(offset, text.size());
    size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
    size_t lastNl = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    size_t col = lastNl == std::string::npos ? offset + 1 : offset - lastNl;
    return std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace

Expected<nlohmann::json> parseJsonText(const std::string& text, const std::string& name) {
    nlohmann::json doc;
    PathTrackingSax sax(doc);
    bool ok = false;
    try {
        ok = nlohmann::json::sax_parse(text, &sax, nlohmann::json::input_format_t::json, true, false);
    } catch (const nlohmann::json::exception& e) {
        // The SAX parser reports its errors through parse_error(); anything else is still an
        // error about this text, never a crash.
        return makeError(name + ": invalid JSON at " + sax.path() + ": " + e.what());
    }
    if (ok) return doc;
    // parse_error's position is the byte after the offending token.
    size_t at = sax.position() == 0 ? 0 : sax.position() - 1;
    if (sax.tooDeep()) {
        std::string where = sax.path();
        if (where.size() > 60) where = where.substr(0, 60) + "...";
        return makeError(name + ": invalid JSON at " + where + ": " + sax.what());
    }
    if (sax.what().empty()) return makeError(name + ": invalid JSON at " + sax.path());
    return makeError(name + ":" + lineColumn(text, at) + ": invalid JSON at " + sax.path() + ": " + sax.what());
}

Expected<nlohmann::json> readJsonFile(const std::filesystem::path& file, std::uintmax_t maxBytes) {
    auto text = readRegularFile(file, maxBytes, "a JSON file");
    if (!text) return text.error();
    return parseJsonText(*text, file.string());
}

}  // namespace ptcoach
