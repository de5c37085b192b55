#pragma once
// What an analysis says: good reps with their range of motion and quality, holds, form faults
// with their cues, and problems with the camera view. Plain data, written as JSON by toJson().
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ptcoach::analysis {

struct RepEvent {
    int64_t startMs = 0, endMs = 0;
    std::string side;     // "left", "right" or "both"
    float rom = 0;        // range of motion of the driving measure over the rep (its unit)
    int quality = 0;      // 0..100: depth reached against the target, minus form faults
    float peak = 0;       // the extreme value of the driving measure
    std::vector<std::string> faults;  // codes seen during the rep
};

struct HoldEvent {
    int64_t startMs = 0, endMs = 0;
    int64_t heldMs = 0;   // time inside the band (short excursions bridged)
};

struct FaultEvent {
    std::string code, message, severity;
    int64_t startMs = 0, endMs = 0;
};

struct ViewProblem {
    std::string code, message;
    int64_t startMs = 0, endMs = 0;
};

// How often a form rule could be judged: "does not judge what it cannot see".
struct RuleStatus {
    std::string code;
    int judgedFrames = 0;   // frames in the rule's phase where its measure was visible and the view right
    int faultFrames = 0;    // of those, frames outside the allowed band
    std::string notJudged;  // why it was never judged ("needs the front view", "not visible: show your
                            // hips and ankles"), else empty
};

struct FrameReport {
    int64_t tMs = 0;
    std::string phase;                // setup, rest, moving, peak, hold, near (in the position, outside the
                                      // hold band), paused, absent, or posture
    std::vector<std::string> faults;  // codes active in this frame
    std::optional<float> value;       // the driving (or held) measure, when visible
    std::string view;                 // front, side, unknown
    std::vector<std::string> viewProblems;  // view problem codes active in this frame (lasting past the minimum)
    std::string viewMessage;          // the message for the first of them
    // Why the hold timer is not running (or, before counting starts, what the start position still
    // needs), in words for the person: "Rest on your forearms, elbows under your shoulders",
    // "Lower your hips into line", "Show your hips and ankles to the camera". Empty while it runs.
    std::string why;
    // A form check that could not be made for a while because the body part it needs was not seen:
    // what to show ("Show your hips and ankles so your form can be checked"). Empty otherwise.
    std::string unseen;
};

struct AnalysisResult {
    std::string exercise;
    int reps = 0;
    int attempts = 0;                 // movements started, counted or not
    std::vector<RepEvent> repEvents;
    std::vector<HoldEvent> holds;
    int64_t heldMs = 0;
    std::vector<FaultEvent> faults;
    std::vector<ViewProblem> viewProblems;
    std::vector<RuleStatus> checks;
    std::vector<FrameReport> frames;
    nlohmann::json extra = nlohmann::json::object();  // analysis-specific (posture, lifting)
};

// The tool's output: exercise, reps, rep_events, holds, faults, view_problems (+ frames when asked,
// + the extra fields).
nlohmann::json toJson(const AnalysisResult& r, bool perFrame);

}  // namespace ptcoach::analysis
