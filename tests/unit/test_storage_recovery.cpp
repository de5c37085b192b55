// The recovery repository: round trips, validation, transactions, and what survives a kill -9 or
// a damaged file.
// Tagged [storage]: run on SQLite and on PostgreSQL; [sqlite]: about the SQLite file.
#include <algorithm>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "ptcoach/recovery/thermal.h"
#include "ptcoach/storage/recovery_store.h"
#include "test_database.h"
#include "test_support.h"

using namespace ptcoach;
using namespace ptcoach::storage;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<Database> openDb(const fs::path& file) {
    auto db = Database::open(file);
    INFO((db.ok() ? std::string() : db.error().message));
    REQUIRE(db.ok());
    return std::move(db).value();
}

TimePoint at(const char* iso) { return parseUtc(iso).value(); }

int count(Database& db, const std::string& sql) { return static_cast<int>(ptcoach::test::queryInt(db, sql)); }

using ptcoach::test::slurp;

}  // namespace

TEST_CASE("times are stored as ISO 8601 UTC text and read back exactly") {
    TimePoint t = at("2026-11-21T09:30:05Z");
    CHECK(formatUtc(t) == "2026-11-21T09:30:05Z");
    CHECK(parseUtc("2026-11-21 09:30:05") == t);
    CHECK_FALSE(parseUtc("yesterday").has_value());
    CHECK_FALSE(parseUtc("2026-13-01T00:00:00Z").has_value());
    auto now = time_point_cast<seconds>(system_clock::now());
    CHECK(parseUtc(formatUtc(now)) == now);
}

TEST_CASE("the default profile is created once and its id kept in settings", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_profile");
    Id first = 0;
    {
        auto db = t.open();
        RecoveryStore store(*db);
        auto id = store.ensureDefaultProfile();
        REQUIRE(id.ok());
        first = *id;
        CHECK(store.ensureDefaultProfile().value() == first);
        CHECK(ptcoach::test::settingOf(*db, "default_profile_id").value_or("") == std::to_string(first));
        CHECK(store.profile(first)->role == "patient");
    }
    auto db = t.open();
    RecoveryStore store(*db);
    CHECK(store.ensureDefaultProfile().value() == first);
    CHECK(count(*db, "SELECT count(*) FROM profiles") == 1);

    // A patient profile created elsewhere first (the session screen) is adopted, not duplicated.
    ptcoach::test::TestDatabase t2("storage_rec_profile_adopt");
    auto db2 = t2.open();
    REQUIRE(db2->exec("INSERT INTO profiles(name, role) VALUES ('Therapist T', 'therapist'), ('Me', 'patient')").ok());
    RecoveryStore store2(*db2);
    CHECK(store2.ensureDefaultProfile().value() == 2);
    CHECK(count(*db2, "SELECT count(*) FROM profiles") == 2);
}

TEST_CASE("episodes round-trip and bad values are refused with a reason", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_episodes");
    auto db = t.open();
    RecoveryStore store(*db);
    Id pid = store.ensureDefaultProfile().value();
    Episode e;
    e.profileId = pid;
    e.onsetAt = at("2026-11-20T08:15:00Z");
    e.location = "lower back, left";
    e.trigger = "gardening, \"heavy\" bag";
    e.pain = 7;
    e.spasmSeverity = "1+";
    e.strainGrade = 2;
    e.iceHours = 36;
    auto id = store.addEpisode(e);
    REQUIRE(id.ok());
    auto back = store.episode(*id);
    REQUIRE(back.ok());
    CHECK(back->onsetAt == e.onsetAt);
    CHECK(back->location == e.location);
    CHECK(back->trigger == e.trigger);
    CHECK(back->pain == 7);
    CHECK(back->spasmSeverity == std::optional<std::string>("1+"));
    CHECK(back->strainGrade == std::optional<int>(2));
    CHECK(back->iceHours == 36);
    CHECK(store.activeEpisode(pid).value()->id == *id);

    Episode bad = e;
    bad.pain = 11;
    CHECK_THAT(store.addEpisode(bad).error().message, Catch::Contains("pain must be 0-10"));
    bad = e;
    bad.spasmSeverity = "5";
    CHECK_THAT(store.addEpisode(bad).error().message, Catch::Contains("Modified Ashworth"));
    bad = e;
    bad.iceHours = 96;
    CHECK_THAT(store.addEpisode(bad).error().message, Catch::Contains("24-72"));
    CHECK_FALSE(store.setIceHours(*id, 10).ok());
    REQUIRE(store.setIceHours(*id, 24).ok());
    CHECK(store.episode(*id)->iceHours == 24);

    REQUIRE(store.endEpisode(*id, at("2026-12-01T10:00:00Z")).ok());
    CHECK_FALSE(store.activeEpisode(pid).value().has_value());
    CHECK(store.episodes(pid)->size() == 1);
    CHECK_FALSE(store.endEpisode(9999, at("2026-12-01T10:00:00Z")).ok());
}

