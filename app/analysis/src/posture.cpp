#include "ptcoach/analysis/posture.h"

#include <cmath>

#include <glm/geometric.hpp>

#include "ptcoach/analysis/geometry.h"
#include "ptcoach/analysis/view.h"

namespace ptcoach::analysis {

std::optional<std::string> classifyStance(const LandmarkFrame& f) {
    if (!f.person) return std::nullopt;
    // The best-seen leg: thigh drop (knee below hip) against trunk length.
    float best = -1;
    std::optional<float> ratio;
    for (int s = 0; s < 2; ++s) {
        int hip = lm::LeftHip + s, knee = lm::LeftKnee + s, shoulder = lm::LeftShoulder + s;
        float v = std::min({f.points[hip].visibility, f.points[knee].visibility, f.points[shoulder].visibility});
        if (v < kMinVisibility || v <= best) continue;
        best = v;
        float trunkLen = glm::length(imagePoint(f, shoulder) - imagePoint(f, hip));
        if (trunkLen < 1e-4f) continue;
        ratio = (imagePoint(f, knee).y - imagePoint(f, hip).y) / trunkLen;
    }
    if (!ratio) return std::nullopt;
    if (*ratio > 0.6f) return std::string("standing");
    if (*ratio < 0.4f) return std::string("sitting");
    return std::nullopt;
}

struct PostureAnalyzer::Impl {
    std::unique_ptr<ExerciseTracker> standing, sitting;
    int standingFrames = 0, sittingFrames = 0, frontFrames = 0, sideFrames = 0;
};

PostureAnalyzer::PostureAnalyzer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PostureAnalyzer::~PostureAnalyzer() = default;

Expected<std::unique_ptr<PostureAnalyzer>> PostureAnalyzer::create(const PostureOptions& options) {
    auto impl = std::make_unique<Impl>();
    for (const char* id : {"posture_standing", "posture_sitting"}) {
        auto def = loadExerciseById(id, options.programsDir);
        if (!def) return def.error();
        if (def->kind != ExerciseKind::Posture)
            return makeError(def->file + ": $.kind: the posture analysis needs a posture file");
        auto t = ExerciseTracker::create(*def, options.tracker);
        if (!t) return t.error();
        (std::string(id) == "posture_standing" ? impl->standing : impl->sitting) = std::move(*t);
    }
    return std::unique_ptr<PostureAnalyzer>(new PostureAnalyzer(std::move(impl)));
}

void PostureAnalyzer::update(const LandmarkFrame& frame) {
    const auto& a = m_impl->standing->update(frame);
    const auto& b = m_impl->sitting->update(frame);
    m_impl->standingFrames += a.phase == "standing";
    m_impl->sittingFrames += b.phase == "sitting";
    View v = estimateView(frame);
    m_impl->frontFrames += v == View::Front;
    m_impl->sideFrames += v == View::Side;
}

AnalysisResult PostureAnalyzer::result() const {
    AnalysisResult st = m_impl->standing->result(), si = m_impl->sitting->result();
    bool sitting = m_impl->sittingFrames > m_impl->standingFrames;
    AnalysisResult out = sitting ? si : st;
    const AnalysisResult& other = sitting ? st : si;
    out.exercise = "posture";
    out.faults.insert(out.faults.end(), other.faults.begin(), other.faults.end());
    std::stable_sort(out.faults.begin(), out.faults.end(), [](const auto& x, const auto& y) { return x.startMs < y.startMs; });
    // Frames: the phase and faults of whichever stance the frame was in.
    for (size_t i = 0; i < out.frames.size() && i < other.frames.size(); ++i)
        if (other.frames[i].phase == "standing" || other.frames[i].phase == "sitting") out.frames[i] = other.frames[i];
    if (m_impl->standingFrames > 0 && m_impl->sittingFrames > 0)
        out.checks.insert(out.checks.end(), other.checks.begin(), other.checks.end());
    std::string stance = m_impl->standingFrames == 0 && m_impl->sittingFrames == 0 ? "unknown"
                         : sitting                                                 ? "sitting"
                                                                                   : "standing";
    std::string view = m_impl->frontFrames == 0 && m_impl->sideFrames == 0 ? "unknown"
                       : m_impl->frontFrames >= m_impl->sideFrames         ? "front"
                                                                           : "side";
    out.extra["posture"] = {{"stance", stance},
                            {"view", view},
                            {"standing_frames", m_impl->standingFrames},
                            {"sitting_frames", m_impl->sittingFrames}};
    return out;
}

}  // namespace ptcoach::analysis
