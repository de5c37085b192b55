#include "ptcoach/recovery/progress.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <set>

namespace ptcoach::recovery {

using namespace std::chrono;

TimePoint startOfLocalDay(TimePoint t) {
    std::time_t tt = system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return system_clock::from_time_t(std::mktime(&tm));
}

std::string localText(TimePoint t, const char* format) {
    std::time_t tt = system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char b[64];
    std::strftime(b, sizeof b, format, &tm);
    return b;
}

TimePoint addLocalDays(TimePoint dayStart, int days) {
    std::time_t tt = system_clock::to_time_t(dayStart);
    std::tm tm{};
    localtime_r(&tt, &tm);
    tm.tm_mday += days;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return system_clock::from_time_t(std::mktime(&tm));
}

TimePoint startOfLocalWeek(TimePoint t) {
    TimePoint day = startOfLocalDay(t);
    std::time_t tt = system_clock::to_time_t(day);
    std::tm tm{};
    localtime_r(&tt, &tm);
    int sinceMonday = (tm.tm_wday + 6) % 7;
    return addLocalDays(day, -sinceMonday);
}

namespace {
std::string plannedKey(storage::Id id) { return "profile." + std::to_string(id) + ".sessions_per_week"; }
}  // namespace

bool countsAsDone(const storage::SessionRow& s) { return s.completed || s.stars.value_or(0) >= 1; }

bool ExerciseSeries::hasRom() const {
    for (const auto& pt : points)
        if (pt.rom) return true;
    return false;
}

std::string Titles::program(const std::string& id) const {
    auto it = programs.find(id);
    if (it != programs.end()) return it->second;
    return id == "practice" ? "Practice" : id;
}

std::string Titles::exercise(const std::string& id) const {
    auto it = exercises.find(id);
    return it == exercises.end() ? id : it->second;
}

std::string Titles::romUnit(const std::string& id) const {
    auto it = romUnits.find(id);
    return it == romUnits.end() ? std::string() : it->second;
}

Expected<int> plannedSessionsPerWeek(const storage::Database& db, storage::Id profileId, int fallback) {
    auto setting = db.setting(plannedKey(profileId));
    if (!setting) return setting.error();
    const auto& v = *setting;
    if (!v) return fallback;
    int n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < 0 || n > 14) return fallback;
    return n;
}

Status setPlannedSessionsPerWeek(storage::Database& db, storage::Id profileId, int perWeek) {
    if (perWeek < 0 || perWeek > 14) return makeError("planned sessions a week must be 0-14, not " + std::to_string(perWeek));
    return db.setSetting(plannedKey(profileId), std::to_string(perWeek));
}

