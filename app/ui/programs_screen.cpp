// The Programs screen: the programs for each recovery phase with their week, and the exercise
// library with each exercise's demonstration, steps, cautions and dose. Starting a program or
// practising one exercise records an action; updateSession applies it.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "demo_figure.h"
#include "patient_import.h"
#include "ptcoach/engine/program.h"
#include "ptcoach/storage/account_store.h"
#include "session_ui.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

namespace {

using analysis::ExerciseDefinition;
using analysis::ExerciseKind;

std::string doseText(const ExerciseDefinition& ex, const analysis::Dose& d) {
    std::string t = std::to_string(d.sets) + " x ";
    switch (ex.kind) {
        case ExerciseKind::Reps: t += std::to_string(d.reps) + " reps"; break;
        case ExerciseKind::Hold:
        case ExerciseKind::Posture: t += std::to_string(d.holdS) + " s hold"; break;
        case ExerciseKind::Timed:
            t = d.durationS >= 60 ? std::to_string(d.durationS / 60) + " min" : std::to_string(d.durationS) + " s";
            if (d.sets > 1) t = std::to_string(d.sets) + " x " + t;
            break;
    }
    if (ex.sides == analysis::Sides::Each) t += " each side";
    if (ex.sides == analysis::Sides::Alternating) t += " each side, alternating";
    if (d.restS > 0) t += ", rest " + std::to_string(d.restS) + " s";
    return t;
}

std::string phaseText(const engine::ProgramDefinition& p) {
    std::string t = p.phase == "any" ? "any time" : p.phase + " phase";
    if (p.fromDay && p.toDay) t += " (days " + std::to_string(*p.fromDay) + "-" + std::to_string(*p.toDay) + " after onset)";
    else if (p.fromDay) t += " (from day " + std::to_string(*p.fromDay) + ")";
    return t;
}

// A program meant for a later phase than the episode's: asked before it starts.
void drawLaterWarning(UiState& st, const engine::ProgramDefinition& p, const PhaseContext& c) {
    SessionUi& su = st.session;
    std::string text = p.title + " is meant for the " + phaseText(p) + ". You are on " + c.where() +
                       ": too much too soon can set a sore back off again." +
                       (c.recommended ? " " + c.recommended->title + " fits where you are now." : "");
    ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
    recordText(text);
    if (button("Start it anyway")) {
        su.programs.confirmLater.clear();
        su.act(SessionAction::PickProgram, p.id);
    }
    if (c.recommended) {
        ImGui::SameLine();
        if (button(("Start " + c.recommended->title + " instead").c_str())) {
            su.programs.confirmLater.clear();
            su.act(SessionAction::PickProgram, c.recommended->id);
        }
    }
    ImGui::SameLine();
    if (button("Back##later")) su.programs.confirmLater.clear();
}

void drawProgramList(UiState& st) {
    SessionUi& su = st.session;
    ProgramsView& v = su.programs;
    PhaseContext ctx = phaseContext(st);
    auto rows = programChoices(st, ctx);
    if (rows.empty()) return;
    v.selectedProgram = std::clamp(v.selectedProgram, 0, static_cast<int>(rows.size()) - 1);
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float listW = avail.x * 0.32f;
    ImGui::BeginChild("plist", ImVec2(listW, avail.y), true);
    float wrap = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().FramePadding.x * 2;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const auto& r = rows[static_cast<size_t>(i)];
        // The whole title, wrapped (never cut off), and what the program is for.
        ImVec2 ts = ImGui::CalcTextSize(r.program->title.c_str(), nullptr, false, wrap);
        ImVec2 at = ImGui::GetCursorScreenPos();
        std::string id = "##program" + std::to_string(i);
        if (selectable(id.c_str(), v.selectedProgram == i, 0, ImVec2(0, ts.y + 2))) {
            v.selectedProgram = i;
            v.confirmLater.clear();
        }
        recordItem(r.program->title.c_str());
        if (ImGui::IsItemFocused()) v.selectedProgram = i;  // moving with the d-pad shows it
        ImGui::GetWindowDrawList()->AddText(ImGui::GetFont(), ImGui::GetFontSize(), at, IM_COL32(235, 238, 245, 255),
                                            r.program->title.c_str(), nullptr, wrap);
        if (!r.tag.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, r.later ? kAmber : kGreen);
            ImGui::TextWrapped("  %s", r.tag.c_str());
            ImGui::PopStyleColor();
            recordText(r.program->title + ": " + r.tag);
        }
        ImGui::TextDisabled("  %s", phaseText(*r.program).c_str());
    }
    ImGui::EndChild();
    ImGui::SameLine();
    const auto& row = rows[static_cast<size_t>(v.selectedProgram)];
    const engine::ProgramDefinition& p = *row.program;
    ImGui::BeginChild("pdetail", ImVec2(0, avail.y), false);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextWrapped("%s", p.title.c_str());
    ImGui::PopFont();
    recordText(p.title);
    ImGui::TextWrapped("%s", p.summary.c_str());
    ImGui::Text("For the %s  |  %d days a week, %d rest day%s", phaseText(p).c_str(), p.daysPerWeek, p.restDays(),
                p.restDays() == 1 ? "" : "s");
    if (v.confirmLater == p.id) {
        drawLaterWarning(st, p, ctx);
    } else if (button("  Start today's session  ")) {
        if (row.later) v.confirmLater = p.id;
        else su.act(SessionAction::PickProgram, p.id);
    }
    // the week
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float w = (ImGui::GetContentRegionAvail().x - 6 * 8) / 7, h = ImGui::GetTextLineHeight() * 2.6f;
    ImVec2 o = ImGui::GetCursorScreenPos();
    for (int d = 0; d < 7; ++d) {
        ImVec2 a(o.x + d * (w + 8), o.y), b(a.x + w, a.y + h);
        const engine::ProgramSession* s = p.session(p.week[static_cast<size_t>(d)]);
        ImU32 c = !s ? IM_COL32(50, 56, 70, 255) : s->backStrengthening ? IM_COL32(160, 100, 30, 255) : IM_COL32(30, 110, 104, 255);
        dl->AddRectFilled(a, b, c, 8.0f);
        std::string day = std::string(engine::weekdayName(d)).substr(0, 3);
        dl->AddText(ImVec2(a.x + 8, a.y + 4), IM_COL32(255, 255, 255, 255), day.c_str());
        dl->AddText(st.fonts.body, st.fonts.body->FontSize * 0.85f, ImVec2(a.x + 8, a.y + h * 0.5f),
                    IM_COL32(230, 235, 240, 255), s ? s->title.c_str() : "rest", nullptr, w - 12);
    }
    ImGui::Dummy(ImVec2(0, h + 4));
    ImGui::TextDisabled("Orange days strengthen the back; never two in a row.");
    for (const auto& s : p.sessions) {
        ImGui::Spacing();
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextUnformatted(s.title.c_str());
        ImGui::PopFont();
        for (const auto& it : s.items) {
            const ExerciseDefinition* ex = su.library.exercise(it.exerciseId);
            if (!ex) continue;
            ImGui::BulletText("%s  -  %s%s", ex->title.c_str(), doseText(*ex, it.dose).c_str(),
                              ex->cameraTracked() ? "" : "  (timer only)");
            drawPlayGameButton(st, p.id, ex->id);
        }
    }
    ImGui::Spacing();
    ImGui::TextUnformatted("Recent sessions");
    if (su.history.empty()) ImGui::TextDisabled("None yet.");
    recovery::Titles titles = libraryTitles(st);
    for (size_t i = 0; i < su.history.size() && i < 5; ++i) {
        const auto& h2 = su.history[i];
        ImGui::BulletText("%s  %s  %s%s", h2.startedAt.substr(0, 10).c_str(), titles.program(h2.programId).c_str(),
                          h2.stars ? (std::to_string(*h2.stars) + (*h2.stars == 1 ? " star" : " stars")).c_str() : "-",
                          h2.endedAt.empty() ? "  (unfinished)" : "");
    }
    ImGui::EndChild();
}

