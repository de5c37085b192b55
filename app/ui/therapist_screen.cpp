// The Therapist screen: the patient list and a patient's detail (this file), the program builder
// (therapist_builder.cpp). Draw functions read TherapistUi and record actions; updateTherapist()
// applies them and reloads what they changed. Every patient shown or acted on is checked with
// AccountStore::canView for the signed-in therapist.
#include "therapist_screen.h"
#include "ptcoach/core/clock.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ptcoach/engine/exchange.h"
#include "ptcoach/recovery/export.h"
#include "progress_screen.h"
#include "therapist_common.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using namespace std::chrono;
using storage::AccountStore;
using storage::Id;
using storage::RecoveryStore;
using storage::Role;
using storage::TimePoint;
using namespace therapist;

namespace {

// ------------------------------------------------------------------------------------------
// Small helpers

std::string todayDate() { return recovery::localText(wallNow(), "%Y-%m-%d"); }

// "ann_smith" from "Ann Smith": for folder names.
std::string slug(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!out.empty() && out.back() != '_') out += '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out.empty() ? "patient" : out;
}

bool isTherapist(const UiState& st) { return st.auth.user && st.auth.user->role == Role::Therapist; }

const PatientRow* findRow(const TherapistUi& t, Id id) {
    for (const auto& r : t.patients)
        if (r.account.id == id) return &r;
    return nullptr;
}

// Checks, at the moment of acting, that the signed-in therapist may see the patient.
bool mayActOn(UiState& st, Id patientId) {
    TherapistUi& t = st.therapist;
    if (!isTherapist(st) || st.auth.user->id != t.therapistId) {
        setNotice(t, "Sign in as a therapist first.", true);
        return false;
    }
    AccountStore accounts(*st.db);
    auto can = accounts.canView(t.therapistId, patientId);
    if (!can) {
        setNotice(t, "Could not check access to this patient: " + can.error().message, true);
        return false;
    }
    if (!*can) {
        setNotice(t, "This patient is not one of yours.", true);
        return false;
    }
    return true;
}

// ------------------------------------------------------------------------------------------
// Loading

void loadPrograms(UiState& st, const AccountStore& accounts) {
    TherapistUi& t = st.therapist;
    std::string keep = t.assign.program >= 0 && t.assign.program < static_cast<int>(t.programs.size())
                           ? t.programs[t.assign.program].id + (t.programs[t.assign.program].shipped ? "/s" : "/d")
                           : std::string();
    t.programs.clear();
    ensureLibrary(st.session);
    if (auto saved = accounts.programs()) {
        for (const auto& p : *saved) t.programs.push_back({p.id, p.title, p.definition, false});
    } else {
        t.loadError = "Could not read the saved programs: " + saved.error().message;
    }
    for (const auto& p : st.session.library.programs)
        t.programs.push_back({p.id, p.title, engine::programText(p), true});
    t.assign.program = -1;
    for (size_t i = 0; i < t.programs.size(); ++i)
        if (t.programs[i].id + (t.programs[i].shipped ? "/s" : "/d") == keep) t.assign.program = static_cast<int>(i);
}

void loadProgress(UiState& st) {
    TherapistUi& t = st.therapist;
    t.progress.reset();
    t.progressError.clear();
    if (!t.selected) return;
    const PatientRow* row = findRow(t, *t.selected);
    if (!row) return;
    RecoveryStore store(*st.db);
    recovery::ProgressOptions o;
    o.plannedPerWeek = std::max(0, row->plannedPerWeek);
    o.titles = libraryTitles(st);
    auto p = recovery::buildProgress(store, row->account.id, wallNow(), o);
    if (p) t.progress = std::move(*p);
    else t.progressError = p.error().message;
}

void loadDetail(UiState& st) {
    TherapistUi& t = st.therapist;
    t.log.clear();
    t.flagHistory.clear();
    t.detailError.clear();
    if (!t.selected) return;
    RecoveryStore store(*st.db);
    auto log = recovery::sessionLog(store, *t.selected, libraryTitles(st), 30);
    if (log) t.log = std::move(*log);
    else t.detailError = "the session log: " + log.error().message;
    auto alerts = store.redFlagAlerts(*t.selected);
    if (alerts)
        for (const auto& a : *alerts) t.flagHistory.push_back(recovery::describeAlert(a));
    else if (t.detailError.empty())
        t.detailError = "the red-flag history: " + alerts.error().message;
}

