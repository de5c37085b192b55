#pragma once
// Reading command-line values, shared by the app and the tools: whole-string integers and "WxH"
// sizes. Range checks stay with each flag, which knows its own limits.
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

namespace ptcoach {

// The integer the whole of `s` spells, else nullopt (empty, trailing text, out of range).
inline std::optional<int> parseInt(std::string_view s) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// "640x480" as (width, height); nullopt unless both sides are whole integers.
inline std::optional<std::pair<int, int>> parseSize(std::string_view s) {
    auto x = s.find('x');
    if (x == std::string_view::npos) return std::nullopt;
    auto w = parseInt(s.substr(0, x)), h = parseInt(s.substr(x + 1));
    if (!w || !h) return std::nullopt;
    return std::pair{*w, *h};
}

}  // namespace ptcoach