void drawLibrary(UiState& st) {
    SessionUi& su = st.session;
    const auto& exs = su.library.exercises;
    ProgramsView& v = su.programs;
    if (exs.empty()) return;
    v.selectedExercise = std::clamp(v.selectedExercise, 0, static_cast<int>(exs.size()) - 1);
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float listW = avail.x * 0.26f;
    ImGui::BeginChild("elist", ImVec2(listW, avail.y), true);
    for (int i = 0; i < static_cast<int>(exs.size()); ++i) {
        std::string label = exs[static_cast<size_t>(i)].title;
        if (selectable(label.c_str(), v.selectedExercise == i)) v.selectedExercise = i;
        if (ImGui::IsItemFocused()) v.selectedExercise = i;
    }
    ImGui::EndChild();
    ImGui::SameLine();
    const ExerciseDefinition& ex = exs[static_cast<size_t>(v.selectedExercise)];
    ImGui::BeginChild("edetail", ImVec2(0, avail.y), false);
    float w = ImGui::GetContentRegionAvail().x;
    float demoW = w * 0.45f;
    ImVec2 p = ImGui::GetCursorScreenPos();
    drawCoach(st, ex, ImGui::GetTime(), p.x, p.y, demoW, demoW * 0.8f, std::nullopt, 3);  // 3D (game_ui.h)
    ImGui::SetCursorScreenPos(p);
    ImGui::Dummy(ImVec2(demoW, demoW * 0.8f));
    ImGui::TextDisabled("%s", demoViewLabel(ex));
    ImGui::SetCursorScreenPos(ImVec2(p.x + demoW + 16, p.y));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - demoW - 16);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(ex.title.c_str());
    ImGui::PopFont();
    ImGui::Text("%s  |  %s", std::string(analysis::categoryName(ex.category)).c_str(),
                ex.position ? std::string(analysis::positionLabel(*ex.position)).c_str() : "");
    ImGui::Text("Dose: %s", doseText(ex, ex.dose).c_str());
    if (!ex.timerOnly.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
        ImGui::TextWrapped("Timer only: %s", ex.timerOnly.c_str());
        ImGui::PopStyleColor();
    } else if (ex.kind != ExerciseKind::Timed) {
        ImGui::TextWrapped("The camera %s and checks your form.",
                           ex.kind == ExerciseKind::Reps ? "counts your reps" : ex.kind == ExerciseKind::Hold ? "times your hold"
                                                                                                              : "watches your posture");
    }
    ImGui::Spacing();
    ImGui::TextWrapped("Start: %s", ex.startPosition.c_str());
    for (size_t i = 0; i < ex.steps.size(); ++i) ImGui::TextWrapped("%zu. %s", i + 1, ex.steps[i].c_str());
    for (const auto& c : ex.cautions) {
        ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
        ImGui::TextWrapped("! %s", c.c_str());
        ImGui::PopStyleColor();
    }
    if (button("  Practise this exercise  ")) su.act(SessionAction::PickProgram, "exercise:" + ex.id);
    drawPlayGameButton(st, "", ex.id);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::EndChild();
}

