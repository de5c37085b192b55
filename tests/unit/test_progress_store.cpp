// Progression in the database: points, levels, badges and game scores saved with a session survive
// a restart; the best score is kept per person, game and exercise; dose offers and answers are
// stored for the therapist, and the next offer follows the saved sessions both ways. Run on SQLite
// and on PostgreSQL ([storage]).
#include <catch2/catch.hpp>

#include "ptcoach/engine/calendar.h"
#include "ptcoach/game/progress_service.h"
#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/progress_store.h"
#include "ptcoach/storage/recovery_store.h"
#include "ptcoach/storage/session_store.h"
#include "test_database.h"

using namespace ptcoach;
using namespace ptcoach::game;
using namespace ptcoach::storage;

namespace {

TimePoint at(const char* iso) { return engine::parseIsoUtc(iso).value(); }

// Saves a session of `done` curls (`good` of them good) of 10 and returns its id.
Id saveCurls(Database& db, Id profile, const char* startedAt, int done, int good, std::optional<int> before,
             std::optional<int> after, bool completed, double quality = 85) {
    SessionRecord s;
    s.profileId = profile;
    s.programId = "lifting_school";
    s.startedAt = startedAt;
    s.endedAt = startedAt;
    s.painBefore = before;
    s.painAfter = after;
    s.stars = done >= 8 ? 2 : 0;
    s.completed = completed;
    ExerciseResultRecord e;
    e.exerciseId = "standing_curl";
    e.repsDone = done;
    e.repsPlanned = 10;
    e.quality = quality;
    s.exercises.push_back(e);
    auto id = saveSession(db, s);
    REQUIRE(id.ok());
    (void)good;
    return *id;
}

ProgressInput input(Id profile, Id session, const char* now, int done, int good, bool completed,
                    std::optional<int> before = 3, std::optional<int> after = 3) {
    ProgressInput in;
    in.profileId = profile;
    in.sessionId = session;
    in.now = at(now);
    engine::ExerciseOutcome o;
    o.exerciseId = "standing_curl";
    o.repsDone = done;
    o.goodReps = good;
    o.repsPlanned = 10;
    o.quality = 85;
    in.summary.exercises.push_back(o);
    in.summary.completed = completed;
    in.summary.stars = done >= 8 ? 2 : 0;
    in.summary.painBefore = before;
    in.summary.painAfter = after;
    return in;
}

}  // namespace

TEST_CASE("points, level, badges and the game score survive a restart and go nowhere past the plan", "[storage]") {
    test::TestDatabase t("progress_restart");
    Id profile = 0;
    {
        auto db = t.open();
        auto p = defaultPatientProfile(*db);
        REQUIRE(p.ok());
        profile = *p;
        Id s1 = saveCurls(*db, profile, "2026-03-02T09:00:00Z", 10, 8, 3, 3, true);
        ProgressInput in = input(profile, s1, "2026-03-02T09:20:00Z", 10, 8, true);
        GameResult g;
        g.gameId = "shelf";
        g.exerciseId = "standing_curl";
        g.score = 820;
        g.reps = 10;
        g.repsPlanned = 10;
        g.good = 8;
        g.faults = {{"leaning_back", 2}};
        in.game = g;
        auto saved = recordSessionProgress(*db, in);
        INFO((saved.ok() ? "" : saved.error().message));
        REQUIRE(saved.ok());
        CHECK(saved->points.total == 8 * kXpGoodRep + 2 * kXpOtherRep + kXpSession);
        CHECK(saved->before.level == 1);
        CHECK(saved->after.level == 2);
        CHECK(saved->levelUp());
        CHECK(saved->newBest);
        CHECK_FALSE(saved->bestBefore);
        CHECK(saved->newBadges == std::vector<std::string>{"first_session"});
        CHECK(saved->ring.days == 1);
        // The same session again the same day earns nothing more, and the day is still on record.
        Id s2 = saveCurls(*db, profile, "2026-03-02T10:00:00Z", 10, 10, 3, 3, true);
        ProgressInput again = input(profile, s2, "2026-03-02T10:20:00Z", 10, 10, true);
        g.score = 900;
        again.game = g;
        auto second = recordSessionProgress(*db, again);
        REQUIRE(second.ok());
        CHECK(second->points.total == 0);
        CHECK(second->points.repsPastPlan == 10);
        CHECK(second->newBadges.empty());
        CHECK(second->bestBefore == 820);
        CHECK(second->newBest);
    }
    auto db = t.open();  // a restart
    ProgressStore store(*db);
    CHECK(*store.totalPoints(profile) == 136);
    auto view = loadProgress(*db, profile, 4, at("2026-03-03T08:00:00Z"));
    REQUIRE(view.ok());
    CHECK(view->level.level == 2);
    CHECK(view->level.xp == 136);
    CHECK(view->ring.days == 1);
    CHECK(view->streak == 1);
    REQUIRE(view->badges.size() == 1);
    CHECK(view->badges[0].badgeId == "first_session");
    CHECK(view->bestScores.at("shelf") == 900);
    auto best = store.bestScore(profile, "shelf", "standing_curl");
    REQUIRE(best.ok());
    REQUIRE(*best);
    CHECK((*best)->score == 900);
    CHECK((*best)->faults == std::vector<std::pair<std::string, int>>{{"leaning_back", 2}});
    CHECK(store.gameScores(profile, "shelf")->size() == 2);
    CHECK(store.gameScores(profile, "stars")->empty());
}

