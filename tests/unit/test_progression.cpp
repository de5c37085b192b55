// Points, levels, badges, the weekly ring and pain-guided dosing, as pure rules: no points past the
// plan, nothing lost for a session stopped by pain, lighter after a pain rise, back up after two easy
// sessions and never above the therapist's plan.
#include <catch2/catch.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/engine/calendar.h"
#include "ptcoach/engine/session.h"
#include "ptcoach/game/dosing.h"
#include "ptcoach/game/progression.h"

using namespace ptcoach;
using namespace ptcoach::game;

namespace {

engine::SessionSummary curlSummary(int done, int good, int planned, bool completed) {
    engine::SessionSummary s;
    engine::ExerciseOutcome o;
    o.exerciseId = "standing_curl";
    o.repsDone = done;
    o.goodReps = good;
    o.repsPlanned = planned;
    s.exercises.push_back(o);
    s.completed = completed;
    return s;
}

int pointsOf(const SessionPoints& p, const std::string& kind) {
    int n = 0;
    for (const auto& l : p.lines)
        if (l.kind == kind) n += l.points;
    return n;
}

engine::SessionPlan plan(int reps, int hold) {
    engine::SessionPlan p;
    analysis::ExerciseDefinition a, b;
    a.title = "Bridge";
    a.dose.reps = reps;
    b.title = "Plank";
    b.kind = analysis::ExerciseKind::Hold;
    b.dose.holdS = hold;
    p.exercises = {a, b};
    engine::PlannedStep s1, s2;
    s1.exercise = 0;
    s1.reps = reps;
    s2.exercise = 1;
    s2.goal = engine::StepGoal::Hold;
    s2.seconds = hold;
    p.steps = {s1, s1, s2};
    return p;
}

}  // namespace

TEST_CASE("points: good-form reps, other reps, held seconds and a done session") {
    engine::SessionSummary s = curlSummary(10, 8, 10, true);
    engine::ExerciseOutcome plank;
    plank.exerciseId = "front_plank_modified";
    plank.holdS = 57.6;
    plank.holdPlannedS = 60;
    s.exercises.push_back(plank);
    SessionPoints p = pointsForSession(s, {}, false);
    CHECK(pointsOf(p, "good_reps") == 8 * kXpGoodRep);
    CHECK(pointsOf(p, "reps") == 2 * kXpOtherRep);
    CHECK(pointsOf(p, "hold") == 57 * kXpPerHeldS);
    CHECK(pointsOf(p, "session") == kXpSession);
    CHECK(p.total == 80 + 6 + 114 + 50);
}

TEST_CASE("no points past the plan: reps over it, or the same session again the same day") {
    // The summary never holds more than planned, but a hand-made one must not pay more either.
    SessionPoints over = pointsForSession(curlSummary(14, 14, 10, true), {}, false);
    CHECK(pointsOf(over, "good_reps") == 10 * kXpGoodRep);
    CHECK(pointsOf(over, "reps") == 0);
    // Again today: the day already rewarded 10 curls and a session bonus.
    DayRewarded today;
    today.reps["standing_curl"] = 10;
    today.sessionBonus = true;
    SessionPoints again = pointsForSession(curlSummary(10, 10, 10, true), today, false);
    CHECK(again.total == 0);
    CHECK(again.repsPastPlan == 10);
    // Part of the plan left: only that part pays.
    today.reps["standing_curl"] = 6;
    SessionPoints rest = pointsForSession(curlSummary(10, 10, 10, true), today, false);
    CHECK(pointsOf(rest, "good_reps") == 4 * kXpGoodRep);
    CHECK(rest.repsPastPlan == 6);
    // Holds likewise.
    engine::SessionSummary h;
    engine::ExerciseOutcome plank;
    plank.exerciseId = "front_plank_modified";
    plank.holdS = 60;
    plank.holdPlannedS = 60;
    h.exercises.push_back(plank);
    DayRewarded held;
    held.heldS["front_plank_modified"] = 45;
    CHECK(pointsOf(pointsForSession(h, held, false), "hold") == 15 * kXpPerHeldS);
}

