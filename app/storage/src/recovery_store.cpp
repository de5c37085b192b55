#include "ptcoach/storage/recovery_store.h"

#include <sqlite3.h>

#include <cstdio>
#include <ctime>

namespace ptcoach::storage {

// ---------------------------------------------------------------------------------------------
// Time text

std::string formatUtc(TimePoint t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<TimePoint> parseUtc(const std::string& text) {
    int y, mo, d, h, mi, s;
    char sep = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s) != 7) return std::nullopt;
    if (sep != 'T' && sep != ' ') return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    std::time_t tt = timegm(&tm);
    return std::chrono::system_clock::from_time_t(tt);
}

namespace {

// A prepared statement that finalizes itself; binds by position (1-based) in order.
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : m_db(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &m_st, nullptr) != SQLITE_OK) {
            m_error = sqlite3_errmsg(db);
            m_st = nullptr;
        }
    }
    ~Stmt() { sqlite3_finalize(m_st); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    bool ok() const { return m_st != nullptr; }
    const std::string& prepareError() const { return m_error; }

    Stmt& bind(std::int64_t v) { sqlite3_bind_int64(m_st, ++m_i, v); return *this; }
    Stmt& bind(int v) { sqlite3_bind_int(m_st, ++m_i, v); return *this; }
    Stmt& bind(double v) { sqlite3_bind_double(m_st, ++m_i, v); return *this; }
    Stmt& bind(const std::string& v) { sqlite3_bind_text(m_st, ++m_i, v.c_str(), -1, SQLITE_TRANSIENT); return *this; }
    Stmt& bind(TimePoint t) { return bind(formatUtc(t)); }
    template <typename T>
    Stmt& bind(const std::optional<T>& v) {
        if (v) return bind(*v);
        sqlite3_bind_null(m_st, ++m_i);
        return *this;
    }

    int step() { return sqlite3_step(m_st); }
    std::string error() const { return sqlite3_errmsg(m_db); }

    bool isNull(int c) const { return sqlite3_column_type(m_st, c) == SQLITE_NULL; }
    std::int64_t i64(int c) const { return sqlite3_column_int64(m_st, c); }
    int i32(int c) const { return sqlite3_column_int(m_st, c); }
    double real(int c) const { return sqlite3_column_double(m_st, c); }
    std::string text(int c) const {
        const unsigned char* t = sqlite3_column_text(m_st, c);
        return t ? reinterpret_cast<const char*>(t) : "";
    }
    std::optional<int> optInt(int c) const { return isNull(c) ? std::nullopt : std::optional<int>(i32(c)); }
    std::optional<std::int64_t> optI64(int c) const {
        return isNull(c) ? std::nullopt : std::optional<std::int64_t>(i64(c));
    }
    std::optional<double> optReal(int c) const { return isNull(c) ? std::nullopt : std::optional<double>(real(c)); }
    std::optional<std::string> optText(int c) const { return isNull(c) ? std::nullopt : std::optional(text(c)); }
    TimePoint time(int c) const { return parseUtc(text(c)).value_or(TimePoint{}); }
    std::optional<TimePoint> optTime(int c) const { return isNull(c) ? std::nullopt : parseUtc(text(c)); }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_st = nullptr;
    std::string m_error;
    int m_i = 0;
};

Error prepareFailed(const Stmt& s, const std::string& what) {
    return makeError("cannot " + what + ": " + s.prepareError());
}

