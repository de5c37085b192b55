#pragma once
// Strict reading of JSON data files: every problem names the file, the JSON path and what was
// expected; unknown keys are errors.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/core/expected.h"

namespace ptcoach {

// Collects problems while walking a document.
class JsonCheck {
public:
    explicit JsonCheck(std::string file) : m_file(std::move(file)) {}

    void problem(const std::string& path, const std::string& what);
    // Reports keys of `obj` (at `path`) that are not in `allowed`.
    void onlyKeys(const nlohmann::json& obj, const std::string& path, std::initializer_list<const char*> allowed);

    // Typed field access: reports a problem and returns the fallback when missing or mistyped.
    std::string str(const nlohmann::json& obj, const std::string& path, const char* key, bool required = true,
                    const std::string& fallback = {});
    double num(const nlohmann::json& obj, const std::string& path, const char* key, double lo, double hi,
               bool required = true, double fallback = 0);
    int integer(const nlohmann::json& obj, const std::string& path, const char* key, int lo, int hi,
                bool required = true, int fallback = 0);
    bool boolean(const nlohmann::json& obj, const std::string& path, const char* key, bool required = true,
                 bool fallback = false);

    bool ok() const { return m_problems.empty(); }
    const std::vector<std::string>& problems() const { return m_problems; }
    // All problems as one message, one per line.
    std::string message() const;

private:
    std::string m_file;
    std::vector<std::string> m_problems;
};

// Deeper nesting than this is refused (no data file of PT Coach nests more than a few levels).
inline constexpr size_t kMaxJsonDepth = 100;
// The largest JSON file readJsonFile takes by default.
inline constexpr std::uintmax_t kMaxJsonFileBytes = 256ull * 1024 * 1024;

// Parses JSON text; every error (syntax, a number outside a double's range, nesting too deep)
// names `name`, the line and column and the JSON path where it happened, and never throws.
Expected<nlohmann::json> parseJsonText(const std::string& text, const std::string& name);

// Reads (a regular file of at most maxBytes, see file_read.h) and parses a JSON file, with the
// errors of parseJsonText.
Expected<nlohmann::json> readJsonFile(const std::filesystem::path& file, std::uintmax_t maxBytes = kMaxJsonFileBytes);

}  // namespace ptcoach
