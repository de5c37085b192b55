#pragma once
#include <filesystem>
#include <string>

namespace ptcoach {

// Where PT Coach finds its files. Nothing is compiled in from the source tree: the shipped data
// lives beside the programs, in <prefix>/share/ptcoach, where <prefix> is the folder above the
// running program's bin/. An installed PT Coach (cmake --install, the .deb) has it there, and a
// build tree has it too (build/share/ptcoach links to the source's models/, programs/ and assets/).
// Each folder can be pointed elsewhere by an environment variable.

// $XDG_DATA_HOME/ptcoach, or ~/.local/share/ptcoach when XDG_DATA_HOME is unset: the person's data.
std::filesystem::path defaultDataDir();

// <prefix>/share/ptcoach for the running program: <dir of /proc/self/exe>/../share/ptcoach when
// that folder exists, else the install prefix configured at build time (CMAKE_INSTALL_PREFIX).
std::filesystem::path shareDir();

// The BlazePose models: $PTCOACH_MODEL_DIR if set, else shareDir()/models.
std::filesystem::path modelDir();

// The shipped programs and exercises: $PTCOACH_PROGRAMS_DIR if set, else shareDir()/programs.
std::filesystem::path programsDir();

// Icons, desktop files and other drawn assets: $PTCOACH_ASSETS_DIR if set, else shareDir()/assets.
std::filesystem::path assetsDir();

}  // namespace ptcoach
