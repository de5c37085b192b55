#include "ptcoach/storage/session_store.h"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

namespace ptcoach::storage {

namespace {

// A prepared statement that finalizes itself.
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : m_db(db) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_st, nullptr); }
    ~Stmt() { sqlite3_finalize(m_st); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    bool ok() const { return m_rc == SQLITE_OK; }
    sqlite3_stmt* get() const { return m_st; }
    std::string error() const { return sqlite3_errmsg(m_db); }
    void text(int i, const std::string& v) { sqlite3_bind_text(m_st, i, v.c_str(), -1, SQLITE_TRANSIENT); }
    void integer(int i, int64_t v) { sqlite3_bind_int64(m_st, i, v); }
    void real(int i, double v) { sqlite3_bind_double(m_st, i, v); }
    void optInt(int i, const std::optional<int>& v) { v ? integer(i, *v) : (void)sqlite3_bind_null(m_st, i); }
    void optReal(int i, const std::optional<double>& v) { v ? real(i, *v) : (void)sqlite3_bind_null(m_st, i); }
    std::string colText(int i) const {
        const unsigned char* t = sqlite3_column_text(m_st, i);
        return t ? reinterpret_cast<const char*>(t) : "";
    }
    std::optional<int> colOptInt(int i) const {
        if (sqlite3_column_type(m_st, i) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int(m_st, i);
    }
    std::optional<double> colOptReal(int i) const {
        if (sqlite3_column_type(m_st, i) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_double(m_st, i);
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_st = nullptr;
    int m_rc = SQLITE_ERROR;
};

std::string faultsJson(const std::vector<std::pair<std::string, int>>& faults) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [code, n] : faults) a.push_back({{"code", code}, {"count", n}});
    return a.dump();
}

std::vector<std::pair<std::string, int>> parseFaults(const std::string& text) {
    std::vector<std::pair<std::string, int>> out;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& f : j)
        if (f.is_object() && f.contains("code") && f["code"].is_string() && f.contains("count") &&
            f["count"].is_number_integer())
            out.emplace_back(f["code"].get<std::string>(), f["count"].get<int>());
    return out;
}

}  // namespace

Expected<std::optional<int64_t>> findPatientProfile(Database& db) {
    Stmt q(db.handle(), "SELECT id FROM profiles WHERE role = 'patient' ORDER BY id LIMIT 1");
    if (!q.ok()) return makeError("cannot read profiles: " + q.error());
    int rc = sqlite3_step(q.get());
    if (rc == SQLITE_ROW) return std::optional<int64_t>(sqlite3_column_int64(q.get(), 0));
    if (rc != SQLITE_DONE) return makeError("cannot read profiles: " + q.error());
    return std::optional<int64_t>();
}

