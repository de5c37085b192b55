#pragma once
// Programs as data: programs/programs/<id>.json (format: programs/README.md). A program ties a set
// of sessions to a recovery phase and a week: which session on which weekday, and rest days. The
// loader checks every exercise it names against the exercise library and that no two days in a
// row strengthen the back. Version 2 adds notes for the patient (program and item), a per-item
// side choice and a week-by-week progression; version 1 files still load.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/core/expected.h"

namespace ptcoach::engine {

inline constexpr int kProgramFormatVersion = 2;
inline constexpr const char* kRestDay = "rest";

// The dose a program may set, inclusive; the loader, the builder and the progression all use these.
struct DoseLimits {
    int setsMin = 1, setsMax = 20;
    int repsMin = 1, repsMax = 100;
    int holdMin = 1, holdMax = 600;        // seconds
    int restMin = 0, restMax = 600;        // seconds
    int durationMin = 10, durationMax = 3600;  // seconds
};
inline constexpr DoseLimits kDoseLimits{};
inline constexpr size_t kMaxProgramNotes = 2000, kMaxItemNotes = 500;  // characters (bytes)
inline constexpr int kMaxProgressionWeek = 104;

bool sameDose(const analysis::Dose& a, const analysis::Dose& b);

// One exercise in a session, with the program's dose (the exercise's default where not overridden).
struct ProgramItem {
    std::string exerciseId;
    analysis::Dose dose;
    std::optional<analysis::Sides> sides;  // version 2: the program's side choice; none = the exercise's own
    std::string notes;                     // version 2: shown to the patient with this exercise
    // Filled by parseProgram from the exercise: what the dose fields mean and what is default.
    analysis::ExerciseKind kind = analysis::ExerciseKind::Reps;
    analysis::Dose exerciseDose;

    bool operator==(const ProgramItem& o) const;
};

// The side choices a program may make for an exercise: "each" may be narrowed to one side (left or
// right only, e.g. after an injury to one leg), "either" may be fixed to a side; other exercises
// keep their own. The exercise's own choice is always first.
std::vector<analysis::Sides> allowedSides(const analysis::ExerciseDefinition& exercise);
// The sides an item is done with: its own choice or the exercise's.
analysis::Sides itemSides(const ProgramItem& item, const analysis::ExerciseDefinition& exercise);

// From `week` on (week 1 = the first week of an assignment), these are added to every item's dose
// (sets to all; reps to reps exercises; hold_s to holds and posture; duration_s to timed ones).
// Rows add up: week 4 gets the rows for weeks 2, 3 and 4. Steps may be negative (a lighter week)
// as long as no running total goes below zero.
// A row may also move people on to a harder exercise ("advance": {"front_plank_modified":
// "front_plank"}): from its week on, items of the first are the second, of the same kind, at the
// second's own dose, and only the rows after it add to that.
struct Advance {
    std::string from, to;
    analysis::Dose dose;                                  // the new exercise's own dose (filled on parse)
    analysis::ExerciseKind kind = analysis::ExerciseKind::Reps;
    bool operator==(const Advance& o) const { return from == o.from && to == o.to; }
};
struct ProgressionStep {
    int week = 2;
    int sets = 0, reps = 0, holdS = 0, durationS = 0;
    std::vector<Advance> advance;
    bool operator==(const ProgressionStep&) const = default;
};

struct ProgramSession {
    std::string id, title;
    std::vector<ProgramItem> items;
    bool backStrengthening = false;  // any of its exercises strengthens the back
    bool operator==(const ProgramSession&) const = default;
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
    std::string notes;                          // version 2: for the patient
    std::vector<ProgressionStep> progression;   // version 2: weeks increasing, each >= 2

    const ProgramSession* session(const std::string& id) const;
    int restDays() const;
    // Same content: every field but `file` and `version` (where it came from, not what it says).
    bool operator==(const ProgramDefinition& o) const;
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
// How a program suits where an episode stands: made for this phase (or these days since onset),
// for a later one (too much too soon: the app warns), an earlier one, or any time.
enum class PhaseFit { Fits, Later, Earlier, AnyTime };
// `phase` is one of programPhases() (recovery::phaseName of the episode), `day` the days since onset.
PhaseFit phaseFit(const ProgramDefinition& program, const std::string& phase, int day);
// The program to recommend first: the first in `programs` that fits (its days, else its phase).
const ProgramDefinition* recommendedProgram(const std::vector<ProgramDefinition>& programs, const std::string& phase,
                                            int day);

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

// The program as written to a file, in the current format version: only the dose fields that differ
// from the exercise's default (ProgramItem::exerciseDose), only the version 2 fields that are set.
// parseProgram(programToJson(p), ...) == p for any program parseProgram made.
nlohmann::json programToJson(const ProgramDefinition& program);
// The same with the keys in reading order (format, version, id, title... sessions), for writing.
nlohmann::ordered_json programToOrderedJson(const ProgramDefinition& program);
// Progression rows as written to a file (the "progression" array): only the fields that are set.
nlohmann::json progressionToJson(const std::vector<ProgressionStep>& progression);
// programToOrderedJson as text: 2-space indentation, one trailing newline.
std::string programText(const ProgramDefinition& program);

// The program as dosed in `week` (1 = the first week of an assignment; below 1 counts as 1): the
// progression rows up to that week added to every item, each dose clamped to kDoseLimits. The
// result has no progression left (it is applied).
ProgramDefinition programForWeek(const ProgramDefinition& program, int week);
// The dose of one item in `week` (what programForWeek applies).
analysis::Dose doseForWeek(const ProgramItem& item, const std::vector<ProgressionStep>& progression, int week);
// The same with only the rows after `afterWeek` (an item moved on to a harder exercise that week).
analysis::Dose doseForWeekAfter(const ProgramItem& item, const std::vector<ProgressionStep>& progression, int week,
                                int afterWeek);
// The assignment week of local day `today` for an assignment starting on `startDay` (day numbers as
// in calendar.h): 1 for the first seven days, 2 for the next seven...; 0 before the start.
int programWeek(int64_t startDay, int64_t today);

}  // namespace ptcoach::engine
