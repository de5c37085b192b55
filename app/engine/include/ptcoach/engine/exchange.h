#pragma once
// Program exchange: the files a therapist hands to a patient (format: programs/README.md).
//  - a program file: the program JSON itself ("format": "ptcoach-program");
//  - an assignment file: a program for one patient from a start date ("format": "ptcoach-assignment").
// Both are written atomically (a temporary file in the same folder, then renamed over the target:
// a failed save leaves the old file as it was) with 2-space indentation, and checked on reading
// with errors that name the file and the JSON path (or line:column for broken JSON).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/core/expected.h"
#include "ptcoach/engine/program.h"

namespace ptcoach::engine {

inline constexpr int kAssignmentFormatVersion = 1;
inline constexpr const char* kAssignmentFormat = "ptcoach-assignment";
// Exchange files larger than this are refused before parsing (a program is a few kilobytes).
inline constexpr std::uintmax_t kMaxExchangeFileBytes = 1024 * 1024;

// Writes `contents` to `path` atomically: temp file in the same folder, flushed to disk, renamed
// over `path`. On failure (missing or unwritable folder, full disk...) the error says what and
// where, the temporary file is removed and an existing `path` is untouched.
Status writeFileAtomic(const std::filesystem::path& path, const std::string& contents);

// "2026-03-02" -> local day number (days since 1970-01-01, as calendar.h); nullopt unless exactly
// YYYY-MM-DD and a real calendar date (no 2026-02-30) in years 1970-2200. The inverse is dayText().
std::optional<int64_t> parseDate(const std::string& text);

// ---- program files

// Reads a program file someone handed over: any file name (not tied to the id, unlike the library's
// loadProgram). Errors: missing or unreadable file, not JSON (file:line:column), an assignment file
// or another format, a newer format version, unknown exercises, doses out of range, the week rules.
Expected<ProgramDefinition> importProgramFile(const std::filesystem::path& file,
                                              const std::vector<analysis::ExerciseDefinition>& exercises);
// The same, for a document read already (`file` names it in errors).
Expected<ProgramDefinition> importProgramJson(const nlohmann::json& doc, const std::string& file,
                                              const std::vector<analysis::ExerciseDefinition>& exercises);
// Reads an exchange file's JSON: a regular file (a FIFO, a device or a folder is refused without
// reading it), not empty, at most kMaxExchangeFileBytes (checked before reading), valid JSON
// (file:line:column and the JSON path otherwise). `what` names it: "a program file".
Expected<nlohmann::json> readExchangeJson(const std::filesystem::path& file, const char* what);
// Writes programText(program) atomically.
Status exportProgramFile(const ProgramDefinition& program, const std::filesystem::path& file);

// ---- assignment files

// {"format": "ptcoach-assignment", "version": 1,
//  "patient": {"name": "Ana Silva", "code": "AS-1042"},    // code optional
//  "therapist": "Dr. Jo Park", "start_date": "2026-03-02", "notes": "...",   // notes optional
//  "program": { ...a full program, format ptcoach-program... }}
struct AssignmentFile {
    std::string file;                 // where it was read from (empty when made in memory)
    int version = kAssignmentFormatVersion;
    std::string patientName;          // required, at most 100 characters
    std::string patientCode;          // optional: letters, digits, - and _, at most 32
    std::string therapist;            // required, at most 100 characters
    std::string startDate;            // "YYYY-MM-DD", a real date
    std::string notes;                // optional, at most kMaxProgramNotes
    ProgramDefinition program;

    // The start date as a day number (nullopt when startDate is not a valid date).
    std::optional<int64_t> startDay() const { return parseDate(startDate); }
    // The assignment week of `today` (programWeek), 0 before the start or with no valid date.
    int weekOn(int64_t today) const;
    // The program as dosed on `today` (programForWeek of weekOn(today), week 1 before the start).
    ProgramDefinition programOn(int64_t today) const;
};

nlohmann::ordered_json assignmentToJson(const AssignmentFile& assignment);
// Checks a parsed document; `file` names it in errors. The embedded program's errors read
// "file: $.program.sessions[0]...".
Expected<AssignmentFile> parseAssignment(const nlohmann::json& doc, const std::string& file,
                                         const std::vector<analysis::ExerciseDefinition>& exercises);
// Checks the assignment (the same rules as reading it back, the exercises are those the program
// names) and writes it atomically; an invalid assignment is an error and nothing is written.
Status writeAssignmentFile(const AssignmentFile& assignment, const std::filesystem::path& file,
                           const std::vector<analysis::ExerciseDefinition>& exercises);
Expected<AssignmentFile> readAssignmentFile(const std::filesystem::path& file,
                                            const std::vector<analysis::ExerciseDefinition>& exercises);

}  // namespace ptcoach::engine
