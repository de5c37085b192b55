#include "ptcoach/game/progression.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "ptcoach/engine/calendar.h"

namespace ptcoach::game {

SessionPoints pointsForSession(const engine::SessionSummary& s, const DayRewarded& today, bool safeStop) {
    SessionPoints out;
    for (const auto& e : s.exercises) {
        if (e.repsPlanned > 0) {
            int already = today.reps.count(e.exerciseId) ? today.reps.at(e.exerciseId) : 0;
            int room = std::max(0, e.repsPlanned - already);
            int done = std::min(e.repsDone, e.repsPlanned);
            int good = std::min({e.goodReps, done, room});
            int other = std::min(done - std::min(e.goodReps, done), room - good);
            out.repsPastPlan += std::max(0, done - good - other);
            if (good > 0)
                out.lines.push_back({"good_reps", e.exerciseId, good, good * kXpGoodRep,
                                     std::to_string(good) + " good-form rep" + (good == 1 ? "" : "s")});
            if (other > 0)
                out.lines.push_back({"reps", e.exerciseId, other, other * kXpOtherRep,
                                     std::to_string(other) + " more rep" + (other == 1 ? "" : "s")});
        }
        if (e.holdPlannedS > 0) {
            int already = today.heldS.count(e.exerciseId) ? today.heldS.at(e.exerciseId) : 0;
            int room = std::max(0, static_cast<int>(std::floor(e.holdPlannedS)) - already);
            int held = std::min(static_cast<int>(std::floor(std::min(e.holdS, e.holdPlannedS))), room);
            if (held > 0)
                out.lines.push_back({"hold", e.exerciseId, held, held * kXpPerHeldS,
                                     std::to_string(held) + " s held"});
        }
    }
    if (!today.sessionBonus) {
        if (s.completed) out.lines.push_back({"session", "", 1, kXpSession, "session done in full"});
        else if (safeStop) out.lines.push_back({"safe_stop", "", 1, kXpSession, "stopped for pain: bonus kept"});
    }
    for (const auto& l : out.lines) out.total += l.points;
    return out;
}

int64_t xpForLevel(int level) {
    if (level <= 1) return 0;
    return 25LL * (level - 1) * (level + 2);
}

int levelForXp(int64_t xp) {
    int level = 1;
    while (level < 999 && xpForLevel(level + 1) <= xp) ++level;
    return level;
}

LevelProgress levelProgress(int64_t xp) {
    LevelProgress p;
    p.xp = std::max<int64_t>(0, xp);
    p.level = levelForXp(p.xp);
    p.levelStart = xpForLevel(p.level);
    p.nextLevel = xpForLevel(p.level + 1);
    return p;
}

const std::vector<BadgeInfo>& badgeCatalog() {
    static const std::vector<BadgeInfo> list = {
        {"first_session", "First session", "Saved your first session."},
        {"streak_3", "Three days running", "Sessions 3 planned days in a row."},
        {"streak_7", "A week running", "Sessions 7 planned days in a row."},
        {"full_week", "First full week", "Met the weekly goal in a calendar week."},
        {"perfect_set", "Perfect set", "A whole set with good form in every rep."},
        {"ice_heat", "Ice and heat on time", "Three ice or heat applications in a day, each as the phase called for."},
        {"pain_down_2", "Pain down by 2", "Your pain is 2 or more points lower than when the episode began."},
    };
    return list;
}

const BadgeInfo* findBadge(const std::string& id) {
    for (const auto& b : badgeCatalog())
        if (b.id == id) return &b;
    return nullptr;
}

std::vector<std::string> badgesEarned(const ProgressFacts& f) {
    std::vector<std::string> out;
    if (f.sessionsDone >= 1) out.push_back("first_session");
    if (f.streakDays >= 3) out.push_back("streak_3");
    if (f.streakDays >= 7) out.push_back("streak_7");
    if (f.fullWeekEver || (f.weekGoal > 0 && f.weekDays >= f.weekGoal)) out.push_back("full_week");
    if (f.perfectSets > 0) out.push_back("perfect_set");
    if (f.iceHeatOnSchedule) out.push_back("ice_heat");
    if (f.onsetPain && f.latestPain && *f.latestPain <= *f.onsetPain - 2) out.push_back("pain_down_2");
    return out;
}

bool iceHeatOnSchedule(const storage::Episode& episode, const std::vector<storage::ThermalApplication>& apps) {
    using namespace std::chrono;
    const auto heatFrom = episode.onsetAt + hours(episode.iceHours);
    std::map<int64_t, int> perDay;
    for (const auto& a : apps) {
        if (a.episodeId && *a.episodeId != episode.id) continue;
        if (!a.endedAt || a.startedAt < episode.onsetAt) continue;
        auto minutes = duration_cast<seconds>(*a.endedAt - a.startedAt).count() / 60.0;
        if (minutes < 10 || minutes > 20.5) continue;
        const char* due = a.startedAt < heatFrom ? "ice" : "heat";
        if (a.kind != due) continue;
        ++perDay[engine::localDay(a.startedAt)];
    }
    for (const auto& [day, n] : perDay)
        if (n >= 3) return true;
    return false;
}

WeeklyRing weeklyRing(const std::vector<int64_t>& activeDays, int64_t today, int goal) {
    WeeklyRing r;
    r.goal = std::max(1, goal);
    int64_t monday = today - engine::weekdayOfDay(today);
    std::set<int64_t> days;
    for (int64_t d : activeDays)
        if (d >= monday && d <= today) days.insert(d);
    r.days = static_cast<int>(days.size());
    return r;
}

bool anyFullWeek(const std::vector<int64_t>& activeDays, int goal) {
    std::map<int64_t, std::set<int64_t>> weeks;
    for (int64_t d : activeDays) weeks[d - engine::weekdayOfDay(d)].insert(d);
    for (const auto& [monday, days] : weeks)
        if (static_cast<int>(days.size()) >= std::max(1, goal)) return true;
    return false;
}

}  // namespace ptcoach::game