// Runs an INSERT/UPDATE in its own transaction; `fill` binds the parameters.
template <typename Fill>
Expected<Id> insertOne(Database& db, const char* sql, const std::string& what, Fill fill) {
    Id id = 0;
    Status s = db.transaction([&]() -> Status {
        Stmt st(db.handle(), sql);
        if (!st.ok()) return prepareFailed(st, what);
        fill(st);
        if (st.step() != SQLITE_DONE) return makeError("cannot " + what + ": " + st.error());
        id = sqlite3_last_insert_rowid(db.handle());
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

template <typename T, typename Read>
Expected<std::vector<T>> selectAll(const Database& db, const char* sql, const std::string& what,
                                   const std::function<void(Stmt&)>& bindArgs, Read read) {
    Stmt st(db.handle(), sql);
    if (!st.ok()) return prepareFailed(st, what);
    bindArgs(st);
    std::vector<T> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(read(st));
    if (rc != SQLITE_DONE) return makeError("cannot " + what + ": " + st.error());
    return out;
}

std::string jsonEscape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\', o += c;
        else if (static_cast<unsigned char>(c) < 0x20) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            o += b;
        } else o += c;
    }
    return o;
}

std::string answersJson(const std::map<std::string, bool>& a) {
    std::string o = "{";
    for (const auto& [k, v] : a) {
        if (o.size() > 1) o += ",";
        o += '"';
        o += jsonEscape(k);
        o += v ? "\":true" : "\":false";
    }
    o += '}';
    return o;
}

bool validAshworth(const std::string& s) {
    return s == "0" || s == "1" || s == "1+" || s == "2" || s == "3" || s == "4";
}

constexpr const char* kEpisodeCols =
    "id, profile_id, onset_at, location, trigger, pain, spasm_severity, strain_grade, ice_hours, blocked, "
    "cleared_at, cleared_by, cleared_note, ended_at";

Episode readEpisode(const Stmt& s) {
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
    e.blocked = s.i32(9) != 0;
    e.clearedAt = s.optTime(10);
    e.clearedBy = s.optI64(11);
    e.clearedNote = s.text(12);
    e.endedAt = s.optTime(13);
    return e;
}

ThermalApplication readThermal(const Stmt& s) {
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
                     [&](Stmt& s) { s.bind(name).bind(role); });
}

