#pragma once
// A patient at home takes in what their therapist handed over: an assignment file (a program with
// a start date and notes) or a plain program file (starting today). It becomes the patient's
// current assignment, which the guided session runs.
#include <filesystem>
#include <string>
#include <vector>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::ui {

// Validates the file (every error names the file and what is wrong) and saves the assignment;
// returns a sentence for the screen ("Curl check from Dr Rivera, from 2026-11-23").
Expected<std::string> importForPatient(storage::Database& db, storage::Id patientId, const std::filesystem::path& file,
                                       const std::vector<analysis::ExerciseDefinition>& exercises);

// What a file holds, read and validated but not taken in: shown so the person knows whose it is
// before it becomes their program.
struct ImportPreview {
    bool assignment = false;    // an assignment file (else a plain program file)
    std::string programTitle;
    std::string patientName;    // assignment: who it was made for
    std::string patientCode;
    std::string therapist;
    std::string startDate;      // assignment: its start; program: today
};
Expected<ImportPreview> previewImport(const std::filesystem::path& file,
                                      const std::vector<analysis::ExerciseDefinition>& exercises);
// "This assignment is for Ana Silva (code ANA001), from Dr Rivera: Curl check, from 2026-11-23."
std::string describeImport(const ImportPreview& p);

struct AppOptions;
// `ptcoach --import FILE [--profile NAME]`: the same, headless. Returns the exit code.
int runImport(const AppOptions& options);

}  // namespace ptcoach::ui