TEST_CASE("each yes of a red-flag screen is an open alert saved with it; resolving needs a note or a visit", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_flags");
    auto db = t.open();
    RecoveryStore store(*db);
    Id pid = store.ensureDefaultProfile().value();
    Id other = store.addProfile("Ben", "patient").value();
    Episode e;
    e.profileId = pid;
    e.onsetAt = at("2026-11-20T08:15:00Z");
    e.pain = 6;
    Id eid = store.addEpisode(e).value();
    RedFlagScreenRecord r;
    r.profileId = pid;
    r.episodeId = eid;
    r.takenAt = at("2026-11-20T09:00:00Z");
    r.kind = "full";
    r.answers = {{"leg_numbness", true}, {"bladder_bowel", false}, {"upright", true}};
    CHECK_THAT(store.addRedFlagScreen(r).error().message, Catch::Contains("no tier"));  // a yes needs its tier
    CHECK(store.redFlagScreens(pid)->empty());                                          // nothing half-saved
    r.tiers = {{"leg_numbness", "clinician"}, {"upright", "advice"}};
    REQUIRE(store.addRedFlagScreen(r).ok());
    auto latest = store.latestRedFlagScreen(pid, eid).value();
    REQUIRE(latest.has_value());
    CHECK(latest->anyYes);
    CHECK(latest->answers.at("leg_numbness"));
    CHECK_FALSE(latest->answers.at("bladder_bowel"));
    auto open = store.redFlagAlerts(pid, true).value();
    REQUIRE(open.size() == 2);
    for (const auto& a : open) {
        CHECK(a.open());
        CHECK(a.answeredAt == r.takenAt);
        CHECK(a.episodeId == std::optional<Id>(eid));
        CHECK(a.screenId == std::optional<Id>(latest->id));
        CHECK(a.tier == (a.questionId == "upright" ? "advice" : "clinician"));
    }

    // Ending the episode resolves nothing.
    REQUIRE(store.endEpisode(eid, at("2026-11-21T09:00:00Z")).ok());
    CHECK(store.redFlagAlerts(pid, true)->size() == 2);

    AlertResolution byTherapist{"therapist", std::nullopt, "", "", std::nullopt, at("2026-11-22T09:00:00Z")};
    CHECK_THAT(store.resolveRedFlagAlerts(pid, {open[0].id}, byTherapist).message(), Catch::Contains("note"));
    byTherapist.note = "Seen by Dr Lee: sciatica settled";
    // Another patient's alert, or an unknown one, resolves nothing, not even the valid ones given with it.
    CHECK_FALSE(store.resolveRedFlagAlerts(other, {open[0].id}, byTherapist).ok());
    CHECK_FALSE(store.resolveRedFlagAlerts(pid, {open[0].id, 9999}, byTherapist).ok());
    CHECK(store.redFlagAlerts(pid, true)->size() == 2);
    REQUIRE(store.resolveRedFlagAlerts(pid, {open[0].id}, byTherapist).ok());
    CHECK_FALSE(store.resolveRedFlagAlerts(pid, {open[0].id}, byTherapist).ok());  // already resolved
    auto all = store.redFlagAlerts(pid).value();
    REQUIRE(all.size() == 2);
    auto cleared = std::find_if(all.begin(), all.end(), [&](const RedFlagAlert& a) { return a.id == open[0].id; });
    REQUIRE(cleared != all.end());
    CHECK(cleared->resolution == "therapist");
    CHECK(cleared->note == "Seen by Dr Lee: sciatica settled");
    CHECK(cleared->resolvedAt == byTherapist.at);

    AlertResolution visit{"clinician_visit", pid, "", "Riverside Physio", std::nullopt, at("2026-11-22T10:00:00Z")};
    CHECK_THAT(store.resolveRedFlagAlerts(pid, {open[1].id}, visit).message(), Catch::Contains("YYYY-MM-DD"));
    visit.seenOn = "2026-11-30";
    CHECK_THAT(store.resolveRedFlagAlerts(pid, {open[1].id}, visit).message(), Catch::Contains("future"));
    visit.seenOn = "2026-11-22";
    REQUIRE(store.resolveRedFlagAlerts(pid, {open[1].id}, visit).ok());
    CHECK(store.redFlagAlerts(pid, true)->empty());
    CHECK(store.redFlagAlerts(other)->empty());
}

