#pragma once
// Posture assessment, standing or sitting, front or side view, usable outside any program: the
// checks are the posture exercise files (posture_standing, posture_sitting); the frame's stance
// picks which apply.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/tracker.h"

namespace ptcoach::analysis {

// "standing" or "sitting" from the thigh: near vertical when standing, near horizontal when
// sitting (from either view); nullopt when the hips and knees are not visible or in between.
std::optional<std::string> classifyStance(const LandmarkFrame& f);

struct PostureOptions {
    TrackerOptions tracker;
    std::filesystem::path programsDir;  // empty: ptcoach::programsDir()
};

class PostureAnalyzer {
public:
    static Expected<std::unique_ptr<PostureAnalyzer>> create(const PostureOptions& options = {});
    ~PostureAnalyzer();
    void update(const LandmarkFrame& frame);
    // exercise "posture"; extra["posture"] = {stance, view, standing_frames, sitting_frames}.
    AnalysisResult result() const;

private:
    struct Impl;
    explicit PostureAnalyzer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ptcoach::analysis
