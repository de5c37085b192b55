#pragma once
// The therapist's workspace: patients at a glance (last session, adherence, pain trend, open red
// flags), a patient's detail (assignment, red flag, ice hours, progress, report, lock-out), and
// the program builder with file export and import. Its state lives in TherapistUi (a member of
// UiState). Draw code records actions; updateTherapist() applies them between frames, so the
// database is never written while a frame is being drawn.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/recovery/patient_overview.h"
#include "ptcoach/recovery/progress.h"
#include "ptcoach/recovery/session_log.h"
#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/recovery_store.h"
#include "therapist_builder.h"

namespace ptcoach::ui {

struct UiState;

// One line of the patient list (ptcoach/recovery/patient_overview.h).
using PatientRow = recovery::PatientOverview;

// A program the therapist can assign: shipped with PT Coach or saved in the database.
struct ProgramChoice {
    std::string id, title;
    std::string definition;  // the program file's JSON text
    bool shipped = false;
};

struct AddPatientForm {
    std::array<char, 64> name{};
    std::array<char, 16> pin{};
    std::array<char, 16> code{};
};

struct AssignForm {
    int program = -1;  // index into TherapistUi::programs
    std::array<char, 16> startDate{};  // YYYY-MM-DD, today by default
    std::array<char, 256> notes{};
};

struct TherapistUi {
    using Action = std::function<void(UiState&)>;

    enum class Tab { Patients, Builder, Kiosk };
    Tab tab = Tab::Patients;

    // Whose workspace is loaded (reset when someone else signs in).
    storage::Id therapistId = 0;
    bool loaded = false;
    std::string loadError;
    std::vector<PatientRow> patients;
    std::vector<ProgramChoice> programs;

    std::optional<storage::Id> selected;  // a patient in `patients`
    bool showProgress = false;
    std::optional<recovery::ProgressSummary> progress;  // of the selected patient
    std::string progressError;
    // The selected patient's session log and red-flag history (newest first).
    enum class DetailTab { Program, Log, Flags };
    DetailTab detailTab = DetailTab::Program;
    std::vector<recovery::SessionLogEntry> log;
    std::vector<recovery::AlertView> flagHistory;
    std::string detailError;

    AddPatientForm addPatient;
    bool showAddPatient = false;
    AssignForm assign;
    std::array<char, 256> clearNote{};
    std::array<char, 16> newPin{};  // a patient who forgot their PIN gets a new one
    int iceHours = 48;
    std::optional<storage::Id> iceFor;  // the episode iceHours was read from

    std::string notice;  // what the last action did (or why it failed)
    bool noticeIsError = false;
    std::vector<Action> actions;

    BuilderUi builder;  // the Program builder tab
};

// Per frame, outside the ImGui frame (also called at the start of drawTherapistScreen): applies
// the recorded actions and (re)loads the workspace for the signed-in therapist.
void updateTherapist(UiState& st);
// Draws the Therapist screen (only for a signed-in therapist).
void drawTherapistScreen(UiState& st);
// Forgets everything shown (sign-out).
void resetTherapist(UiState& st);

}  // namespace ptcoach::ui