Expected<int64_t> defaultPatientProfile(Database& db) {
    sqlite3* h = db.handle();
    {
        Stmt q(h, "SELECT id FROM profiles WHERE role = 'patient' ORDER BY id LIMIT 1");
        if (!q.ok()) return makeError("cannot read profiles: " + q.error());
        if (sqlite3_step(q.get()) == SQLITE_ROW) return static_cast<int64_t>(sqlite3_column_int64(q.get(), 0));
    }
    int64_t id = 0;
    Status s = db.transaction([&]() -> Status {
        Stmt ins(h, "INSERT INTO profiles(name, role) VALUES('Me', 'patient')");
        if (!ins.ok() || sqlite3_step(ins.get()) != SQLITE_DONE) return makeError("cannot create a profile: " + ins.error());
        id = sqlite3_last_insert_rowid(h);
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

Expected<int64_t> saveSession(Database& db, const SessionRecord& s) {
    if (s.programId.empty()) return makeError("cannot save a session without a program id");
    if (s.startedAt.empty()) return makeError("cannot save a session without its start time");
    sqlite3* h = db.handle();
    int64_t id = 0;
    Status st = db.transaction([&]() -> Status {
        Stmt ins(h, "INSERT INTO sessions(profile_id, program_id, started_at, ended_at, pain_before, pain_after, "
                    "with_camera, stars, completed) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!ins.ok()) return makeError("cannot save the session: " + ins.error());
        ins.integer(1, s.profileId);
        ins.text(2, s.programId);
        ins.text(3, s.startedAt);
        if (s.endedAt.empty()) sqlite3_bind_null(ins.get(), 4);
        else ins.text(4, s.endedAt);
        ins.optInt(5, s.painBefore);
        ins.optInt(6, s.painAfter);
        ins.integer(7, s.withCamera ? 1 : 0);
        ins.optInt(8, s.stars);
        ins.integer(9, s.completed ? 1 : 0);
        if (sqlite3_step(ins.get()) != SQLITE_DONE) return makeError("cannot save the session: " + ins.error());
        id = sqlite3_last_insert_rowid(h);
        for (const auto& e : s.exercises) {
            Stmt r(h, "INSERT INTO exercise_results(session_id, exercise_id, side, sets_done, reps_done, reps_planned, "
                      "hold_s, hold_planned_s, rom, quality, faults) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            if (!r.ok()) return makeError("cannot save the results: " + r.error());
            r.integer(1, id);
            r.text(2, e.exerciseId);
            r.text(3, e.side);
            r.integer(4, e.setsDone);
            r.integer(5, e.repsDone);
            r.integer(6, e.repsPlanned);
            r.real(7, e.holdS);
            r.real(8, e.holdPlannedS);
            r.optReal(9, e.rom);
            r.optReal(10, e.quality);
            r.text(11, faultsJson(e.faults));
            if (sqlite3_step(r.get()) != SQLITE_DONE)
                return makeError("cannot save the result of '" + e.exerciseId + "': " + r.error());
        }
        return {};
    });
    if (!st) return makeError(st.message());
    return id;
}

Expected<std::vector<SessionRecord>> listSessions(Database& db, int64_t profileId, int limit) {
    sqlite3* h = db.handle();
    std::vector<SessionRecord> out;
    Stmt q(h, "SELECT id, program_id, started_at, ended_at, pain_before, pain_after, with_camera, stars, completed "
              "FROM sessions WHERE profile_id = ? ORDER BY started_at DESC, id DESC LIMIT ?");
    if (!q.ok()) return makeError("cannot read sessions: " + q.error());
    q.integer(1, profileId);
    q.integer(2, limit > 0 ? limit : -1);
    int rc = 0;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        SessionRecord s;
        s.id = sqlite3_column_int64(q.get(), 0);
        s.profileId = profileId;
        s.programId = q.colText(1);
        s.startedAt = q.colText(2);
        s.endedAt = q.colText(3);
        s.painBefore = q.colOptInt(4);
        s.painAfter = q.colOptInt(5);
        s.withCamera = sqlite3_column_int(q.get(), 6) != 0;
        s.stars = q.colOptInt(7);
        s.completed = sqlite3_column_int(q.get(), 8) != 0;
        out.push_back(std::move(s));
    }
    if (rc != SQLITE_DONE) return makeError("cannot read sessions: " + q.error());
    for (auto& s : out) {
        Stmt r(h, "SELECT exercise_id, side, sets_done, reps_done, reps_planned, hold_s, hold_planned_s, rom, quality, "
                  "faults FROM exercise_results WHERE session_id = ? ORDER BY id");
        if (!r.ok()) return makeError("cannot read exercise results: " + r.error());
        r.integer(1, s.id);
        while ((rc = sqlite3_step(r.get())) == SQLITE_ROW) {
            ExerciseResultRecord e;
            e.exerciseId = r.colText(0);
            e.side = r.colText(1);
            e.setsDone = sqlite3_column_int(r.get(), 2);
            e.repsDone = sqlite3_column_int(r.get(), 3);
            e.repsPlanned = sqlite3_column_int(r.get(), 4);
            e.holdS = sqlite3_column_double(r.get(), 5);
            e.holdPlannedS = sqlite3_column_double(r.get(), 6);
            e.rom = r.colOptReal(7);
            e.quality = r.colOptReal(8);
            e.faults = parseFaults(r.colText(9));
            s.exercises.push_back(std::move(e));
        }
        if (rc != SQLITE_DONE) return makeError("cannot read exercise results: " + r.error());
    }
    return out;
}

Expected<int64_t> saveRedFlagScreen(Database& db, int64_t profileId, const std::string& takenAt,
                                    const std::map<std::string, bool>& answers) {
    sqlite3* h = db.handle();
    nlohmann::json j = nlohmann::json::object();
    bool anyYes = false;
    for (const auto& [k, v] : answers) {
        j[k] = v;
        anyYes = anyYes || v;
    }
    int64_t id = 0;
    Status st = db.transaction([&]() -> Status {
        Stmt ins(h, "INSERT INTO red_flag_screens(profile_id, taken_at, kind, answers, any_yes) VALUES(?, ?, 'short', ?, ?)");
        if (!ins.ok()) return makeError("cannot save the red-flag screen: " + ins.error());
        ins.integer(1, profileId);
        ins.text(2, takenAt);
        ins.text(3, j.dump());
        ins.integer(4, anyYes ? 1 : 0);
        if (sqlite3_step(ins.get()) != SQLITE_DONE) return makeError("cannot save the red-flag screen: " + ins.error());
        id = sqlite3_last_insert_rowid(h);
        return {};
    });
    if (!st) return makeError(st.message());
    return id;
}

}  // namespace ptcoach::storage
