#include "ptcoach/storage/recovery_store.h"

#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "ptcoach/storage/account_store.h"
#include "sql_util.h"

namespace ptcoach::storage {

namespace {

using Step = Statement::Step;

using detail::insertOne;
using detail::prepareFailed;
using detail::selectAll;
using detail::stepReturningId;

std::string answersJson(const std::map<std::string, bool>& a) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : a) j[k] = v;
    return j.dump();
}

// The answers as saved by answersJson (and by saveRedFlagScreen); an error for anything else.
Expected<std::map<std::string, bool>> parseAnswers(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return makeError("the answers are not a JSON object");
    std::map<std::string, bool> out;
    for (const auto& [k, v] : j.items()) {
        if (v.is_boolean()) out[k] = v.get<bool>();
        else if (v.is_number_integer()) out[k] = v.get<long long>() != 0;
        else return makeError("the answer to '" + k + "' is not true or false");
    }
    return out;
}

bool validAshworth(const std::string& s) {
    return s == "0" || s == "1" || s == "1+" || s == "2" || s == "3" || s == "4";
}

constexpr const char* kEpisodeCols =
    "id, profile_id, onset_at, location, trigger, pain, spasm_severity, strain_grade, ice_hours, ended_at";

Episode readEpisode(const Statement& s) {
    Episode e;
    e.id = s.i64(0);
    e.profileId = s.i64(1);
    e.onsetAt = s.time(2);
    e.location = s.text(3);
    e.trigger = s.text(4);
    e.pain = s.i32(5);
    e.spasmSeverity = s.optText(6);
    e.strainGrade = s.optInt(7);
    e.iceHours = s.i32(8);
    e.endedAt = s.optTime(9);
    return e;
}