// The folder's subfolders and .json files, sorted, folders first.
void openFolder(ImportPanel& ip, const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    ip.dir = dir.lexically_normal().string();
    ip.entries.clear();
    ip.listError.clear();
    std::error_code ec;
    std::vector<std::string> dirs, files;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::error_code e2;
        if (it->is_directory(e2)) dirs.push_back(name + "/");
        else if (it->path().extension() == ".json") files.push_back(name);
    }
    if (ec) ip.listError = "Cannot read the folder " + ip.dir + ": " + ec.message();
    std::sort(dirs.begin(), dirs.end());
    std::sort(files.begin(), files.end());
    ip.entries = std::move(dirs);
    ip.entries.insert(ip.entries.end(), files.begin(), files.end());
}

// The file picker and, once a file is picked, what it holds and whose it is.
void drawImportPanel(UiState& st) {
    SessionUi& su = st.session;
    ImportPanel& ip = su.programs.import;
    float k = st.dpiScale;
    ImGui::Spacing();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("A file from your therapist");
    ImGui::PopFont();
    ImGui::TextWrapped("Pick the assignment or program file your therapist gave you (a .json file), or type its path.");
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 200 * k);
    ImGui::InputTextWithHint("##importpath", "/path/to/file.json", ip.path.data(), ip.path.size());
    recordItem("File from your therapist");
    ImGui::SameLine();
    bool look = button("Look at this file");
    float listH = std::max(120.0f, ImGui::GetContentRegionAvail().y * 0.5f);
    ImGui::TextDisabled("%s", ip.dir.c_str());
    ImGui::BeginChild("files", ImVec2(0, listH), true);
    if (!ip.listError.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRed), "%s", ip.listError.c_str());
    std::optional<std::filesystem::path> go;
    if (selectable(".. (the folder above)")) go = std::filesystem::path(ip.dir).parent_path();
    for (const auto& e : ip.entries) {
        bool folder = !e.empty() && e.back() == '/';
        if (selectable(e.c_str(), ip.previewFor && *ip.previewFor == (std::filesystem::path(ip.dir) / e).string())) {
            if (folder) {
                go = std::filesystem::path(ip.dir) / e.substr(0, e.size() - 1);
            } else {
                std::snprintf(ip.path.data(), ip.path.size(), "%s", (std::filesystem::path(ip.dir) / e).string().c_str());
                look = true;
            }
        }
    }
    if (ip.entries.empty() && ip.listError.empty()) ImGui::TextDisabled("No folders or .json files here.");
    ImGui::EndChild();
    if (go) openFolder(ip, *go);
    if (look) {
        std::string file = ip.path.data();
        auto pv = previewImport(file, su.library.exercises);
        ip.previewFor = file;
        ip.previewOk = static_cast<bool>(pv);
        ip.preview = pv ? describeImport(*pv) : pv.error().message;
        ip.forName = pv && pv->assignment ? pv->patientName : "";
    }
    if (!ip.previewFor) return;
    ImGui::PushStyleColor(ImGuiCol_Text, ip.previewOk ? IM_COL32(230, 235, 240, 255) : kRed);
    ImGui::TextWrapped("%s", ip.preview.c_str());
    ImGui::PopStyleColor();
    recordText(ip.preview);
    if (!ip.previewOk) return;
    std::string me = st.auth.user ? st.auth.user->name : std::string();
    bool someoneElse = !ip.forName.empty() && ip.forName != me;
    if (someoneElse) {
        std::string warn = "This file was made for " + ip.forName + ", and you are signed in as \"" + me + "\"." +
                           (me == "Me" ? "" : " Take it in only if it really is yours.");
        ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
        ImGui::TextWrapped("%s", warn.c_str());
        ImGui::PopStyleColor();
        recordText(warn);
    }
    auto takeIn = [&](bool rename) {
        std::string file = *ip.previewFor, name = ip.forName;
        auto r = importForPatient(*st.db, *currentPatient(st), file, su.library.exercises);
        su.programs.importOk = static_cast<bool>(r);
        su.programs.importMessage = r ? *r : r.error().message;
        if (!r) return;
        if (rename && st.auth.user) {
            storage::AccountStore acc(*st.db);
            if (Status e = acc.rename(st.auth.user->id, name); e) st.auth.user->name = name;
        }
        // The session and this list pick the new assignment up from the database.
        su.programId.clear();
        su.defaultsApplied = false;
        su.session.reset();
        su.planError.clear();
        su.restDay = false;
        if (auto id = addAssignedProgram(st); id && !id->empty()) su.programs.selectedProgram = 0;  // listed first
        ip = ImportPanel{};
    };
    if (button(someoneElse ? "Take it in anyway" : "Take in this program")) takeIn(false);
    if (someoneElse && me == "Me") {
        ImGui::SameLine();
        if (button(("Take it in, and call me " + ip.forName).c_str())) takeIn(true);
    }
    ImGui::SameLine();
    if (button("Cancel##import")) ip = ImportPanel{};
}

}  // namespace

