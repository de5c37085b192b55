// The Program builder tab: the draft is UI state edited in place; saving, exporting and importing
// are recorded as actions that updateTherapist() runs between frames.
#include "therapist_builder.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ptcoach/engine/exchange.h"
#include "ptcoach/recovery/progress.h"
#include "therapist_common.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using namespace therapist;
using analysis::ExerciseKind;
namespace fs = std::filesystem;

namespace {

constexpr const char* kShort[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

const engine::Library& library(UiState& st) {
    ensureLibrary(st.session);
    return st.session.library;
}

// Opens a draft in the builder.
void openDraft(UiState& st, engine::ProgramDraft draft, std::string origin) {
    BuilderUi& b = st.therapist.builder;
    b.open = true;
    b.draft = std::move(draft);
    b.origin = std::move(origin);
    b.session = 0;
    b.page = BuilderUi::Page::Program;
    b.problems.clear();
    b.importError.clear();
}

engine::ProgramDraft newDraft() {
    engine::ProgramDraft d;
    d.title = "New program";
    d.phase = "any";
    d.sessions.push_back({"", "Session A", {}});
    d.week = {0, engine::kRestSlot, 0, engine::kRestSlot, 0, engine::kRestSlot, engine::kRestSlot};
    return d;
}

// ---- actions (between frames)

void saveProgram(UiState& st) {
    TherapistUi& t = st.therapist;
    BuilderUi& b = t.builder;
    const engine::Library& lib = library(st);
    if (!st.session.libraryError.empty())
        return setNotice(t, "Not saved: the exercise library did not load: " + st.session.libraryError, true);
    auto program = engine::build(b.draft, lib);
    if (!program) return setNotice(t, "Not saved: fix the problems listed first.", true);
    if (lib.program(program->id))
        return setNotice(t, "Not saved: '" + program->id + "' is the id of a program shipped with PT Coach; give "
                                "yours another title or id.", true);
    storage::AccountStore accounts(*st.db);
    storage::ProgramRecord rec;
    rec.id = program->id;
    rec.title = program->title;
    rec.definition = engine::programText(*program);
    rec.authorId = t.therapistId;
    if (Status s = accounts.saveProgram(rec); !s) return setNotice(t, "Not saved: " + s.message(), true);
    fs::path file = st.options.dataDir / "programs" / (program->id + ".json");
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (Status s = engine::saveProgramFile(*program, file); !s)
        return setNotice(t, "Saved for every kiosk, but the program file was not written: " + s.message(), true);
    b.draft.id = program->id;  // further saves update this program
    b.lastFile = file.string();
    setNotice(t, "Saved " + program->title + ": shared with every kiosk, file " + file.string(), false);
}

void exportProgram(UiState& st) {
    TherapistUi& t = st.therapist;
    BuilderUi& b = t.builder;
    auto program = engine::build(b.draft, library(st));
    if (!program) return setNotice(t, "Not exported: fix the problems listed first.", true);
    fs::path file = st.options.dataDir / "exports" / (program->id + ".json");
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (Status s = engine::exportProgramFile(*program, file); !s)
        return setNotice(t, "Not exported: " + s.message(), true);
    b.lastFile = file.string();
    setNotice(t, "Program exported: " + file.string(), false);
}

// Whether the file says it is an assignment (anything unreadable goes to the program importer,
// whose errors say what is wrong).
bool looksLikeAssignment(const fs::path& file) {
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (ec || size > engine::kMaxExchangeFileBytes) return false;
    std::ifstream in(file);
    auto doc = nlohmann::json::parse(in, nullptr, false);
    return !doc.is_discarded() && doc.is_object() && doc.contains("format") &&
           doc["format"] == engine::kAssignmentFormat;
}

// A program whose id is a shipped program's is taken in as a copy (the shipped one stays as shipped).
engine::ProgramDraft importedDraft(const engine::ProgramDefinition& p, const engine::Library& lib) {
    auto d = engine::fromProgram(p);
    if (lib.program(p.id)) {
        d.id.clear();
        d.title = p.title + " (imported)";
    }
    return d;
}

void importFile(UiState& st, std::string path) {
    TherapistUi& t = st.therapist;
    BuilderUi& b = t.builder;
    b.importError.clear();
    path = trimmed(path);
    if (path.empty()) {
        b.importError = "Type the path of a program or assignment file first.";
        return;
    }
    const engine::Library& lib = library(st);
    if (!st.session.libraryError.empty()) {
        b.importError = "The exercise library did not load: " + st.session.libraryError;
        return;
    }
    fs::path file(path);
    if (looksLikeAssignment(file)) {
        auto a = engine::readAssignmentFile(file, lib.exercises);
        if (!a) {
            b.importError = a.error().message;
            setNotice(t, "Import failed: see the errors below.", true);
            return;
        }
        auto draft = importedDraft(a->program, lib);
        openDraft(st, std::move(draft), "imported from the assignment " + file.filename().string());
        setText(t.assign.startDate, a->startDate);
        setText(t.assign.notes, a->notes);
        setNotice(t, "Imported the assignment for " + a->patientName + " (from " + a->startDate + ", by " +
                         a->therapist + "): save the program, then assign it on the Patients tab.", false);
        return;
    }
    auto p = engine::importProgramFile(file, lib.exercises);
    if (!p) {
        b.importError = p.error().message;
        setNotice(t, "Import failed: see the errors below.", true);
        return;
    }
    openDraft(st, importedDraft(*p, lib), "imported from " + file.filename().string());
    setNotice(t, "Imported " + p->title + ": check it and press Save program.", false);
}

void editProgram(UiState& st, const ProgramChoice& choice) {
    TherapistUi& t = st.therapist;
    const engine::Library& lib = library(st);
    if (choice.shipped) {
        const engine::ProgramDefinition* p = lib.program(choice.id);
        if (!p) return setNotice(t, "The shipped program '" + choice.id + "' is not in the library.", true);
        auto d = engine::fromProgram(*p);
        d.id.clear();  // a copy: the shipped program itself stays as shipped
        d.title = p->title + " (custom)";
        openDraft(st, std::move(d), "copy of the shipped program " + p->title);
        return setNotice(t, "Editing a copy of " + p->title + ".", false);
    }
    auto doc = nlohmann::json::parse(choice.definition, nullptr, false);
    if (doc.is_discarded()) return setNotice(t, "The saved program '" + choice.id + "' is not valid JSON.", true);
    auto p = engine::parseProgram(doc, "saved program " + choice.id, lib.exercises);
    if (!p) return setNotice(t, "The saved program cannot be edited: " + p.error().message, true);
    openDraft(st, engine::fromProgram(*p), "saved program " + p->title);
    setNotice(t, "Editing " + p->title + ".", false);
}

// ---- drawing

void sectionHeading(UiState& st, const char* s) {
    ImGui::Spacing();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(s);
    ImGui::PopFont();
    recordText(s);
}

bool hasProblem(const BuilderUi& b, int session, int item) {
    return std::any_of(b.problems.begin(), b.problems.end(),
                       [&](const engine::DraftProblem& p) { return p.session == session && p.item == item; });
}

void drawToolbar(UiState& st) {
    TherapistUi& t = st.therapist;
    BuilderUi& b = t.builder;
    float k = st.dpiScale;
    if (button("New program")) {
        openDraft(st, newDraft(), "new");
        t.notice.clear();
    }
    if (b.open) {
        ImGui::SameLine();
        if (button("Open another program")) b.open = false;
    }
    ImGui::SameLine(0, 24 * k);
    ImGui::SetNextItemWidth(std::max(120.0f * k, ImGui::GetContentRegionAvail().x - 120 * k));
    ImGui::InputTextWithHint("##importpath", "Import: path of a program or assignment file", b.importPath.data(),
                             b.importPath.size());
    recordItem("Import path");
    ImGui::SameLine();
    if (button("Import")) {
        std::string path = text(b.importPath);
        t.actions.push_back([path](UiState& s) { importFile(s, path); });
    }
    if (!b.importError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        float lines = b.open ? 3.2f : 9.0f;  // leave the draft room; the list scrolls
        ImGui::BeginChild("importerrors", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * lines), false);
        ImGui::TextWrapped("Import failed:\n%s", b.importError.c_str());
        ImGui::EndChild();
        ImGui::PopStyleColor();
        recordText("Import failed: " + b.importError);
    }
}

void drawStartPage(UiState& st) {
    TherapistUi& t = st.therapist;
    BuilderUi& b = t.builder;
    ImGui::Spacing();
    ImGui::TextWrapped("Start a new program, edit one (a shipped program is edited as a copy), or import a program "
                       "or assignment file a colleague sent.");
    ImGui::Spacing();
    ImGui::TextUnformatted("Programs:");
    float rows = static_cast<float>(std::min<size_t>(std::max<size_t>(t.programs.size(), 1), 8));
    if (ImGui::BeginListBox("##editprograms",
                            ImVec2(ImGui::GetContentRegionAvail().x * 0.6f,
                                   rows * ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().FramePadding.y))) {
        for (size_t i = 0; i < t.programs.size(); ++i) {
            const ProgramChoice& p = t.programs[i];
            std::string label = p.title + (p.shipped ? " (shipped)" : " (saved)") + "##edit" + std::to_string(i);
            if (selectable(label.c_str(), b.editPick == static_cast<int>(i), ImGuiSelectableFlags_AllowDoubleClick)) {
                b.editPick = static_cast<int>(i);
                if (ImGui::IsMouseDoubleClicked(0)) editProgram(st, t.programs[i]);
            }
        }
        ImGui::EndListBox();
    }
    ImGui::BeginDisabled(b.editPick < 0 || b.editPick >= static_cast<int>(t.programs.size()));
    if (button("Edit program")) editProgram(st, t.programs[b.editPick]);
    ImGui::EndDisabled();
}

void drawItems(UiState& st, int si) {
    BuilderUi& b = st.therapist.builder;
    const engine::Library& lib = library(st);
    engine::DraftSession& s = b.draft.sessions[si];
    if (s.items.empty()) {
        ImGui::TextWrapped("No exercises yet: press \"Add ...\" beside an exercise in the library on the right.");
        return;
    }
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("items", 7, flags)) return;
    float k = st.dpiScale;
    float num = 56 * k;
    ImGui::TableSetupColumn("Exercise", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Sets", 0, num);
    ImGui::TableSetupColumn("Dose", 0, num + 70 * k);
    ImGui::TableSetupColumn("Rest s", 0, num);
    ImGui::TableSetupColumn("Sides", 0, 100 * k);
    ImGui::TableSetupColumn("Notes", 0, 120 * k);
    ImGui::TableSetupColumn("", 0, 112 * k);
    ImGui::TableHeadersRow();
    int remove = -1, up = -1;
    for (size_t ii = 0; ii < s.items.size(); ++ii) {
        int i = static_cast<int>(ii);
        engine::DraftItem& it = s.items[ii];
        const analysis::ExerciseDefinition* ex = lib.exercise(it.exerciseId);
        ImGui::PushID(i);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        std::string title = ex ? ex->title : it.exerciseId + " (unknown)";
        ImGui::AlignTextToFramePadding();
        if (hasProblem(b, si, i)) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRed), "%d. %s", i + 1, title.c_str());
        else ImGui::Text("%d. %s", i + 1, title.c_str());
        recordText("Item " + std::to_string(i + 1) + ": " + title);
        auto numberField = [&](const char* id, int* v, const char* unit) {
            ImGui::SetNextItemWidth(num);
            ImGui::InputInt(id, v, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
            *v = std::max(0, *v);
            recordItem((std::string(id + 2) + " " + std::to_string(i + 1)).c_str());
            if (unit) {
                ImGui::SameLine(0, 6 * k);
                ImGui::TextUnformatted(unit);
            }
        };
        // Only the dose field the exercise's kind has: reps, a hold or a time.
        ExerciseKind kind = ex ? ex->kind : ExerciseKind::Reps;
        ImGui::TableNextColumn();
        numberField("##Sets", &it.sets, nullptr);
        ImGui::TableNextColumn();
        if (kind == ExerciseKind::Reps) numberField("##Reps", &it.reps, "reps");
        else if (kind == ExerciseKind::Timed) numberField("##Time", &it.durationS, "s");
        else numberField("##Hold", &it.holdS, "s hold");
        ImGui::TableNextColumn();
        numberField("##Rest", &it.restS, nullptr);
        ImGui::TableNextColumn();
        if (ex) {
            auto sides = engine::allowedSides(*ex);
            std::string current = it.sides.empty() ? std::string(analysis::sidesName(ex->sides)) : it.sides;
            if (sides.size() <= 1) {
                ImGui::AlignTextToFramePadding();
                ImGui::TextDisabled("%s", current.c_str());
            } else if (button((current + "##sides").c_str(), ImVec2(-1, 0))) {
                // Each press moves to the next side choice the exercise allows.
                size_t at = 0;
                for (size_t k2 = 0; k2 < sides.size(); ++k2)
                    if (analysis::sidesName(sides[k2]) == current) at = k2;
                size_t next = (at + 1) % sides.size();
                it.sides = next == 0 ? std::string() : std::string(analysis::sidesName(sides[next]));
            }
        }
        ImGui::TableNextColumn();
        ImGui::SetNextItemWidth(-1);
        inputString("##notes", it.notes);
        recordItem(("Notes " + std::to_string(i + 1)).c_str());
        ImGui::TableNextColumn();
        ImGui::BeginDisabled(i == 0);
        if (button("Up")) up = i;
        ImGui::EndDisabled();
        ImGui::SameLine();
        if (button("X")) remove = i;
        ImGui::PopID();
    }
    ImGui::EndTable();
    if (up > 0) std::swap(s.items[up], s.items[up - 1]);
    if (remove >= 0) s.items.erase(s.items.begin() + remove);
}

