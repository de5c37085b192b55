// The landmark CSV reader (ptcoach-analyze --input FILE.csv): any text gives landmarks or an
// error naming the file and the line.
#include <sstream>
#include <string>

#include "fuzz_support.h"
#include "ptcoach/analysis/landmark_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    auto seq = ptcoach::analysis::readLandmarkCsv(in, "fuzz.csv");
    if (!seq) ptcoach::fuzz::requireNamed(seq.error().message, "fuzz.csv");
    return 0;
}
