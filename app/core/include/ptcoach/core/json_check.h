#pragma once
// Strict reading of JSON data files: every problem names the file, the JSON path and what was
// expected; unknown keys are errors.
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

// Reads and parses a JSON file; a parse error names the file, line and column.
Expected<nlohmann::json> readJsonFile(const std::filesystem::path& file);

}  // namespace ptcoach
