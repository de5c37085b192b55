#include "ptcoach/engine/program.h"

#include <algorithm>

#include "ptcoach/core/paths.h"
#include "ptcoach/core/json_check.h"
#include "ptcoach/core/ids.h"

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

bool validId(const std::string& id) { return ptcoach::isValidId(id); }

const std::pair<const char*, analysis::Sides> kSideNames[] = {
    {"both", analysis::Sides::Both},   {"either", analysis::Sides::Either},
    {"left", analysis::Sides::Left},   {"right", analysis::Sides::Right},
    {"alternating", analysis::Sides::Alternating}, {"each", analysis::Sides::Each}};

std::optional<analysis::Sides> sidesFromName(const std::string& n) {
    for (const auto& [name, v] : kSideNames)
        if (n == name) return v;
    return std::nullopt;
}

std::string sidesList(const std::vector<analysis::Sides>& sides) {
    std::string out;
    for (auto s : sides) out += (out.empty() ? "" : ", ") + std::string(analysis::sidesName(s));
    return out;
}

// A string with no control characters but newline and tab, at most `max` bytes.
void checkText(JsonCheck& c, const std::string& path, const std::string& text, size_t max) {
    if (text.size() > max)
        c.problem(path, "too long: " + std::to_string(text.size()) + " characters, at most " + std::to_string(max));
    for (unsigned char ch : text)
        if (ch < 0x20 && ch != '\n' && ch != '\t') {
            c.problem(path, "has a control character (only text, newlines and tabs)");
            break;
        }
}

int clampTo(int v, int lo, int hi) { return std::min(hi, std::max(lo, v)); }
}  // namespace

bool sameDose(const analysis::Dose& a, const analysis::Dose& b) {
    return a.sets == b.sets && a.reps == b.reps && a.holdS == b.holdS && a.restS == b.restS &&
           a.durationS == b.durationS;
}

bool ProgramItem::operator==(const ProgramItem& o) const {
    return exerciseId == o.exerciseId && sameDose(dose, o.dose) && sides == o.sides && notes == o.notes &&
           kind == o.kind && sameDose(exerciseDose, o.exerciseDose);
}

bool ProgramDefinition::operator==(const ProgramDefinition& o) const {
    return id == o.id && title == o.title && summary == o.summary && phase == o.phase && fromDay == o.fromDay &&
           toDay == o.toDay && daysPerWeek == o.daysPerWeek && week == o.week && sessions == o.sessions &&
           notes == o.notes && progression == o.progression;
}

std::vector<analysis::Sides> allowedSides(const ExerciseDefinition& exercise) {
    using analysis::Sides;
    switch (exercise.sides) {
        case Sides::Each: return {Sides::Each, Sides::Left, Sides::Right};
        case Sides::Either: return {Sides::Either, Sides::Left, Sides::Right};
        default: return {exercise.sides};
    }
}

analysis::Sides itemSides(const ProgramItem& item, const ExerciseDefinition& exercise) {
    return item.sides.value_or(exercise.sides);
}

const std::vector<std::string>& programPhases() {
    static const std::vector<std::string> p = {"acute", "subacute", "recovery", "chronic", "any"};
    return p;
}

PhaseFit phaseFit(const ProgramDefinition& p, const std::string& phase, int day) {
    if (p.fromDay || p.toDay) {
        if (p.fromDay && day < *p.fromDay) return PhaseFit::Later;
        if (p.toDay && day > *p.toDay) return PhaseFit::Earlier;
        return PhaseFit::Fits;
    }
    if (p.phase.empty() || p.phase == "any") return PhaseFit::AnyTime;
    const auto& phases = programPhases();
    auto mine = std::find(phases.begin(), phases.end(), p.phase), now = std::find(phases.begin(), phases.end(), phase);
    if (now == phases.end() || *now == "any") return PhaseFit::AnyTime;
    if (mine == now) return PhaseFit::Fits;
    return mine > now ? PhaseFit::Later : PhaseFit::Earlier;
}

