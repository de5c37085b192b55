#pragma once
// Shared by the libFuzzer targets: the library the JSON loaders check against, a scratch file for
// loaders that read a file, and the rule every target enforces: an error must name where it is.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ptcoach::fuzz {

// A file of this process's own in a RAM-backed folder when there is one.
inline std::filesystem::path scratchFile(const std::string& name) {
    std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    return dir / ("ptcoach-fuzz-" + std::to_string(getpid()) + "-" + name);
}

inline void writeFile(const std::filesystem::path& p, const uint8_t* data, size_t size) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// Every error of a loader names its input: abort (a finding) when one does not.
inline void requireNamed(const std::string& message, const std::string& name) {
    if (message.find(name) == std::string::npos) {
        std::fprintf(stderr, "error without the input's name '%s': %s\n", name.c_str(), message.c_str());
        std::abort();
    }
}

}  // namespace ptcoach::fuzz