void loadWorkspace(UiState& st) {
    TherapistUi& t = st.therapist;
    t.loaded = true;
    t.loadError.clear();
    t.patients.clear();
    AccountStore accounts(*st.db);
    auto list = recovery::therapistPatients(*st.db, t.therapistId, wallNow());
    if (!list) t.loadError = "Could not read your patients: " + list.error().message;
    else t.patients = std::move(*list);
    loadPrograms(st, accounts);
    if (t.selected && !findRow(t, *t.selected)) {
        t.selected.reset();
        t.showProgress = false;
    }
    if (t.selected) {
        const PatientRow* row = findRow(t, *t.selected);
        std::optional<Id> ep = row->activeEpisode ? std::optional<Id>(row->activeEpisode->id) : std::nullopt;
        if (ep != t.iceFor) {
            t.iceFor = ep;
            t.iceHours = row->activeEpisode ? row->activeEpisode->iceHours : 48;
        }
        loadDetail(st);
        if (t.showProgress) loadProgress(st);
    }
    if (t.assign.startDate[0] == '\0') setText(t.assign.startDate, todayDate());
}

// ------------------------------------------------------------------------------------------
// Actions (run by updateTherapist, between frames)

void addPatient(UiState& st, std::string name, std::string pin, std::string code) {
    TherapistUi& t = st.therapist;
    if (!isTherapist(st)) return setNotice(t, "Sign in as a therapist first.", true);
    AccountStore accounts(*st.db);
    std::optional<std::string> wanted;
    if (!trimmed(code).empty()) wanted = trimmed(code);
    auto id = accounts.createAccount(trimmed(name), Role::Patient, pin, wanted, t.therapistId);
    if (!id) return setNotice(t, "Patient not added: " + id.error().message, true);
    auto acc = accounts.account(*id);
    std::string signInCode = acc && acc->signInCode ? *acc->signInCode : std::string("(none)");
    setNotice(t, "Added " + trimmed(name) + ". Sign-in code: " + signInCode, false);
    t.addPatient = {};
    t.showAddPatient = false;
    t.selected = *id;
    t.showProgress = false;
}

void assignProgram(UiState& st, Id patientId, ProgramChoice program, std::string startDate, std::string notes) {
    TherapistUi& t = st.therapist;
    if (!mayActOn(st, patientId)) return;
    AccountStore accounts(*st.db);
    storage::Assignment a;
    a.patientId = patientId;
    a.therapistId = t.therapistId;
    a.programId = program.id;
    a.definition = program.definition;
    a.startDate = trimmed(startDate);
    a.notes = trimmed(notes);
    if (!storage::isCalendarDate(a.startDate))
        return setNotice(t, "Not assigned: the start date '" + a.startDate + "' is not a date written YYYY-MM-DD.", true);
    auto id = accounts.assign(a);
    if (!id) return setNotice(t, "Not assigned: " + id.error().message, true);
    setNotice(t, "Assigned " + program.title + " from " + a.startDate + ".", false);
    t.assign.notes.fill('\0');
}

void clearAlerts(UiState& st, Id patientId, std::vector<Id> alertIds, std::string note) {
    TherapistUi& t = st.therapist;
    if (!mayActOn(st, patientId)) return;
    if (trimmed(note).empty()) return setNotice(t, "Red flag not cleared: write a note saying who saw the patient and why it is safe.", true);
    RecoveryStore store(*st.db);
    if (Status s = recovery::clearAlerts(store, patientId, t.therapistId, alertIds, trimmed(note), wallNow()); !s)
        return setNotice(t, "Red flag not cleared: " + s.message(), true);
    setNotice(t, alertIds.size() == 1 ? "Red flag cleared." : std::to_string(alertIds.size()) + " red flags cleared.", false);
    t.clearNote.fill('\0');
}

void setIce(UiState& st, Id patientId, Id episodeId, int hours) {
    TherapistUi& t = st.therapist;
    if (!mayActOn(st, patientId)) return;
    RecoveryStore store(*st.db);
    auto ep = store.episode(episodeId);
    if (!ep || ep->profileId != patientId) return setNotice(t, "Ice hours not saved: no such episode for this patient.", true);
    if (Status s = store.setIceHours(episodeId, hours); !s) return setNotice(t, "Ice hours not saved: " + s.message(), true);
    setNotice(t, "Ice phase set to " + std::to_string(hours) + " hours from onset.", false);
}

void unlockPatient(UiState& st, Id patientId) {
    TherapistUi& t = st.therapist;
    if (!mayActOn(st, patientId)) return;
    AccountStore accounts(*st.db);
    if (Status s = accounts.unlock(patientId); !s) return setNotice(t, "Not unlocked: " + s.message(), true);
    setNotice(t, "Unlocked: the patient can sign in again.", false);
}

std::filesystem::path patientExportDir(const UiState& st, const PatientRow& row) {
    return st.options.dataDir / "exports" /
           (slug(row.account.name) + "_" + std::to_string(row.account.id) + "_" +
            recovery::localText(wallNow(), "%Y-%m-%d_%H%M"));
}