void removeSession(engine::ProgramDraft& d, int si) {
    d.sessions.erase(d.sessions.begin() + si);
    for (int& w : d.week) {
        if (w == si) w = engine::kRestSlot;
        else if (w > si) --w;
    }
}

void drawSessions(UiState& st) {
    BuilderUi& b = st.therapist.builder;
    engine::ProgramDraft& d = b.draft;
    for (size_t i = 0; i < d.sessions.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        bool on = b.session == static_cast<int>(i);
        std::string label = "Session " + std::to_string(i + 1) + ": " + d.sessions[i].title + "##sess" + std::to_string(i);
        ImGui::PushStyleColor(ImGuiCol_Button, on ? IM_COL32(38, 140, 130, 255) : IM_COL32(52, 60, 78, 255));
        if (button(label.c_str())) b.session = static_cast<int>(i);
        ImGui::PopStyleColor();
    }
    if (!d.sessions.empty()) ImGui::SameLine();
    if (button("Add session") && d.sessions.size() < 7) {
        d.sessions.push_back({"", "Session " + std::string(1, static_cast<char>('A' + d.sessions.size())), {}});
        b.session = static_cast<int>(d.sessions.size()) - 1;
    }
    if (d.sessions.empty()) return;
    b.session = std::clamp(b.session, 0, static_cast<int>(d.sessions.size()) - 1);
    engine::DraftSession& s = d.sessions[b.session];
    ImGui::SetNextItemWidth(300 * st.dpiScale);
    inputString("Session title##sesstitle", s.title, ImGuiInputTextFlags_AutoSelectAll);
    recordItem("Session title");
    ImGui::SameLine();
    if (button("Remove session")) {
        removeSession(d, b.session);
        b.session = std::max(0, b.session - 1);
        return;
    }
    drawItems(st, b.session);
}

