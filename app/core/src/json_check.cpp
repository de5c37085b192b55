#include "ptcoach/core/json_check.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

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
    if (required && s.empty()) problem(join(path, key), "must not be empty");
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

Expected<nlohmann::json> readJsonFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return makeError(file.string() + ": cannot be opened for reading");
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // Turn the byte offset into a line and column.
        size_t off = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
        size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(off), '\n'));
        size_t lastNl = text.rfind('\n', off == 0 ? 0 : off - 1);
        size_t col = (lastNl == std::string::npos || off == 0) ? off + 1 : off - lastNl;
        return makeError(file.string() + ":" + std::to_string(line) + ":" + std::to_string(col) +
                         ": invalid JSON: " + e.what());
    }
}

}  // namespace ptcoach