void saveReport(UiState& st, Id patientId, std::filesystem::path dir) {
    TherapistUi& t = st.therapist;
    if (!mayActOn(st, patientId)) return;
    RecoveryStore store(*st.db);
    auto files = recovery::exportCsv(store, patientId, dir);
    if (!files) return setNotice(t, "Report not saved: " + files.error().message, true);
    const PatientRow* row = findRow(t, patientId);
    recovery::ProgressOptions o;
    if (row) o.plannedPerWeek = std::max(0, row->plannedPerWeek);
    o.titles = libraryTitles(st);
    if (Status s = recovery::writeReport(store, patientId, wallNow(), dir / "report.pdf", o); !s)
        return setNotice(t, "Report not saved: " + s.message(), true);
    setNotice(t, "Report saved: " + (dir / "report.pdf").string() + " (and " + std::to_string(files->size()) +
                     " CSV files)", false);
}

void exportAssignment(UiState& st, Id patientId, std::filesystem::path file) {
    TherapistUi& t = st.therapist;
    if (!mayActOn(st, patientId)) return;
    AccountStore accounts(*st.db);
    auto cur = accounts.currentAssignment(patientId);
    if (!cur) return setNotice(t, "Assignment not exported: " + cur.error().message, true);
    if (!*cur) return setNotice(t, "Assignment not exported: this patient has no program assigned.", true);
    auto patient = accounts.account(patientId);
    if (!patient) return setNotice(t, "Assignment not exported: " + patient.error().message, true);
    ensureLibrary(st.session);
    if (!st.session.libraryError.empty())
        return setNotice(t, "Assignment not exported: the exercise library did not load: " + st.session.libraryError, true);
    auto doc = nlohmann::json::parse((*cur)->definition, nullptr, false);
    if (doc.is_discarded()) return setNotice(t, "Assignment not exported: the stored program is not JSON.", true);
    auto program = engine::parseProgram(doc, "assignment of " + patient->name, st.session.library.exercises);
    if (!program) return setNotice(t, "Assignment not exported: " + program.error().message, true);
    engine::AssignmentFile a;
    a.patientName = patient->name;
    a.patientCode = patient->signInCode.value_or("");
    a.therapist = st.auth.user->name;
    a.startDate = (*cur)->startDate;
    a.notes = (*cur)->notes;
    a.program = std::move(*program);
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (Status s = engine::writeAssignmentFile(a, file, st.session.library.exercises); !s)
        return setNotice(t, "Assignment not exported: " + s.message(), true);
    setNotice(t, "Assignment exported: " + file.string(), false);
}

// ------------------------------------------------------------------------------------------
// Drawing

void heading(UiState& st, const char* s) {
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(s);
    ImGui::PopFont();
    recordText(s);
}

void coloured(ImU32 c, const std::string& s) {
    ImGui::PushStyleColor(ImGuiCol_Text, c);
    ImGui::TextWrapped("%s", s.c_str());
    ImGui::PopStyleColor();
    recordText(s);
}

std::string shortDate(TimePoint t) { return recovery::localText(t, "%a %d %b"); }

std::string painText(const PatientRow& r) {
    if (!r.latestPain) return "-";
    std::string s = std::to_string(*r.latestPain) + "/10";
    if (r.painChange) {
        if (*r.painChange < 0) s += "  down " + std::to_string(-*r.painChange);
        else if (*r.painChange > 0) s += "  up " + std::to_string(*r.painChange);
        else s += "  same";
    }
    return s;
}