const ProgramDefinition* recommendedProgram(const std::vector<ProgramDefinition>& programs, const std::string& phase,
                                            int day) {
    for (const auto& p : programs)
        if (phaseFit(p, phase, day) == PhaseFit::Fits) return &p;
    return nullptr;
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
    if (doc.contains("version") && doc["version"].is_number_integer() && doc["version"].get<int64_t>() > kProgramFormatVersion &&
        doc.value("format", json()) == json("ptcoach-program")) {
        // Nothing else is judged: a newer file may well have fields this build does not know.
        return makeError(file + ": $.version: version " + std::to_string(doc["version"].get<int64_t>()) +
                         " is newer than this build reads (" + std::to_string(kProgramFormatVersion) +
                         "); update PT Coach to open it");
    }
    c.onlyKeys(doc, "$", {"format", "version", "id", "title", "summary", "phase", "days_from_onset", "days_per_week",
                          "week", "sessions", "notes", "progression"});
    std::string format = c.str(doc, "$", "format");
    if (format != "ptcoach-program" && doc.contains("format") && doc["format"].is_string())
        c.problem("$.format", "expected \"ptcoach-program\", found \"" + format + "\"" +
                                  (format == "ptcoach-assignment" ? " (an assignment file, not a program)" : ""));
    p.version = c.integer(doc, "$", "version", 1, 1000);
    if (c.ok() && p.version > kProgramFormatVersion)  // (a version above 1000)
        c.problem("$.version", "version " + std::to_string(p.version) + " is newer than this build reads (" +
                                   std::to_string(kProgramFormatVersion) + ")");
    // Version 2 fields in an older file are errors, not silently read.
    auto needsV2 = [&](const json& obj, const std::string& path, const char* key) {
        if (p.version < 2 && obj.is_object() && obj.contains(key))
            c.problem(path + "." + key, "needs format version 2 (the file says version " + std::to_string(p.version) + ")");
    };
    needsV2(doc, "$", "notes");
    needsV2(doc, "$", "progression");
    p.notes = c.str(doc, "$", "notes", false);
    checkText(c, "$.notes", p.notes, kMaxProgramNotes);
    p.id = c.str(doc, "$", "id");
    if (!p.id.empty() && !validId(p.id)) c.problem("$.id", "'" + p.id + "' must be 1-64 lowercase letters, digits and _");
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
                    c.onlyKeys(ej, ep, {"exercise", "sets", "reps", "hold_s", "rest_s", "duration_s", "sides", "notes"});
                    needsV2(ej, ep, "sides");
                    needsV2(ej, ep, "notes");
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
                    const DoseLimits& L = kDoseLimits;
                    item.kind = ex->kind;
                    item.exerciseDose = ex->dose;
                    item.dose = ex->dose;
                    item.dose.sets = c.integer(ej, ep, "sets", L.setsMin, L.setsMax, false, ex->dose.sets);
                    item.dose.restS = c.integer(ej, ep, "rest_s", L.restMin, L.restMax, false, ex->dose.restS);
                    item.notes = c.str(ej, ep, "notes", false);
                    checkText(c, ep + ".notes", item.notes, kMaxItemNotes);
                    if (ej.contains("sides")) {
                        std::string sn = c.str(ej, ep, "sides");
                        auto sv = sidesFromName(sn);
                        auto allowed = allowedSides(*ex);
                        if (!sn.empty() && (!sv || std::find(allowed.begin(), allowed.end(), *sv) == allowed.end()))
                            c.problem(ep + ".sides", "'" + sn + "' is not a side choice for '" + ex->id + "' (" +
                                                         std::string(analysis::sidesName(ex->sides)) + "): " +
                                                         sidesList(allowed));
                        else if (sv)
                            item.sides = sv;
                    }
                    auto only = [&](const char* key, bool allowed, const char* what) {
                        if (ej.contains(key) && !allowed)
                            c.problem(ep + "." + key, "'" + ex->id + "' is a " +
                                                          std::string(analysis::kindName(ex->kind)) +
                                                          " exercise: it has no " + what);
                    };
                    only("reps", ex->kind == ExerciseKind::Reps, "reps");
                    only("hold_s", ex->kind == ExerciseKind::Hold || ex->kind == ExerciseKind::Posture, "hold time");
                    only("duration_s", ex->kind == ExerciseKind::Timed, "duration");
                    item.dose.reps = c.integer(ej, ep, "reps", L.repsMin, L.repsMax, false, ex->dose.reps);
                    item.dose.holdS = c.integer(ej, ep, "hold_s", L.holdMin, L.holdMax, false, ex->dose.holdS);
                    item.dose.durationS =
                        c.integer(ej, ep, "duration_s", L.durationMin, L.durationMax, false, ex->dose.durationS);
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

    // the progression
    if (doc.contains("progression")) {
        const json& pj = doc["progression"];
        if (!pj.is_array()) {
            c.problem("$.progression", "expected an array of {\"week\", \"sets\", \"reps\", \"hold_s\", \"duration_s\"}");
        } else {
            const DoseLimits& L = kDoseLimits;
            ProgressionStep total{0, 0, 0, 0, 0};
            for (size_t i = 0; i < pj.size(); ++i) {
                const json& r = pj[i];
                std::string rp = "$.progression[" + std::to_string(i) + "]";
                if (!r.is_object()) {
                    c.problem(rp, "expected an object {\"week\": 2, \"reps\": 2, ...}");
                    continue;
                }
                c.onlyKeys(r, rp, {"week", "sets", "reps", "hold_s", "duration_s", "advance"});
                ProgressionStep st;
                st.week = c.integer(r, rp, "week", 2, kMaxProgressionWeek);
                st.sets = c.integer(r, rp, "sets", -L.setsMax, L.setsMax, false, 0);
                st.reps = c.integer(r, rp, "reps", -L.repsMax, L.repsMax, false, 0);
                st.holdS = c.integer(r, rp, "hold_s", -L.holdMax, L.holdMax, false, 0);
                st.durationS = c.integer(r, rp, "duration_s", -L.durationMax, L.durationMax, false, 0);
                if (!p.progression.empty() && st.week <= p.progression.back().week)
                    c.problem(rp + ".week", "week " + std::to_string(st.week) + " must come after week " +
                                                std::to_string(p.progression.back().week));
                if (r.contains("advance")) {
                    const json& aj = r["advance"];
                    if (!aj.is_object() || aj.empty()) {
                        c.problem(rp + ".advance", "expected {\"EXERCISE\": \"HARDER_EXERCISE\", ...}");
                    } else {
                        for (auto it = aj.begin(); it != aj.end(); ++it) {
                            std::string ap = rp + ".advance." + it.key();
                            auto find = [&](const std::string& id) -> const ExerciseDefinition* {
                                for (const auto& e : exercises)
                                    if (e.id == id) return &e;
                                return nullptr;
                            };
                            const ExerciseDefinition* from = find(it.key());
                            if (!from) c.problem(ap, "unknown exercise '" + it.key() + "'");
                            if (!it.value().is_string()) {
                                c.problem(ap, "expected the id of the exercise to move on to");
                                continue;
                            }
                            std::string toId = it.value().get<std::string>();
                            const ExerciseDefinition* to = find(toId);
                            if (!to) c.problem(ap, "unknown exercise '" + toId + "'");
                            else if (toId == it.key()) c.problem(ap, "moves on to itself");
                            else if (from && from->kind != to->kind)
                                c.problem(ap, "'" + toId + "' is a " + std::string(analysis::kindName(to->kind)) + " exercise, '" +
                                                  it.key() + "' a " + std::string(analysis::kindName(from->kind)) +
                                                  " one: the dose would not carry over");
                            if (from && to && from->kind == to->kind && toId != it.key())
                                st.advance.push_back({it.key(), toId, to->dose, to->kind});
                        }
                    }
                }
                if (st.sets == 0 && st.reps == 0 && st.holdS == 0 && st.durationS == 0 && !r.contains("advance"))
                    c.problem(rp, "changes nothing: give at least one of sets, reps, hold_s, duration_s, advance");
                total.sets += st.sets, total.reps += st.reps, total.holdS += st.holdS, total.durationS += st.durationS;
                auto neg = [&](int v, const char* key) {
                    if (v < 0)
                        c.problem(rp + "." + key, "brings the total change by week " + std::to_string(st.week) +
                                                      " to " + std::to_string(v) +
                                                      ": a progression may not go below the program's dose");
                };
                neg(total.sets, "sets");
                neg(total.reps, "reps");
                neg(total.holdS, "hold_s");
                neg(total.durationS, "duration_s");
                p.progression.push_back(st);
            }
        }
    }
    if (!c.ok()) return makeError(c.message());
    return p;
}

