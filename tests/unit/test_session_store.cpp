// Sessions in the history: saved with their exercise results in one transaction, read back newest
// first; the check-in's red-flag screen; the default patient profile. Run on SQLite and on
// PostgreSQL ([storage]).
#include <catch2/catch.hpp>

#include "ptcoach/storage/database.h"
#include "ptcoach/storage/recovery_store.h"
#include "ptcoach/storage/session_store.h"
#include "test_database.h"
#include "test_support.h"

using namespace ptcoach::storage;
using Catch::Matchers::Contains;

TEST_CASE("a session and its exercise results are saved and read back, newest first", "[storage]") {
    ptcoach::test::TestDatabase t("session_store");
    auto db = t.open();
    auto profile = defaultPatientProfile(*db);
    REQUIRE(profile.ok());
    auto again = defaultPatientProfile(*db);
    REQUIRE(again.ok());
    CHECK(*again == *profile);

    SessionRecord s;
    s.profileId = *profile;
    s.programId = "lifting_school";
    s.startedAt = "2026-11-20T09:00:00Z";
    s.endedAt = "2026-11-20T09:20:00Z";
    s.painBefore = 4;
    s.painAfter = 2;
    s.stars = 3;
    s.completed = true;
    ExerciseResultRecord curl;
    curl.exerciseId = "standing_curl";
    curl.side = "either";
    curl.setsDone = 1;
    curl.repsDone = 8;
    curl.repsPlanned = 10;
    curl.rom = 95.5;
    curl.quality = 81;
    curl.faults = {{"leaning_back", 2}, {"not_deep_enough", 1}};
    ExerciseResultRecord walk;
    walk.exerciseId = "walking";
    walk.holdS = 300;
    walk.holdPlannedS = 600;
    s.exercises = {curl, walk};
    auto id1 = saveSession(*db, s);
    REQUIRE(id1.ok());
    s.startedAt = "2026-11-21T09:00:00Z";
    s.stars.reset();
    s.painAfter.reset();
    s.withCamera = false;
    s.exercises.clear();
    auto id2 = saveSession(*db, s);
    REQUIRE(id2.ok());

    auto list = listSessions(*db, *profile);
    REQUIRE(list.ok());
    REQUIRE(list->size() == 2);
    const SessionRecord& newest = (*list)[0];
    CHECK(newest.id == *id2);
    CHECK_FALSE(newest.stars.has_value());
    CHECK_FALSE(newest.painAfter.has_value());
    CHECK_FALSE(newest.withCamera);
    const SessionRecord& first = (*list)[1];
    CHECK(first.programId == "lifting_school");
    CHECK(first.painBefore == 4);
    CHECK(first.stars == 3);
    CHECK(first.completed);
    REQUIRE(first.exercises.size() == 2);
    CHECK(first.exercises[0].exerciseId == "standing_curl");
    CHECK(first.exercises[0].side == "either");
    CHECK(first.exercises[0].repsDone == 8);
    CHECK(first.exercises[0].rom == Approx(95.5));
    CHECK(first.exercises[0].faults == curl.faults);
    CHECK_FALSE(first.exercises[1].rom.has_value());
    CHECK(first.exercises[1].holdS == Approx(300));
    CHECK(listSessions(*db, *profile, 1)->size() == 1);
}

TEST_CASE("a session that cannot be saved leaves nothing behind and says why", "[storage]") {
    ptcoach::test::TestDatabase t("session_store_bad");
    auto db = t.open();
    auto profile = defaultPatientProfile(*db);
    REQUIRE(profile.ok());
    SessionRecord s;
    s.profileId = *profile;
    s.programId = "core_strengthening";
    s.startedAt = "2026-11-20T09:00:00Z";
    s.painBefore = 11;  // outside the schema's 0-10
    ExerciseResultRecord e;
    e.exerciseId = "bridge";
    s.exercises = {e};
    auto r = saveSession(*db, s);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Contains("cannot save the session"));
    s.painBefore = 3;
    s.profileId = 9999;  // no such profile: the foreign key refuses it
    CHECK_FALSE(saveSession(*db, s).ok());
    CHECK(listSessions(*db, *profile)->empty());
    CHECK(ptcoach::test::queryInt(*db, "SELECT COUNT(*) FROM exercise_results") == 0);
    SessionRecord empty;
    CHECK_THAT(saveSession(*db, empty).error().message, Contains("program id"));
}

// parseFaults dropped a corrupt faults column without a word: the history showed no faults.
TEST_CASE("a corrupt faults column is reported with its session, not dropped without a word", "[storage]") {
    ptcoach::test::TestDatabase t("session_store_corrupt_faults");
    auto db = t.open();
    auto profile = defaultPatientProfile(*db);
    REQUIRE(profile.ok());
    SessionRecord s;
    s.profileId = *profile;
    s.programId = "lifting_school";
    s.startedAt = s.endedAt = "2026-11-20T09:00:00Z";
    ExerciseResultRecord curl;
    curl.exerciseId = "standing_curl";
    curl.faults = {{"leaning_back", 2}};
    s.exercises.push_back(curl);
    auto id = saveSession(*db, s);
    REQUIRE(id.ok());
    REQUIRE(db->exec("UPDATE exercise_results SET faults = '[{\"code\": \"leaning_back\", \"count\": \"two\"}]'").ok());
    auto read = listSessions(*db, *profile);
    REQUIRE_FALSE(read.ok());
    CHECK_THAT(read.error().message, Contains("session #" + std::to_string(*id)) && Contains("standing_curl") &&
                                         Contains("faults are not a list") && Contains("\"two\""));
}

// Statement::time() turned text that is not a time into 1970-01-01.
TEST_CASE("a time column that holds no time is an error naming the column, not the epoch", "[storage]") {
    ptcoach::test::TestDatabase t("session_store_bad_time");
    auto db = t.open();
    REQUIRE(db->exec("INSERT INTO profiles(name, role) VALUES('Ana', 'patient')").ok());
    REQUIRE(db->exec("INSERT INTO hydration(profile_id, taken_at, ml) VALUES(1, 'yesterday', 250)").ok());
    auto water = RecoveryStore(*db).hydration(1);
    REQUIRE_FALSE(water.ok());
    CHECK_THAT(water.error().message, Contains("column taken_at holds 'yesterday', not a time"));
}