void drawAddPatient(UiState& st) {
    TherapistUi& t = st.therapist;
    AddPatientForm& f = t.addPatient;
    float w = 260 * st.dpiScale;
    ImGui::SetNextItemWidth(w);
    ImGui::InputText("Name##newpatient", f.name.data(), f.name.size());
    recordItem("Name");
    ImGui::SetNextItemWidth(w);
    ImGui::InputText("PIN (4-8 digits, optional)##newpatient", f.pin.data(), f.pin.size(),
                     ImGuiInputTextFlags_CharsDecimal | ImGuiInputTextFlags_Password);
    recordItem("PIN");
    ImGui::SetNextItemWidth(w);
    ImGui::InputText("Sign-in code (optional)##newpatient", f.code.data(), f.code.size(),
                     ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_CharsNoBlank);
    recordItem("Sign-in code");
    ImGui::BeginDisabled(trimmed(text(f.name)).empty());
    if (button("Create patient")) {
        std::string name = text(f.name), pin = text(f.pin), code = text(f.code);
        t.actions.push_back([name, pin, code](UiState& s) { addPatient(s, name, pin, code); });
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (button("Cancel##newpatient")) {
        t.showAddPatient = false;
        t.addPatient = {};
    }
    ImGui::TextDisabled("Without a code one is made up; it is shown once the patient is added.");
}

void drawPatientTable(UiState& st) {
    TherapistUi& t = st.therapist;
    if (t.patients.empty()) {
        ImGui::TextWrapped("No patients yet. \"Add patient\" creates one linked to you; they sign in with the code "
                           "and PIN you give them.");
        return;
    }
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                            ImGuiTableFlags_SizingStretchProp;
    float h = t.showAddPatient ? ImGui::GetContentRegionAvail().y * 0.5f : 0.0f;
    if (!ImGui::BeginTable("patients", 5, flags, ImVec2(0, h))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Patient", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("Last session", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("Last 7 days", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("Pain", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("Alerts", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableHeadersRow();
    float rowH = ImGui::GetFrameHeight();
    for (const PatientRow& r : t.patients) {
        ImGui::TableNextRow(0, rowH);
        if (r.blocked()) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(110, 40, 40, 255));
        ImGui::TableNextColumn();
        bool sel = t.selected && *t.selected == r.account.id;
        std::string label = r.account.name + "##patient" + std::to_string(r.account.id);
        if (selectable(label.c_str(), sel, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, rowH))) {
            Id id = r.account.id;
            t.actions.push_back([id](UiState& s) {
                if (!mayActOn(s, id)) return;
                TherapistUi& tt = s.therapist;
                tt.selected = id;
                tt.showProgress = false;
                tt.iceFor.reset();
                tt.clearNote.fill('\0');
                tt.notice.clear();
                tt.assign.program = -1;
                tt.assign.notes.fill('\0');
            });
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.lastSession ? shortDate(*r.lastSession).c_str() : "never");
        ImGui::TableNextColumn();
        std::string adh = r.plannedPerWeek > 0 ? std::to_string(r.sessionsLast7Days) + " of " + std::to_string(r.plannedPerWeek)
                                               : std::to_string(r.sessionsLast7Days) + ", no plan";
        ImU32 adhCol = r.plannedPerWeek > 0 && r.sessionsLast7Days * 2 < r.plannedPerWeek ? kAmber : IM_COL32(220, 225, 235, 255);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(adhCol), "%s", adh.c_str());
        ImGui::TableNextColumn();
        std::string pain = painText(r);
        ImU32 painCol = r.painChange && *r.painChange > 0 ? kAmber : r.painChange && *r.painChange < 0 ? kGreen
                                                                                                         : IM_COL32(220, 225, 235, 255);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(painCol), "%s", pain.c_str());
        ImGui::TableNextColumn();
        std::string alerts = r.alertsText();
        if (r.locked) alerts += std::string(alerts.empty() ? "" : "; ") + "Locked";
        if (!r.error.empty()) alerts += std::string(alerts.empty() ? "" : "; ") + "read error";
        if (alerts.empty()) {
            ImGui::TextDisabled("-");
        } else {
            ImGui::PushStyleColor(ImGuiCol_Text, r.blocked() ? kRed : kAmber);
            ImGui::TextWrapped("%s", alerts.c_str());
            ImGui::PopStyleColor();
        }
        recordText(r.account.name + ": last session " + (r.lastSession ? shortDate(*r.lastSession) : "never") + ", " +
                   adh + " sessions, pain " + pain + (alerts.empty() ? "" : ", " + alerts));
    }
    ImGui::EndTable();
}

void drawAssignForm(UiState& st, const PatientRow& row) {
    TherapistUi& t = st.therapist;
    AssignForm& f = t.assign;
    float k = st.dpiScale;
    // A list, not a combo: every program visible at once, easy to reach by touch, keys or a script.
    ImGui::TextUnformatted(row.assignment ? "Assign another program:" : "Assign a program:");
    float rows = static_cast<float>(std::clamp<size_t>(t.programs.size(), 1, 4));
    if (ImGui::BeginListBox("##assignprograms",
                            ImVec2(-1, rows * ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().FramePadding.y * 2))) {
        for (size_t i = 0; i < t.programs.size(); ++i) {
            const ProgramChoice& p = t.programs[i];
            std::string label = p.title + (p.shipped ? " (shipped)" : " (saved)") + "##prog" + std::to_string(i);
            if (selectable(label.c_str(), f.program == static_cast<int>(i))) f.program = static_cast<int>(i);
        }
        ImGui::EndListBox();
    }
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##assignnotes", "Notes for the patient (optional)", f.notes.data(), f.notes.size());
    recordItem("Notes for the patient");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Start date");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150 * k);
    ImGui::InputTextWithHint("##startdate", "YYYY-MM-DD", f.startDate.data(), f.startDate.size());
    recordItem("Start date");
    ImGui::SameLine();
    bool ready = f.program >= 0 && f.program < static_cast<int>(t.programs.size());
    ImGui::BeginDisabled(!ready);
    if (button("Assign program")) {
        Id id = row.account.id;
        ProgramChoice p = t.programs[f.program];
        std::string start = text(f.startDate), notes = text(f.notes);
        t.actions.push_back([id, p, start, notes](UiState& s) { assignProgram(s, id, p, start, notes); });
    }
    ImGui::EndDisabled();
}

