// ptcoach-eval: the coach measured on labelled real recordings. Reads an evaluation manifest
// (format: programs/README.md), runs each entry's exercise over its recording, and prints one line
// per entry, then per exercise and overall: reps within tolerance, hold-time error, per-fault
// balanced accuracy over frames, the view; --json writes the same figures. Exit code 1 when a floor
// in the manifest is not met, 2 for bad arguments or a bad manifest or input.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "landmark_input.h"
#include "ptcoach/analysis/evaluation.h"
#include "ptcoach/analysis/exercise.h"

namespace fs = std::filesystem;
using namespace ptcoach;
using namespace ptcoach::analysis;

namespace {

const char* kUsage =
    "Usage: ptcoach-eval MANIFEST.json [--json OUT.json] [--root DIR] [--programs-dir DIR] [--only ID,...]\n\n"
    "Runs every entry of an evaluation manifest (labelled real recordings) through its exercise and\n"
    "prints per entry, per exercise and overall: reps within one of the true count, hold-time error,\n"
    "per-fault balanced accuracy over the labelled frames, and how often the view is right.\n"
    "  --json          also write the figures as JSON\n"
    "  --root DIR      where the entries' inputs are (default: the manifest's \"root\", else its folder)\n"
    "  --programs-dir  exercise files (default: PREFIX/share/ptcoach/programs beside bin/)\n"
    "  --only          evaluate these entries only\n"
    "Exit code: 0 when every floor in the manifest is met, 1 when one is not, 2 on bad input.\n";

int usageError(const std::string& msg) {
    std::cerr << "ptcoach-eval: " << msg << "\n(see ptcoach-eval --help)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path manifestPath, jsonOut, programsDir;
    std::optional<fs::path> root;
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        std::string v;
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (a == "--json" || a == "--root" || a == "--programs-dir" || a == "--only") {
            if (!value(v)) return usageError(a + " needs a value");
            if (a == "--json") jsonOut = v;
            else if (a == "--root") root = fs::path(v);
            else if (a == "--programs-dir") programsDir = v;
            else {
                size_t start = 0;
                while (true) {
                    size_t comma = v.find(',', start);
                    only.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            }
        } else if (!a.empty() && a[0] == '-') {
            return usageError("unknown option '" + a + "'");
        } else if (manifestPath.empty()) {
            manifestPath = a;
        } else {
            return usageError("one manifest at a time ('" + a + "' is a second)");
        }
    }
    if (manifestPath.empty()) return usageError("a manifest is required");

    auto manifest = loadEvalManifest(manifestPath, root);
    if (!manifest) return std::cerr << "ptcoach-eval: " << manifest.error().message << "\n", 2;
    auto library = loadAllExercises(programsDir);
    if (!library) return std::cerr << "ptcoach-eval: " << library.error().message << "\n", 2;

    std::vector<EntryScore> scores;
    for (const auto& e : manifest->entries) {
        if (!only.empty() && std::find(only.begin(), only.end(), e.id) == only.end()) continue;
        auto ex = std::find_if(library->begin(), library->end(), [&](const auto& d) { return d.id == e.exercise; });
        if (ex == library->end())
            return std::cerr << "ptcoach-eval: " << manifest->file.string() << ": entry '" << e.id << "': unknown exercise '"
                             << e.exercise << "'\n",
                   2;
        tools::InputOptions io;
        io.model = e.model;
        io.fps = e.fps;
        io.imageWidth = e.imageWidth;
        io.imageHeight = e.imageHeight;
        io.minVisibility = e.minVisibility;
        auto seq = tools::readSequence(manifest->root / e.input, io);
        if (!seq) return std::cerr << "ptcoach-eval: entry '" << e.id << "': " << seq.error().message << "\n", 2;
        auto s = evaluateEntry(e, *seq, *ex);
        if (!s) return std::cerr << "ptcoach-eval: entry '" << e.id << "': " << s.error().message << "\n", 2;
        scores.push_back(*s);
    }
    if (scores.empty()) return usageError("no entry matches --only");
    EvalReport report = summarize(*manifest, std::move(scores), *library);
    std::cout << toText(report);
    if (!jsonOut.empty()) {
        std::ofstream out(jsonOut);
        out << toJson(report).dump(1) << "\n";
        if (!out.flush()) return std::cerr << "ptcoach-eval: " << jsonOut.string() << ": write failed\n", 2;
    }
    return report.floorFailures.empty() ? 0 : 1;
}
