#pragma once
#include <filesystem>
#include <string>

namespace ptcoach {

// $XDG_DATA_HOME/ptcoach, or ~/.local/share/ptcoach when XDG_DATA_HOME is unset.
std::filesystem::path defaultDataDir();

// The directory holding the BlazePose models: $PTCOACH_MODEL_DIR if set, else the one configured
// at build time (<source>/models).
std::filesystem::path modelDir();

// The directory with the shipped programs and exercises: $PTCOACH_PROGRAMS_DIR if set, else
// <source>/programs.
std::filesystem::path programsDir();

// The source tree's assets/ directory ($PTCOACH_ASSETS_DIR overrides).
std::filesystem::path assetsDir();

}  // namespace ptcoach