ThermalApplication readThermal(const Statement& s) {
    ThermalApplication a;
    a.id = s.i64(0);
    a.profileId = s.i64(1);
    a.episodeId = s.optI64(2);
    a.kind = s.text(3);
    a.startedAt = s.time(4);
    a.plannedS = s.i32(5);
    a.endedAt = s.optTime(6);
    return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Profiles

Expected<Id> RecoveryStore::addProfile(const std::string& name, const std::string& role) {
    if (name.empty()) return makeError("a profile needs a name");
    if (role != "patient" && role != "therapist") return makeError("profile role '" + role + "' is not patient or therapist");
    return insertOne(m_db, "INSERT INTO profiles(name, role) VALUES(?, ?)", "save the profile",
                     [&](Statement& s) { s.bind(name).bind(role); });
}

Expected<Id> RecoveryStore::ensureDefaultProfile(const std::string& name) {
    Id id = 0;
    Status s = m_db.transaction([&]() -> Status {
        // Inside the transaction so that two processes starting together agree on one profile.
        Statement get = m_db.prepare("SELECT p.id FROM settings s JOIN profiles p ON p.id = CAST(s.value AS INTEGER) "
                                     "WHERE s.key = 'default_profile_id'");
        if (!get.ok()) return prepareFailed(get, "read the default profile");
        if (get.step() == Step::Row) {
            id = get.i64(0);
            return {};
        }
        // No setting yet: adopt the first patient profile (the one the session screen also
        // uses), else create one.
        Statement first = m_db.prepare("SELECT id FROM profiles WHERE role = 'patient' ORDER BY id LIMIT 1");
        if (!first.ok()) return prepareFailed(first, "read profiles");
        if (first.step() == Step::Row) {
            id = first.i64(0);
        } else {
            Statement ins = m_db.prepare("INSERT INTO profiles(name, role) VALUES(?, 'patient') RETURNING id");
            if (!ins.ok()) return prepareFailed(ins, "create the default profile");
            ins.bind(name);
            auto r = stepReturningId(ins, "create the default profile");
            if (!r) return r.error();
            id = *r;
        }
        Statement set = m_db.prepare("INSERT INTO settings(key, value) VALUES('default_profile_id', ?) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (!set.ok()) return prepareFailed(set, "remember the default profile");
        set.bind(std::to_string(id));
        if (set.step() != Step::Done) return makeError("cannot remember the default profile: " + set.error());
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

Expected<Profile> RecoveryStore::profile(Id id) const {
    Statement s = m_db.prepare("SELECT id, name, role FROM profiles WHERE id = ?");
    if (!s.ok()) return prepareFailed(s, "read profile");
    s.bind(id);
    if (s.step() != Step::Row) return makeError("no profile with id " + std::to_string(id));
    return Profile{s.i64(0), s.text(1), s.text(2)};
}

// ---------------------------------------------------------------------------------------------
// Episodes

Expected<Id> RecoveryStore::addEpisode(const Episode& e) {
    if (e.pain < 0 || e.pain > 10) return makeError("pain must be 0-10, not " + std::to_string(e.pain));
    if (e.spasmSeverity && !validAshworth(*e.spasmSeverity))
        return makeError("spasm severity '" + *e.spasmSeverity + "' is not a Modified Ashworth grade (0, 1, 1+, 2, 3, 4)");
    if (e.strainGrade && (*e.strainGrade < 1 || *e.strainGrade > 3))
        return makeError("strain grade must be I, II or III (1-3), not " + std::to_string(*e.strainGrade));
    if (e.iceHours < 24 || e.iceHours > 72)
        return makeError("the ice phase must last 24-72 hours, not " + std::to_string(e.iceHours));
    return insertOne(m_db,
                     "INSERT INTO episodes(profile_id, onset_at, location, trigger, pain, spasm_severity, strain_grade, "
                     "ice_hours) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                     "save the episode", [&](Statement& s) {
                         s.bind(e.profileId).bind(e.onsetAt).bind(e.location).bind(e.trigger).bind(e.pain);
                         s.bind(e.spasmSeverity).bind(e.strainGrade).bind(e.iceHours);
                     });
}

Expected<std::vector<Episode>> RecoveryStore::episodes(Id profileId) const {
    std::string sql = std::string("SELECT ") + kEpisodeCols + " FROM episodes WHERE profile_id = ? ORDER BY onset_at DESC, id DESC";
    return selectAll<Episode>(m_db, sql.c_str(), "read episodes", [&](Statement& s) { s.bind(profileId); }, readEpisode);
}

Expected<std::optional<Episode>> RecoveryStore::activeEpisode(Id profileId) const {
    std::string sql = std::string("SELECT ") + kEpisodeCols +
                      " FROM episodes WHERE profile_id = ? AND ended_at IS NULL ORDER BY onset_at DESC, id DESC LIMIT 1";
    auto r = selectAll<Episode>(m_db, sql.c_str(), "read the current episode", [&](Statement& s) { s.bind(profileId); },
                                readEpisode);
    if (!r) return r.error();
    if (r->empty()) return std::optional<Episode>{};
    return std::optional<Episode>{r->front()};
}

Expected<Episode> RecoveryStore::episode(Id episodeId) const {
    std::string sql = std::string("SELECT ") + kEpisodeCols + " FROM episodes WHERE id = ?";
    auto r = selectAll<Episode>(m_db, sql.c_str(), "read episode", [&](Statement& s) { s.bind(episodeId); }, readEpisode);
    if (!r) return r.error();
    if (r->empty()) return makeError("no episode with id " + std::to_string(episodeId));
    return r->front();
}

namespace {
Status updateEpisode(Database& db, const char* sql, const std::string& what, Id episodeId,
                     const std::function<void(Statement&)>& fill) {
    return db.transaction([&]() -> Status {
        Statement st = db.prepare(std::string(sql) + " RETURNING id");
        if (!st.ok()) return prepareFailed(st, what);
        fill(st);
        st.bind(episodeId);
        Step rc = st.step();
        if (rc == Step::Done) return makeError("cannot " + what + ": no episode with id " + std::to_string(episodeId));
        if (rc != Step::Row || st.step() != Step::Done) return makeError("cannot " + what + ": " + st.error());
        return {};
    });
}
}  // namespace

Status RecoveryStore::endEpisode(Id episodeId, TimePoint at) {
    return updateEpisode(m_db, "UPDATE episodes SET ended_at = ? WHERE id = ?", "end the episode", episodeId,
                         [&](Statement& s) { s.bind(at); });
}

Status RecoveryStore::setIceHours(Id episodeId, int hours) {
    if (hours < 24 || hours > 72) return makeError("the ice phase must last 24-72 hours, not " + std::to_string(hours));
    return updateEpisode(m_db, "UPDATE episodes SET ice_hours = ? WHERE id = ?", "change the ice phase", episodeId,
                         [&](Statement& s) { s.bind(hours); });
}

Expected<Id> RecoveryStore::addRedFlagScreen(const RedFlagScreenRecord& r) {
    if (r.kind != "full" && r.kind != "short") return makeError("screen kind '" + r.kind + "' is not full or short");
    bool anyYes = false;
    for (const auto& [k, v] : r.answers) {
        if (!v) continue;
        anyYes = true;
        auto t = r.tiers.find(k);
        if (t == r.tiers.end()) return makeError("the red-flag answer '" + k + "' is yes but has no tier");
        if (t->second != "emergency" && t->second != "clinician" && t->second != "advice")
            return makeError("red-flag tier '" + t->second + "' of '" + k + "' is not emergency, clinician or advice");
    }
    Id id = 0;
    Status s = m_db.transaction([&]() -> Status {
        Statement ins = m_db.prepare("INSERT INTO red_flag_screens(profile_id, episode_id, taken_at, kind, answers, any_yes) "
                                     "VALUES(?, ?, ?, ?, ?, ?) RETURNING id");
        if (!ins.ok()) return prepareFailed(ins, "save the red-flag screen");
        ins.bind(r.profileId).bind(r.episodeId).bind(r.takenAt).bind(r.kind).bind(answersJson(r.answers)).bind(anyYes ? 1 : 0);
        auto saved = stepReturningId(ins, "save the red-flag screen");
        if (!saved) return saved.error();
        id = *saved;
        for (const auto& [question, yes] : r.answers) {
            if (!yes) continue;
            Statement al = m_db.prepare("INSERT INTO red_flag_alerts(profile_id, screen_id, episode_id, question_id, tier, "
                                        "answered_at) VALUES(?, ?, ?, ?, ?, ?)");
            if (!al.ok()) return prepareFailed(al, "save the red-flag alert");
            al.bind(r.profileId).bind(id).bind(r.episodeId).bind(question).bind(r.tiers.at(question)).bind(r.takenAt);
            if (al.step() != Step::Done) return makeError("cannot save the red-flag alert: " + al.error());
        }
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

Expected<std::vector<RedFlagAlert>> RecoveryStore::redFlagAlerts(Id profileId, bool openOnly) const {
    std::string sql =
        "SELECT id, profile_id, screen_id, episode_id, question_id, tier, answered_at, resolved_at, resolved_by, "
        "resolution, resolution_note, clinician, seen_on FROM red_flag_alerts WHERE profile_id = ?";
    if (openOnly) sql += " AND resolved_at IS NULL";
    sql += " ORDER BY answered_at DESC, id DESC";
    return selectAll<RedFlagAlert>(m_db, sql, "read red-flag alerts", [&](Statement& s) { s.bind(profileId); },
                                   [](const Statement& s) {
                                       RedFlagAlert a;
                                       a.id = s.i64(0);
                                       a.profileId = s.i64(1);
                                       a.screenId = s.optI64(2);
                                       a.episodeId = s.optI64(3);
                                       a.questionId = s.text(4);
                                       a.tier = s.text(5);
                                       a.answeredAt = s.time(6);
                                       a.resolvedAt = s.optTime(7);
                                       a.resolvedBy = s.optI64(8);
                                       a.resolution = s.optText(9).value_or("");
                                       a.note = s.text(10);
                                       a.clinician = s.text(11);
                                       a.seenOn = s.optText(12);
                                       return a;
                                   });
}

Status RecoveryStore::resolveRedFlagAlerts(Id profileId, const std::vector<Id>& alertIds, const AlertResolution& how) {
    if (alertIds.empty()) return makeError("no red-flag alert to resolve");
    if (how.kind == "therapist") {
        if (how.note.empty()) return makeError("clearing a red flag needs a note saying who saw the patient and why it is safe");
    } else if (how.kind == "clinician_visit") {
        if (!how.seenOn || !isCalendarDate(*how.seenOn))
            return makeError("the day the clinician saw you must be a date written YYYY-MM-DD");
        if (*how.seenOn > formatUtc(how.at + std::chrono::hours(14)).substr(0, 10))
            return makeError("the day the clinician saw you (" + *how.seenOn + ") is in the future");
    } else {
        return makeError("red-flag resolution '" + how.kind + "' is not therapist or clinician_visit");
    }
    return m_db.transaction([&]() -> Status {
        for (Id id : alertIds) {
            Statement up = m_db.prepare(
                "UPDATE red_flag_alerts SET resolved_at = ?, resolved_by = ?, resolution = ?, resolution_note = ?, "
                "clinician = ?, seen_on = ? WHERE id = ? AND profile_id = ? AND resolved_at IS NULL RETURNING id");
            if (!up.ok()) return prepareFailed(up, "resolve the red-flag alert");
            up.bind(how.at).bind(how.by).bind(how.kind).bind(how.note).bind(how.clinician).bind(how.seenOn).bind(id).bind(profileId);
            Step rc = up.step();
            if (rc == Step::Done)
                return makeError("red-flag alert " + std::to_string(id) + " is not an open alert of this profile");
            if (rc != Step::Row || up.step() != Step::Done)
                return makeError("cannot resolve the red-flag alert: " + up.error());
        }
        return {};
    });
}

namespace {
Expected<std::vector<RedFlagScreenRecord>> readScreens(const Database& db, const char* sql,
                                                       const std::function<void(Statement&)>& bindArgs) {
    using Row = std::pair<RedFlagScreenRecord, std::string>;  // the record, its answers' JSON text
    auto rows = selectAll<Row>(db, sql, "read red-flag screens", bindArgs, [](const Statement& s) {
        RedFlagScreenRecord r;
        r.id = s.i64(0);
        r.profileId = s.i64(1);
        r.episodeId = s.optI64(2);
        r.takenAt = s.time(3);
        r.kind = s.text(4);
        r.anyYes = s.i32(6) != 0;
        return Row{std::move(r), s.text(5)};
    });
    if (!rows) return rows.error();
    // The answers are parsed here rather than in SQL: the same on every backend.
    std::vector<RedFlagScreenRecord> out;
    for (auto& [r, json] : *rows) {
        auto answers = parseAnswers(json);
        if (!answers)
            return makeError("cannot read the answers of red-flag screen " + std::to_string(r.id) + ": " +
                             answers.error().message);
        r.answers = std::move(*answers);
        out.push_back(std::move(r));
    }
    return out;
}
constexpr const char* kScreenCols = "id, profile_id, episode_id, taken_at, kind, answers, any_yes";
}  // namespace

Expected<std::vector<RedFlagScreenRecord>> RecoveryStore::redFlagScreens(Id profileId) const {
    std::string sql = std::string("SELECT ") + kScreenCols + " FROM red_flag_screens WHERE profile_id = ? ORDER BY taken_at, id";
    return readScreens(m_db, sql.c_str(), [&](Statement& s) { s.bind(profileId); });
}

Expected<std::optional<RedFlagScreenRecord>> RecoveryStore::latestRedFlagScreen(Id profileId,
                                                                               std::optional<Id> episodeId) const {
    std::string sql = std::string("SELECT ") + kScreenCols +
                      " FROM red_flag_screens WHERE profile_id = ?" + (episodeId ? " AND episode_id = ?" : "") +
                      " ORDER BY taken_at DESC, id DESC LIMIT 1";
    auto r = readScreens(m_db, sql.c_str(), [&](Statement& s) {
        s.bind(profileId);
        if (episodeId) s.bind(*episodeId);
    });
    if (!r) return r.error();
    if (r->empty()) return std::optional<RedFlagScreenRecord>{};
    return std::optional<RedFlagScreenRecord>{r->front()};
}

// ---------------------------------------------------------------------------------------------
// Check-ins and hydration

Expected<Id> RecoveryStore::addCheckIn(const CheckIn& c) {
    if (c.pain && (*c.pain < 0 || *c.pain > 10)) return makeError("pain must be 0-10, not " + std::to_string(*c.pain));
    if (c.stiffness && (*c.stiffness < 0 || *c.stiffness > 10))
        return makeError("stiffness must be 0-10, not " + std::to_string(*c.stiffness));
    return insertOne(m_db,
                     "INSERT INTO checkins(profile_id, taken_at, pain, stiffness, medication, notes) VALUES(?, ?, ?, ?, ?, ?)",
                     "save the check-in", [&](Statement& s) {
                         s.bind(c.profileId).bind(c.takenAt).bind(c.pain).bind(c.stiffness).bind(c.medication).bind(c.notes);
                     });
}

Expected<std::vector<CheckIn>> RecoveryStore::checkIns(Id profileId) const {
    return selectAll<CheckIn>(
        m_db, "SELECT id, profile_id, taken_at, pain, stiffness, medication, notes FROM checkins WHERE profile_id = ? "
              "ORDER BY taken_at, id",
        "read check-ins", [&](Statement& s) { s.bind(profileId); },
        [](const Statement& s) {
            return CheckIn{s.i64(0), s.i64(1), s.time(2), s.optInt(3), s.optInt(4), s.text(5), s.text(6)};
        });
}

Expected<Id> RecoveryStore::addHydration(Id profileId, TimePoint at, int ml) {
    if (ml <= 0 || ml > 5000) return makeError("a drink must be 1-5000 ml, not " + std::to_string(ml));
    return insertOne(m_db, "INSERT INTO hydration(profile_id, taken_at, ml) VALUES(?, ?, ?)", "save the drink",
                     [&](Statement& s) { s.bind(profileId).bind(at).bind(ml); });
}

Expected<std::vector<HydrationEntry>> RecoveryStore::hydration(Id profileId) const {
    return selectAll<HydrationEntry>(
        m_db, "SELECT id, profile_id, taken_at, ml FROM hydration WHERE profile_id = ? ORDER BY taken_at, id",
        "read hydration", [&](Statement& s) { s.bind(profileId); },
        [](const Statement& s) { return HydrationEntry{s.i64(0), s.i64(1), s.time(2), s.i32(3)}; });
}

Expected<int> RecoveryStore::hydrationBetween(Id profileId, TimePoint from, TimePoint to) const {
    Statement s = m_db.prepare("SELECT COALESCE(SUM(ml), 0) FROM hydration WHERE profile_id = ? AND taken_at >= ? AND taken_at < ?");
    if (!s.ok()) return prepareFailed(s, "read hydration");
    s.bind(profileId).bind(from).bind(to);
    if (s.step() != Step::Row) return makeError("cannot read hydration: " + s.error());
    return s.i32(0);
}

// ---------------------------------------------------------------------------------------------
// Ice and heat

Expected<Id> RecoveryStore::addThermalApplication(const ThermalApplication& a) {
    if (a.kind != "ice" && a.kind != "heat") return makeError("application kind '" + a.kind + "' is not ice or heat");
    if (a.plannedS < 60 || a.plannedS > 1200)
        return makeError("an application must last 1-20 minutes, not " + std::to_string(a.plannedS) + " s");
    return insertOne(m_db,
                     "INSERT INTO thermal_applications(profile_id, episode_id, kind, started_at, planned_s, ended_at) "
                     "VALUES(?, ?, ?, ?, ?, ?)",
                     "save the " + a.kind + " timer", [&](Statement& s) {
                         s.bind(a.profileId).bind(a.episodeId).bind(a.kind).bind(a.startedAt).bind(a.plannedS).bind(a.endedAt);
                     });
}

Expected<bool> RecoveryStore::endThermalApplication(Id applicationId, TimePoint at) {
    bool changed = false;
    Status s = m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare("UPDATE thermal_applications SET ended_at = ? WHERE id = ? AND ended_at IS NULL "
                                    "RETURNING id");
        if (!st.ok()) return prepareFailed(st, "stop the timer");
        st.bind(at).bind(applicationId);
        Step rc = st.step();
        changed = rc == Step::Row;
        if (changed) rc = st.step();
        if (rc != Step::Done) return makeError("cannot stop the timer: " + st.error());
        return {};
    });
    if (!s) return makeError(s.message());
    return changed;
}

Expected<std::vector<ThermalApplication>> RecoveryStore::thermalApplications(Id profileId) const {
    return selectAll<ThermalApplication>(
        m_db, "SELECT id, profile_id, episode_id, kind, started_at, planned_s, ended_at FROM thermal_applications "
              "WHERE profile_id = ? ORDER BY started_at, id",
        "read ice and heat timers", [&](Statement& s) { s.bind(profileId); }, readThermal);
}

// ---------------------------------------------------------------------------------------------
// Sessions (written by the session screen; read here)

Expected<std::vector<SessionRow>> RecoveryStore::sessions(Id profileId) const {
    return selectAll<SessionRow>(
        m_db, "SELECT id, profile_id, program_id, started_at, ended_at, pain_before, pain_after, with_camera, stars, "
              "completed FROM sessions WHERE profile_id = ? ORDER BY started_at, id",
        "read sessions", [&](Statement& s) { s.bind(profileId); },
        [](const Statement& s) {
            SessionRow r;
            r.id = s.i64(0);
            r.profileId = s.i64(1);
            r.programId = s.text(2);
            r.startedAt = s.time(3);
            r.endedAt = s.optTime(4);
            r.painBefore = s.optInt(5);
            r.painAfter = s.optInt(6);
            r.withCamera = s.i32(7) != 0;
            r.stars = s.optInt(8);
            r.completed = s.i32(9) != 0;
            return r;
        });
}

Expected<std::vector<ExerciseResultRow>> RecoveryStore::exerciseResults(Id profileId) const {
    return selectAll<ExerciseResultRow>(
        m_db, "SELECT r.id, r.session_id, s.started_at, r.exercise_id, r.side, r.sets_done, r.reps_done, r.reps_planned, "
              "r.hold_s, r.hold_planned_s, r.rom, r.quality, r.faults FROM exercise_results r "
              "JOIN sessions s ON s.id = r.session_id WHERE s.profile_id = ? ORDER BY s.started_at, r.id",
        "read exercise results", [&](Statement& s) { s.bind(profileId); },
        [](const Statement& s) {
            ExerciseResultRow r;
            r.id = s.i64(0);
            r.sessionId = s.i64(1);
            r.sessionStartedAt = s.time(2);
            r.exerciseId = s.text(3);
            r.side = s.text(4);
            r.setsDone = s.i32(5);
            r.repsDone = s.i32(6);
            r.repsPlanned = s.i32(7);
            r.holdS = s.real(8);
            r.holdPlannedS = s.real(9);
            r.rom = s.optReal(10);
            r.quality = s.optReal(11);
            r.faultsJson = s.text(12);
            return r;
        });
}

}  // namespace ptcoach::storage