void drawWeek(UiState& st) {
    engine::ProgramDraft& d = st.therapist.builder.draft;
    sectionHeading(st, "Week (press a day to change it)");
    float avail = ImGui::GetContentRegionAvail().x;
    float w = (avail - ImGui::GetStyle().ItemSpacing.x * 6) / 7;
    int n = static_cast<int>(d.sessions.size());
    for (int day = 0; day < 7; ++day) {
        if (day > 0) ImGui::SameLine();
        int& slot = d.week[day];
        if (slot >= n) slot = engine::kRestSlot;
        // Each press moves to the next choice: rest, then each session in turn.
        std::string label = std::string(kShort[day]) + "\n" + (slot == engine::kRestSlot ? "Rest" : d.sessions[slot].title) +
                            "##day" + std::to_string(day);
        bool rest = slot == engine::kRestSlot;
        ImGui::PushStyleColor(ImGuiCol_Button, rest ? IM_COL32(52, 60, 78, 255) : IM_COL32(38, 120, 112, 255));
        if (button(label.c_str(), ImVec2(w, ImGui::GetTextLineHeight() * 2 + ImGui::GetStyle().FramePadding.y * 2)))
            slot = slot + 1 >= n ? engine::kRestSlot : slot + 1;
        ImGui::PopStyleColor();
    }
}

