// ptcoach-analyze: reps, holds, posture and lifting form from landmarks (a landmark CSV, the JSON
// that ptcoach-pose writes) or from a video run through the pose pipeline.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include <cmath>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/analysis/landmark_io.h"
#include "ptcoach/analysis/lifting.h"
#include "ptcoach/analysis/posture.h"
#include "ptcoach/analysis/tracker.h"
#include "ptcoach/core/args.h"
#include "ptcoach/core/paths.h"
#include "landmark_input.h"

namespace fs = std::filesystem;
using namespace ptcoach;
using namespace ptcoach::analysis;

namespace {

const char* kUsage =
    "Usage: ptcoach-analyze --exercise ID|posture|lifting --input VIDEO|LANDMARKS.csv|POSE.json --json OUT\n"
    "                       [--per-frame] [--measures NAME,...] [--static] [--model lite|full|heavy] [--fps N]\n"
    "                       [--image-size WxH] [--min-visibility V]\n"
    "       ptcoach-analyze --list-exercises\n\n"
    "Counts good reps, times holds and checks form.\n"
    "  --exercise   an exercise id (see --list-exercises), or posture, or lifting\n"
    "  --input      a video (runs the pose pipeline), a landmark CSV, or the JSON ptcoach-pose writes\n"
    "  --json       where to write the result\n"
    "  --per-frame  also write each frame's phase and faults (and why a hold is not running)\n"
    "  --measures   also write these measures for every frame (with --per-frame), e.g. body_line,knee_angle:min:\n"
    "               what a threshold is calibrated from (programs/README.md)\n"
    "  --static     judge every frame on its own (photos, shuffled frames): no smoothing, no durations, no reps\n"
    "  --model      pose model for video input (default full)\n"
    "  --fps N      frame rate for a CSV without a t_ms column (default 30)\n"
    "  --image-size WxH  image size for a CSV without an image_width line (for aspect-correct angles)\n"
    "  --min-visibility V  landmarks below this visibility are not judged (default: the pose model's,\n"
    "               0.3 for heavy, 0.5 for lite, full and a CSV)\n"
    "  --programs-dir DIR  exercise files (default: PREFIX/share/ptcoach/programs beside bin/)\n"
    "  --list-exercises    print the exercise ids, one per line (and posture, lifting), and exit\n";

int usageError(const std::string& msg) {
    std::cerr << "ptcoach-analyze: " << msg << "\n(see ptcoach-analyze --help)\n";
    return 2;
}

struct Args {
    std::string exercise, model = "full";
    fs::path input, json, programsDir;
    bool perFrame = false, staticMode = false, list = false;
    double fps = 30;
    int width = 0, height = 0;
    std::optional<float> minVisibility;
    std::vector<std::pair<MeasureRef, SideMode>> measures;
    std::vector<std::string> measureNames;
};

// "knee_angle:min" -> the measure and its side mode (default best).
std::optional<std::pair<MeasureRef, SideMode>> parseMeasureSpec(const std::string& spec) {
    auto colon = spec.find(':');
    auto m = findMeasure(spec.substr(0, colon));
    if (!m) return std::nullopt;
    SideMode mode = SideMode::Best;
    if (colon != std::string::npos) {
        auto sm = parseSideMode(spec.substr(colon + 1));
        if (!sm) return std::nullopt;
        mode = *sm;
    }
    return std::pair{*m, mode};
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Expected<LandmarkSequence> readInput(const Args& a) {
    tools::InputOptions o;
    o.model = a.model;
    o.staticImages = a.staticMode;
    o.fps = a.fps;
    o.imageWidth = a.width;
    o.imageHeight = a.height;
    o.minVisibility = a.minVisibility;
    return tools::readSequence(a.input, o);
}

int listExercises(const Args& a) {
    auto all = loadAllExercises(a.programsDir);
    if (!all) {
        std::cerr << "ptcoach-analyze: " << all.error().message << "\n";
        return 1;
    }
    // One id per line (scripts read this); the analyses that are not exercise files come last.
    for (const auto& e : *all) std::cout << e.id << "\n";
    std::cout << "posture\nlifting\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        std::string v;
        if (s == "--help" || s == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (s == "--per-frame") {
            a.perFrame = true;
        } else if (s == "--static") {
            a.staticMode = true;
        } else if (s == "--list-exercises") {
            a.list = true;
        } else if (s == "--exercise" || s == "--input" || s == "--json" || s == "--model" || s == "--fps" ||
                   s == "--image-size" || s == "--programs-dir" || s == "--measures" || s == "--min-visibility") {
            if (!value(v)) return usageError(s + " needs a value");
            if (s == "--exercise") a.exercise = v;
            else if (s == "--measures") {
                size_t start = 0;
                while (start <= v.size()) {
                    size_t comma = v.find(',', start);
                    std::string one = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                    auto m = parseMeasureSpec(one);
                    if (!m) return usageError("--measures: '" + one + "' is not a measure[:side] (see programs/README.md)");
                    a.measures.push_back(*m);
                    a.measureNames.push_back(one);
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            } else if (s == "--min-visibility") {
                try {
                    size_t used = 0;
                    double mv = std::stod(v, &used);
                    if (used != v.size() || !(mv >= 0 && mv <= 1)) throw std::invalid_argument(v);
                    a.minVisibility = static_cast<float>(mv);
                } catch (const std::exception&) {
                    return usageError("--min-visibility expects a number from 0 to 1, found '" + v + "'");
                }
            }
            else if (s == "--input") a.input = v;
            else if (s == "--json") a.json = v;
            else if (s == "--model") a.model = v;
            else if (s == "--programs-dir") a.programsDir = v;
            else if (s == "--fps") {
                try {
                    size_t used = 0;
                    a.fps = std::stod(v, &used);
                    if (used != v.size() || !(a.fps > 0 && a.fps <= 1000)) throw std::invalid_argument(v);
                } catch (const std::exception&) {
                    return usageError("--fps expects a number from 0 to 1000, found '" + v + "'");
                }
            } else {
                auto size = parseSize(v);
                if (!size || size->first <= 0 || size->second <= 0)
                    return usageError("--image-size expects WxH, e.g. 1280x720, found '" + v + "'");
                a.width = size->first, a.height = size->second;
            }
        } else {
            return usageError("unknown option '" + s + "'");
        }
    }
    if (a.list) return listExercises(a);
    if (a.exercise.empty()) return usageError("--exercise is required");
    if (a.input.empty()) return usageError("--input is required");
    if (a.json.empty()) return usageError("--json is required");

    TrackerOptions to;
    to.staticFrames = a.staticMode;
    // The analysis first: a bad exercise id is reported before a long video is processed.
    std::unique_ptr<ExerciseTracker> tracker;
    std::unique_ptr<PostureAnalyzer> posture;
    std::unique_ptr<LiftingAnalyzer> lifting;
    if (a.exercise == "posture") {
        auto p = PostureAnalyzer::create({to, a.programsDir});
        if (!p) return std::cerr << "ptcoach-analyze: " << p.error().message << "\n", 1;
        posture = std::move(*p);
    } else if (a.exercise == "lifting") {
        LiftingOptions lo;
        lo.tracker = to;
        lo.programsDir = a.programsDir;
        auto l = LiftingAnalyzer::create(lo);
        if (!l) return std::cerr << "ptcoach-analyze: " << l.error().message << "\n", 1;
        lifting = std::move(*l);
    } else {
        auto def = loadExerciseById(a.exercise, a.programsDir);
        if (!def) return std::cerr << "ptcoach-analyze: " << def.error().message << "\n", 1;
        auto t = ExerciseTracker::create(*def, to);
        if (!t) return std::cerr << "ptcoach-analyze: " << t.error().message << "\n", 1;
        tracker = std::move(*t);
    }

    auto seq = readInput(a);
    if (!seq) {
        std::cerr << "ptcoach-analyze: " << seq.error().message << "\n";
        return 1;
    }
    for (const auto& f : seq->frames) {
        if (tracker) tracker->update(f);
        if (posture) posture->update(f);
        if (lifting) lifting->update(f);
    }
    AnalysisResult r = tracker ? tracker->result() : posture ? posture->result() : lifting->result();
    nlohmann::json j = toJson(r, a.perFrame);
    if (a.perFrame && !a.measures.empty() && j.contains("frames") && j["frames"].size() == seq->frames.size()) {
        for (size_t i = 0; i < seq->frames.size(); ++i) {
            nlohmann::json mj = nlohmann::json::object();
            for (size_t k = 0; k < a.measures.size(); ++k) {
                auto v = measure(a.measures[k].first, a.measures[k].second, seq->frames[i]);
                mj[a.measureNames[k]] = v ? nlohmann::json(std::round(*v * 100.0f) / 100.0f) : nlohmann::json(nullptr);
            }
            j["frames"][i]["measures"] = mj;
        }
    }
    j["input"] = a.input.string();
    if (seq->aspectEstimated) {
        j["image_aspect_estimated"] = std::round(*seq->aspectEstimated * 1000.0f) / 1000.0f;
        std::cerr << a.input.string() << ": no image size; the aspect estimated from the body is "
                  << std::round(*seq->aspectEstimated * 1000.0f) / 1000.0f << " (give --image-size WxH if known)\n";
    } else if (!seq->frames.empty() && seq->frames.front().imageWidth == 0) {
        std::cerr << a.input.string() << ": no image size, and the body does not show the aspect: angles assume square "
                     "pixels (give --image-size WxH)\n";
    }
    j["frames_read"] = seq->frames.size();
    std::ofstream out(a.json);
    if (!out) {
        std::cerr << "ptcoach-analyze: " << a.json.string() << ": cannot be opened for writing\n";
        return 1;
    }
    out << j.dump(1) << "\n";
    if (!out.flush()) {
        std::cerr << "ptcoach-analyze: " << a.json.string() << ": write failed\n";
        return 1;
    }
    std::cerr << r.exercise << ": " << r.reps << " reps, " << r.faults.size() << " faults, " << r.viewProblems.size()
              << " view problems, " << seq->frames.size() << " frames\n";
    return 0;
}