TEST_CASE("a session stopped for pain keeps its points and its bonus") {
    engine::SessionSummary s = curlSummary(4, 4, 10, false);
    SessionPoints normalStop = pointsForSession(s, {}, false);
    SessionPoints safeStop = pointsForSession(s, {}, true);
    CHECK(pointsOf(normalStop, "session") == 0);
    CHECK(pointsOf(safeStop, "safe_stop") == kXpSession);
    CHECK(pointsOf(safeStop, "good_reps") == pointsOf(normalStop, "good_reps"));
    CHECK(safeStop.total == 4 * kXpGoodRep + kXpSession);
}

TEST_CASE("levels start at 0, 100, 250, 450, 700 points") {
    CHECK(xpForLevel(1) == 0);
    CHECK(xpForLevel(2) == 100);
    CHECK(xpForLevel(3) == 250);
    CHECK(xpForLevel(5) == 700);
    CHECK(levelForXp(0) == 1);
    CHECK(levelForXp(99) == 1);
    CHECK(levelForXp(100) == 2);
    CHECK(levelForXp(699) == 4);
    CHECK(levelForXp(700) == 5);
    LevelProgress p = levelProgress(175);
    CHECK(p.level == 2);
    CHECK(p.fraction() == Approx(0.5));
}

TEST_CASE("badges: streaks, a first full week, a perfect set, ice and heat on time, pain down by 2") {
    ProgressFacts f;
    CHECK(badgesEarned(f).empty());
    f.sessionsDone = 1;
    f.streakDays = 3;
    f.perfectSets = 1;
    f.onsetPain = 7;
    f.latestPain = 6;
    auto b = badgesEarned(f);
    CHECK(b == std::vector<std::string>{"first_session", "streak_3", "perfect_set"});
    f.latestPain = 5;
    f.streakDays = 7;
    f.weekDays = 4;
    f.weekGoal = 4;
    f.iceHeatOnSchedule = true;
    b = badgesEarned(f);
    CHECK(b == std::vector<std::string>{"first_session", "streak_3", "streak_7", "full_week", "perfect_set", "ice_heat",
                                        "pain_down_2"});
    for (const auto& id : b) CHECK(findBadge(id) != nullptr);
}

TEST_CASE("ice and heat on schedule: three applications of the phase's kind in a day, 10 to 20 minutes each") {
    using namespace std::chrono;
    storage::Episode e;
    e.id = 1;
    e.onsetAt = engine::parseIsoUtc("2026-03-02T06:00:00Z").value();
    e.iceHours = 48;
    auto app = [&](const char* kind, const char* start, int minutes) {
        storage::ThermalApplication a;
        a.episodeId = 1;
        a.kind = kind;
        a.startedAt = engine::parseIsoUtc(start).value();
        a.endedAt = a.startedAt + std::chrono::minutes(minutes);
        return a;
    };
    std::vector<storage::ThermalApplication> apps = {app("ice", "2026-03-02T09:00:00Z", 15), app("ice", "2026-03-02T11:30:00Z", 15)};
    CHECK_FALSE(iceHeatOnSchedule(e, apps));
    apps.push_back(app("heat", "2026-03-02T14:00:00Z", 15));  // heat in the ice phase does not count
    CHECK_FALSE(iceHeatOnSchedule(e, apps));
    apps.push_back(app("ice", "2026-03-02T15:00:00Z", 5));  // too short
    CHECK_FALSE(iceHeatOnSchedule(e, apps));
    apps.push_back(app("ice", "2026-03-02T16:30:00Z", 20));
    CHECK(iceHeatOnSchedule(e, apps));
}

TEST_CASE("the weekly ring counts distinct days this week, Monday first") {
    int64_t monday = engine::localDay(engine::parseIsoUtc("2026-03-02T12:00:00Z").value());
    REQUIRE(engine::weekdayOfDay(monday) == 0);
    std::vector<int64_t> days = {monday - 1, monday, monday, monday + 2};
    WeeklyRing r = weeklyRing(days, monday + 3, 4);
    CHECK(r.days == 2);
    CHECK(r.goal == 4);
    CHECK(r.fraction() == Approx(0.5));
    CHECK_FALSE(anyFullWeek(days, 3));
    days.push_back(monday + 4);
    CHECK(anyFullWeek(days, 3));
}