TEST_CASE("a session stopped for pain loses nothing: points, bonus and the day are kept", "[storage]") {
    test::TestDatabase t("progress_pain_stop");
    auto db = t.open();
    Id profile = *defaultPatientProfile(*db);
    Id s1 = saveCurls(*db, profile, "2026-03-04T09:00:00Z", 4, 4, 3, 6, false);
    ProgressInput in = input(profile, s1, "2026-03-04T09:10:00Z", 4, 4, false, 3, 6);
    in.stoppedForPain = true;
    auto saved = recordSessionProgress(*db, in);
    REQUIRE(saved.ok());
    CHECK(saved->safeStop);
    CHECK(saved->points.total == 4 * kXpGoodRep + kXpSession);
    CHECK(saved->ring.days == 1);
    CHECK(saved->streak == 1);
    // A red flag the next day: no points, and the day still counts.
    REQUIRE(recordRedFlagStop(*db, profile, at("2026-03-05T09:00:00Z")).ok());
    auto view = loadProgress(*db, profile, 3, at("2026-03-05T18:00:00Z"));
    REQUIRE(view.ok());
    CHECK(view->ring.days == 2);
    CHECK(view->streak == 2);
    CHECK(view->level.xp == 4 * kXpGoodRep + kXpSession);
}

TEST_CASE("dose offers follow the saved sessions both ways and every answer is stored", "[storage]") {
    test::TestDatabase t("progress_dosing");
    auto db = t.open();
    Id profile = *defaultPatientProfile(*db);
    auto offer = currentDoseOffer(*db, profile);
    REQUIRE(offer.ok());
    CHECK(offer->kind == OfferKind::None);

    // Pain 3 -> 6: a lighter dose is offered; accepted, the level is -1.
    Id s1 = saveCurls(*db, profile, "2026-03-02T09:00:00Z", 10, 10, 3, 6, true);
    offer = currentDoseOffer(*db, profile);
    REQUIRE(offer.ok());
    CHECK(offer->kind == OfferKind::Lighter);
    CHECK(offer->sessionId == s1);
    REQUIRE(decideDose(*db, profile, *offer, true, at("2026-03-03T09:00:00Z")).ok());
    ProgressStore store(*db);
    CHECK(*store.doseLevel(profile) == -1);
    // Decided: not offered again for the same session.
    CHECK(currentDoseOffer(*db, profile)->kind == OfferKind::None);

    // Two easy sessions: one step back up, to the plan; declined first, then accepted after two more.
    saveCurls(*db, profile, "2026-03-03T09:30:00Z", 8, 8, 3, 2, true);
    CHECK(currentDoseOffer(*db, profile)->kind == OfferKind::None);
    saveCurls(*db, profile, "2026-03-04T09:30:00Z", 8, 8, 2, 2, true);
    offer = currentDoseOffer(*db, profile);
    REQUIRE(offer->kind == OfferKind::StepUp);
    CHECK(offer->toLevel == 0);
    REQUIRE(decideDose(*db, profile, *offer, false, at("2026-03-05T09:00:00Z")).ok());
    CHECK(*store.doseLevel(profile) == -1);
    saveCurls(*db, profile, "2026-03-05T09:30:00Z", 8, 8, 2, 2, true);
    saveCurls(*db, profile, "2026-03-06T09:30:00Z", 8, 8, 2, 1, true);
    offer = currentDoseOffer(*db, profile);
    REQUIRE(offer->kind == OfferKind::StepUp);
    REQUIRE(decideDose(*db, profile, *offer, true, at("2026-03-07T09:00:00Z")).ok());
    CHECK(*store.doseLevel(profile) == 0);
    // At the plan, two more easy ones: "ready for more" for the therapist; the level stays at the plan.
    saveCurls(*db, profile, "2026-03-07T09:30:00Z", 10, 10, 1, 1, true);
    saveCurls(*db, profile, "2026-03-08T09:30:00Z", 10, 10, 1, 1, true);
    offer = currentDoseOffer(*db, profile);
    REQUIRE(offer->kind == OfferKind::ReadyForMore);
    REQUIRE(decideDose(*db, profile, *offer, true, at("2026-03-09T09:00:00Z")).ok());
    CHECK(*store.doseLevel(profile) == 0);

    auto changes = store.doseChanges(profile);
    REQUIRE(changes.ok());
    REQUIRE(changes->size() == 4);  // newest first
    CHECK((*changes)[0].kind == "ready_for_more");
    CHECK((*changes)[0].toLevel == 0);
    CHECK((*changes)[1].kind == "step_up");
    CHECK((*changes)[1].accepted);
    CHECK((*changes)[2].kind == "step_up");
    CHECK_FALSE((*changes)[2].accepted);
    CHECK((*changes)[3].kind == "lighter");
    CHECK((*changes)[3].reason == "pain_rise");
    CHECK_THAT((*changes)[3].detail, Catch::Contains("from 3 to 6"));
    // Bad levels are refused with a reason.
    DoseChangeRecord bad;
    bad.profileId = profile;
    bad.kind = "lighter";
    bad.reason = "pain_rise";
    bad.toLevel = 2;
    auto r = store.addDoseChange(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("not a dose level"));
}

