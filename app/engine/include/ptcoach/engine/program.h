#pragma once
// Programs as data: programs/programs/<id>.json (format: programs/README.md). A program ties a set
// of sessions to a recovery phase and a week: which session on which weekday, and rest days. The
// loader checks every exercise it names against the exercise library and that no two days in a
// row strengthen the back.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::engine {

inline constexpr int kProgramFormatVersion = 1;
inline constexpr const char* kRestDay = "rest";

// One exercise in a session, with the program's dose (the exercise's default where not overridden).
struct ProgramItem {
    std::string exerciseId;
    analysis::Dose dose;
};

struct ProgramSession {
    std::string id, title;
    std::vector<ProgramItem> items;
    bool backStrengthening = false;  // any of its exercises strengthens the back
};

struct ProgramDefinition {
    std::string file;
    int version = kProgramFormatVersion;
    std::string id, title, summary;
    std::string phase;                 // acute, subacute, recovery, chronic or any
    std::optional<int> fromDay, toDay; // days since the episode's onset this program is for
    int daysPerWeek = 0;
    std::array<std::string, 7> week;   // Monday first: a session id or "rest"
    std::vector<ProgramSession> sessions;

    const ProgramSession* session(const std::string& id) const;
    int restDays() const;
};

// The exercises and programs, loaded and cross-checked.
struct Library {
    std::vector<analysis::ExerciseDefinition> exercises;
    std::vector<ProgramDefinition> programs;
    const analysis::ExerciseDefinition* exercise(const std::string& id) const;
    const ProgramDefinition* program(const std::string& id) const;
};

// The phases a program may name, in recovery order.
const std::vector<std::string>& programPhases();
// "Monday".. for 0..6.
const char* weekdayName(int day);

Expected<ProgramDefinition> parseProgram(const nlohmann::json& doc, const std::string& file,
                                         const std::vector<analysis::ExerciseDefinition>& exercises);
Expected<ProgramDefinition> loadProgram(const std::filesystem::path& file,
                                        const std::vector<analysis::ExerciseDefinition>& exercises);
// <dir>/programs/*.json sorted by id; the first bad file is the error. dir defaults to programsDir().
Expected<std::vector<ProgramDefinition>> loadAllPrograms(const std::vector<analysis::ExerciseDefinition>& exercises,
                                                         std::filesystem::path dir = {});
// Every exercise and every program under dir (default programsDir()).
Expected<Library> loadLibrary(std::filesystem::path dir = {});

}  // namespace ptcoach::engine
