// The Programs screen: the programs for each recovery phase with their week, and the exercise
// library with each exercise's demonstration, steps, cautions and dose. Starting a program or
// practising one exercise records an action; updateSession applies it.
#include <algorithm>
#include <string>
#include <vector>

#include "demo_figure.h"
#include "patient_import.h"
#include "ptcoach/engine/program.h"
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

void drawProgramList(UiState& st) {
    SessionUi& su = st.session;
    const auto& programs = su.library.programs;
    ProgramsView& v = su.programs;
    if (programs.empty()) return;
    v.selectedProgram = std::clamp(v.selectedProgram, 0, static_cast<int>(programs.size()) - 1);
    // in recovery order: acute first, "any" last
    std::vector<int> order(programs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const auto& phases = engine::programPhases();
    auto rank = [&](int i) {
        const auto& p = programs[static_cast<size_t>(i)];
        return std::make_pair(std::find(phases.begin(), phases.end(), p.phase) - phases.begin(), p.fromDay.value_or(0));
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return rank(a) < rank(b); });
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float listW = avail.x * 0.28f;
    ImGui::BeginChild("plist", ImVec2(listW, avail.y), true);
    for (int i : order) {
        const auto& p = programs[static_cast<size_t>(i)];
        if (selectable(p.title.c_str(), v.selectedProgram == i, 0, ImVec2(0, ImGui::GetTextLineHeight() * 1.3f)))
            v.selectedProgram = i;
        if (ImGui::IsItemFocused()) v.selectedProgram = i;  // moving with the d-pad shows it
        ImGui::TextDisabled("  %s", phaseText(p).c_str());
    }
    ImGui::EndChild();
    ImGui::SameLine();
    const engine::ProgramDefinition& p = programs[static_cast<size_t>(v.selectedProgram)];
    ImGui::BeginChild("pdetail", ImVec2(0, avail.y), false);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(p.title.c_str());
    ImGui::PopFont();
    ImGui::TextWrapped("%s", p.summary.c_str());
    ImGui::Text("For the %s  |  %d days a week, %d rest day%s", phaseText(p).c_str(), p.daysPerWeek, p.restDays(),
                p.restDays() == 1 ? "" : "s");
    if (button("  Start today's session  ")) su.act(SessionAction::PickProgram, p.id);
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
        }
    }
    ImGui::Spacing();
    ImGui::TextUnformatted("Recent sessions");
    if (su.history.empty()) ImGui::TextDisabled("None yet.");
    for (size_t i = 0; i < su.history.size() && i < 5; ++i) {
        const auto& h2 = su.history[i];
        ImGui::BulletText("%s  %s  %s", h2.startedAt.substr(0, 16).c_str(), h2.programId.c_str(),
                          h2.stars ? (std::to_string(*h2.stars) + " stars").c_str() : "-");
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
    drawDemoFigure(ImGui::GetWindowDrawList(), ex, ImGui::GetTime(), p, ImVec2(demoW, demoW * 0.8f));
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
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::EndChild();
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
    if (currentPatient(st) && !st.options.kiosk && st.db) {
        ProgramsView& v = su.programs;
        ImGui::SameLine(0, 30 * st.dpiScale);
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 260 * st.dpiScale);
        ImGui::InputTextWithHint("##importpath", "File from your therapist (assignment or program)", v.importPath.data(),
                                 v.importPath.size());
        recordItem("File from your therapist");
        ImGui::SameLine();
        if (button("Take in this program")) {
            auto r = importForPatient(*st.db, *currentPatient(st), v.importPath.data(), su.library.exercises);
            v.importOk = static_cast<bool>(r);
            v.importMessage = r ? *r : r.error().message;
            if (r) {
                // The session picks the new assignment up from the database.
                su.programId.clear();
                su.defaultsApplied = false;
                su.session.reset();
                su.planError.clear();
                su.restDay = false;
            }
        }
        if (!v.importMessage.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, v.importOk ? kGreen : kRed);
            ImGui::TextWrapped("%s", v.importMessage.c_str());
            ImGui::PopStyleColor();
            recordText(v.importMessage);
        }
    }
    if (su.programs.showLibrary) drawLibrary(st);
    else drawProgramList(st);
}

}  // namespace ptcoach::ui