void drawProgression(UiState& st) {
    engine::ProgramDraft& d = st.therapist.builder.draft;
    sectionHeading(st, "Progression (added to every item from that week on)");
    int remove = -1;
    float k = st.dpiScale;
    if (!d.progression.empty() &&
        ImGui::BeginTable("progression", 6, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
        float num = 90 * k;
        ImGui::TableSetupColumn("From week", 0, num * 1.3f);
        ImGui::TableSetupColumn("Sets +", 0, num);
        ImGui::TableSetupColumn("Reps +", 0, num);
        ImGui::TableSetupColumn("Hold s +", 0, num);
        ImGui::TableSetupColumn("Time s +", 0, num);
        ImGui::TableSetupColumn("", 0, 60 * k);
        ImGui::TableHeadersRow();
        for (size_t r = 0; r < d.progression.size(); ++r) {
            engine::ProgressionStep& p = d.progression[r];
            ImGui::PushID(static_cast<int>(r));
            ImGui::TableNextRow();
            int* fields[5] = {&p.week, &p.sets, &p.reps, &p.holdS, &p.durationS};
            const char* names[5] = {"##week", "##sets", "##reps", "##hold", "##time"};
            for (int f = 0; f < 5; ++f) {
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(-1);
                ImGui::InputInt(names[f], fields[f], 0, 0, ImGuiInputTextFlags_AutoSelectAll);
                recordItem(("Progression " + std::to_string(r + 1) + " " + std::string(names[f] + 2)).c_str());
            }
            ImGui::TableNextColumn();
            if (button("X")) remove = static_cast<int>(r);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (remove >= 0) d.progression.erase(d.progression.begin() + remove);
    if (button("Add progression row")) {
        engine::ProgressionStep step;
        step.week = d.progression.empty() ? 2 : d.progression.back().week + 1;
        step.sets = 0;
        step.reps = 1;
        d.progression.push_back(step);
    }
}

void drawProgramFields(UiState& st) {
    BuilderUi& b = st.therapist.builder;
    engine::ProgramDraft& d = b.draft;
    float k = st.dpiScale;
    ImGui::SetNextItemWidth(380 * k);
    inputString("Title##prog", d.title, ImGuiInputTextFlags_AutoSelectAll);
    recordItem("Title");
    ImGui::SameLine();
    if (button(("Phase: " + d.phase + "##phase").c_str())) {
        const auto& phases = engine::programPhases();
        auto at = std::find(phases.begin(), phases.end(), d.phase);
        d.phase = at == phases.end() || at + 1 == phases.end() ? phases.front() : *(at + 1);
    }
    ImGui::SetNextItemWidth(260 * k);
    inputString("Id (optional)##prog", d.id, ImGuiInputTextFlags_CharsNoBlank | ImGuiInputTextFlags_AutoSelectAll);
    recordItem("Id");
    if (d.phase != "any") {
        ImGui::SameLine();
        bool hasFrom = d.fromDay.has_value();
        if (checkbox("From day##onset", &hasFrom)) d.fromDay = hasFrom ? std::optional<int>(0) : std::nullopt;
        if (d.fromDay) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(70 * k);
            ImGui::InputInt("##fromday", &*d.fromDay, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
            recordItem("From day value");
            ImGui::SameLine();
            bool hasTo = d.toDay.has_value();
            if (checkbox("to day##onset", &hasTo)) d.toDay = hasTo ? std::optional<int>(*d.fromDay + 7) : std::nullopt;
            if (d.toDay) {
                ImGui::SameLine();
                ImGui::SetNextItemWidth(70 * k);
                ImGui::InputInt("##today", &*d.toDay, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
                recordItem("To day value");
            }
        }
    }
    ImGui::SetNextItemWidth(-1);
    inputString("##summary", d.summary);
    recordItem("Summary");
    if (d.summary.empty()) {
        ImVec2 p = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + ImGui::GetStyle().FramePadding.x, p.y + ImGui::GetStyle().FramePadding.y),
                                            IM_COL32(130, 138, 150, 255), "Summary (one line)");
    }
    ImGui::TextUnformatted("Notes for the patient");
    inputMultiline("##notes", d.notes, ImVec2(-1, ImGui::GetTextLineHeight() * 3.2f));
    recordItem("Notes for the patient");
}

void drawLibrary(UiState& st) {
    BuilderUi& b = st.therapist.builder;
    const engine::Library& lib = library(st);
    sectionHeading(st, "Exercise library");
    if (!st.session.libraryError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("The exercise library did not load: %s", st.session.libraryError.c_str());
        ImGui::PopStyleColor();
        return;
    }
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##filter", "Find an exercise", b.filter.data(), b.filter.capacity() + 1,
                             ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_AutoSelectAll, resizeString,
                             &b.filter);
    recordItem("Find an exercise");
    std::string f = b.filter;
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ImGui::BeginChild("library", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
    bool canAdd = !b.draft.sessions.empty();
    for (const auto& ex : lib.exercises) {
        std::string hay = ex.title + " " + ex.id + " " + std::string(analysis::categoryName(ex.category));
        std::transform(hay.begin(), hay.end(), hay.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!f.empty() && hay.find(f) == std::string::npos) continue;
        std::string label = "Add " + ex.title + "##add-" + ex.id;
        ImGui::BeginDisabled(!canAdd);
        if (button(label.c_str())) {
            auto& items = b.draft.sessions[std::clamp(b.session, 0, static_cast<int>(b.draft.sessions.size()) - 1)].items;
            items.push_back(engine::draftItem(ex));
        }
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::TextDisabled("%s", std::string(analysis::categoryName(ex.category)).c_str());
    }
    ImGui::EndChild();
}

void drawChecks(UiState& st) {
    TherapistUi& t = st.therapist;
    BuilderUi& b = t.builder;
    ImGui::BeginDisabled(!b.problems.empty());
    if (button("Save program")) t.actions.push_back([](UiState& s) { saveProgram(s); });
    ImGui::SameLine();
    if (button("Export program")) t.actions.push_back([](UiState& s) { exportProgram(s); });
    ImGui::EndDisabled();
    if (b.problems.empty()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kGreen), "Ready to save: no problems found.");
        recordText("Ready to save");
    } else {
        std::string head = std::to_string(b.problems.size()) + (b.problems.size() == 1 ? " problem" : " problems") +
                           " to fix before saving:";
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kAmber), "%s", head.c_str());
        recordText(head);
        float maxLines = b.page == BuilderUi::Page::Sessions ? 4.5f : 14.0f;
        float h = std::min(ImGui::GetTextLineHeightWithSpacing() * (static_cast<float>(b.problems.size()) * 1.6f) + 8,
                           ImGui::GetTextLineHeightWithSpacing() * maxLines);
        ImGui::BeginChild("problems", ImVec2(0, h), false);
        for (const auto& p : b.problems) {
            ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
            ImGui::TextWrapped("- %s", p.message.c_str());
            ImGui::PopStyleColor();
            recordText(p.message);
        }
        ImGui::EndChild();
    }
    if (!b.lastFile.empty()) ImGui::TextWrapped("Last file written: %s", b.lastFile.c_str());
}

}  // namespace

