#pragma once
// Ids of exercises and programs: 1-64 lowercase letters, digits and _. An id names a file in
// programs/ or the data folder, so nothing else (no '/', no '.', no NUL) may pass as one.
#include <string>
#include <string_view>

namespace ptcoach {

inline constexpr size_t kMaxIdLength = 64;

inline bool isValidId(std::string_view id) {
    return !id.empty() && id.size() <= kMaxIdLength &&
           id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
}

// What is wrong with `id` for a message ("'../../x' is not an exercise id (...)"); `what` is
// "an exercise id" or "a program id".
inline std::string idProblem(std::string_view id, const char* what) {
    std::string out = "'";
    out.append(id.substr(0, 80));
    out += "' is not ";
    out += what;
    out += " (1-64 lowercase letters, digits and _)";
    return out;
}

}  // namespace ptcoach
