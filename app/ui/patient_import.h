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

struct AppOptions;
// `ptcoach --import FILE [--profile NAME]`: the same, headless. Returns the exit code.
int runImport(const AppOptions& options);

}  // namespace ptcoach::ui