analysis::Dose doseForWeek(const ProgramItem& item, const std::vector<ProgressionStep>& progression, int week) {
    return doseForWeekAfter(item, progression, week, 1);
}

analysis::Dose doseForWeekAfter(const ProgramItem& item, const std::vector<ProgressionStep>& progression, int week,
                                int afterWeek) {
    analysis::Dose d = item.dose;
    int sets = 0, reps = 0, hold = 0, dur = 0;
    for (const auto& st : progression)
        if (st.week <= week && st.week > afterWeek) sets += st.sets, reps += st.reps, hold += st.holdS, dur += st.durationS;
    if (sets == 0 && reps == 0 && hold == 0 && dur == 0) return d;
    const DoseLimits& L = kDoseLimits;
    using analysis::ExerciseKind;
    d.sets = clampTo(d.sets + sets, L.setsMin, L.setsMax);
    switch (item.kind) {
        case ExerciseKind::Reps: d.reps = clampTo(d.reps + reps, L.repsMin, L.repsMax); break;
        case ExerciseKind::Hold:
        case ExerciseKind::Posture:
            if (d.holdS > 0) d.holdS = clampTo(d.holdS + hold, L.holdMin, L.holdMax);
            break;
        case ExerciseKind::Timed: d.durationS = clampTo(d.durationS + dur, L.durationMin, L.durationMax); break;
    }
    return d;
}