void drawDetail(UiState& st, const PatientRow& row) {
    TherapistUi& t = st.therapist;
    heading(st, row.account.name.c_str());
    std::string who = "Sign-in code: " + row.account.signInCode.value_or("(none)") +
                      (row.account.hasPin ? "   PIN set" : "   no PIN");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(who.c_str());
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + 120 * st.dpiScale > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ImGui::SetNextItemWidth(120 * st.dpiScale);
    ImGui::InputTextWithHint("##newpin", "new PIN", t.newPin.data(), t.newPin.size(),
                             ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    recordItem("New PIN");
    sameLineIfFits("Set PIN");
    if (button("Set PIN")) {
        Id id = row.account.id;
        std::string pin = t.newPin.data();
        t.newPin.fill(0);
        t.actions.push_back([id, pin](UiState& s) {
            if (!mayActOn(s, id)) return;
            AccountStore accounts(*s.db);
            if (Status e = accounts.setPin(id, pin); !e) return setNotice(s.therapist, "PIN not changed: " + e.message(), true);
            setNotice(s.therapist, "New PIN set: tell the patient in person.", false);
        });
    }
    if (!row.error.empty()) coloured(kRed, "Could not read all of this patient's history: " + row.error);
    if (row.locked) {
        ImGui::AlignTextToFramePadding();
        coloured(kAmber, "Locked out after wrong PINs until " + recovery::localText(*row.account.lockedUntil, "%H:%M") + ".");
        ImGui::SameLine();
        if (button("Unlock")) {
            Id id = row.account.id;
            t.actions.push_back([id](UiState& s) { unlockPatient(s, id); });
        }
    }

    // Actions that need no form.
    if (button("View progress")) {
        Id id = row.account.id;
        t.actions.push_back([id](UiState& s) {
            if (!mayActOn(s, id)) return;
            s.therapist.showProgress = true;
            loadProgress(s);
        });
    }
    sameLineIfFits("Save report");
    if (button("Save report")) {
        Id id = row.account.id;
        auto dir = patientExportDir(st, row);
        t.actions.push_back([id, dir](UiState& s) { saveReport(s, id, dir); });
    }
    sameLineIfFits("Export assignment");
    ImGui::BeginDisabled(!row.assignment);
    if (button("Export assignment")) {
        Id id = row.account.id;
        auto file = st.options.dataDir / "exports" /
                    ("assignment_" + slug(row.account.name) + "_" + row.assignment->programId + "_" +
                     recovery::localText(wallNow(), "%Y-%m-%d_%H%M") + ".json");
        t.actions.push_back([id, file](UiState& s) { exportAssignment(s, id, file); });
    }
    ImGui::EndDisabled();
    ImGui::Spacing();

    // Red flags come first: nothing else matters until they are dealt with.
    if (!row.openAlerts.empty()) {
        ImGui::Separator();
        ImGui::PushFont(st.fonts.heading);
        coloured(row.blocked() ? kRed : kAmber,
                 row.emergency() ? "Red flag: emergency, exercise stopped"
                 : row.blocked() ? "Red flag: exercise stopped"
                                 : "Advice given (no block)");
        ImGui::PopFont();
        ImGui::TextWrapped("Clear a red flag only once the patient has been seen and it is safe. The note is kept "
                           "with their history.");
        ImGui::TextUnformatted("Clearance note (required)");
        ImGui::SetNextItemWidth(-1);
        ImGui::InputText("##clearnote", t.clearNote.data(), t.clearNote.size());
        recordItem("Clearance note");
        bool noted = !trimmed(text(t.clearNote)).empty();
        std::vector<Id> all;
        for (const auto& v : row.openAlerts) {
            all.push_back(v.alert.id);
            std::string line = std::string(safety::tierLabel(v.tier)) + ": " + v.question + " Answered yes " +
                               recovery::localText(v.alert.answeredAt, "%a %d %b %Y, %H:%M") + ".";
            ImGui::PushStyleColor(ImGuiCol_Text, v.tier == safety::Tier::Advice ? kAmber : kRed);
            ImGui::TextWrapped("%s", line.c_str());
            ImGui::PopStyleColor();
            recordText(line);
            ImGui::BeginDisabled(!noted);
            std::string label = "Clear##alert" + std::to_string(v.alert.id);
            if (button(label.c_str())) {
                Id pid = row.account.id;
                std::vector<Id> ids{v.alert.id};
                std::string note = text(t.clearNote);
                t.actions.push_back([pid, ids, note](UiState& s) { clearAlerts(s, pid, ids, note); });
            }
            ImGui::EndDisabled();
        }
        if (all.size() > 1) {
            ImGui::BeginDisabled(!noted);
            if (button("Clear all")) {
                Id pid = row.account.id;
                std::string note = text(t.clearNote);
                t.actions.push_back([pid, all, note](UiState& s) { clearAlerts(s, pid, all, note); });
            }
            ImGui::EndDisabled();
        }
        if (!noted) ImGui::TextDisabled("Write who saw the patient, and why it is safe, to clear.");
    }
    if (row.selfCleared) {
        const auto& a = *row.selfCleared;
        std::string line = "The patient recorded that " + (a.clinician.empty() ? std::string("a clinician") : a.clinician) +
                           " saw them on " + a.seenOn.value_or("?") + " and cleared them to exercise (recorded " +
                           recovery::localText(*a.resolvedAt, "%a %d %b %Y") + ").";
        coloured(kAmber, line);
    }

    // The rest of the patient, one part at a time so each fits on the screen.
    ImGui::Separator();
    auto tab = [&](const std::string& label, TherapistUi::DetailTab which) {
        bool on = t.detailTab == which;
        ImGui::PushStyleColor(ImGuiCol_Button, on ? IM_COL32(38, 140, 130, 255) : IM_COL32(52, 60, 78, 255));
        if (button(label.c_str())) t.detailTab = which;
        ImGui::PopStyleColor();
    };
    tab("Program##detail", TherapistUi::DetailTab::Program);
    ImGui::SameLine();
    tab("Session log (" + std::to_string(t.log.size()) + ")", TherapistUi::DetailTab::Log);
    ImGui::SameLine();
    tab("Red-flag history (" + std::to_string(t.flagHistory.size()) + ")", TherapistUi::DetailTab::Flags);
    ImGui::Spacing();
    if (t.detailTab == TherapistUi::DetailTab::Program) {
        if (row.assignment) {
            const storage::Assignment& a = *row.assignment;
            std::string title = a.programId;
            auto doc = nlohmann::json::parse(a.definition, nullptr, false);
            if (!doc.is_discarded() && doc.is_object() && doc.contains("title") && doc["title"].is_string())
                title = doc["title"].get<std::string>();
            std::string line = "Current: " + title + ", from " + a.startDate + " (assigned " +
                               recovery::localText(a.assignedAt, "%d %b %Y") + ")";
            ImGui::TextWrapped("%s", line.c_str());
            recordText(line);
            if (!a.notes.empty()) ImGui::TextWrapped("Notes: %s", a.notes.c_str());
        } else {
            ImGui::TextUnformatted("No program assigned.");
            recordText("No program assigned.");
        }
        drawAssignForm(st, row);
        drawDoseHistory(st, row.account.id);  // pain-guided dose changes (game_ui.h)

    }
    if (t.detailTab == TherapistUi::DetailTab::Program && row.activeEpisode) {
        ImGui::Separator();
        heading(st, "Ice phase");
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.5f);
        ImGui::SliderInt("##icehours", &t.iceHours, 24, 72, "%d hours from onset");
        recordItem("Ice hours");
        ImGui::SameLine();
        ImGui::BeginDisabled(t.iceHours == row.activeEpisode->iceHours);
        if (button("Save ice hours")) {
            Id pid = row.account.id, eid = row.activeEpisode->id;
            int h = t.iceHours;
            t.actions.push_back([pid, eid, h](UiState& s) { setIce(s, pid, eid, h); });
        }
        ImGui::EndDisabled();
    }

    if (!t.detailError.empty()) coloured(kRed, "Could not read " + t.detailError);
    if (t.detailTab == TherapistUi::DetailTab::Log) {
        if (t.log.empty()) ImGui::TextDisabled("No sessions yet.");
        for (const auto& e : t.log) {
            std::string line = recovery::localText(e.startedAt, "%a %d %b %H:%M") + "  " + e.programTitle + " (" +
                               e.statusText() + "): " + e.itemsText() +
                               (e.form ? ".  Form " + std::to_string(static_cast<int>(*e.form + 0.5)) + "/100" : std::string()) +
                               ".  " + e.painText() + ".";
            ImGui::PushStyleColor(ImGuiCol_Text, e.finished() ? IM_COL32(220, 225, 235, 255) : kAmber);
            ImGui::TextWrapped("%s", line.c_str());
            ImGui::PopStyleColor();
            recordText(line);
        }
    }
    if (t.detailTab == TherapistUi::DetailTab::Flags) {
        if (t.flagHistory.empty()) ImGui::TextDisabled("No red flag has ever been answered yes.");
        for (const auto& v : t.flagHistory) {
            const auto& a = v.alert;
            std::string line = recovery::localText(a.answeredAt, "%a %d %b %Y %H:%M") + "  " +
                               std::string(safety::tierLabel(v.tier)) + ": " + v.what + ".  ";
            if (a.open()) line += "Open.";
            else if (a.resolution == "clinician_visit")
                line += "Resolved by the patient's record: seen by " +
                        (a.clinician.empty() ? std::string("a clinician") : a.clinician) + " on " + a.seenOn.value_or("?") + ".";
            else line += "Cleared " + recovery::localText(*a.resolvedAt, "%d %b %Y") + ": " + a.note;
            ImGui::TextWrapped("%s", line.c_str());
            recordText(line);
        }
    }
}

