#pragma once
// The coach measured against labelled real sequences: an evaluation manifest names recordings (a
// video, a ptcoach-pose JSON or a landmark CSV), the exercise, and what is true of them (the reps
// as a range, the seconds held, the view, per-frame form labels). Running the exercise's tracker
// over each gives, per entry, per exercise and overall: reps within tolerance, hold-time error,
// per-fault balanced accuracy over frames and how often the view is right. Format: programs/README.md
// ("Evaluation manifests"); the tool is ptcoach-eval.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/exercise.h"
#include "ptcoach/analysis/landmark_io.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::analysis {

inline constexpr int kEvalFormatVersion = 1;

struct FrameRange {
    int from = 0, to = 0;  // frame indices (0 = the first frame of the input), inclusive
    bool contains(int i) const { return i >= from && i <= to; }
};

// Per-frame form labels: which faults the labels speak for, and which frames show them. Either
// ranges of frames (every other frame shows none of `faults`), or a label column of a landmark CSV
// whose values map to fault lists. Frames in `ignore` (transitions no one can call) are not scored.
struct EvalLabels {
    std::string how;                                 // how the labels were made (required)
    std::vector<std::string> faults;                 // the faults scored
    std::vector<std::pair<FrameRange, std::vector<std::string>>> ranges;
    std::map<std::string, std::vector<std::string>> columnMap;  // CSV label value -> faults; empty: ranges
    std::vector<FrameRange> ignore;
};

struct EvalEntry {
    std::string id, input, exercise, truth;  // truth: where the counts come from (required)
    std::string model = "full";              // pose model for a video
    std::optional<std::pair<int, int>> reps; // the true count, min..max (a range where it is ambiguous)
    std::optional<double> holdS;             // the true seconds held
    std::optional<std::string> view;         // "front" or "side": the view of every frame with a person
    bool staticFrames = false;               // frames in no order (judged one by one)
    int imageWidth = 0, imageHeight = 0;     // a CSV's image size when it does not say
    double fps = 30;                         // a CSV without t_ms
    std::optional<float> minVisibility;
    std::optional<EvalLabels> labels;
};

// Figures the results may not drop below (the CTest test on the shared manifest).
struct EvalFloors {
    std::optional<int> repsWithin, holdsWithin;  // entries within tolerance
    std::map<std::string, double> form;          // fault -> balanced accuracy over all its frames
    std::optional<double> view;                  // fraction of frames with the view right
    std::optional<int> timerOnlyMax;             // exercises left timer only
};

struct EvalManifest {
    std::filesystem::path file, root;  // entries' inputs are relative to root
    std::vector<EvalEntry> entries;
    EvalFloors floors;
    int repTolerance = 1;              // reps within this of the true range count as right
    double holdTolerance = 0.25;       // hold error (fraction of the true time) that counts as right
};

// Reads a manifest; `root` (when given) replaces the manifest's own "root" (default: its folder).
Expected<EvalManifest> loadEvalManifest(const std::filesystem::path& file,
                                        const std::optional<std::filesystem::path>& root = std::nullopt);
Expected<EvalManifest> parseEvalManifest(const nlohmann::json& doc, const std::filesystem::path& file,
                                         const std::optional<std::filesystem::path>& root = std::nullopt);

struct FaultScore {
    int tp = 0, fn = 0, tn = 0, fp = 0;
    int positives() const { return tp + fn; }
    int negatives() const { return tn + fp; }
    std::optional<double> sensitivity() const;  // tp / positives
    std::optional<double> specificity() const;  // tn / negatives
    // (sensitivity + specificity) / 2; nullopt without both positive and negative frames.
    std::optional<double> balancedAccuracy() const;
    FaultScore& operator+=(const FaultScore& o);
};

struct EntryScore {
    std::string id, exercise;
    int frames = 0;
    std::optional<std::pair<int, int>> repsTrue;
    int reps = 0;
    int repsOff = 0;            // how far the count is outside the true range (0: inside)
    bool repsOk = true;
    std::optional<double> holdTrueS;
    double heldS = 0;
    double holdError = 0;       // |held - true| / true (when true > 0); absolute seconds when true is 0
    bool holdOk = true;
    std::map<std::string, FaultScore> form;
    int viewFrames = 0, viewRight = 0, viewWrong = 0;  // frames with a person; right; the other view
    std::optional<std::string> viewTrue;
};

// Runs the exercise's tracker over the sequence and scores it against the entry.
Expected<EntryScore> evaluateEntry(const EvalEntry& entry, const LandmarkSequence& seq, const ExerciseDefinition& exercise);

struct EvalGroup {
    std::string name;  // an exercise id, or "overall"
    int entries = 0, repEntries = 0, repsOk = 0, holdEntries = 0, holdsOk = 0;
    double holdErrorSum = 0;  // over entries with a true time above 0
    int holdErrorCount = 0;
    std::map<std::string, FaultScore> form;
    int viewFrames = 0, viewRight = 0, viewWrong = 0;
};

struct EvalReport {
    std::vector<EntryScore> entries;
    std::vector<EvalGroup> exercises;  // by exercise id
    EvalGroup overall;
    std::vector<std::string> timerOnly;  // exercises the camera does not judge ("id: why")
    std::vector<std::string> floorFailures;
    int repTolerance = 1;
    double holdTolerance = 0.25;
};

// Groups the scores by exercise and overall, and checks the manifest's floors.
EvalReport summarize(const EvalManifest& manifest, std::vector<EntryScore> scores,
                     const std::vector<ExerciseDefinition>& library);

nlohmann::json toJson(const EvalReport& report);
// One line per entry, then per exercise and overall, then the floors.
std::string toText(const EvalReport& report);

}  // namespace ptcoach::analysis
