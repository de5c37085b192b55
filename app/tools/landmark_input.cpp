#include "landmark_input.h"

#include <cctype>
#include <cmath>

#include "ptcoach/vision/frame_source.h"
#include "ptcoach/vision/pose_estimator.h"

namespace ptcoach::tools {

using namespace ptcoach::analysis;
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Expected<LandmarkSequence> poseFromVideo(const fs::path& input, const InputOptions& o) {
    vision::PoseEstimatorOptions po;
    po.model = o.model;
    po.staticImages = o.staticImages;
    auto est = vision::PoseEstimator::create(po);
    if (!est) return est.error();
    auto src = vision::openFrameSource(vision::sourceForPath(input));
    if (!src) return src.error();
    LandmarkSequence seq;
    seq.source = input.string();
    seq.model = (*est)->modelName();
    const float cutoff = o.minVisibility ? *o.minVisibility : visibilityCutoff(o.model);
    vision::Frame fr;
    while (true) {
        auto rr = (*src)->read(fr);
        if (rr == vision::ReadResult::End) break;
        if (rr == vision::ReadResult::Error) return makeError(input.string() + ": " + (*src)->lastError());
        auto pose = o.staticImages ? (*est)->detectImage(fr.image) : (*est)->detectForVideo(fr.image, fr.tMs);
        if (!pose) return makeError(input.string() + ": frame at " + std::to_string(fr.tMs) + " ms: " + pose.error().message);
        const vision::PoseResult& r = *pose;
        LandmarkFrame f;
        f.tMs = fr.tMs;
        f.person = r.person;
        f.imageWidth = fr.image.cols;
        f.imageHeight = fr.image.rows;
        f.minVisibility = cutoff;
        if (r.person) {
            std::array<WorldPoint, kLandmarks> world{};
            for (int i = 0; i < kLandmarks; ++i) {
                const auto& l = r.landmarks[static_cast<size_t>(i)];
                f.points[static_cast<size_t>(i)] = {l.x, l.y, l.z, l.visibility};
                const auto& w = r.world[static_cast<size_t>(i)];
                world[static_cast<size_t>(i)] = {w.x, w.y, w.z};
            }
            f.world = world;
        }
        seq.frames.push_back(f);
    }
    if (seq.frames.empty()) return makeError(input.string() + ": no frames");
    return seq;
}

}  // namespace

Expected<LandmarkSequence> readSequence(const fs::path& input, const InputOptions& o) {
    std::error_code ec;
    if (!fs::exists(input, ec)) return makeError(input.string() + ": no such file");
    std::string ext = lower(input.extension().string());
    if (ext == ".csv") {
        CsvReadOptions c;
        c.fpsWhenNoTime = o.fps;
        c.imageWidth = o.imageWidth;
        c.imageHeight = o.imageHeight;
        if (o.minVisibility) c.minVisibility = *o.minVisibility;
        auto seq = readLandmarkCsv(input, c);
        if (seq && o.estimateAspect && !seq->frames.empty() && seq->frames.front().imageWidth == 0)
            if (auto a = estimateAspect(seq->frames)) {
                seq->aspectEstimated = a;
                for (auto& f : seq->frames) f.imageWidth = static_cast<int>(std::lround(1000.0f * *a)), f.imageHeight = 1000;
            }
        return seq;
    }
    if (ext == ".json") {
        auto seq = readPoseJson(input);
        if (seq && o.minVisibility)
            for (auto& f : seq->frames) f.minVisibility = *o.minVisibility;
        return seq;
    }
    return poseFromVideo(input, o);
}

}  // namespace ptcoach::tools