Expected<Id> RecoveryStore::ensureDefaultProfile(const std::string& name) {
    Id id = 0;
    Status s = m_db.transaction([&]() -> Status {
        // Inside the transaction so that two processes starting together agree on one profile.
        Stmt get(m_db.handle(), "SELECT p.id FROM settings s JOIN profiles p ON p.id = CAST(s.value AS INTEGER) "
                                "WHERE s.key = 'default_profile_id'");
        if (!get.ok()) return prepareFailed(get, "read the default profile");
        if (get.step() == SQLITE_ROW) {
            id = get.i64(0);
            return {};
        }
        // No setting yet: adopt the first patient profile (the one the session screen also
        // uses), else create one.
        Stmt first(m_db.handle(), "SELECT id FROM profiles WHERE role = 'patient' ORDER BY id LIMIT 1");
        if (!first.ok()) return prepareFailed(first, "read profiles");
        if (first.step() == SQLITE_ROW) {
            id = first.i64(0);
        } else {
            Stmt ins(m_db.handle(), "INSERT INTO profiles(name, role) VALUES(?, 'patient')");
            if (!ins.ok()) return prepareFailed(ins, "create the default profile");
            ins.bind(name);
            if (ins.step() != SQLITE_DONE) return makeError("cannot create the default profile: " + ins.error());
            id = sqlite3_last_insert_rowid(m_db.handle());
        }
        Stmt set(m_db.handle(), "INSERT INTO settings(key, value) VALUES('default_profile_id', ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (!set.ok()) return prepareFailed(set, "remember the default profile");
        set.bind(std::to_string(id));
        if (set.step() != SQLITE_DONE) return makeError("cannot remember the default profile: " + set.error());
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

Expected<Profile> RecoveryStore::profile(Id id) const {
    Stmt s(m_db.handle(), "SELECT id, name, role FROM profiles WHERE id = ?");
    if (!s.ok()) return prepareFailed(s, "read profile");
    s.bind(id);
    if (s.step() != SQLITE_ROW) return makeError("no profile with id " + std::to_string(id));
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
                     "ice_hours, blocked) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "save the episode", [&](Stmt& s) {
                         s.bind(e.profileId).bind(e.onsetAt).bind(e.location).bind(e.trigger).bind(e.pain);
                         s.bind(e.spasmSeverity).bind(e.strainGrade).bind(e.iceHours).bind(e.blocked ? 1 : 0);
                     });
}

Expected<std::vector<Episode>> RecoveryStore::episodes(Id profileId) const {
    std::string sql = std::string("SELECT ") + kEpisodeCols + " FROM episodes WHERE profile_id = ? ORDER BY onset_at DESC, id DESC";
    return selectAll<Episode>(m_db, sql.c_str(), "read episodes", [&](Stmt& s) { s.bind(profileId); }, readEpisode);
}

Expected<std::optional<Episode>> RecoveryStore::activeEpisode(Id profileId) const {
    std::string sql = std::string("SELECT ") + kEpisodeCols +
                      " FROM episodes WHERE profile_id = ? AND ended_at IS NULL ORDER BY onset_at DESC, id DESC LIMIT 1";
    auto r = selectAll<Episode>(m_db, sql.c_str(), "read the current episode", [&](Stmt& s) { s.bind(profileId); },
                                readEpisode);
    if (!r) return r.error();
    if (r->empty()) return std::optional<Episode>{};
    return std::optional<Episode>{r->front()};
}

Expected<Episode> RecoveryStore::episode(Id episodeId) const {
    std::string sql = std::string("SELECT ") + kEpisodeCols + " FROM episodes WHERE id = ?";
    auto r = selectAll<Episode>(m_db, sql.c_str(), "read episode", [&](Stmt& s) { s.bind(episodeId); }, readEpisode);
    if (!r) return r.error();
    if (r->empty()) return makeError("no episode with id " + std::to_string(episodeId));
    return r->front();
}

namespace {
Status updateEpisode(Database& db, const char* sql, const std::string& what, Id episodeId,
                     const std::function<void(Stmt&)>& fill) {
    return db.transaction([&]() -> Status {
        Stmt st(db.handle(), sql);
        if (!st.ok()) return prepareFailed(st, what);
        fill(st);
        st.bind(episodeId);
        if (st.step() != SQLITE_DONE) return makeError("cannot " + what + ": " + st.error());
        if (sqlite3_changes(db.handle()) != 1) return makeError("cannot " + what + ": no episode with id " + std::to_string(episodeId));
        return {};
    });
}
}  // namespace

Status RecoveryStore::endEpisode(Id episodeId, TimePoint at) {
    return updateEpisode(m_db, "UPDATE episodes SET ended_at = ? WHERE id = ?", "end the episode", episodeId,
                         [&](Stmt& s) { s.bind(at); });
}

Status RecoveryStore::setIceHours(Id episodeId, int hours) {
    if (hours < 24 || hours > 72) return makeError("the ice phase must last 24-72 hours, not " + std::to_string(hours));
    return updateEpisode(m_db, "UPDATE episodes SET ice_hours = ? WHERE id = ?", "change the ice phase", episodeId,
                         [&](Stmt& s) { s.bind(hours); });
}

Status RecoveryStore::clearRedFlag(Id episodeId, std::optional<Id> by, const std::string& note, TimePoint at) {
    if (note.empty()) return makeError("clearing a red flag needs a note saying who cleared it and why");
    return updateEpisode(m_db,
                         "UPDATE episodes SET blocked = 0, cleared_at = ?, cleared_by = ?, cleared_note = ? WHERE id = ?",
                         "clear the red flag", episodeId, [&](Stmt& s) { s.bind(at).bind(by).bind(note); });
}

// ---------------------------------------------------------------------------------------------
// Red-flag screens

Expected<Id> RecoveryStore::addRedFlagScreen(const RedFlagScreenRecord& r) {
    if (r.kind != "full" && r.kind != "short") return makeError("screen kind '" + r.kind + "' is not full or short");
    bool anyYes = false;
    for (const auto& [k, v] : r.answers) anyYes = anyYes || v;
    Id id = 0;
    Status s = m_db.transaction([&]() -> Status {
        Stmt ins(m_db.handle(), "INSERT INTO red_flag_screens(profile_id, episode_id, taken_at, kind, answers, any_yes) "
                                "VALUES(?, ?, ?, ?, ?, ?)");
        if (!ins.ok()) return prepareFailed(ins, "save the red-flag screen");
        ins.bind(r.profileId).bind(r.episodeId).bind(r.takenAt).bind(r.kind).bind(answersJson(r.answers)).bind(anyYes ? 1 : 0);
        if (ins.step() != SQLITE_DONE) return makeError("cannot save the red-flag screen: " + ins.error());
        id = sqlite3_last_insert_rowid(m_db.handle());
        if (anyYes && r.episodeId) {
            Stmt up(m_db.handle(), "UPDATE episodes SET blocked = 1, cleared_at = NULL, cleared_by = NULL, "
                                   "cleared_note = NULL WHERE id = ?");
            if (!up.ok()) return prepareFailed(up, "block the episode");
            up.bind(*r.episodeId);
            if (up.step() != SQLITE_DONE) return makeError("cannot block the episode: " + up.error());
        }
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

namespace {
Expected<std::vector<RedFlagScreenRecord>> readScreens(const Database& db, const char* sql,
                                                       const std::function<void(Stmt&)>& bindArgs) {
    auto rows = selectAll<RedFlagScreenRecord>(db, sql, "read red-flag screens", bindArgs, [](const Stmt& s) {
        RedFlagScreenRecord r;
        r.id = s.i64(0);
        r.profileId = s.i64(1);
        r.episodeId = s.optI64(2);
        r.takenAt = s.time(3);
        r.kind = s.text(4);
        r.anyYes = s.i32(6) != 0;
        return r;
    });
    if (!rows) return rows;
    // The answers, through SQLite's own JSON reader.
    for (auto& r : *rows) {
        Stmt a(db.handle(), "SELECT j.key, j.value FROM red_flag_screens r, json_each(r.answers) j WHERE r.id = ?");
        if (!a.ok()) return prepareFailed(a, "read red-flag answers");
        a.bind(r.id);
        int rc;
        while ((rc = a.step()) == SQLITE_ROW) r.answers[a.text(0)] = a.i32(1) != 0;
        if (rc != SQLITE_DONE) return makeError("cannot read the answers of red-flag screen " + std::to_string(r.id) + ": " + a.error());
    }
    return rows;
}
constexpr const char* kScreenCols = "id, profile_id, episode_id, taken_at, kind, answers, any_yes";
}  // namespace

Expected<std::vector<RedFlagScreenRecord>> RecoveryStore::redFlagScreens(Id profileId) const {
    std::string sql = std::string("SELECT ") + kScreenCols + " FROM red_flag_screens WHERE profile_id = ? ORDER BY taken_at, id";
    return readScreens(m_db, sql.c_str(), [&](Stmt& s) { s.bind(profileId); });
}

Expected<std::optional<RedFlagScreenRecord>> RecoveryStore::latestRedFlagScreen(Id profileId,
                                                                               std::optional<Id> episodeId) const {
    std::string sql = std::string("SELECT ") + kScreenCols +
                      " FROM red_flag_screens WHERE profile_id = ? AND (? IS NULL OR episode_id = ?) "
                      "ORDER BY taken_at DESC, id DESC LIMIT 1";
    auto r = readScreens(m_db, sql.c_str(), [&](Stmt& s) { s.bind(profileId).bind(episodeId).bind(episodeId); });
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
                     "save the check-in", [&](Stmt& s) {
                         s.bind(c.profileId).bind(c.takenAt).bind(c.pain).bind(c.stiffness).bind(c.medication).bind(c.notes);
                     });
}

Expected<std::vector<CheckIn>> RecoveryStore::checkIns(Id profileId) const {
    return selectAll<CheckIn>(
        m_db, "SELECT id, profile_id, taken_at, pain, stiffness, medication, notes FROM checkins WHERE profile_id = ? "
              "ORDER BY taken_at, id",
        "read check-ins", [&](Stmt& s) { s.bind(profileId); },
        [](const Stmt& s) {
            return CheckIn{s.i64(0), s.i64(1), s.time(2), s.optInt(3), s.optInt(4), s.text(5), s.text(6)};
        });
}

Expected<Id> RecoveryStore::addHydration(Id profileId, TimePoint at, int ml) {
    if (ml <= 0 || ml > 5000) return makeError("a drink must be 1-5000 ml, not " + std::to_string(ml));
    return insertOne(m_db, "INSERT INTO hydration(profile_id, taken_at, ml) VALUES(?, ?, ?)", "save the drink",
                     [&](Stmt& s) { s.bind(profileId).bind(at).bind(ml); });
}

Expected<std::vector<HydrationEntry>> RecoveryStore::hydration(Id profileId) const {
    return selectAll<HydrationEntry>(
        m_db, "SELECT id, profile_id, taken_at, ml FROM hydration WHERE profile_id = ? ORDER BY taken_at, id",
        "read hydration", [&](Stmt& s) { s.bind(profileId); },
        [](const Stmt& s) { return HydrationEntry{s.i64(0), s.i64(1), s.time(2), s.i32(3)}; });
}

Expected<int> RecoveryStore::hydrationBetween(Id profileId, TimePoint from, TimePoint to) const {
    Stmt s(m_db.handle(), "SELECT COALESCE(SUM(ml), 0) FROM hydration WHERE profile_id = ? AND taken_at >= ? AND taken_at < ?");
    if (!s.ok()) return prepareFailed(s, "read hydration");
    s.bind(profileId).bind(from).bind(to);
    if (s.step() != SQLITE_ROW) return makeError("cannot read hydration: " + s.error());
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
                     "save the " + a.kind + " timer", [&](Stmt& s) {
                         s.bind(a.profileId).bind(a.episodeId).bind(a.kind).bind(a.startedAt).bind(a.plannedS).bind(a.endedAt);
                     });
}

Expected<bool> RecoveryStore::endThermalApplication(Id applicationId, TimePoint at) {
    bool changed = false;
    Status s = m_db.transaction([&]() -> Status {
        Stmt st(m_db.handle(), "UPDATE thermal_applications SET ended_at = ? WHERE id = ? AND ended_at IS NULL");
        if (!st.ok()) return prepareFailed(st, "stop the timer");
        st.bind(at).bind(applicationId);
        if (st.step() != SQLITE_DONE) return makeError("cannot stop the timer: " + st.error());
        changed = sqlite3_changes(m_db.handle()) == 1;
        return {};
    });
    if (!s) return makeError(s.message());
    return changed;
}

Expected<std::vector<ThermalApplication>> RecoveryStore::thermalApplications(Id profileId) const {
    return selectAll<ThermalApplication>(
        m_db, "SELECT id, profile_id, episode_id, kind, started_at, planned_s, ended_at FROM thermal_applications "
              "WHERE profile_id = ? ORDER BY started_at, id",
        "read ice and heat timers", [&](Stmt& s) { s.bind(profileId); }, readThermal);
}

// ---------------------------------------------------------------------------------------------
// Sessions (written by the session screen; read here)

Expected<std::vector<SessionRow>> RecoveryStore::sessions(Id profileId) const {
    return selectAll<SessionRow>(
        m_db, "SELECT id, profile_id, program_id, started_at, ended_at, pain_before, pain_after, with_camera, stars, "
              "completed FROM sessions WHERE profile_id = ? ORDER BY started_at, id",
        "read sessions", [&](Stmt& s) { s.bind(profileId); },
        [](const Stmt& s) {
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
        "read exercise results", [&](Stmt& s) { s.bind(profileId); },
        [](const Stmt& s) {
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
