#pragma once
// Reading a whole data file safely: only a regular file (a FIFO, a device or a folder is refused
// before anything is read, so nothing blocks), and only up to a size limit checked before reading
// (so a huge file is an error, not the memory it would take).
#include <cstdint>
#include <filesystem>
#include <string>

#include "ptcoach/core/expected.h"

namespace ptcoach {

// The whole file. `what` names the kind of file for messages ("a JSON file", "an assignment
// file"); every error starts with the file's name.
Expected<std::string> readRegularFile(const std::filesystem::path& file, std::uintmax_t maxBytes,
                                      const std::string& what);

}  // namespace ptcoach
