#pragma once
// The real curl video in ../shared and the lite model: where they are, and a skip that says which
// is absent.
#include <filesystem>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace ptcoach::test {

inline std::filesystem::path curlVideo() { return sharedDir() / "data" / "videos" / "standing_curl_side.mp4"; }

// Skips the test (PTCOACH_SKIP ends the process) when the video or the lite model is absent.
inline void needVideoAndModels() {
    if (!std::filesystem::exists(curlVideo())) PTCOACH_SKIP("shared data absent: " << curlVideo());
    if (!std::filesystem::exists(ptcoach::modelDir() / "pose_landmark_lite.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
}

}  // namespace ptcoach::test
