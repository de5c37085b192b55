#include "ptcoach/core/paths.h"

#include <cstdlib>

namespace ptcoach {
namespace {
std::filesystem::path envOr(const char* name, const std::filesystem::path& fallback) {
    const char* v = std::getenv(name);
    if (v && *v) return std::filesystem::path(v);
    return fallback;
}
}  // namespace

std::filesystem::path defaultDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "ptcoach";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "ptcoach";
    return std::filesystem::current_path() / "ptcoach-data";
}

std::filesystem::path modelDir() { return envOr("PTCOACH_MODEL_DIR", PTCOACH_DEFAULT_MODEL_DIR); }
std::filesystem::path programsDir() {
    return envOr("PTCOACH_PROGRAMS_DIR", std::filesystem::path(PTCOACH_SOURCE_DIR) / "programs");
}
std::filesystem::path assetsDir() {
    return envOr("PTCOACH_ASSETS_DIR", std::filesystem::path(PTCOACH_SOURCE_DIR) / "assets");
}

}  // namespace ptcoach