TEST_CASE("check-ins, hydration and ice/heat applications round-trip; limits hold", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_logs");
    auto db = t.open();
    RecoveryStore store(*db);
    Id pid = store.ensureDefaultProfile().value();
    CheckIn c;
    c.profileId = pid;
    c.takenAt = at("2026-11-21T08:00:00Z");
    c.pain = 5;
    c.medication = "paracetamol, 1 g";
    REQUIRE(store.addCheckIn(c).ok());
    auto cs = store.checkIns(pid).value();
    REQUIRE(cs.size() == 1);
    CHECK(cs[0].pain == std::optional<int>(5));
    CHECK_FALSE(cs[0].stiffness.has_value());
    CHECK(cs[0].medication == "paracetamol, 1 g");
    c.stiffness = 12;
    CHECK_FALSE(store.addCheckIn(c).ok());

    REQUIRE(store.addHydration(pid, at("2026-11-21T08:00:00Z"), 500).ok());
    REQUIRE(store.addHydration(pid, at("2026-11-21T12:00:00Z"), 250).ok());
    CHECK_FALSE(store.addHydration(pid, at("2026-11-21T12:00:00Z"), 0).ok());
    CHECK(store.hydrationBetween(pid, at("2026-11-21T00:00:00Z"), at("2026-11-22T00:00:00Z")).value() == 750);
    CHECK(store.hydrationBetween(pid, at("2026-11-21T10:00:00Z"), at("2026-11-22T00:00:00Z")).value() == 250);

    ThermalApplication a;
    a.profileId = pid;
    a.kind = "ice";
    a.startedAt = at("2026-11-21T08:00:00Z");
    a.plannedS = 1500;  // 25 minutes: never over 20
    CHECK_THAT(store.addThermalApplication(a).error().message, Catch::Contains("1-20 minutes"));
    a.plannedS = 900;
    Id aid = store.addThermalApplication(a).value();
    CHECK(store.endThermalApplication(aid, at("2026-11-21T08:10:00Z")).value());
    CHECK_FALSE(store.endThermalApplication(aid, at("2026-11-21T08:12:00Z")).value());  // already ended
    CHECK(store.thermalApplications(pid)->at(0).endedAt == at("2026-11-21T08:10:00Z"));
}

TEST_CASE("sessions and exercise results written by the session screen are read back", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_sessions");
    auto db = t.open();
    RecoveryStore store(*db);
    Id pid = store.ensureDefaultProfile().value();
    REQUIRE(db->exec("INSERT INTO sessions(profile_id, program_id, started_at, pain_before, completed) VALUES (" +
                     std::to_string(pid) + ", 'core', '2026-11-21T10:00:00Z', 4, 1);"
                     "INSERT INTO exercise_results(session_id, exercise_id, reps_done, rom, quality) VALUES "
                     "(1, 'bridge', 10, 31.5, 80), (1, 'bird_dog', 8, NULL, 70);")
                .ok());
    auto s = store.sessions(pid).value();
    REQUIRE(s.size() == 1);
    CHECK(s[0].programId == "core");
    CHECK(s[0].completed);
    CHECK(s[0].painBefore == std::optional<int>(4));
    CHECK_FALSE(s[0].painAfter.has_value());
    auto r = store.exerciseResults(pid).value();
    REQUIRE(r.size() == 2);
    CHECK(r[0].rom == std::optional<double>(31.5));
    CHECK_FALSE(r[1].rom.has_value());
    CHECK(r[1].sessionStartedAt == at("2026-11-21T10:00:00Z"));
}

