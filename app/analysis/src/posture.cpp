#include "ptcoach/analysis/posture.h"

#include <cmath>

#include <glm/geometric.hpp>

#include "ptcoach/analysis/geometry.h"
#include "ptcoach/analysis/view.h"

#include <algorithm>

namespace ptcoach::analysis {

std::optional<std::string> classifyStance(const LandmarkFrame& f) {
    if (!f.person) return std::nullopt;
    // The best-seen leg: thigh drop (knee below hip) against trunk length.
    float best = -1;
    std::optional<float> ratio;
    for (int s = 0; s < 2; ++s) {
        int hip = lm::LeftHip + s, knee = lm::LeftKnee + s, shoulder = lm::LeftShoulder + s;
        float v = std::min({f.points[hip].visibility, f.points[knee].visibility, f.points[shoulder].visibility});
        if (v < f.minVisibility || v <= best) continue;
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

namespace {

// The trunk (mid-hip, mid-shoulder) from the sides that are visible.
std::optional<std::pair<glm::vec2, glm::vec2>> trunkOf(const LandmarkFrame& f) {
    bool l = f.visible(lm::LeftHip) && f.visible(lm::LeftShoulder);
    bool r = f.visible(lm::RightHip) && f.visible(lm::RightShoulder);
    if (l && r) return std::pair{imageMid(f, lm::LeftHip, lm::RightHip), imageMid(f, lm::LeftShoulder, lm::RightShoulder)};
    if (l) return std::pair{imagePoint(f, lm::LeftHip), imagePoint(f, lm::LeftShoulder)};
    if (r) return std::pair{imagePoint(f, lm::RightHip), imagePoint(f, lm::RightShoulder)};
    return std::nullopt;
}

bool upright(StartPosition p) {
    return p == StartPosition::Standing || p == StartPosition::Sitting || p == StartPosition::Kneeling;
}

}  // namespace

std::optional<StartPosition> classifyPosition(const LandmarkFrame& f) {
    if (!f.person) return std::nullopt;
    auto t = trunkOf(f);
    if (!t) return std::nullopt;
    glm::vec2 hipC = t->first, shC = t->second;
    float trunkLen = glm::length(shC - hipC);
    if (trunkLen < 1e-4f) return std::nullopt;
    float trunkDeg = inclinationFromVertical(hipC, shC);
    // The better-seen leg.
    int side = -1;
    float best = -1;
    for (int s = 0; s < 2; ++s) {
        float v = std::min(f.points[static_cast<size_t>(lm::LeftHip + s)].visibility,
                           f.points[static_cast<size_t>(lm::LeftKnee + s)].visibility);
        if (v >= f.minVisibility && v > best) best = v, side = s;
    }
    std::optional<float> thighDeg, kneeDeg, kneeDrop;
    if (side >= 0) {
        glm::vec2 hip = imagePoint(f, lm::LeftHip + side), knee = imagePoint(f, lm::LeftKnee + side);
        thighDeg = 180.0f - inclinationFromVertical(hip, knee);  // 0: straight down from the hip
        kneeDrop = (knee.y - hip.y) / trunkLen;                  // > 0: knee below the hip
        if (f.visible(lm::LeftAnkle + side))
            kneeDeg = jointAngle(hip, knee, imagePoint(f, lm::LeftAnkle + side));
    }
    if (trunkDeg <= 40.0f) {
        if (!thighDeg) return std::nullopt;
        if (kneeDeg && *kneeDeg < 60.0f) return StartPosition::Kneeling;  // sitting back on the heels
        if (*thighDeg < 30.0f) {
            if (!kneeDeg) return std::nullopt;
            if (*kneeDeg > 140.0f) return StartPosition::Standing;
            if (*kneeDeg < 130.0f) return StartPosition::Kneeling;  // upright on the knees, shins on the floor
            return std::nullopt;
        }
        if (*thighDeg > 55.0f) return StartPosition::Sitting;
        return std::nullopt;
    }
    if (trunkDeg < 50.0f) return std::nullopt;
    // A level trunk. On all fours: thighs near vertical, the hips well above the knees.
    if (thighDeg && kneeDrop && *thighDeg < 40.0f && *kneeDrop > 0.5f) return StartPosition::AllFours;
    // On the side, seen from the front: one shoulder above the other.
    if (f.visible(lm::LeftShoulder) && f.visible(lm::RightShoulder)) {
        glm::vec2 ls = imagePoint(f, lm::LeftShoulder), rs = imagePoint(f, lm::RightShoulder);
        if (tiltFromHorizontal(ls, rs) > 50.0f && glm::length(ls - rs) > 0.3f * trunkLen) return StartPosition::LyingSide;
    }
    // Face up or down: the nose above or below the ear.
    for (int s = 0; s < 2; ++s) {
        int ear = lm::LeftEar + s;
        if (!f.visible(ear) || !f.visible(lm::Nose)) continue;
        glm::vec2 d = imagePoint(f, lm::Nose) - imagePoint(f, ear);
        float len = glm::length(d);
        if (len < 1e-4f) continue;
        if (-d.y / len > 0.35f) return StartPosition::LyingBack;
        if (d.y / len > 0.35f) return StartPosition::LyingFront;
        break;
    }
    // Knees bent up (hook lying): on the back.
    if (kneeDrop && *kneeDrop < -0.3f) return StartPosition::LyingBack;
    return std::nullopt;
}

PositionMatch matchPosition(const LandmarkFrame& f, StartPosition want) {
    auto c = classifyPosition(f);
    if (c) return *c == want ? PositionMatch::Yes : PositionMatch::No;
    auto t = trunkOf(f);
    if (!t || glm::length(t->second - t->first) < 1e-4f) return PositionMatch::Unknown;
    float trunkDeg = inclinationFromVertical(t->first, t->second);
    if (trunkDeg <= 40.0f && !upright(want)) return PositionMatch::No;
    if (trunkDeg >= 50.0f && upright(want)) return PositionMatch::No;
    return PositionMatch::Unknown;
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