void drawPatientProgress(UiState& st, const PatientRow& row) {
    TherapistUi& t = st.therapist;
    if (button("< Back to patients")) t.showProgress = false;
    ImGui::SameLine();
    ImGui::PushFont(st.fonts.heading);
    std::string title = "Progress: " + row.account.name;
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    recordText(title);
    ImGui::SameLine();
    if (button("Save report##progress")) {
        Id id = row.account.id;
        auto dir = patientExportDir(st, row);
        t.actions.push_back([id, dir](UiState& s) { saveReport(s, id, dir); });
    }
    if (!t.progressError.empty()) coloured(kRed, "Could not build the progress: " + t.progressError);
    if (!t.progress) return;
    drawProgressCharts(st, *t.progress, "patient-charts", "the patient's first camera session");
}

void drawPatients(UiState& st) {
    TherapistUi& t = st.therapist;
    const PatientRow* sel = t.selected ? findRow(t, *t.selected) : nullptr;
    if (sel && t.showProgress) return drawPatientProgress(st, *sel);

    float W = ImGui::GetContentRegionAvail().x;
    float gap = 20 * st.dpiScale;
    ImGui::BeginChild("patient-list", ImVec2(W * 0.5f, 0), false, ImGuiWindowFlags_NavFlattened);
    std::string count = "Your patients (" + std::to_string(t.patients.size()) + ")";
    heading(st, count.c_str());
    ImGui::SameLine();
    if (button("Add patient")) t.showAddPatient = !t.showAddPatient;
    if (t.showAddPatient) drawAddPatient(st);
    drawPatientTable(st);
    ImGui::EndChild();
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("patient-detail", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
    if (sel) drawDetail(st, *sel);
    else ImGui::TextWrapped("Pick a patient to see their program, red flags and progress.");
    ImGui::EndChild();
}

void drawTabs(UiState& st) {
    TherapistUi& t = st.therapist;
    auto tab = [&](const char* label, TherapistUi::Tab which) {
        bool on = t.tab == which;
        ImGui::PushStyleColor(ImGuiCol_Button, on ? IM_COL32(38, 140, 130, 255) : IM_COL32(52, 60, 78, 255));
        if (button(label)) t.tab = which;
        ImGui::PopStyleColor();
    };
    tab("Patients", TherapistUi::Tab::Patients);
    ImGui::SameLine();
    tab("Program builder", TherapistUi::Tab::Builder);
    ImGui::SameLine();
    tab("Kiosk settings", TherapistUi::Tab::Kiosk);
}

// The kiosk's sign-out times, shared by every kiosk on this database (settings kiosk.idle_s and
// kiosk.away_s; a kiosk's --idle-timeout / --away-timeout flags override them).
void drawKioskSettings(UiState& st) {
    TherapistUi& t = st.therapist;
    struct Item {
        const char* key;
        const char* label;
        int fallback, step, lo, hi;
    };
    const Item items[] = {
        {"kiosk.idle_s", "Sign a patient out after this long without a touch or a key", 120, 30, 30, 1800},
        {"kiosk.away_s", "Sign a patient out after this long out of the camera's view in a session", 60, 15, 15, 600},
    };
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Kiosk sign-out");
    ImGui::PopFont();
    ImGui::TextWrapped("These apply to every kiosk that shares this database, from the next sign-in. Only a "
                       "therapist's sign-in reaches them.");
    ImGui::Spacing();
    for (const Item& it : items) {
        int v = it.fallback;
        auto s = st.db->setting(it.key);
        if (!s) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", s.error().message.c_str());
        else if (*s) v = std::clamp(std::atoi((*s)->c_str()), it.lo, it.hi);
        ImGui::PushID(it.key);
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%s: %d min %02d s", it.label, v / 60, v % 60);
        recordText(std::string(it.label) + ": " + std::to_string(v) + " s");
        ImGui::SameLine();
        int next = v;
        if (button((std::string(" - ##") + it.key).c_str())) next = std::max(it.lo, v - it.step);
        ImGui::SameLine();
        if (button((std::string(" + ##") + it.key).c_str())) next = std::min(it.hi, v + it.step);
        if (next != v) {
            if (Status e = st.db->setSetting(it.key, std::to_string(next)); !e) {
                t.notice = "Not saved: " + e.message();
                t.noticeIsError = true;
            }
        }
        ImGui::PopID();
    }
    ImGui::Spacing();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Names on the sign-in screen");
    ImGui::PopFont();
    ImGui::TextWrapped("What a kiosk's sign-in list shows to everyone in the room.");
    auto namesSetting = st.db->setting("kiosk.names");
    if (!namesSetting) {
        coloured(kRed, "The names setting could not be read: " + namesSetting.error().message);
        return;
    }
    std::string names = namesSetting->value_or("initial");
    const std::pair<const char*, const char*> modes[] = {
        {"initial", "First name and initial (Ana S.)"}, {"full", "Full names"}, {"codes", "Sign-in codes only (no list)"}};
    for (const auto& [key, label] : modes) {
        if (radioButton(label, names == key) && names != key) {
            if (Status e = st.db->setSetting("kiosk.names", key); !e) {
                t.notice = "Not saved: " + e.message();
                t.noticeIsError = true;
            }
        }
    }
    // The fewest digits of a new PIN (a 4-digit PIN falls to an offline search of a copied
    // database file in under an hour: see the README).
    storage::AccountStore acc(*st.db);
    auto digits = acc.minPinDigits();
    if (!digits) {
        ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", digits.error().message.c_str());
        return;
    }
    ImGui::AlignTextToFramePadding();
    ImGui::Text("New PINs need at least %d digits", *digits);
    recordText("New PINs need at least " + std::to_string(*digits) + " digits");
    ImGui::SameLine();
    int next = *digits;
    if (button(" - ##security.min_pin_digits")) next = std::max(4, *digits - 1);
    ImGui::SameLine();
    if (button(" + ##security.min_pin_digits")) next = std::min(8, *digits + 1);
    if (next != *digits)
        if (Status e = acc.setMinPinDigits(next); !e) {
            t.notice = "Not saved: " + e.message();
            t.noticeIsError = true;
        }
}

}  // namespace

