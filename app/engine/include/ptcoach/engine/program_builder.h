#pragma once
// The program builder without its screen: a plain draft the UI edits field by field, checked with
// problems that name the field in the therapist's terms ("session 2, item 3 (bird_dog): reps must
// be 1-100"), and built into a ProgramDefinition through the real parseProgram, so a built program
// obeys exactly the rules a program file does (e.g. no back strengthening two days in a row).
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/core/expected.h"
#include "ptcoach/engine/program.h"

namespace ptcoach::engine {

// One exercise in a draft session. Only the dose fields the exercise's kind has are used (reps for
// reps, hold_s for hold and posture, duration_s for timed); leave the others 0.
struct DraftItem {
    std::string exerciseId;
    int sets = 1, reps = 0, holdS = 0, restS = 0, durationS = 0;
    std::string sides;  // "" = the exercise's own; else one of allowedSides() by name ("left", "right"...)
    std::string notes;  // for the patient, at most kMaxItemNotes
};

struct DraftSession {
    std::string id;  // optional: made from the title when empty
    std::string title;
    std::vector<DraftItem> items;
};

inline constexpr int kRestSlot = -1;

struct ProgramDraft {
    std::string id;  // optional: makeId(title) when empty
    std::string title, summary;
    std::string phase = "any";               // programPhases()
    std::optional<int> fromDay, toDay;       // days from onset (not with phase "any"; "to" optional)
    std::string notes;                       // for the patient
    std::vector<DraftSession> sessions;
    std::array<int, 7> week{kRestSlot, kRestSlot, kRestSlot, kRestSlot, kRestSlot, kRestSlot, kRestSlot};  // Monday first: session index or kRestSlot
    std::vector<ProgressionStep> progression;  // rows; weeks increasing, each >= 2
};

// One problem. `message` is the whole sentence, field first; the indices (0-based, -1 when not
// about one) let the UI highlight the row.
struct DraftProblem {
    std::string field;    // "session 2, item 3 (bird_dog): reps", "week: Tuesday", "progression row 1: week"
    std::string message;  // "session 2, item 3 (bird_dog): reps must be 1-100"
    int session = -1, item = -1, weekday = -1, progressionRow = -1;
};

// The draft of an existing program (to edit or copy it).
ProgramDraft fromProgram(const ProgramDefinition& program);
// A new item for `exercise` with its default dose (what the UI adds when one is picked).
DraftItem draftItem(const analysis::ExerciseDefinition& exercise);
// "Core strengthening (week 2+)" -> "core_strengthening_week_2": lowercase letters, digits and _,
// at most 48 characters; "program" when nothing is left.
std::string makeId(const std::string& title);
// The session ids the draft's sessions get (their own, or made from the title, made unique).
std::vector<std::string> draftSessionIds(const ProgramDraft& draft);

// Every problem, in the order of the form; empty when the draft builds.
std::vector<DraftProblem> validate(const ProgramDraft& draft, const Library& lib);
// The program document (current format version) the draft stands for; only meaningful when
// validate() found nothing.
nlohmann::json draftToJson(const ProgramDraft& draft, const Library& lib);
// validate(), then parseProgram() on draftToJson(): the program, or every problem, one per line.
Expected<ProgramDefinition> build(const ProgramDraft& draft, const Library& lib);

// Writes the program file (programText: current version, 2-space indentation) atomically: a failure
// (unwritable folder, full disk...) is a clear error and leaves any existing file as it was. For the
// library's programs folder the file must be named <id>.json (loadProgram checks it).
Status saveProgramFile(const ProgramDefinition& program, const std::filesystem::path& file);

}  // namespace ptcoach::engine
