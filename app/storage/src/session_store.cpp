#include "ptcoach/storage/session_store.h"

#include <nlohmann/json.hpp>

#include "sql_util.h"

namespace ptcoach::storage {

namespace {

using Step = Statement::Step;

using detail::insertOne;
using detail::prepareFailed;
using detail::selectAll;
using detail::stepReturningId;

std::string faultsJson(const std::vector<std::pair<std::string, int>>& faults) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [code, n] : faults) a.push_back({{"code", code}, {"count", n}});
    return a.dump();
}

// The faults column as saveSession writes it; anything else is an error that says what it found
// (a corrupt row is reported, never dropped without a word).
Expected<std::vector<std::pair<std::string, int>>> parseFaults(const std::string& text) {
    std::vector<std::pair<std::string, int>> out;
    auto j = nlohmann::json::parse(text, nullptr, false);
    auto bad = [&](const std::string& why) {
        return makeError("its faults are not a list of {\"code\", \"count\"} (" + why + ": '" + text.substr(0, 80) +
                         (text.size() > 80 ? "...'" : "'") + ")");
    };
    if (j.is_discarded()) return bad("not JSON");
    if (!j.is_array()) return bad("not a list");
    for (size_t i = 0; i < j.size(); ++i) {
        const auto& f = j[i];
        if (!f.is_object() || !f.contains("code") || !f["code"].is_string() || !f.contains("count") ||
            !f["count"].is_number_integer())
            return bad("entry " + std::to_string(i) + " is not {\"code\": text, \"count\": a whole number}");
        auto count = f["count"].get<long long>();
        if (count < 0 || count > 1000000000) return bad("entry " + std::to_string(i) + " has count " + std::to_string(count));
        out.emplace_back(f["code"].get<std::string>(), static_cast<int>(count));
    }
    return out;
}

// The session's exercise results, each with its place in the plan (inside the caller's transaction).
Status insertResults(Database& db, int64_t sessionId, const SessionRecord& s) {
    int position = 0;
    for (const auto& e : s.exercises) {
        Statement r = db.prepare("INSERT INTO exercise_results(session_id, exercise_id, side, sets_done, reps_done, "
                                 "reps_planned, hold_s, hold_planned_s, rom, quality, faults, position) "
                                 "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!r.ok()) return prepareFailed(r, "save the results");
        r.bind(sessionId).bind(e.exerciseId).bind(e.side).bind(e.setsDone).bind(e.repsDone).bind(e.repsPlanned);
        r.bind(e.holdS).bind(e.holdPlannedS).bind(e.rom).bind(e.quality).bind(faultsJson(e.faults)).bind(position++);
        if (r.step() != Step::Done) return makeError("cannot save the result of '" + e.exerciseId + "': " + r.error());
    }
    return {};
}

}  // namespace

Expected<std::optional<int64_t>> findPatientProfile(Database& db) {
    Statement q = db.prepare("SELECT id FROM profiles WHERE role = 'patient' ORDER BY id LIMIT 1");
    if (!q.ok()) return prepareFailed(q, "read profiles");
    Step rc = q.step();
    if (rc == Step::Row) return std::optional<int64_t>(q.i64(0));
    if (rc != Step::Done) return makeError("cannot read profiles: " + q.error());
    return std::optional<int64_t>();
}

