#include "ptcoach/analysis/lifting.h"

#include <algorithm>
#include <cmath>

namespace ptcoach::analysis {

namespace {
struct Sample {
    int64_t t = 0;
    std::optional<float> backVsKnee, knee, trunk, twist, load;
};
float round1(float v) { return std::round(v * 10.0f) / 10.0f; }
}  // namespace

struct LiftingAnalyzer::Impl {
    LiftingOptions opt;
    std::unique_ptr<ExerciseTracker> tracker;
    std::vector<Sample> samples;
};

LiftingAnalyzer::LiftingAnalyzer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
LiftingAnalyzer::~LiftingAnalyzer() = default;

Expected<std::unique_ptr<LiftingAnalyzer>> LiftingAnalyzer::create(const LiftingOptions& options) {
    auto def = loadExerciseById("squat_lift", options.programsDir);
    if (!def) return def.error();
    if (!def->tracking) return makeError(def->file + ": $.tracking: the lifting analysis needs tracking");
    auto t = ExerciseTracker::create(*def, options.tracker);
    if (!t) return t.error();
    auto impl = std::make_unique<Impl>();
    impl->opt = options;
    impl->tracker = std::move(*t);
    return std::unique_ptr<LiftingAnalyzer>(new LiftingAnalyzer(std::move(impl)));
}

void LiftingAnalyzer::update(const LandmarkFrame& f) {
    m_impl->tracker->update(f);
    auto m = [&](MeasureId id, SideMode mode) { return measure(MeasureRef{id, false}, mode, f); };
    m_impl->samples.push_back({f.tMs, m(MeasureId::BackVsKneeBend, SideMode::Best), m(MeasureId::KneeAngle, SideMode::Best),
                               m(MeasureId::TrunkInclination, SideMode::Best), m(MeasureId::Twist, SideMode::Best),
                               m(MeasureId::HandsToHips, SideMode::Best)});
}

AnalysisResult LiftingAnalyzer::result() const {
    AnalysisResult r = m_impl->tracker->result();
    r.exercise = "lifting";
    nlohmann::json lifts = nlohmann::json::array();
    for (const auto& rep : r.repEvents) {
        // Values at the lowest point (the sample with the most knee bend or trunk lean) and maxima over the lift.
        std::optional<float> minKnee, maxTrunk, maxBvk, maxTwist, maxLoad;
        for (const auto& s : m_impl->samples) {
            if (s.t < rep.startMs || s.t > rep.endMs) continue;
            auto upd = [](std::optional<float>& acc, std::optional<float> v, bool isMax) {
                if (v) acc = acc ? (isMax ? std::max(*acc, *v) : std::min(*acc, *v)) : *v;
            };
            upd(minKnee, s.knee, false);
            upd(maxTrunk, s.trunk, true);
            upd(maxBvk, s.backVsKnee, true);
            upd(maxTwist, s.twist, true);
            upd(maxLoad, s.load, true);
        }
        nlohmann::json l = {{"start_ms", rep.startMs}, {"end_ms", rep.endMs}};
        l["style"] = maxBvk ? (*maxBvk > m_impl->opt.stoopAbove ? "stoop" : "squat") : "unknown";
        auto put = [&](const char* key, std::optional<float> v) { l[key] = v ? nlohmann::json(round1(*v)) : nlohmann::json(); };
        put("knee_angle", minKnee);
        put("trunk_inclination", maxTrunk);
        put("back_vs_knee_bend", maxBvk);
        put("twist", maxTwist);
        put("load_distance", maxLoad);
        l["faults"] = rep.faults;
        lifts.push_back(l);
    }
    r.extra["lifts"] = lifts;
    return r;
}

}  // namespace ptcoach::analysis