Expected<ProgressSummary> buildProgress(const storage::RecoveryStore& store, storage::Id profileId, TimePoint now,
                                        const ProgressOptions& options) {
    ProgressSummary p;
    p.profileId = profileId;
    p.now = now;
    p.waterGoalMl = options.waterGoalMl;
    TimePoint thisWeek = startOfLocalWeek(now);
    TimePoint earliestAllowed = addLocalDays(thisWeek, -7 * (std::max(options.weeks, 2) - 1));

    auto ep = store.activeEpisode(profileId);
    if (!ep) return ep.error();
    p.episode = *ep;
    if (p.episode) {
        p.daysSinceOnset = static_cast<int>(duration_cast<hours>(now - p.episode->onsetAt).count() / 24);
        p.phase = phaseAt(p.episode->onsetAt, now);
        p.thermal = thermalPhaseAt(p.episode->onsetAt, now, hours(p.episode->iceHours));
    }
    auto open = store.redFlagAlerts(profileId, true);
    if (!open) return open.error();
    for (const auto& a : *open) p.blocked = p.blocked || a.tier != "advice";

    auto eps = store.episodes(profileId);
    if (!eps) return eps.error();
    auto checkins = store.checkIns(profileId);
    if (!checkins) return checkins.error();
    auto sessions = store.sessions(profileId);
    if (!sessions) return sessions.error();
    auto results = store.exerciseResults(profileId);
    if (!results) return results.error();

    // The charts start at the week of the first record within the last `weeks` weeks, showing at
    // least this week and the one before.
    TimePoint earliest = now;
    auto consider = [&](TimePoint t) {
        if (t >= earliestAllowed && t < earliest) earliest = t;
    };
    for (const auto& e : *eps) consider(e.onsetAt);
    for (const auto& c : *checkins) consider(c.takenAt);
    for (const auto& s : *sessions) consider(s.startedAt);
    p.from = std::min(startOfLocalWeek(earliest), addLocalDays(thisWeek, -7));
    int weeks = 0;
    for (TimePoint w = p.from; w <= thisWeek; w = addLocalDays(w, 7)) ++weeks;

    auto inRange = [&](TimePoint t) { return t >= p.from && t <= now; };
    for (const auto& e : *eps)
        if (inRange(e.onsetAt)) p.pain.push_back({e.onsetAt, e.pain, PainPoint::Source::Episode});
    for (const auto& c : *checkins)
        if (c.pain && inRange(c.takenAt)) p.pain.push_back({c.takenAt, *c.pain, PainPoint::Source::CheckIn});
    std::set<TimePoint> activeDays;
    for (const auto& c : *checkins) activeDays.insert(startOfLocalDay(c.takenAt));
    for (const auto& s : *sessions) {
        if (countsAsDone(s)) {
            ++p.sessionsCompleted;
            activeDays.insert(startOfLocalDay(s.startedAt));
        }
        if (!inRange(s.startedAt)) continue;
        p.sessions.push_back({s.startedAt, s.completed, s.programId});
        if (s.painBefore) p.pain.push_back({s.startedAt, *s.painBefore, PainPoint::Source::BeforeSession});
        if (s.painAfter)
            p.pain.push_back({s.endedAt.value_or(s.startedAt + minutes(20)), *s.painAfter, PainPoint::Source::AfterSession});
    }
    std::sort(p.pain.begin(), p.pain.end(), [](const PainPoint& a, const PainPoint& b) { return a.at < b.at; });
    if (!p.pain.empty()) {
        p.latestPain = p.pain.back().pain;
        p.firstPain = p.pain.front().pain;
    }

    // Weeks: planned vs completed sessions.
    auto plannedSetting = plannedSessionsPerWeek(store.database(), profileId, options.plannedPerWeek);
    if (!plannedSetting) return plannedSetting.error();
    const int planned = *plannedSetting;
    for (int w = 0; w < weeks; ++w) {
        WeekAdherence wk;
        wk.weekStart = addLocalDays(p.from, 7 * w);
        TimePoint next = addLocalDays(wk.weekStart, 7);
        wk.planned = planned;
        for (const auto& s : *sessions)
            if (countsAsDone(s) && s.startedAt >= wk.weekStart && s.startedAt < next) ++wk.done;
        p.weeks.push_back(wk);
    }

    // Streak: consecutive active days ending today (or yesterday, when today has nothing yet).
    TimePoint today = startOfLocalDay(now);
    TimePoint day = activeDays.count(today) ? today : addLocalDays(today, -1);
    while (activeDays.count(day)) {
        ++p.streakDays;
        day = addLocalDays(day, -1);
    }
    for (int i = 13; i >= 0; --i) p.lastDays.push_back(activeDays.count(addLocalDays(today, -i)) > 0);

    // Per exercise ROM and quality, averaged per session (sides and sets together).
    std::map<std::string, std::map<storage::Id, std::pair<ExercisePoint, std::pair<int, int>>>> agg;
    for (const auto& r : *results) {
        if (!inRange(r.sessionStartedAt)) continue;
        auto& [pt, counts] = agg[r.exerciseId][r.sessionId];
        pt.at = r.sessionStartedAt;
        if (r.rom) pt.rom = pt.rom.value_or(0) + *r.rom, ++counts.first;
        if (r.quality) pt.quality = pt.quality.value_or(0) + *r.quality, ++counts.second;
    }
    for (auto& [exercise, bySession] : agg) {
        ExerciseSeries series;
        series.exerciseId = exercise;
        series.title = options.titles.exercise(exercise);
        series.unit = options.titles.romUnit(exercise);
        for (auto& [sid, entry] : bySession) {
            (void)sid;
            ExercisePoint pt = entry.first;
            if (pt.rom) *pt.rom /= entry.second.first;
            if (pt.quality) *pt.quality /= entry.second.second;
            series.points.push_back(pt);
        }
        std::sort(series.points.begin(), series.points.end(),
                  [](const ExercisePoint& a, const ExercisePoint& b) { return a.at < b.at; });
        p.exercises.push_back(std::move(series));
    }

    auto water = store.hydrationBetween(profileId, today, addLocalDays(today, 1));
    if (!water) return water.error();
    p.waterTodayMl = *water;
    return p;
}

}  // namespace ptcoach::recovery