TEST_CASE("pain-guided dosing: a pain rise of 2 offers a lighter dose and says why") {
    SessionOutcome rose{12, 3, 5, true, 85.0, false};
    DoseOffer o = adviseDose(0, {rose});
    CHECK(o.kind == OfferKind::Lighter);
    CHECK(o.toLevel == -1);
    CHECK(o.sessionId == 12);
    CHECK_THAT(o.text, Catch::Contains("from 3 to 5"));
    // A rise of 1 is not enough; a stop because it hurt is.
    CHECK(adviseDose(0, {{13, 3, 4, true, 85.0, false}}).kind == OfferKind::None);
    CHECK(adviseDose(-1, {{14, 3, 3, false, std::nullopt, true}}).toLevel == -2);
    // At the lightest level: see the therapist, no lower.
    DoseOffer floor = adviseDose(kLightestLevel, {rose});
    CHECK(floor.kind == OfferKind::SeeTherapist);
    CHECK(floor.toLevel == kLightestLevel);
}

TEST_CASE("pain-guided dosing: two easy sessions step back up, never above the plan") {
    SessionOutcome easy1{20, 3, 2, true, 80.0, false}, easy2{21, 2, 2, true, std::nullopt, false};
    DoseOffer up = adviseDose(-2, {easy2, easy1});
    CHECK(up.kind == OfferKind::StepUp);
    CHECK(up.toLevel == -1);
    // At the plan: no higher; the therapist is told the person is ready.
    DoseOffer ready = adviseDose(0, {easy2, easy1});
    CHECK(ready.kind == OfferKind::ReadyForMore);
    CHECK(ready.toLevel == 0);
    // One easy session, or an easy one with weak form, or not done in full: no step.
    CHECK(adviseDose(-1, {easy2}).kind == OfferKind::None);
    CHECK(adviseDose(-1, {easy2, {19, 3, 3, true, 55.0, false}}).kind == OfferKind::None);
    CHECK(adviseDose(-1, {easy2, {19, 3, 3, false, 90.0, false}}).kind == OfferKind::None);
    CHECK(adviseDose(-1, {easy2, {19, std::nullopt, 3, true, 90.0, false}}).kind == OfferKind::None);
}

TEST_CASE("a dose level scales reps and holds down from the plan, never up") {
    engine::SessionPlan p = plan(10, 20);
    engine::SessionPlan full = dosePlan(p, 0);
    CHECK(full.steps[0].reps == 10);
    CHECK(full.steps[2].seconds == 20);
    engine::SessionPlan light = dosePlan(p, -1);
    CHECK(light.steps[0].reps == 8);
    CHECK(light.steps[1].reps == 8);
    CHECK(light.steps[2].seconds == 16);
    CHECK(light.steps.size() == p.steps.size());
    CHECK(dosePlan(p, -3).steps[0].reps == 5);
    CHECK(dosePlan(p, 5).steps[0].reps == 10);  // above the plan is the plan
    engine::SessionPlan tiny = plan(1, 6);
    CHECK(dosePlan(tiny, -3).steps[0].reps == 1);
    CHECK(dosePlan(tiny, -3).steps[2].seconds == 5);
    CHECK(doseChangeText(p, 0, -1) == "Bridge: 8 reps instead of 10");
}

TEST_CASE("stars reflect what was done: 8 good reps of 10 is a star even when the session ended there") {
    engine::SessionSummary s = curlSummary(8, 8, 10, false);
    s.exercises[0].quality = 76;
    s.completion = 0.8 / 7;  // the curl was the first of seven steps
    s.formScore = 76;
    CHECK(engine::starsFor(s.completion, s.formScore) == 0);
    CHECK(engine::starsFor(s) == 1);
    s.exercises[0].quality = 50;  // the same reps done badly: no star
    CHECK(engine::starsFor(s) == 0);
    s.exercises[0].quality = 76;
    s.exercises[0].repsDone = 6;
    CHECK(engine::starsFor(s) == 0);
    CHECK(engine::scorePoints(73.5) == 74);
    CHECK(engine::scorePoints(73.49) == 73);
}