void drawPrograms(UiState& st) {
    SessionUi& su = st.session;
    screenHeader(st, "Programs");
    if (!su.libraryError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("The exercise library could not be loaded: %s", su.libraryError.c_str());
        ImGui::PopStyleColor();
        return;
    }
    if (button(su.programs.showLibrary ? "Programs" : "Exercise library")) su.programs.showLibrary = !su.programs.showLibrary;
    ImGui::SameLine();
    ImGui::TextDisabled("%zu programs, %zu exercises", su.library.programs.size(), su.library.exercises.size());
    // A patient at home takes in the file their therapist gave them (not on a shared kiosk, whose
    // programs come from the clinic's database).
    bool canImport = currentPatient(st) && !st.options.kiosk && st.db;
    if (canImport) {
        ImGui::SameLine(0, 30 * st.dpiScale);
        if (button(su.programs.import.open ? "Close the file picker" : "Take in a file from your therapist")) {
            ImportPanel& ip = su.programs.import;
            ip.open = !ip.open;
            if (ip.open && ip.dir.empty()) {
                const char* home = std::getenv("HOME");
                std::filesystem::path d = home ? std::filesystem::path(home) : std::filesystem::current_path();
                std::error_code ec;
                if (std::filesystem::is_directory(d / "Downloads", ec)) d /= "Downloads";
                openFolder(ip, d);
            }
        }
    }
    if (!su.programs.importMessage.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, su.programs.importOk ? kGreen : kRed);
        ImGui::TextWrapped("%s", su.programs.importMessage.c_str());
        ImGui::PopStyleColor();
        recordText(su.programs.importMessage);
    }
    if (canImport && su.programs.import.open) {
        drawImportPanel(st);
        return;
    }
    if (su.programs.showLibrary) drawLibrary(st);
    else drawProgramList(st);
}

}  // namespace ptcoach::ui