Expected<int64_t> defaultPatientProfile(Database& db) {
    int64_t id = 0;
    // Looked up and created in one transaction: two kiosks starting together agree on one profile.
    Status s = db.transaction([&]() -> Status {
        auto found = findPatientProfile(db);
        if (!found) return found.error();
        if (*found) {
            id = **found;
            return {};
        }
        Statement ins = db.prepare("INSERT INTO profiles(name, role) VALUES('Me', 'patient') RETURNING id");
        if (!ins.ok()) return prepareFailed(ins, "create a profile");
        auto r = stepReturningId(ins, "create a profile");
        if (!r) return r.error();
        id = *r;
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

Expected<int64_t> saveSession(Database& db, const SessionRecord& s) {
    if (s.programId.empty()) return makeError("cannot save a session without a program id");
    if (s.startedAt.empty()) return makeError("cannot save a session without its start time");
    int64_t id = 0;
    Status st = db.transaction([&]() -> Status {
        Statement ins = db.prepare("INSERT INTO sessions(profile_id, program_id, started_at, ended_at, pain_before, "
                                   "pain_after, with_camera, stars, completed) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                   "RETURNING id");
        if (!ins.ok()) return prepareFailed(ins, "save the session");
        ins.bind(s.profileId).bind(s.programId).bind(s.startedAt);
        if (s.endedAt.empty()) ins.bindNull();
        else ins.bind(s.endedAt);
        ins.bind(s.painBefore).bind(s.painAfter).bind(s.withCamera).bind(s.stars).bind(s.completed);
        auto saved = stepReturningId(ins, "save the session");
        if (!saved) return saved.error();
        id = *saved;
        return insertResults(db, id, s);
    });
    if (!st) return makeError(st.message());
    return id;
}

Status updateSession(Database& db, int64_t id, const SessionRecord& s) {
    return db.transaction([&]() -> Status {
        Statement up = db.prepare("UPDATE sessions SET ended_at = ?, pain_before = ?, pain_after = ?, with_camera = ?, "
                                  "stars = ?, completed = ? WHERE id = ? AND profile_id = ? RETURNING id");
        if (!up.ok()) return prepareFailed(up, "save the session");
        if (s.endedAt.empty()) up.bindNull();
        else up.bind(s.endedAt);
        up.bind(s.painBefore).bind(s.painAfter).bind(s.withCamera).bind(s.stars).bind(s.completed).bind(id).bind(s.profileId);
        Step rc = up.step();
        if (rc == Step::Done) return makeError("cannot save the session: session " + std::to_string(id) + " is not this profile's");
        if (rc != Step::Row || up.step() != Step::Done) return makeError("cannot save the session: " + up.error());
        Statement del = db.prepare("DELETE FROM exercise_results WHERE session_id = ?");
        if (!del.ok()) return prepareFailed(del, "save the results");
        del.bind(id);
        if (del.step() != Step::Done) return makeError("cannot save the results: " + del.error());
        return insertResults(db, id, s);
    });
}

Expected<std::vector<SessionRecord>> listSessions(Database& db, int64_t profileId, int limit) {
    auto out = selectAll<SessionRecord>(
            db,
            std::string("SELECT id, program_id, started_at, ended_at, pain_before, pain_after, with_camera, stars, "
                        "completed FROM sessions WHERE profile_id = ? ORDER BY started_at DESC, id DESC") +
                    (limit > 0 ? " LIMIT ?" : ""),
            "read sessions",
            [&](Statement& q) {
                q.bind(profileId);
                if (limit > 0) q.bind(limit);
            },
            [&](const Statement& q) {
                SessionRecord s;
                s.id = q.i64(0);
                s.profileId = profileId;
                s.programId = q.text(1);
                s.startedAt = q.text(2);
                s.endedAt = q.text(3);
                s.painBefore = q.optInt(4);
                s.painAfter = q.optInt(5);
                s.withCamera = q.flag(6);
                s.stars = q.optInt(7);
                s.completed = q.flag(8);
                return s;
            });
    if (!out) return out.error();
    std::string faultsError;
    for (auto& s : *out) {
        auto results = selectAll<ExerciseResultRecord>(
                db,
                "SELECT exercise_id, side, sets_done, reps_done, reps_planned, hold_s, hold_planned_s, rom, quality, "
                "faults, id FROM exercise_results WHERE session_id = ? ORDER BY position, id",
                "read exercise results", [&](Statement& r) { r.bind(s.id); },
                [&](const Statement& r) {
                    ExerciseResultRecord e;
                    e.exerciseId = r.text(0);
                    e.side = r.text(1);
                    e.setsDone = r.i32(2);
                    e.repsDone = r.i32(3);
                    e.repsPlanned = r.i32(4);
                    e.holdS = r.real(5);
                    e.holdPlannedS = r.real(6);
                    e.rom = r.optReal(7);
                    e.quality = r.optReal(8);
                    auto faults = parseFaults(r.text(9));
                    if (faults) e.faults = std::move(*faults);
                    else if (faultsError.empty())
                        faultsError = "cannot read the history in the " + db.describe() + ": session #" +
                                      std::to_string(s.id) + ", exercise result #" + std::to_string(r.i64(10)) +
                                      " (" + e.exerciseId + "): " + faults.error().message;
                    return e;
                });
        if (!results) return results.error();
        if (!faultsError.empty()) return makeError(faultsError);
        s.exercises = std::move(*results);
    }
    return out;
}

}  // namespace ptcoach::storage
