#pragma once
// Follows one exercise through a landmark stream: start position, reps with hysteresis (jitter
// around one threshold adds no rep), holds, form rules with a minimum duration, and view problems.
// Feed frames in time order; ask for the result at any time.
#include <memory>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/exercise.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::analysis {

struct TrackerOptions {
    bool staticFrames = false;  // judge every frame on its own: no smoothing, no durations, no reps
    int smoothFrames = 3;       // median window over the driving measure
    int dropToleranceMs = 700;  // a measure unseen this long ends the rep; the start position is needed again
    int faultReleaseMs = 250;   // a fault ends once its condition has been gone this long
    // View problems shorter than this are not reported (half a second: a person turning round).
    int viewProblemMinMs = 500;
    // A form check that cannot be made this long (its body part unseen) tells the person what to show.
    int unseenAfterMs = 1500;
    bool keepFrames = true;     // keep every FrameReport for result() (off for a long live session)
};

class ExerciseTracker {
public:
    static Expected<std::unique_ptr<ExerciseTracker>> create(const ExerciseDefinition& exercise,
                                                             const TrackerOptions& options = {});
    ~ExerciseTracker();

    // The next frame (time must not go back). Returns what this frame showed.
    const FrameReport& update(const LandmarkFrame& frame);
    // Everything so far; open faults, holds and view problems end at the last frame.
    AnalysisResult result() const;
    int reps() const;
    // Cheap views of the result so far, for a live session (no copy): time held including the hold
    // in progress, the counted reps, and the fault episodes already closed (rep_end faults included).
    int64_t heldMs() const;
    const std::vector<RepEvent>& repEvents() const;
    const std::vector<FaultEvent>& closedFaults() const;

    const ExerciseDefinition& exercise() const;

private:
    struct Impl;
    explicit ExerciseTracker(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ptcoach::analysis
