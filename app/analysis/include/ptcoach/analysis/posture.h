#pragma once
// Posture assessment, standing or sitting, front or side view, usable outside any program: the
// checks are the posture exercise files (posture_standing, posture_sitting); the frame's stance
// picks which apply.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/exercise.h"
#include "ptcoach/analysis/tracker.h"

namespace ptcoach::analysis {

// "standing" or "sitting" from the thigh: near vertical when standing, near horizontal when
// sitting (from either view); nullopt when the hips and knees are not visible or in between.
std::optional<std::string> classifyStance(const LandmarkFrame& f);

// The body position in one frame, from the trunk's inclination and the legs and head: standing,
// sitting (thighs level) or kneeling (upright trunk); lying on the back (face up, or knees bent
// up), on the front (face down), on the side (seen from the front: the shoulders one above the
// other) or on all fours (hips over the knees, thighs near vertical), with a level trunk. nullopt
// when the frame does not show it (turned at an angle, landmarks missing, face turned sideways).
std::optional<StartPosition> classifyPosition(const LandmarkFrame& f);

// Whether a frame shows `want`: Yes, No (clearly something else, e.g. standing for a lying
// exercise), or Unknown (lying, but face up or down cannot be told; too little visible).
enum class PositionMatch { Yes, No, Unknown };
PositionMatch matchPosition(const LandmarkFrame& f, StartPosition want);

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