// ------------------------------------------------------------------------------------------

void updateTherapist(UiState& st) {
    TherapistUi& t = st.therapist;
    if (!st.db || !isTherapist(st)) {
        if (t.therapistId != 0) resetTherapist(st);
        return;
    }
    if (t.therapistId != st.auth.user->id) {
        resetTherapist(st);
        t.therapistId = st.auth.user->id;
    }
    if (!t.actions.empty()) {
        auto actions = std::move(t.actions);
        t.actions.clear();
        for (auto& a : actions) a(st);
        t.loaded = false;  // reload what the actions changed
    }
    if (!t.loaded) loadWorkspace(st);
    updateBuilder(st);
}

void drawTherapistScreen(UiState& st) {
    updateTherapist(st);  // harmless when main.cpp already called it this frame
    TherapistUi& t = st.therapist;
    screenHeader(st, "Therapist");
    if (!isTherapist(st)) {
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextWrapped("Sign in as a therapist to see your patients and build programs.");
        ImGui::PopFont();
        recordText("Sign in as a therapist");
        return;
    }
    if (!st.db) {
        coloured(kRed, "The database could not be opened: " + (st.dbError.empty() ? std::string("no database") : st.dbError));
        return;
    }
    drawTabs(st);
    if (!t.notice.empty()) {
        ImGui::SameLine(0, 30 * st.dpiScale);
        ImGui::PushStyleColor(ImGuiCol_Text, t.noticeIsError ? kRed : kGreen);
        ImGui::TextWrapped("%s", t.notice.c_str());
        ImGui::PopStyleColor();
        recordText(t.notice);
    }
    if (!t.loadError.empty()) coloured(kRed, t.loadError);
    ImGui::Spacing();
    if (t.tab == TherapistUi::Tab::Patients) drawPatients(st);
    else if (t.tab == TherapistUi::Tab::Kiosk) drawKioskSettings(st);
    else drawProgramBuilder(st);
}

void resetTherapist(UiState& st) { st.therapist = TherapistUi{}; }

}  // namespace ptcoach::ui
