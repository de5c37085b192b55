#include "ptcoach/engine/program.h"

#include <algorithm>

#include "ptcoach/core/paths.h"
#include "ptcoach/core/json_check.h"

namespace ptcoach::engine {

namespace {
using analysis::ExerciseDefinition;
using analysis::ExerciseKind;
using nlohmann::json;

std::string idList(const std::vector<ExerciseDefinition>& exercises) {
    std::string out;
    for (const auto& e : exercises) out += (out.empty() ? "" : ", ") + e.id;
    return out;
}

bool validId(const std::string& id) {
    return !id.empty() && id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}
}  // namespace

const std::vector<std::string>& programPhases() {
    static const std::vector<std::string> p = {"acute", "subacute", "recovery", "chronic", "any"};
    return p;
}

const char* weekdayName(int day) {
    static const char* names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    return day >= 0 && day < 7 ? names[day] : "?";
}

const ProgramSession* ProgramDefinition::session(const std::string& sid) const {
    for (const auto& s : sessions)
        if (s.id == sid) return &s;
    return nullptr;
}

int ProgramDefinition::restDays() const {
    return static_cast<int>(std::count(week.begin(), week.end(), std::string(kRestDay)));
}

const ExerciseDefinition* Library::exercise(const std::string& id) const {
    for (const auto& e : exercises)
        if (e.id == id) return &e;
    return nullptr;
}

const ProgramDefinition* Library::program(const std::string& id) const {
    for (const auto& p : programs)
        if (p.id == id) return &p;
    return nullptr;
}

Expected<ProgramDefinition> parseProgram(const json& doc, const std::string& file,
                                         const std::vector<ExerciseDefinition>& exercises) {
    JsonCheck c(file);
    ProgramDefinition p;
    p.file = file;
    if (!doc.is_object()) return makeError(file + ": $: expected an object");
    c.onlyKeys(doc, "$", {"format", "version", "id", "title", "summary", "phase", "days_from_onset", "days_per_week",
                          "week", "sessions"});
    if (c.str(doc, "$", "format") != "ptcoach-program" && doc.contains("format") && doc["format"].is_string())
        c.problem("$.format", "expected \"ptcoach-program\"");
    p.version = c.integer(doc, "$", "version", 1, 1000);
    if (c.ok() && p.version > kProgramFormatVersion)
        c.problem("$.version", "version " + std::to_string(p.version) + " is newer than this build reads (" +
                                   std::to_string(kProgramFormatVersion) + ")");
    p.id = c.str(doc, "$", "id");
    if (!p.id.empty() && !validId(p.id)) c.problem("$.id", "'" + p.id + "' must be lowercase letters, digits and _");
    p.title = c.str(doc, "$", "title");
    p.summary = c.str(doc, "$", "summary");
    p.phase = c.str(doc, "$", "phase");
    const auto& phases = programPhases();
    if (!p.phase.empty() && std::find(phases.begin(), phases.end(), p.phase) == phases.end())
        c.problem("$.phase", "'" + p.phase + "' is not one of: acute, subacute, recovery, chronic, any");
    if (doc.contains("days_from_onset")) {
        const json& d = doc["days_from_onset"];
        c.onlyKeys(d, "$.days_from_onset", {"from", "to"});
        p.fromDay = c.integer(d, "$.days_from_onset", "from", 0, 3650);
        if (d.is_object() && d.contains("to")) p.toDay = c.integer(d, "$.days_from_onset", "to", 0, 3650);
        if (p.fromDay && p.toDay && *p.toDay <= *p.fromDay)
            c.problem("$.days_from_onset.to", "must be after 'from'");
        if (p.phase == "any") c.problem("$.days_from_onset", "a program for any phase has no days from onset");
    }
    p.daysPerWeek = c.integer(doc, "$", "days_per_week", 1, 7);

    // sessions
    if (!doc.contains("sessions") || !doc["sessions"].is_array() || doc["sessions"].empty()) {
        c.problem("$.sessions", "expected an array of at least one session {\"id\", \"title\", \"exercises\"}");
    } else {
        for (size_t i = 0; i < doc["sessions"].size(); ++i) {
            const json& sj = doc["sessions"][i];
            std::string sp = "$.sessions[" + std::to_string(i) + "]";
            if (!sj.is_object()) {
                c.problem(sp, "expected an object");
                continue;
            }
            c.onlyKeys(sj, sp, {"id", "title", "exercises"});
            ProgramSession s;
            s.id = c.str(sj, sp, "id");
            if (!s.id.empty() && !validId(s.id)) c.problem(sp + ".id", "'" + s.id + "' must be lowercase letters, digits and _");
            if (s.id == kRestDay) c.problem(sp + ".id", "'rest' marks a rest day in the week; pick another id");
            if (p.session(s.id)) c.problem(sp + ".id", "'" + s.id + "' is used by an earlier session");
            s.title = c.str(sj, sp, "title");
            if (!sj.contains("exercises") || !sj["exercises"].is_array() || sj["exercises"].empty()) {
                c.problem(sp + ".exercises", "expected an array of at least one {\"exercise\": id, ...}");
            } else {
                for (size_t k = 0; k < sj["exercises"].size(); ++k) {
                    const json& ej = sj["exercises"][k];
                    std::string ep = sp + ".exercises[" + std::to_string(k) + "]";
                    if (!ej.is_object()) {
                        c.problem(ep, "expected an object {\"exercise\": id, ...}");
                        continue;
                    }
                    c.onlyKeys(ej, ep, {"exercise", "sets", "reps", "hold_s", "rest_s", "duration_s"});
                    ProgramItem item;
                    item.exerciseId = c.str(ej, ep, "exercise");
                    const ExerciseDefinition* ex = nullptr;
                    for (const auto& e : exercises)
                        if (e.id == item.exerciseId) ex = &e;
                    if (!ex) {
                        if (!item.exerciseId.empty())
                            c.problem(ep + ".exercise", "unknown exercise '" + item.exerciseId + "' (known: " +
                                                            idList(exercises) + ")");
                        continue;
                    }
                    item.dose = ex->dose;
                    item.dose.sets = c.integer(ej, ep, "sets", 1, 20, false, ex->dose.sets);
                    item.dose.restS = c.integer(ej, ep, "rest_s", 0, 600, false, ex->dose.restS);
                    auto only = [&](const char* key, bool allowed, const char* what) {
                        if (ej.contains(key) && !allowed)
                            c.problem(ep + "." + key, "'" + ex->id + "' is a " +
                                                          std::string(analysis::kindName(ex->kind)) +
                                                          " exercise: it has no " + what);
                    };
                    only("reps", ex->kind == ExerciseKind::Reps, "reps");
                    only("hold_s", ex->kind == ExerciseKind::Hold || ex->kind == ExerciseKind::Posture, "hold time");
                    only("duration_s", ex->kind == ExerciseKind::Timed, "duration");
                    item.dose.reps = c.integer(ej, ep, "reps", 1, 100, false, ex->dose.reps);
                    item.dose.holdS = c.integer(ej, ep, "hold_s", 1, 600, false, ex->dose.holdS);
                    item.dose.durationS = c.integer(ej, ep, "duration_s", 10, 3600, false, ex->dose.durationS);
                    s.backStrengthening = s.backStrengthening || ex->backStrengthening;
                    s.items.push_back(item);
                }
            }
            p.sessions.push_back(s);
        }
    }

    // the week
    if (!doc.contains("week") || !doc["week"].is_array() || doc["week"].size() != 7) {
        c.problem("$.week", "expected 7 entries, Monday first: a session id or \"rest\"");
    } else {
        int training = 0;
        for (size_t d = 0; d < 7; ++d) {
            const json& w = doc["week"][d];
            std::string wp = "$.week[" + std::to_string(d) + "]";
            if (!w.is_string()) {
                c.problem(wp, "expected a session id or \"rest\"");
                continue;
            }
            p.week[d] = w.get<std::string>();
            if (p.week[d] == kRestDay) continue;
            ++training;
            if (!p.session(p.week[d])) {
                std::string known;
                for (const auto& s : p.sessions) known += s.id + ", ";
                c.problem(wp, "'" + p.week[d] + "' is not a session of this program (" + known + "or rest)");
            }
        }
        if (c.ok() && training != p.daysPerWeek)
            c.problem("$.days_per_week", std::to_string(p.daysPerWeek) + " does not match the week, which has " +
                                             std::to_string(training) + " training days");
        // No back strengthening two days in a row, Sunday to Monday included.
        if (c.ok())
            for (int d = 0; d < 7; ++d) {
                int prev = (d + 6) % 7;
                const ProgramSession* a = p.session(p.week[static_cast<size_t>(prev)]);
                const ProgramSession* b = p.session(p.week[static_cast<size_t>(d)]);
                if (a && b && a->backStrengthening && b->backStrengthening) {
                    std::string which;
                    for (const auto& it : b->items)
                        for (const auto& e : exercises)
                            if (e.id == it.exerciseId && e.backStrengthening)
                                which += (which.empty() ? "" : ", ") + e.id;
                    c.problem("$.week[" + std::to_string(d) + "]",
                              "'" + b->id + "' on " + weekdayName(d) + " follows '" + a->id + "' on " +
                                  weekdayName(prev) + ": both strengthen the back (" + which +
                                  "); no back strengthening two days in a row, put a rest or mobility day between");
                }
            }
    }
    if (!c.ok()) return makeError(c.message());
    return p;
}

Expected<ProgramDefinition> loadProgram(const std::filesystem::path& file, const std::vector<ExerciseDefinition>& exercises) {
    auto doc = readJsonFile(file);
    if (!doc) return doc.error();
    auto p = parseProgram(*doc, file.string(), exercises);
    if (p && file.stem().string() != p->id)
        return makeError(file.string() + ": $.id: '" + p->id + "' does not match the file name '" + file.stem().string() + "'");
    return p;
}

Expected<std::vector<ProgramDefinition>> loadAllPrograms(const std::vector<ExerciseDefinition>& exercises,
                                                         std::filesystem::path dir) {
    if (dir.empty()) dir = programsDir();
    auto pDir = dir / "programs";
    std::error_code ec;
    if (!std::filesystem::is_directory(pDir, ec)) return makeError(pDir.string() + ": no programs directory");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(pDir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<ProgramDefinition> out;
    for (const auto& f : files) {
        auto p = loadProgram(f, exercises);
        if (!p) return p.error();
        out.push_back(std::move(*p));
    }
    return out;
}

Expected<Library> loadLibrary(std::filesystem::path dir) {
    Library lib;
    auto ex = analysis::loadAllExercises(dir);
    if (!ex) return ex.error();
    lib.exercises = std::move(*ex);
    auto pr = loadAllPrograms(lib.exercises, dir);
    if (!pr) return pr.error();
    lib.programs = std::move(*pr);
    return lib;
}

}  // namespace ptcoach::engine