ProgramDefinition programForWeek(const ProgramDefinition& program, int week) {
    ProgramDefinition out = program;
    for (auto& s : out.sessions)
        for (auto& it : s.items) {
            // Moved on to a harder exercise (rows in week order; an advance may follow another).
            int advancedIn = 1;
            for (const auto& st : program.progression) {
                if (st.week > week) break;
                for (const auto& a : st.advance)
                    if (a.from == it.exerciseId) {
                        it.exerciseId = a.to;
                        it.kind = a.kind;
                        it.dose = it.exerciseDose = a.dose;
                        advancedIn = st.week;
                    }
            }
            it.dose = doseForWeekAfter(it, program.progression, week, advancedIn);
        }
    out.progression.clear();
    return out;
}

int programWeek(int64_t startDay, int64_t today) {
    if (today < startDay) return 0;
    return static_cast<int>((today - startDay) / 7) + 1;
}

namespace {
template <typename J>
J progressionRows(const std::vector<ProgressionStep>& progression) {
    J rows = J::array();
    for (const auto& st : progression) {
        J r = {{"week", st.week}};
        if (st.sets) r["sets"] = st.sets;
        if (st.reps) r["reps"] = st.reps;
        if (st.holdS) r["hold_s"] = st.holdS;
        if (st.durationS) r["duration_s"] = st.durationS;
        if (!st.advance.empty()) {
            J a = J::object();
            for (const auto& x : st.advance) a[x.from] = x.to;
            r["advance"] = a;
        }
        rows.push_back(r);
    }
    return rows;
}

template <typename J>
J toJson(const ProgramDefinition& p) {
    J doc = J::object();
    doc["format"] = "ptcoach-program";
    doc["version"] = kProgramFormatVersion;
    doc["id"] = p.id;
    doc["title"] = p.title;
    doc["summary"] = p.summary;
    doc["phase"] = p.phase;
    if (p.fromDay) {
        J d = {{"from", *p.fromDay}};
        if (p.toDay) d["to"] = *p.toDay;
        doc["days_from_onset"] = d;
    }
    if (!p.notes.empty()) doc["notes"] = p.notes;
    doc["days_per_week"] = p.daysPerWeek;
    doc["week"] = J::array();
    for (const auto& w : p.week) doc["week"].push_back(w);
    doc["sessions"] = J::array();
    for (const auto& s : p.sessions) {
        J sj = {{"id", s.id}, {"title", s.title}, {"exercises", J::array()}};
        for (const auto& it : s.items) {
            J ej = J::object();
            ej["exercise"] = it.exerciseId;
            const analysis::Dose& d = it.dose;
            const analysis::Dose& base = it.exerciseDose;
            if (d.sets != base.sets) ej["sets"] = d.sets;
            if (d.reps != base.reps) ej["reps"] = d.reps;
            if (d.holdS != base.holdS) ej["hold_s"] = d.holdS;
            if (d.durationS != base.durationS) ej["duration_s"] = d.durationS;
            if (d.restS != base.restS) ej["rest_s"] = d.restS;
            if (it.sides) ej["sides"] = std::string(analysis::sidesName(*it.sides));
            if (!it.notes.empty()) ej["notes"] = it.notes;
            sj["exercises"].push_back(ej);
        }
        doc["sessions"].push_back(sj);
    }
    if (!p.progression.empty()) doc["progression"] = progressionRows<J>(p.progression);
    return doc;
}
}  // namespace

json progressionToJson(const std::vector<ProgressionStep>& progression) { return progressionRows<json>(progression); }
json programToJson(const ProgramDefinition& p) { return toJson<json>(p); }
nlohmann::ordered_json programToOrderedJson(const ProgramDefinition& p) { return toJson<nlohmann::ordered_json>(p); }
std::string programText(const ProgramDefinition& program) { return programToOrderedJson(program).dump(2) + "\n"; }

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
