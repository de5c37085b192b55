#include "ptcoach/engine/program_builder.h"

#include <algorithm>
#include <set>

#include "ptcoach/engine/exchange.h"
#include "ptcoach/core/ids.h"

namespace ptcoach::engine {

namespace {
using analysis::ExerciseDefinition;
using analysis::ExerciseKind;
using nlohmann::json;

bool hasReps(ExerciseKind k) { return k == ExerciseKind::Reps; }
bool hasHold(ExerciseKind k) { return k == ExerciseKind::Hold || k == ExerciseKind::Posture; }
bool hasDuration(ExerciseKind k) { return k == ExerciseKind::Timed; }

bool validId(const std::string& id) { return ptcoach::isValidId(id); }

bool blank(const std::string& s) { return s.find_first_not_of(" \t\n") == std::string::npos; }

std::string range(int lo, int hi) { return std::to_string(lo) + "-" + std::to_string(hi); }

class Problems {
public:
    void add(DraftProblem p, const std::string& what) {
        // "reps must be 1-100", "notes are too long"; otherwise "field: what".
        bool verb = false;
        for (const char* v : {"must ", "is ", "are ", "has ", "names ", "changes ", "brings "})
            verb = verb || what.rfind(v, 0) == 0;
        p.message = p.field + (verb ? " " : ": ") + what;
        m_list.push_back(std::move(p));
    }
    void top(const std::string& field, const std::string& what) { add({field, {}}, what); }
    std::vector<DraftProblem> take() { return std::move(m_list); }
    bool empty() const { return m_list.empty(); }

private:
    std::vector<DraftProblem> m_list;
};

std::string itemLabel(size_t s, size_t i, const std::string& exerciseId) {
    return "session " + std::to_string(s + 1) + ", item " + std::to_string(i + 1) +
           (exerciseId.empty() ? "" : " (" + exerciseId + ")");
}

std::string sessionLabel(const ProgramDraft& d, size_t s) {
    const std::string& t = d.sessions[s].title;
    return "session " + std::to_string(s + 1) + (blank(t) ? "" : " (" + t + ")");
}

}  // namespace

std::string makeId(const std::string& title) {
    std::string out;
    for (unsigned char ch : title) {
        char c = static_cast<char>(ch);
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (keep)
            out.push_back(c);
        else if (!out.empty() && out.back() != '_')
            out.push_back('_');
    }
    if (out.size() > 48) out.resize(48);
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out.empty() ? "program" : out;
}

std::vector<std::string> draftSessionIds(const ProgramDraft& d) {
    std::vector<std::string> ids;
    std::set<std::string> used;
    for (const auto& s : d.sessions)
        if (!s.id.empty()) used.insert(s.id);
    for (size_t i = 0; i < d.sessions.size(); ++i) {
        const auto& s = d.sessions[i];
        if (!s.id.empty()) {
            ids.push_back(s.id);
            continue;
        }
        std::string base = blank(s.title) ? "session_" + std::to_string(i + 1) : makeId(s.title);
        if (base == "program") base = "session_" + std::to_string(i + 1);
        std::string id = base;
        for (int n = 2; id == kRestDay || used.count(id); ++n) id = base + "_" + std::to_string(n);
        used.insert(id);
        ids.push_back(id);
    }
    return ids;
}

ProgramDraft fromProgram(const ProgramDefinition& p) {
    ProgramDraft d;
    d.id = p.id;
    d.title = p.title;
    d.summary = p.summary;
    d.phase = p.phase;
    d.fromDay = p.fromDay;
    d.toDay = p.toDay;
    d.notes = p.notes;
    d.progression = p.progression;
    for (const auto& s : p.sessions) {
        DraftSession ds;
        ds.id = s.id;
        ds.title = s.title;
        for (const auto& it : s.items) {
            DraftItem di;
            di.exerciseId = it.exerciseId;
            di.sets = it.dose.sets;
            di.reps = it.dose.reps;
            di.holdS = it.dose.holdS;
            di.restS = it.dose.restS;
            di.durationS = it.dose.durationS;
            if (it.sides) di.sides = std::string(analysis::sidesName(*it.sides));
            di.notes = it.notes;
            ds.items.push_back(di);
        }
        d.sessions.push_back(ds);
    }
    for (size_t w = 0; w < 7; ++w) {
        d.week[w] = kRestSlot;
        for (size_t s = 0; s < p.sessions.size(); ++s)
            if (p.sessions[s].id == p.week[w]) d.week[w] = static_cast<int>(s);
    }
    return d;
}

DraftItem draftItem(const ExerciseDefinition& ex) {
    DraftItem it;
    it.exerciseId = ex.id;
    it.sets = ex.dose.sets;
    it.restS = ex.dose.restS;
    if (hasReps(ex.kind)) it.reps = ex.dose.reps;
    if (hasHold(ex.kind)) it.holdS = ex.dose.holdS;
    if (hasDuration(ex.kind)) it.durationS = ex.dose.durationS;
    return it;
}

std::vector<DraftProblem> validate(const ProgramDraft& d, const Library& lib) {
    Problems out;
    const DoseLimits& L = kDoseLimits;
    if (blank(d.title)) out.top("title", "must not be empty");
    if (d.title.size() > 100) out.top("title", "is too long (at most 100 characters)");
    if (!d.id.empty() && !validId(d.id)) out.top("id", "'" + d.id + "' must be lowercase letters, digits and _");
    if (blank(d.summary)) out.top("summary", "must not be empty (one line on what the program is for)");
    const auto& phases = programPhases();
    if (std::find(phases.begin(), phases.end(), d.phase) == phases.end())
        out.top("phase", "'" + d.phase + "' is not one of: acute, subacute, recovery, chronic, any");
    if (d.phase == "any" && (d.fromDay || d.toDay))
        out.top("days from onset", "a program for any phase has no days from onset");
    if (d.toDay && !d.fromDay) out.top("days from onset", "an end day needs a start day");
    if (d.fromDay && (*d.fromDay < 0 || *d.fromDay > 3650)) out.top("days from onset: from", "must be 0-3650");
    if (d.toDay && (*d.toDay < 0 || *d.toDay > 3650)) out.top("days from onset: to", "must be 0-3650");
    if (d.fromDay && d.toDay && *d.toDay <= *d.fromDay) out.top("days from onset: to", "must be after 'from'");
    if (d.notes.size() > kMaxProgramNotes)
        out.top("notes", "are too long (" + std::to_string(d.notes.size()) + " characters, at most " +
                             std::to_string(kMaxProgramNotes) + ")");

    // sessions and their items
    if (d.sessions.empty()) out.top("sessions", "add at least one session");
    std::set<std::string> explicitIds;
    for (size_t s = 0; s < d.sessions.size(); ++s) {
        const DraftSession& ds = d.sessions[s];
        DraftProblem sp{sessionLabel(d, s), {}, static_cast<int>(s)};
        auto sessionProblem = [&](const std::string& field, const std::string& what) {
            DraftProblem p = sp;
            p.field = field.empty() ? sp.field : sp.field + ": " + field;
            out.add(p, what);
        };
        if (blank(ds.title)) sessionProblem("title", "must not be empty");
        if (!ds.id.empty()) {
            if (!validId(ds.id)) sessionProblem("id", "'" + ds.id + "' must be lowercase letters, digits and _");
            if (ds.id == kRestDay) sessionProblem("id", "'rest' marks a rest day; pick another id");
            if (!explicitIds.insert(ds.id).second) sessionProblem("id", "'" + ds.id + "' is used by an earlier session");
        }
        if (ds.items.empty()) sessionProblem("", "has no exercises: add at least one");
        for (size_t i = 0; i < ds.items.size(); ++i) {
            const DraftItem& it = ds.items[i];
            DraftProblem ip{itemLabel(s, i, it.exerciseId), {}, static_cast<int>(s), static_cast<int>(i)};
            auto itemProblem = [&](const std::string& field, const std::string& what) {
                DraftProblem p = ip;
                p.field = field.empty() ? ip.field : ip.field + ": " + field;
                out.add(p, what);
            };
            const ExerciseDefinition* ex = lib.exercise(it.exerciseId);
            if (!ex) {
                itemProblem("exercise", it.exerciseId.empty() ? "pick an exercise"
                                                              : "'" + it.exerciseId + "' is not in the exercise library");
                continue;
            }
            std::string kind(analysis::kindName(ex->kind));
            auto inRange = [&](const char* field, int v, int lo, int hi, const char* unit) {
                if (v < lo || v > hi) itemProblem(field, "must be " + range(lo, hi) + unit);
            };
            auto notFor = [&](const char* field, int v, int def, const char* what) {
                if (v != 0 && v != def) itemProblem(field, "a " + kind + " exercise has no " + what + " (leave it 0)");
            };
            inRange("sets", it.sets, L.setsMin, L.setsMax, "");
            inRange("rest_s", it.restS, L.restMin, L.restMax, " seconds");
            if (hasReps(ex->kind)) inRange("reps", it.reps, L.repsMin, L.repsMax, "");
            else notFor("reps", it.reps, ex->dose.reps, "reps");
            if (hasHold(ex->kind)) {
                if (!(ex->kind == ExerciseKind::Posture && it.holdS == 0 && ex->dose.holdS == 0))
                    inRange("hold_s", it.holdS, L.holdMin, L.holdMax, " seconds");
            } else {
                notFor("hold_s", it.holdS, ex->dose.holdS, "hold time");
            }
            if (hasDuration(ex->kind)) inRange("duration_s", it.durationS, L.durationMin, L.durationMax, " seconds");
            else notFor("duration_s", it.durationS, ex->dose.durationS, "duration");
            if (!it.sides.empty()) {
                auto allowed = allowedSides(*ex);
                bool ok = false;
                std::string names;
                for (auto a : allowed) {
                    ok = ok || it.sides == analysis::sidesName(a);
                    names += (names.empty() ? "" : ", ") + std::string(analysis::sidesName(a));
                }
                if (!ok) itemProblem("sides", "'" + it.sides + "' is not a choice for this exercise (" + names + ")");
            }
            if (it.notes.size() > kMaxItemNotes)
                itemProblem("notes", "are too long (" + std::to_string(it.notes.size()) + " characters, at most " +
                                         std::to_string(kMaxItemNotes) + ")");
        }
    }

    // the week
    int training = 0;
    for (int w = 0; w < 7; ++w) {
        int v = d.week[static_cast<size_t>(w)];
        if (v == kRestSlot) continue;
        ++training;
        if (v < 0 || v >= static_cast<int>(d.sessions.size())) {
            DraftProblem p{std::string("week: ") + weekdayName(w), {}};
            p.weekday = w;
            out.add(p, "names a session that does not exist; pick a session or rest");
        }
    }
    if (training == 0) out.top("week", "has no training day: put a session on at least one day");
    auto strengthens = [&](int si, std::string* which) {
        if (si < 0 || si >= static_cast<int>(d.sessions.size())) return false;
        bool any = false;
        for (const auto& it : d.sessions[static_cast<size_t>(si)].items) {
            const ExerciseDefinition* ex = lib.exercise(it.exerciseId);
            if (ex && ex->backStrengthening) {
                any = true;
                if (which && which->find(ex->id) == std::string::npos) *which += (which->empty() ? "" : ", ") + ex->id;
            }
        }
        return any;
    };
    for (int w = 0; w < 7; ++w) {
        int prev = (w + 6) % 7;
        int a = d.week[static_cast<size_t>(prev)], b = d.week[static_cast<size_t>(w)];
        std::string which;
        if (strengthens(a, nullptr) && strengthens(b, &which)) {
            DraftProblem p{std::string("week: ") + weekdayName(w), {}};
            p.weekday = w;
            out.add(p, sessionLabel(d, static_cast<size_t>(b)) + " follows " + sessionLabel(d, static_cast<size_t>(a)) +
                           " on " + weekdayName(prev) + ": both strengthen the back (" + which +
                           "); no back strengthening two days in a row, put a rest or mobility day between");
        }
    }

    // progression
    ProgressionStep total{0, 0, 0, 0, 0};
    for (size_t r = 0; r < d.progression.size(); ++r) {
        const ProgressionStep& st = d.progression[r];
        std::string label = "progression row " + std::to_string(r + 1) + " (week " + std::to_string(st.week) + ")";
        auto rowProblem = [&](const std::string& field, const std::string& what) {
            DraftProblem p{field.empty() ? label : label + ": " + field, {}};
            p.progressionRow = static_cast<int>(r);
            out.add(p, what);
        };
        if (st.week < 2 || st.week > kMaxProgressionWeek)
            rowProblem("week", "must be " + range(2, kMaxProgressionWeek) + " (week 1 is the program's own dose)");
        if (r > 0 && st.week <= d.progression[r - 1].week)
            rowProblem("week", "must come after week " + std::to_string(d.progression[r - 1].week) + " of the row above");
        if (st.sets == 0 && st.reps == 0 && st.holdS == 0 && st.durationS == 0 && st.advance.empty())
            rowProblem("", "changes nothing: set sets, reps, hold_s or duration_s");
        auto inRange = [&](const char* field, int v, int m) {
            if (v < -m || v > m) rowProblem(field, "must be " + range(-m, m));
        };
        inRange("sets", st.sets, L.setsMax);
        inRange("reps", st.reps, L.repsMax);
        inRange("hold_s", st.holdS, L.holdMax);
        inRange("duration_s", st.durationS, L.durationMax);
        total.sets += st.sets, total.reps += st.reps, total.holdS += st.holdS, total.durationS += st.durationS;
        auto neg = [&](const char* field, int v) {
            if (v < 0)
                rowProblem(field, "brings the total change to " + std::to_string(v) +
                                      ": a progression may not go below the program's dose");
        };
        neg("sets", total.sets);
        neg("reps", total.reps);
        neg("hold_s", total.holdS);
        neg("duration_s", total.durationS);
    }

    // The file rules are the judge: anything the checks above missed still shows up.
    if (out.empty()) {
        std::string id = d.id.empty() ? makeId(d.title) : d.id;
        auto parsed = parseProgram(draftToJson(d, lib), id + ".json", lib.exercises);
        if (!parsed) out.top("program", parsed.error().message);
    }
    return out.take();
}

json draftToJson(const ProgramDraft& d, const Library& lib) {
    json doc = json::object();
    doc["format"] = "ptcoach-program";
    doc["version"] = kProgramFormatVersion;
    doc["id"] = d.id.empty() ? makeId(d.title) : d.id;
    doc["title"] = d.title;
    doc["summary"] = d.summary;
    doc["phase"] = d.phase;
    if (d.fromDay) {
        json r = {{"from", *d.fromDay}};
        if (d.toDay) r["to"] = *d.toDay;
        doc["days_from_onset"] = r;
    }
    if (!d.notes.empty()) doc["notes"] = d.notes;
    auto ids = draftSessionIds(d);
    int training = 0;
    doc["week"] = json::array();
    for (int v : d.week) {
        if (v >= 0 && v < static_cast<int>(ids.size())) {
            doc["week"].push_back(ids[static_cast<size_t>(v)]);
            ++training;
        } else {
            doc["week"].push_back(kRestDay);
        }
    }
    doc["days_per_week"] = training;
    doc["sessions"] = json::array();
    for (size_t s = 0; s < d.sessions.size(); ++s) {
        const DraftSession& ds = d.sessions[s];
        json sj = {{"id", ids[s]}, {"title", ds.title}, {"exercises", json::array()}};
        for (const auto& it : ds.items) {
            json ej = {{"exercise", it.exerciseId}};
            const ExerciseDefinition* ex = lib.exercise(it.exerciseId);
            analysis::Dose base = ex ? ex->dose : analysis::Dose{};
            ExerciseKind kind = ex ? ex->kind : ExerciseKind::Reps;
            if (it.sets != base.sets) ej["sets"] = it.sets;
            if (hasReps(kind) && it.reps != base.reps) ej["reps"] = it.reps;
            if (hasHold(kind) && it.holdS != base.holdS) ej["hold_s"] = it.holdS;
            if (hasDuration(kind) && it.durationS != base.durationS) ej["duration_s"] = it.durationS;
            if (it.restS != base.restS) ej["rest_s"] = it.restS;
            if (!it.sides.empty() && !(ex && it.sides == analysis::sidesName(ex->sides))) ej["sides"] = it.sides;
            if (!it.notes.empty()) ej["notes"] = it.notes;
            sj["exercises"].push_back(ej);
        }
        doc["sessions"].push_back(sj);
    }
    if (!d.progression.empty()) doc["progression"] = progressionToJson(d.progression);
    return doc;
}

Expected<ProgramDefinition> build(const ProgramDraft& d, const Library& lib) {
    auto problems = validate(d, lib);
    if (!problems.empty()) {
        std::string msg;
        for (const auto& p : problems) msg += (msg.empty() ? "" : "\n") + p.message;
        return makeError(msg);
    }
    std::string id = d.id.empty() ? makeId(d.title) : d.id;
    return parseProgram(draftToJson(d, lib), id + ".json", lib.exercises);
}

Status saveProgramFile(const ProgramDefinition& program, const std::filesystem::path& file) {
    return writeFileAtomic(file, programText(program));
}

}  // namespace ptcoach::engine
