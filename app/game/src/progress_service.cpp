#include "ptcoach/game/progress_service.h"

#include <algorithm>
#include <set>

#include "ptcoach/engine/calendar.h"
#include "ptcoach/storage/recovery_store.h"
#include "ptcoach/storage/session_store.h"

namespace ptcoach::game {

namespace {

std::string dayOf(TimePoint t) { return engine::dayText(engine::localDay(t)); }

std::optional<double> formOf(const storage::SessionRecord& s) {
    double sum = 0;
    int n = 0;
    for (const auto& e : s.exercises)
        if (e.quality) {
            int w = std::max(1, e.repsDone);
            sum += *e.quality * w;
            n += w;
        }
    if (n == 0) return std::nullopt;
    return sum / n;
}

std::optional<int> newestPain(storage::Database& db, storage::Id profileId) {
    storage::RecoveryStore rs(db);
    std::optional<std::pair<std::string, int>> best;
    auto consider = [&](const std::string& at, std::optional<int> p) {
        if (p && (!best || at >= best->first)) best = std::make_pair(at, *p);
    };
    if (auto cis = rs.checkIns(profileId))
        for (const auto& c : *cis) consider(storage::formatUtc(c.takenAt), c.pain);
    if (auto ss = rs.sessions(profileId))
        for (const auto& s : *ss) {
            consider(storage::formatUtc(s.startedAt), s.painBefore);
            consider(s.endedAt ? storage::formatUtc(*s.endedAt) : storage::formatUtc(s.startedAt), s.painAfter);
        }
    if (!best) return std::nullopt;
    return best->second;
}

}  // namespace

bool isSafeStop(const engine::SessionSummary& s, bool stoppedForPain) {
    if (s.completed) return false;
    bool rose = s.painBefore && s.painAfter && *s.painAfter - *s.painBefore >= 2;
    return stoppedForPain || rose;
}

Expected<std::vector<int64_t>> activeDays(const storage::Database& db, storage::Id profileId) {
    auto& mdb = const_cast<storage::Database&>(db);
    auto sessions = storage::listSessions(mdb, profileId, 0);
    if (!sessions) return sessions.error();
    std::vector<int64_t> days;
    for (const auto& s : *sessions)
        if (s.stars.value_or(0) >= 1)
            if (auto t = engine::parseIsoUtc(s.startedAt)) days.push_back(engine::localDay(*t));
    auto pts = storage::ProgressStore(mdb).points(profileId);
    if (!pts) return pts.error();
    for (const auto& p : *pts)
        if (p.kind == "pain_stop" || p.kind == "red_flag_stop" || p.kind == "session" || p.kind == "safe_stop")
            if (auto t = engine::parseIsoUtc(p.day + "T12:00:00Z")) days.push_back(engine::localDay(*t));
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    return days;
}

Expected<SavedProgress> recordSessionProgress(storage::Database& db, const ProgressInput& in) {
    storage::ProgressStore store(db);
    SavedProgress out;
    auto xp = store.totalPoints(in.profileId);
    if (!xp) return xp.error();
    out.before = levelProgress(*xp);
    const std::string day = dayOf(in.now), at = engine::isoUtc(in.now);
    auto today = store.pointsOn(in.profileId, day);
    if (!today) return today.error();
    DayRewarded done;
    for (const auto& p : *today) {
        if (p.kind == "good_reps" || p.kind == "reps") done.reps[p.exerciseId] += p.amount;
        if (p.kind == "hold") done.heldS[p.exerciseId] += p.amount;
        if (p.kind == "session" || p.kind == "safe_stop") done.sessionBonus = true;
    }
    out.safeStop = isSafeStop(in.summary, in.stoppedForPain);
    out.points = pointsForSession(in.summary, done, out.safeStop);
    std::vector<storage::PointsRecord> rows;
    for (const auto& l : out.points.lines)
        rows.push_back({0, in.profileId, in.sessionId, at, day, l.exerciseId, l.kind, l.amount, l.points, l.note});
    if (out.safeStop)
        rows.push_back({0, in.profileId, in.sessionId, at, day, "", "pain_stop", 0, 0,
                        in.stoppedForPain ? "stopped because it hurt" : "pain rose by 2 or more"});
    if (rows.empty())  // nothing earned (past the plan, or nothing done): the session is still on record
        rows.push_back({0, in.profileId, in.sessionId, at, day, "", "session_none", 0, 0,
                        out.points.repsPastPlan > 0 ? "past today's plan: no points" : "nothing counted"});

    // Facts for the badges, with this session counted.
    auto days = activeDays(db, in.profileId);
    if (!days) return days.error();
    int64_t todayN = engine::localDay(in.now);
    bool countsToday = in.summary.stars >= 1 || out.safeStop || in.summary.completed;
    if (countsToday) days->push_back(todayN);
    std::sort(days->begin(), days->end());
    days->erase(std::unique(days->begin(), days->end()), days->end());
    ProgressFacts f;
    auto rest = in.isRestDay ? in.isRestDay : [](int64_t) { return false; };
    f.streakDays = engine::streakDays(*days, todayN, rest);
    out.ring = weeklyRing(*days, todayN, in.weekGoal);
    f.weekDays = out.ring.days;
    f.weekGoal = out.ring.goal;
    f.fullWeekEver = anyFullWeek(*days, in.weekGoal);
    for (const auto& e : in.summary.exercises) f.perfectSets += e.perfectSets;
    storage::RecoveryStore rs(db);
    if (auto ep = rs.activeEpisode(in.profileId); ep && *ep) {
        f.onsetPain = (*ep)->pain;
        if (auto apps = rs.thermalApplications(in.profileId)) f.iceHeatOnSchedule = iceHeatOnSchedule(**ep, *apps);
    }
    f.latestPain = in.summary.painAfter ? in.summary.painAfter : newestPain(db, in.profileId);
    auto sessions = storage::listSessions(db, in.profileId, 0);
    if (!sessions) return sessions.error();
    f.sessionsDone = static_cast<int>(sessions->size());
    out.streak = f.streakDays;
    std::vector<storage::BadgeRecord> badges;
    for (const auto& id : badgesEarned(f)) badges.push_back({0, in.profileId, id, at, in.sessionId});

    std::optional<storage::GameScoreRecord> score;
    if (in.game && !in.game->gameId.empty()) {
        const GameResult& g = *in.game;
        auto best = store.bestScore(in.profileId, g.gameId, g.exerciseId);
        if (!best) return best.error();
        if (*best) out.bestBefore = (*best)->score;
        out.newBest = !out.bestBefore || g.score > *out.bestBefore;
        storage::GameScoreRecord r;
        r.profileId = in.profileId;
        r.sessionId = in.sessionId;
        r.gameId = g.gameId;
        r.exerciseId = g.exerciseId;
        r.playedAt = at;
        r.score = g.score;
        r.reps = g.reps;
        r.repsPlanned = g.repsPlanned;
        r.good = g.good;
        r.heldS = g.heldS;
        r.heldPlannedS = g.heldPlannedS;
        if (g.gameId == "stars") {
            r.reachTarget = g.reachTarget;
            r.bestProgress = g.bestProgress;
        }
        r.faults = g.faults;
        score = r;
    }
    auto added = store.saveProgress(rows, badges, score);
    if (!added) return added.error();
    out.newBadges = *added;
    auto after = store.totalPoints(in.profileId);
    if (!after) return after.error();
    out.after = levelProgress(*after);
    return out;
}

Status recordRedFlagStop(storage::Database& db, storage::Id profileId, TimePoint now) {
    storage::ProgressStore store(db);
    std::vector<storage::PointsRecord> rows = {{0, profileId, std::nullopt, engine::isoUtc(now), dayOf(now), "",
                                                "red_flag_stop", 0, 0, "stopped for a red flag: the day still counts"}};
    auto r = store.saveProgress(rows, {}, std::nullopt);
    if (!r) return r.error();
    return {};
}

Expected<ProgressView> loadProgress(const storage::Database& db, storage::Id profileId, int weekGoal, TimePoint now,
                                    const std::function<bool(int64_t)>& isRestDay) {
    auto& mdb = const_cast<storage::Database&>(db);
    storage::ProgressStore store(mdb);
    ProgressView v;
    auto xp = store.totalPoints(profileId);
    if (!xp) return xp.error();
    v.level = levelProgress(*xp);
    auto days = activeDays(db, profileId);
    if (!days) return days.error();
    int64_t today = engine::localDay(now);
    v.ring = weeklyRing(*days, today, weekGoal);
    v.streak = engine::streakDays(*days, today, isRestDay ? isRestDay : [](int64_t) { return false; });
    auto badges = store.badges(profileId);
    if (!badges) return badges.error();
    v.badges = *badges;
    auto scores = store.gameScores(profileId);
    if (!scores) return scores.error();
    for (const auto& s : *scores) v.bestScores[s.gameId] = std::max(v.bestScores[s.gameId], s.score);
    return v;
}

Expected<DoseOffer> currentDoseOffer(storage::Database& db, storage::Id profileId) {
    storage::ProgressStore store(db);
    auto level = store.doseLevel(profileId);
    if (!level) return level.error();
    auto changes = store.doseChanges(profileId);
    if (!changes) return changes.error();
    storage::Id since = 0;
    for (const auto& c : *changes) since = std::max(since, c.sessionId.value_or(0));
    auto sessions = storage::listSessions(db, profileId, 10);
    if (!sessions) return sessions.error();
    auto pts = store.points(profileId);
    if (!pts) return pts.error();
    std::set<storage::Id> painStops;
    for (const auto& p : *pts)
        if (p.kind == "pain_stop" && p.sessionId) painStops.insert(*p.sessionId);
    std::vector<SessionOutcome> outcomes;
    for (const auto& s : *sessions) {
        if (s.id <= since) break;  // newest first: the rest were decided on already
        outcomes.push_back({s.id, s.painBefore, s.painAfter, s.completed, formOf(s), painStops.count(s.id) > 0});
    }
    return adviseDose(*level, outcomes);
}

Status decideDose(storage::Database& db, storage::Id profileId, const DoseOffer& offer, bool accepted, TimePoint now) {
    if (offer.kind == OfferKind::None) return {};
    storage::DoseChangeRecord c;
    c.profileId = profileId;
    c.decidedAt = engine::isoUtc(now);
    c.kind = offerKindName(offer.kind);
    c.fromLevel = offer.fromLevel;
    // Only a change of level can be accepted; a note (ready for more, see the therapist) is "seen".
    bool change = offer.kind == OfferKind::Lighter || offer.kind == OfferKind::StepUp;
    c.toLevel = change && accepted ? offer.toLevel : offer.fromLevel;
    c.reason = offer.reason;
    c.detail = offer.text;
    c.accepted = change && accepted;
    if (offer.sessionId > 0) c.sessionId = offer.sessionId;
    auto id = storage::ProgressStore(db).addDoseChange(c);
    if (!id) return id.error();
    return {};
}

Expected<float> reachTargetFor(const storage::Database& db, storage::Id profileId, const std::string& exerciseId,
                               float countThreshold) {
    auto& mdb = const_cast<storage::Database&>(db);
    auto scores = storage::ProgressStore(mdb).gameScores(profileId, "stars", exerciseId, 20);
    if (!scores) return scores.error();
    float shown = 0, last = -1;
    for (const auto& s : *scores) {
        if (s.bestProgress) shown = std::max(shown, static_cast<float>(*s.bestProgress));
        if (last < 0 && s.reachTarget) last = static_cast<float>(*s.reachTarget);
    }
    if (last < 0) return countThreshold;  // the first time: where a rep starts to count
    float next = std::min(std::max(last, countThreshold) + 0.05f, std::max(shown, countThreshold));
    return std::clamp(std::max(next, countThreshold), countThreshold, 1.0f);
}

}  // namespace ptcoach::game