TEST_CASE("the reach game's star grows slowly, never past the range the person has shown", "[storage]") {
    test::TestDatabase t("progress_reach");
    auto db = t.open();
    Id profile = *defaultPatientProfile(*db);
    const float enter = 0.47f;
    CHECK(*reachTargetFor(*db, profile, "side_bend", enter) == Approx(enter));
    auto play = [&](float target, float best) {
        GameScoreRecord g;
        g.profileId = profile;
        g.gameId = "stars";
        g.exerciseId = "side_bend";
        g.playedAt = "2026-03-02T09:00:00Z";
        g.score = 100;
        g.reachTarget = target;
        g.bestProgress = best;
        REQUIRE(ProgressStore(*db).saveProgress({}, {}, g).ok());
    };
    play(enter, 0.9f);
    CHECK(*reachTargetFor(*db, profile, "side_bend", enter) == Approx(enter + 0.05f));
    play(enter + 0.05f, 0.55f);
    CHECK(*reachTargetFor(*db, profile, "side_bend", enter) == Approx(enter + 0.10f));
    // Someone who has shown only a little: the star stays within it.
    test::TestDatabase t2("progress_reach_small");
    auto db2 = t2.open();
    Id p2 = *defaultPatientProfile(*db2);
    GameScoreRecord g;
    g.profileId = p2;
    g.gameId = "stars";
    g.exerciseId = "side_bend";
    g.playedAt = "2026-03-02T09:00:00Z";
    g.reachTarget = 0.6f;
    g.bestProgress = 0.62f;
    REQUIRE(ProgressStore(*db2).saveProgress({}, {}, g).ok());
    CHECK(*reachTargetFor(*db2, p2, "side_bend", enter) == Approx(0.62f));
}
