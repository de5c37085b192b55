#pragma once
// Lifting-form assessment, usable outside any program: picking an object up from the floor. Each
// lift (hands down to the floor and back up, from the squat_lift exercise file) is classed as a
// squat lift or a stoop lift (trunk inclination against knee bend at the lowest point), with the
// largest twist and load distance; the file's form rules give the faults (stoop_lift, twisting,
// load_far_from_body, knees_caving).
#include <filesystem>
#include <memory>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/tracker.h"

namespace ptcoach::analysis {

struct LiftingOptions {
    TrackerOptions tracker;
    std::filesystem::path programsDir;  // empty: ptcoach::programsDir()
    float stoopAbove = 20;  // back_vs_knee_bend (deg) at the lowest point above which a lift is a stoop
};

class LiftingAnalyzer {
public:
    static Expected<std::unique_ptr<LiftingAnalyzer>> create(const LiftingOptions& options = {});
    ~LiftingAnalyzer();
    void update(const LandmarkFrame& frame);
    // exercise "lifting"; extra["lifts"] = [{start_ms, end_ms, style, knee_angle, trunk_inclination,
    // twist, load_distance}] with the values at or over the lift.
    AnalysisResult result() const;

private:
    struct Impl;
    explicit LiftingAnalyzer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ptcoach::analysis
