#pragma once
// Landmark sequences for the command-line tools: a landmark CSV, the JSON ptcoach-pose writes, or a
// video run through the pose pipeline (tracked and smoothed, as the app runs it).
#include <filesystem>
#include <optional>
#include <string>

#include "ptcoach/analysis/landmark_io.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::tools {

struct InputOptions {
    std::string model = "full";        // pose model for a video
    bool staticImages = false;         // every video frame on its own (detector each time, no smoothing)
    double fps = 30;                   // a CSV without t_ms
    int imageWidth = 0, imageHeight = 0;  // a CSV without the image size line (0: unknown, square assumed)
    std::optional<float> minVisibility;   // the cut-off; default: the model's (CSV: that of lite and full)
    // A CSV without its image size: estimate the aspect from the body (estimateAspect), else square.
    bool estimateAspect = true;
};

Expected<analysis::LandmarkSequence> readSequence(const std::filesystem::path& input, const InputOptions& options);

}  // namespace ptcoach::tools
