#include "ptcoach/core/paths.h"

#include <cstdlib>
#include <system_error>

namespace ptcoach {
namespace fs = std::filesystem;

namespace {
fs::path envOr(const char* name, const fs::path& fallback) {
    const char* v = std::getenv(name);
    if (v && *v) return fs::path(v);
    return fallback;
}

fs::path findShareDir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && exe.has_parent_path()) {
        fs::path share = exe.parent_path().parent_path() / "share" / "ptcoach";
        if (fs::is_directory(share, ec)) return share;
    }
    return fs::path(PTCOACH_INSTALL_SHARE_DIR);
}
}  // namespace

fs::path defaultDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "ptcoach";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local" / "share" / "ptcoach";
    return fs::current_path() / "ptcoach-data";
}

fs::path shareDir() {
    static const fs::path dir = findShareDir();  // the program does not move while it runs
    return dir;
}

fs::path modelDir() { return envOr("PTCOACH_MODEL_DIR", shareDir() / "models"); }
fs::path programsDir() { return envOr("PTCOACH_PROGRAMS_DIR", shareDir() / "programs"); }
fs::path assetsDir() { return envOr("PTCOACH_ASSETS_DIR", shareDir() / "assets"); }

}  // namespace ptcoach
