#pragma once
// Reading landmark sequences: the landmark CSV (BlazePose order or named columns) and the JSON
// that ptcoach-pose writes. Malformed input is an Error naming the file and the line (CSV) or the
// JSON path.
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/analysis/landmark_frame.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::analysis {

struct LandmarkSequence {
    std::string source;                  // file it came from
    std::vector<LandmarkFrame> frames;   // in file order
    std::vector<std::string> labels;     // per frame when the CSV has a `label` column, else empty
    std::string model;                   // the pose model that made it, when the source says
    std::optional<float> aspectEstimated;  // set when the image size was unknown and estimated (estimateAspect)
};

struct CsvReadOptions {
    double fpsWhenNoTime = 30.0;  // timestamps for files without a t_ms column
    int imageWidth = 0;           // used when the file has no `# image_width=...` line
    int imageHeight = 0;
    float minVisibility = kMinVisibility;  // the cut-off for the model that made the file
};

// Landmark CSV. Optional first line `# image_width=W image_height=H`; then a header, either
// `t_ms,x0,y0,z0,v0,...,x32,y32,z32,v32` or named columns `<landmark>_x,<landmark>_y,<landmark>_z,
// <landmark>_v` for any subset of the BlazePose names (missing landmarks get visibility 0), with
// optional `t_ms` and `label` columns. One row per frame. A row whose landmarks are all invisible
// is a frame with no person.
Expected<LandmarkSequence> readLandmarkCsv(std::istream& in, const std::string& sourceName,
                                           const CsvReadOptions& options = {});
Expected<LandmarkSequence> readLandmarkCsv(const std::filesystem::path& file, const CsvReadOptions& options = {});

// The JSON written by ptcoach-pose.
Expected<LandmarkSequence> readPoseJson(const std::filesystem::path& file);

// The image aspect ratio (width / height) of a sequence whose image size is unknown, from the body
// itself: a bone keeps its length as it turns in the picture, so the aspect is the one that keeps
// the ratios upper arm : forearm, thigh : shank, trunk : thigh and trunk : upper arm most constant
// over the frames; a usual camera aspect (9:16, 3:4, 1:1, 4:3, 16:9) when within 6% of one. nullopt
// when the body gives too little to go on: fewer than 30 frames, bones that barely turn (a held
// plank), or turns out of the picture plane (squats from the front) that make no aspect clearly
// better than the others. On the real clips with a known size it is exact on the floor clips
// (four found, one declined) and reads 1.5-1.78 on the 16:9 curl video, where square is 1.
std::optional<float> estimateAspect(const std::vector<LandmarkFrame>& frames);

// Writes a sequence as landmark CSV (the t_ms,x0.. form, with the image size line when known).
void writeLandmarkCsv(std::ostream& out, const LandmarkSequence& seq);

}  // namespace ptcoach::analysis