// The child writes check-ins one transaction at a time and reports each id only after the call
// returned (what the screen would confirm); the parent kills it with SIGKILL mid-stream.
TEST_CASE("a kill -9 at any moment loses nothing that was confirmed", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_kill");
    { t.open(); }
    for (int round = 0; round < 3; ++round) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            close(fds[0]);
            auto db = Database::connect(t.connection());
            if (!db) _exit(3);
            RecoveryStore store(**db);
            auto pid = store.ensureDefaultProfile();
            if (!pid) _exit(3);
            for (int i = 0;; ++i) {
                CheckIn c;
                c.profileId = *pid;
                c.takenAt = system_clock::now();
                c.pain = i % 11;
                c.notes = std::string(200 + i % 300, 'x');  // spread writes over pages
                auto id = store.addCheckIn(c);
                if (!id) _exit(5);
                Id v = *id;
                if (write(fds[1], &v, sizeof v) != sizeof v) _exit(6);
            }
        }
        close(fds[1]);
        std::vector<Id> confirmed;
        Id v = 0;
        // Read a varying number of confirmations, then kill while it keeps writing.
        size_t want = 20 + round * 37;
        while (confirmed.size() < want && read(fds[0], &v, sizeof v) == sizeof v) confirmed.push_back(v);
        usleep(static_cast<useconds_t>(1000 * (round + 1)));
        kill(child, SIGKILL);
        // Anything confirmed before the kill landed is also confirmed.
        while (read(fds[0], &v, sizeof v) == sizeof v) confirmed.push_back(v);
        close(fds[0]);
        int status = 0;
        waitpid(child, &status, 0);
        REQUIRE(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
        REQUIRE(confirmed.size() >= want);

        auto db = t.open();  // opens (SQLite: passes its integrity check)
        RecoveryStore store(*db);
        auto all = store.checkIns(store.ensureDefaultProfile().value()).value();
        std::set<Id> ids;
        for (const auto& c : all) ids.insert(c.id);
        for (Id id : confirmed) CHECK(ids.count(id) == 1);
    }
}

TEST_CASE("an ice timer started before a kill -9 is still right after a restart", "[storage]") {
    ptcoach::test::TestDatabase t("storage_rec_kill_timer");
    TimePoint onset = at("2026-11-21T07:00:00Z");
    TimePoint started = at("2026-11-21T09:00:00Z");
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        auto db = Database::connect(t.connection());
        if (!db) _exit(3);
        RecoveryStore store(**db);
        Id pid = store.ensureDefaultProfile().value();
        Episode e;
        e.profileId = pid;
        e.onsetAt = onset;
        e.pain = 7;
        if (!store.addEpisode(e)) _exit(4);
        recovery::ThermalTimers timers(store, pid);
        if (!timers.start(recovery::Thermal::Ice, 15, started)) _exit(5);
        char ok = 1;
        if (write(fds[1], &ok, 1) != 1) _exit(6);
        for (;;) pause();  // the app keeps running until killed
    }
    close(fds[1]);
    char ok = 0;
    REQUIRE(read(fds[0], &ok, 1) == 1);
    close(fds[0]);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));

    auto db = t.open();
    RecoveryStore store(*db);
    Id pid = store.ensureDefaultProfile().value();
    recovery::ThermalTimers timers(store, pid);
    // Restarted 5 minutes in: still running, 10 minutes left.
    auto s = timers.status(started + minutes(5)).value();
    REQUIRE(s.state == recovery::TimerState::Running);
    CHECK(s.running->kind == "ice");
    CHECK(s.runningEndsAt - (started + minutes(5)) == minutes(10));
    // Restarted after it should have ended: it is finished at its planned end, once.
    auto done = timers.finishDue(started + minutes(30)).value();
    REQUIRE(done.size() == 1);
    CHECK(done[0].endedAt == started + minutes(15));
    CHECK(timers.finishDue(started + minutes(31)).value().empty());
    s = timers.status(started + minutes(30)).value();
    CHECK(s.state == recovery::TimerState::Resting);
    CHECK(*s.restUntil == started + minutes(15 + 40));
}

TEST_CASE("a database with a damaged page is reported and left as it was", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_rec_corrupt");
    auto file = dir / "ptcoach.db";
    {
        auto db = openDb(file);
        RecoveryStore store(*db);
        Id pid = store.ensureDefaultProfile().value();
        for (int i = 0; i < 300; ++i) {
            CheckIn c;
            c.profileId = pid;
            c.takenAt = at("2026-11-21T08:00:00Z") + minutes(i);
            c.notes = std::string(300, 'a' + i % 26);
            REQUIRE(store.addCheckIn(c).ok());
        }
        REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    }
    // Scribble over the page headers past the schema (b-tree pages), as a bad disk or a stray
    // write would.
    {
        auto size = fs::file_size(file);
        REQUIRE(size > 4096 * 10);
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        std::string junk(64, '\x5a');
        for (std::uintmax_t page = 2; page * 4096 < size; ++page) {
            f.seekp(static_cast<std::streamoff>(page * 4096));
            f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        }
    }
    std::string before = slurp(file);
    auto db = Database::open(file);
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error().message, Catch::Contains(file.string()) && Catch::Contains("corrupt") &&
                                       Catch::Contains("left untouched"));
    CHECK(slurp(file) == before);
}