void updateBuilder(UiState& st) {
    BuilderUi& b = st.therapist.builder;
    if (!b.open) return;
    const engine::Library& lib = library(st);
    b.problems = engine::validate(b.draft, lib);
}

void drawProgramBuilder(UiState& st) {
    BuilderUi& b = st.therapist.builder;
    drawToolbar(st);
    ImGui::Separator();
    if (!b.open) {
        drawStartPage(st);
        return;
    }
    // The draft in three pages, so each fits a 720p screen; the checks and Save stay on the right.
    auto page = [&](const char* label, BuilderUi::Page which) {
        bool on = b.page == which;
        ImGui::PushStyleColor(ImGuiCol_Button, on ? IM_COL32(38, 140, 130, 255) : IM_COL32(52, 60, 78, 255));
        if (button(label)) b.page = which;
        ImGui::PopStyleColor();
    };
    page("1. Program", BuilderUi::Page::Program);
    ImGui::SameLine();
    page("2. Sessions", BuilderUi::Page::Sessions);
    ImGui::SameLine();
    page("3. Week and progression", BuilderUi::Page::Week);
    ImGui::SameLine(0, 30 * st.dpiScale);
    ImGui::TextDisabled("Draft: %s", b.origin.c_str());
    float W = ImGui::GetContentRegionAvail().x;
    float gap = 20 * st.dpiScale;
    ImGui::BeginChild("draft", ImVec2(W * 0.70f, 0), false, ImGuiWindowFlags_NavFlattened);
    switch (b.page) {
    case BuilderUi::Page::Program: drawProgramFields(st); break;
    case BuilderUi::Page::Sessions: drawSessions(st); break;
    case BuilderUi::Page::Week:
        drawWeek(st);
        drawProgression(st);
        break;
    }
    ImGui::EndChild();
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("side", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
    drawChecks(st);
    if (b.page == BuilderUi::Page::Sessions) drawLibrary(st);
    ImGui::EndChild();
}

}  // namespace ptcoach::ui
