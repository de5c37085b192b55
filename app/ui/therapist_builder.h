#pragma once
// The Program builder tab of the Therapist screen: a draft program (engine::ProgramDraft) edited
// field by field with live validation, saved to the database (shared with every kiosk) and as a
// program file, exported, or filled from an imported program or assignment file.
#include <array>
#include <string>
#include <vector>

#include "ptcoach/engine/program_builder.h"

namespace ptcoach::ui {

struct UiState;

struct BuilderUi {
    enum class Page { Program, Sessions, Week };
    bool open = false;               // a draft is being edited
    Page page = Page::Program;
    engine::ProgramDraft draft;
    std::string origin;              // "new", "copy of Core strengthening", "imported from ..."
    int session = 0;                 // the session shown (and the one "Add ..." adds to)
    int editPick = -1;               // index into TherapistUi::programs for "Edit"
    std::string filter;              // exercise library filter
    std::vector<engine::DraftProblem> problems;  // of the draft as it is now
    std::array<char, 512> importPath{};
    std::string importError;         // the last import's errors, shown until the next import
    std::string lastFile;            // the last program file written
};

// Per frame: validates the open draft against the library.
void updateBuilder(UiState& st);
void drawProgramBuilder(UiState& st);

}  // namespace ptcoach::ui
