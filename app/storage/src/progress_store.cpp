#include "ptcoach/storage/progress_store.h"

#include <nlohmann/json.hpp>

#include "sql_util.h"

namespace ptcoach::storage {

namespace {

using Step = Statement::Step;
using detail::prepareFailed;
using detail::selectAll;
using detail::stepReturningId;

const char* kPointsCols = "id, profile_id, session_id, earned_at, day, exercise_id, kind, amount, points, note";
PointsRecord readPoints(const Statement& q) {
    PointsRecord r;
    r.id = q.i64(0);
    r.profileId = q.i64(1);
    r.sessionId = q.optI64(2);
    r.earnedAt = q.text(3);
    r.day = q.text(4);
    r.exerciseId = q.text(5);
    r.kind = q.text(6);
    r.amount = q.i32(7);
    r.points = q.i32(8);
    r.note = q.text(9);
    return r;
}

const char* kScoreCols =
    "id, profile_id, session_id, game_id, exercise_id, played_at, score, reps, reps_planned, good, held_s, "
    "held_planned_s, reach_target, best_progress, faults";
GameScoreRecord readScore(const Statement& q) {
    GameScoreRecord r;
    r.id = q.i64(0);
    r.profileId = q.i64(1);
    r.sessionId = q.optI64(2);
    r.gameId = q.text(3);
    r.exerciseId = q.text(4);
    r.playedAt = q.text(5);
    r.score = q.i32(6);
    r.reps = q.i32(7);
    r.repsPlanned = q.i32(8);
    r.good = q.i32(9);
    r.heldS = q.real(10);
    r.heldPlannedS = q.real(11);
    r.reachTarget = q.optReal(12);
    r.bestProgress = q.optReal(13);
    r.faults = detail::faultsFromJson(q.text(14));
    return r;
}

const char* kDoseCols = "id, profile_id, decided_at, kind, from_level, to_level, reason, detail, accepted, session_id";
DoseChangeRecord readDose(const Statement& q) {
    DoseChangeRecord r;
    r.id = q.i64(0);
    r.profileId = q.i64(1);
    r.decidedAt = q.text(2);
    r.kind = q.text(3);
    r.fromLevel = q.i32(4);
    r.toLevel = q.i32(5);
    r.reason = q.text(6);
    r.detail = q.text(7);
    r.accepted = q.flag(8);
    r.sessionId = q.optI64(9);
    return r;
}

Status validLevel(int level, const char* what) {
    if (level < -3 || level > 0) return makeError(std::string("cannot save the dose change: ") + what + " " +
                                                  std::to_string(level) + " is not a dose level (-3 to 0)");
    return {};
}

}  // namespace

Expected<std::vector<std::string>> ProgressStore::saveProgress(const std::vector<PointsRecord>& points,
                                                               const std::vector<BadgeRecord>& badges,
                                                               const std::optional<GameScoreRecord>& score) {
    for (const auto& p : points)
        if (p.points < 0 || p.kind.empty() || p.day.size() != 10)
            return makeError("cannot save points: a reward needs a kind, a day (YYYY-MM-DD) and points >= 0");
    if (score && (score->score < 0 || score->gameId.empty()))
        return makeError("cannot save the game score: it needs a game and a score >= 0");
    std::vector<std::string> added;
    Status s = m_db.transaction([&]() -> Status {
        added.clear();
        for (const auto& p : points) {
            Statement st = m_db.prepare(
                "INSERT INTO progress_points(profile_id, session_id, earned_at, day, exercise_id, kind, amount, points, "
                "note) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
            if (!st.ok()) return prepareFailed(st, "save points");
            st.bind(p.profileId).bind(p.sessionId).bind(p.earnedAt).bind(p.day).bind(p.exerciseId).bind(p.kind)
                .bind(p.amount).bind(p.points).bind(p.note);
            auto id = stepReturningId(st, "save points");
            if (!id) return id.error();
        }
        for (const auto& b : badges) {
            Statement st = m_db.prepare(
                "INSERT INTO badges(profile_id, badge_id, earned_at, session_id) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(profile_id, badge_id) DO NOTHING RETURNING id");
            if (!st.ok()) return prepareFailed(st, "save a badge");
            st.bind(b.profileId).bind(b.badgeId).bind(b.earnedAt).bind(b.sessionId);
            Step rc = st.step();
            if (rc == Step::Row) {
                added.push_back(b.badgeId);
                rc = st.step();
            }
            if (rc != Step::Done) return makeError("cannot save a badge: " + st.error());
        }
        if (score) {
            const GameScoreRecord& g = *score;
            Statement st = m_db.prepare(
                "INSERT INTO game_scores(profile_id, session_id, game_id, exercise_id, played_at, score, reps, "
                "reps_planned, good, held_s, held_planned_s, reach_target, best_progress, faults) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
            if (!st.ok()) return prepareFailed(st, "save the game score");
            st.bind(g.profileId).bind(g.sessionId).bind(g.gameId).bind(g.exerciseId).bind(g.playedAt).bind(g.score)
                .bind(g.reps).bind(g.repsPlanned).bind(g.good).bind(g.heldS).bind(g.heldPlannedS).bind(g.reachTarget)
                .bind(g.bestProgress).bind(detail::faultsToJson(g.faults));
            auto id = stepReturningId(st, "save the game score");
            if (!id) return id.error();
        }
        return {};
    });
    if (!s) return makeError(s.message());
    return added;
}

Expected<int64_t> ProgressStore::totalPoints(Id profileId) const {
    Statement q = m_db.prepare("SELECT COALESCE(SUM(points), 0) FROM progress_points WHERE profile_id = ?");
    if (!q.ok()) return prepareFailed(q, "read points");
    q.bind(profileId);
    if (q.step() != Step::Row) return makeError("cannot read points: " + q.error());
    return q.i64(0);
}

Expected<std::vector<PointsRecord>> ProgressStore::points(Id profileId) const {
    return selectAll<PointsRecord>(
        m_db, std::string("SELECT ") + kPointsCols + " FROM progress_points WHERE profile_id = ? ORDER BY earned_at, id",
        "read points", [&](Statement& q) { q.bind(profileId); }, readPoints);
}

Expected<std::vector<PointsRecord>> ProgressStore::pointsOn(Id profileId, const std::string& day) const {
    return selectAll<PointsRecord>(
        m_db,
        std::string("SELECT ") + kPointsCols + " FROM progress_points WHERE profile_id = ? AND day = ? ORDER BY id",
        "read points", [&](Statement& q) { q.bind(profileId).bind(day); }, readPoints);
}

Expected<std::vector<BadgeRecord>> ProgressStore::badges(Id profileId) const {
    return selectAll<BadgeRecord>(
        m_db, "SELECT id, profile_id, badge_id, earned_at, session_id FROM badges WHERE profile_id = ? ORDER BY earned_at, id",
        "read badges", [&](Statement& q) { q.bind(profileId); },
        [](const Statement& q) {
            BadgeRecord b;
            b.id = q.i64(0);
            b.profileId = q.i64(1);
            b.badgeId = q.text(2);
            b.earnedAt = q.text(3);
            b.sessionId = q.optI64(4);
            return b;
        });
}

Expected<std::vector<GameScoreRecord>> ProgressStore::gameScores(Id profileId, const std::string& gameId,
                                                                 const std::string& exerciseId, int limit) const {
    std::string sql = std::string("SELECT ") + kScoreCols + " FROM game_scores WHERE profile_id = ?";
    if (!gameId.empty()) sql += " AND game_id = ?";
    if (!exerciseId.empty()) sql += " AND exercise_id = ?";
    sql += " ORDER BY played_at DESC, id DESC";
    if (limit > 0) sql += " LIMIT ?";
    return selectAll<GameScoreRecord>(
        m_db, sql, "read game scores",
        [&](Statement& q) {
            q.bind(profileId);
            if (!gameId.empty()) q.bind(gameId);
            if (!exerciseId.empty()) q.bind(exerciseId);
            if (limit > 0) q.bind(limit);
        },
        readScore);
}

Expected<std::optional<GameScoreRecord>> ProgressStore::bestScore(Id profileId, const std::string& gameId,
                                                                  const std::string& exerciseId) const {
    auto list = selectAll<GameScoreRecord>(
        m_db,
        std::string("SELECT ") + kScoreCols +
            " FROM game_scores WHERE profile_id = ? AND game_id = ? AND exercise_id = ? ORDER BY score DESC, id LIMIT 1",
        "read the best score", [&](Statement& q) { q.bind(profileId).bind(gameId).bind(exerciseId); }, readScore);
    if (!list) return list.error();
    if (list->empty()) return std::optional<GameScoreRecord>();
    return std::optional<GameScoreRecord>(list->front());
}

Expected<Id> ProgressStore::addDoseChange(const DoseChangeRecord& c) {
    if (Status v = validLevel(c.fromLevel, "from level"); !v) return makeError(v.message());
    if (Status v = validLevel(c.toLevel, "to level"); !v) return makeError(v.message());
    if (c.kind.empty() || c.reason.empty()) return makeError("cannot save the dose change: it needs a kind and a reason");
    return detail::insertOne(m_db,
                             "INSERT INTO dose_changes(profile_id, decided_at, kind, from_level, to_level, reason, detail, "
                             "accepted, session_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             "save the dose change", [&](Statement& st) {
                                 st.bind(c.profileId).bind(c.decidedAt).bind(c.kind).bind(c.fromLevel).bind(c.toLevel)
                                     .bind(c.reason).bind(c.detail).bind(c.accepted).bind(c.sessionId);
                             });
}

Expected<std::vector<DoseChangeRecord>> ProgressStore::doseChanges(Id profileId) const {
    return selectAll<DoseChangeRecord>(
        m_db, std::string("SELECT ") + kDoseCols + " FROM dose_changes WHERE profile_id = ? ORDER BY decided_at DESC, id DESC",
        "read dose changes", [&](Statement& q) { q.bind(profileId); }, readDose);
}

Expected<int> ProgressStore::doseLevel(Id profileId) const {
    Statement q = m_db.prepare(
        "SELECT to_level FROM dose_changes WHERE profile_id = ? AND accepted = 1 ORDER BY decided_at DESC, id DESC LIMIT 1");
    if (!q.ok()) return prepareFailed(q, "read the dose level");
    q.bind(profileId);
    Step rc = q.step();
    if (rc == Step::Row) return q.i32(0);
    if (rc != Step::Done) return makeError("cannot read the dose level: " + q.error());
    return 0;
}

}  // namespace ptcoach::storage
