// Every JSON loader a user can reach, one per build of this file (PTCOACH_FUZZ_LOADER):
//   exercise   programs/exercises/*.json (parseExercise)
//   program    programs/programs/*.json and program files taken in (parseProgram, importProgramJson)
//   assignment assignment files from a therapist (parseAssignment)
//   import     what the Programs screen and ptcoach --import take: either of the two, by "format"
//   pose       the pose JSON ptcoach-pose writes (readPoseJson, from a file)
// Any bytes give a definition or an error that names the file; never a crash, an exception or a
// hang.
#include <string>

#include "fuzz_support.h"
#include "ptcoach/analysis/exercise.h"
#include "ptcoach/analysis/landmark_io.h"
#include "ptcoach/core/json_check.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/engine/exchange.h"
#include "ptcoach/engine/program.h"

namespace {

const std::vector<ptcoach::analysis::ExerciseDefinition>& exercises() {
    static const auto lib = [] {
        auto l = ptcoach::analysis::loadAllExercises(ptcoach::programsDir());
        if (!l) {
            std::fprintf(stderr, "fuzz: cannot load the exercise library: %s\n", l.error().message.c_str());
            std::abort();
        }
        return *l;
    }();
    return lib;
}

template <typename T>
void check(const ptcoach::Expected<T>& r, const std::string& name) {
    if (!r) ptcoach::fuzz::requireNamed(r.error().message, name);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)exercises();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string name = "fuzz.json";
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string loader = PTCOACH_FUZZ_LOADER;
    if (loader == "pose") {
        static const auto file = ptcoach::fuzz::scratchFile("pose.json");
        ptcoach::fuzz::writeFile(file, data, size);
        auto seq = ptcoach::analysis::readPoseJson(file);
        check(seq, file.string());
        return 0;
    }
    auto doc = ptcoach::parseJsonText(text, name);
    if (!doc) {
        ptcoach::fuzz::requireNamed(doc.error().message, name);
        return 0;
    }
    if (loader == "exercise") {
        check(ptcoach::analysis::parseExercise(*doc, name), name);
    } else if (loader == "program") {
        check(ptcoach::engine::parseProgram(*doc, name, exercises()), name);
    } else if (loader == "assignment") {
        auto a = ptcoach::engine::parseAssignment(*doc, name, exercises());
        check(a, name);
        // What the import saves must read back (and its text must be writable).
        if (a) check(ptcoach::engine::parseProgram(ptcoach::engine::programToJson(a->program), name, exercises()), name);
    } else if (loader == "import") {
        auto format = doc->is_object() ? doc->find("format") : doc->end();
        if (format != doc->end() && *format == ptcoach::engine::kAssignmentFormat) {
            auto a = ptcoach::engine::parseAssignment(*doc, name, exercises());
            check(a, name);
            if (a) (void)ptcoach::engine::programToJson(a->program).dump();
        } else {
            auto p = ptcoach::engine::importProgramJson(*doc, name, exercises());
            check(p, name);
            if (p) (void)ptcoach::engine::programToJson(*p).dump();
        }
    }
    return 0;
}
