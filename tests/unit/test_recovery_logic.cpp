// Red-flag screening, the ice/heat timers with an injected clock, progress, CSV and PDF export.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ptcoach/recovery/charts.h"
#include "ptcoach/recovery/export.h"
#include "ptcoach/recovery/progress.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/recovery/thermal.h"
#include "test_support.h"

using namespace ptcoach;
using namespace ptcoach::recovery;
using namespace ptcoach::storage;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace ptcoach::test {
Id seedTwoWeeks(RecoveryStore& store, TimePoint now);
}

namespace {

struct Fixture {
    std::unique_ptr<Database> db;
    std::unique_ptr<RecoveryStore> store;
    Id pid = 0;
    explicit Fixture(const std::string& name) {
        auto d = Database::open(ptcoach::test::scratchDir(name) / "ptcoach.db");
        REQUIRE(d.ok());
        db = std::move(d).value();
        store = std::make_unique<RecoveryStore>(*db);
        pid = store->ensureDefaultProfile().value();
    }
    Id episode(TimePoint onset, int iceHours = 48) {
        Episode e;
        e.profileId = pid;
        e.onsetAt = onset;
        e.pain = 7;
        e.iceHours = iceHours;
        return store->addEpisode(e).value();
    }
};

Answers allNo(ListKind k) {
    Answers a;
    for (const auto& id : questionIds(k)) a[id] = false;
    return a;
}

TimePoint at(const char* iso) { return parseUtc(iso).value(); }

}  // namespace

TEST_CASE("ice then heat: the running timer, enforced rest, next due, and the switch at the ice hours") {
    Fixture f("recovery_timers");
    TimePoint onset = at("2026-11-20T08:00:00Z");
    f.episode(onset);
    ThermalTimers timers(*f.store, f.pid);
    TimePoint t = onset + hours(1);
    auto s = timers.status(t).value();
    CHECK(s.state == TimerState::Ready);
    CHECK(s.advised == Thermal::Ice);
    CHECK_FALSE(s.heatAllowed);
    CHECK(s.heatFrom == onset + hours(48));
    CHECK_THAT(timers.start(Thermal::Heat, 15, t).error().message, Catch::Contains("Ice for now"));
    CHECK_FALSE(timers.start(Thermal::Ice, 21, t).ok());  // never over 20 minutes
    REQUIRE(timers.start(Thermal::Ice, 15, t).ok());
    s = timers.status(t + minutes(14)).value();
    CHECK(s.state == TimerState::Running);
    CHECK(s.runningEndsAt == t + minutes(15));
    CHECK_THAT(timers.start(Thermal::Ice, 15, t + minutes(14)).error().message, Catch::Contains("already on"));
    // Its time is up: finished at the planned end, rest 40 minutes, next due 2 hours after the start.
    s = timers.status(t + minutes(16)).value();
    CHECK(s.state == TimerState::Resting);
    CHECK(*s.restUntil == t + minutes(55));
    CHECK(*s.nextDue == t + minutes(120));
    CHECK_THAT(timers.start(Thermal::Ice, 15, t + minutes(30)).error().message, Catch::Contains("rest"));
    CHECK(timers.finishDue(t + minutes(16)).value().size() == 1);
    CHECK(timers.status(t + minutes(56)).value().state == TimerState::Ready);

    // Stopping early ends it now and the rest counts from there.
    TimePoint t2 = t + minutes(130);
    REQUIRE(timers.start(Thermal::Ice, 20, t2).ok());
    REQUIRE(timers.stop(t2 + minutes(5)).ok());
    s = timers.status(t2 + minutes(6)).value();
    CHECK(s.state == TimerState::Resting);
    CHECK(*s.restUntil == t2 + minutes(45));
    CHECK_FALSE(timers.stop(t2 + minutes(6)).ok());

    // After 48 hours: heat, with its shorter rest.
    TimePoint h = onset + hours(49);
    s = timers.status(h).value();
    CHECK(s.advised == Thermal::Heat);
    CHECK(s.heatAllowed);
    REQUIRE(timers.start(Thermal::Heat, 15, h).ok());
    s = timers.status(h + minutes(16)).value();
    CHECK(s.state == TimerState::Resting);
    CHECK(*s.restUntil == h + minutes(35));
    CHECK(*s.nextDue == h + minutes(45));
}

TEST_CASE("the ice phase follows the therapist's setting, and a fever or swelling answer rules out heat") {
    Fixture f("recovery_timers_rules");
    TimePoint onset = at("2026-11-20T08:00:00Z");
    Id eid = f.episode(onset, 24);
    ThermalTimers timers(*f.store, f.pid);
    CHECK(timers.status(onset + hours(25)).value().advised == Thermal::Heat);
    REQUIRE(f.store->setIceHours(eid, 72).ok());
    CHECK(timers.status(onset + hours(25)).value().advised == Thermal::Ice);
    REQUIRE(f.store->setIceHours(eid, 24).ok());
    Answers fever = allNo(ListKind::Short);
    fever["fever_weight"] = true;
    REQUIRE(recordScreen(*f.store, f.pid, eid, ListKind::Short, questionIds(ListKind::Short), fever, onset + hours(30)).ok());
    auto s = timers.status(onset + hours(31)).value();
    CHECK_FALSE(s.heatAllowed);
    CHECK_THAT(timers.start(Thermal::Heat, 15, onset + hours(31)).error().message, Catch::Contains("No heat"));
    CHECK(timers.start(Thermal::Ice, 15, onset + hours(31)).ok());  // ice is still fine
}

TEST_CASE("no episode, no timer") {
    Fixture f("recovery_timers_none");
    ThermalTimers timers(*f.store, f.pid);
    CHECK(timers.status(system_clock::now()).value().state == TimerState::NoEpisode);
    CHECK_THAT(timers.start(Thermal::Ice, 15, system_clock::now()).error().message, Catch::Contains("episode"));
}

TEST_CASE("progress aggregates two weeks of stored history") {
    Fixture f("recovery_progress");
    TimePoint now = time_point_cast<seconds>(system_clock::now());
    Id pid = ptcoach::test::seedTwoWeeks(*f.store, now);
    auto p = buildProgress(*f.store, pid, now).value();
    REQUIRE(p.episode.has_value());
    CHECK(*p.daysSinceOnset == 14);
    CHECK(*p.phase == Phase::Recovery);
    CHECK(*p.thermal == Thermal::Heat);
    CHECK(p.sessionsCompleted == 9);
    CHECK(p.sessions.size() == 9);
    CHECK(p.latestPain.has_value());
    CHECK(*p.latestPain < *p.firstPain);
    // Pain points: the episode, 14 check-ins, and before/after for every session.
    CHECK(p.pain.size() == 1 + 14 + 2 * 9);
    // From the week of the onset (two weeks ago) to this week.
    CHECK(p.weeks.size() >= 3);
    CHECK(p.weeks.size() <= 4);
    CHECK(p.from <= p.episode->onsetAt);
    CHECK(p.from > p.episode->onsetAt - hours(24 * 7));
    int done = 0;
    for (const auto& w : p.weeks) {
        done += w.done;
        CHECK(w.planned == 4);
    }
    CHECK(done == 9);
    REQUIRE(p.exercises.size() == 2);
    CHECK(p.exercises[0].exerciseId == "bridge");
    CHECK(p.exercises[0].points.size() == 9);
    CHECK(*p.exercises[1].points.back().rom > *p.exercises[1].points.front().rom);
    CHECK(p.lastDays.size() == 14);
    CHECK(p.streakDays >= 1);
    CHECK(p.streakDays <= 10);  // the missed check-in on day 5 broke it
    REQUIRE(setPlannedSessionsPerWeek(*f.db, pid, 3).ok());
    CHECK(buildProgress(*f.store, pid, now).value().weeks[0].planned == 3);
    CHECK_FALSE(setPlannedSessionsPerWeek(*f.db, pid, 40).ok());
}

TEST_CASE("nice ticks cover the range in 1-2-5 steps") {
    auto t = niceTicks(0, 10, 6);
    REQUIRE(t.size() == 6);
    CHECK(t.front() == 0);
    CHECK(t.back() == 10);
    t = niceTicks(17.3, 42.1, 5);
    CHECK(t.front() == 20);
    CHECK(t.back() == 40);
    CHECK(prettyExerciseName("knee_to_chest") == "Knee to chest");
}

TEST_CASE("CSV export writes every table of the profile with quoting") {
    Fixture f("recovery_csv");
    TimePoint now = time_point_cast<seconds>(system_clock::now());
    Id pid = ptcoach::test::seedTwoWeeks(*f.store, now);
    auto dir = ptcoach::test::scratchDir("recovery_csv_out");
    auto files = exportCsv(*f.store, pid, dir);
    REQUIRE(files.ok());
    CHECK(files->size() == 12);  // the 8 history tables and the progression's 4
    auto lines = [](const fs::path& p) {
        std::ifstream in(p);
        std::vector<std::string> out;
        for (std::string l; std::getline(in, l);) out.push_back(l);
        return out;
    };
    auto eps = lines(dir / "episodes.csv");
    REQUIRE(eps.size() == 2);
    CHECK_THAT(eps[0], Catch::StartsWith("id,profile_id,onset_at,location,trigger,pain"));
    CHECK_THAT(eps[1], Catch::Contains("\"lower back, right side\""));
    CHECK(lines(dir / "checkins.csv").size() == 1 + 14);
    CHECK(lines(dir / "sessions.csv").size() == 1 + 9);
    CHECK(lines(dir / "exercise_results.csv").size() == 1 + 18);
    CHECK(lines(dir / "thermal_applications.csv").size() == 1 + 6);
    CHECK(lines(dir / "hydration.csv").size() == 1 + 30);
    // The progression's tables, with their headers even when empty.
    CHECK_THAT(lines(dir / "progress_points.csv").at(0), Catch::StartsWith("id,profile_id,session_id,earned_at,day"));
    CHECK_THAT(lines(dir / "badges.csv").at(0), Catch::StartsWith("id,profile_id,badge_id"));
    CHECK_THAT(lines(dir / "game_scores.csv").at(0), Catch::StartsWith("id,profile_id,session_id,game_id"));
    CHECK_THAT(lines(dir / "dose_changes.csv").at(0), Catch::StartsWith("id,profile_id,decided_at,kind"));
    CHECK_THAT(lines(dir / "exercise_results.csv")[2], Catch::Contains("\"[{\"\"code\"\":\"\"hips_sag\"\""));
    CHECK(csvField("plain") == "plain");
    CHECK(csvField("a\"b") == "\"a\"\"b\"");
    for (const auto& p : *files) CHECK_FALSE(fs::exists(p.string() + ".tmp"));
}

TEST_CASE("the PDF report is a real multi-page PDF that poppler can render") {
    Fixture f("recovery_pdf");
    TimePoint now = time_point_cast<seconds>(system_clock::now());
    Id pid = ptcoach::test::seedTwoWeeks(*f.store, now);
    auto dir = ptcoach::test::scratchDir("recovery_pdf_out");
    auto pdf = dir / "report.pdf";
    REQUIRE(writeReport(*f.store, pid, now, pdf).ok());
    std::ifstream in(pdf, std::ios::binary);
    std::string head(5, '\0');
    in.read(head.data(), 5);
    CHECK(head == "%PDF-");
    CHECK(fs::file_size(pdf) > 10000);
    CHECK_FALSE(fs::exists(dir / "report.pdf.tmp"));
    // Rendered by an independent reader (poppler-utils, installed by setup.sh).
    int rc = ptcoach::test::run("pdftoppm -r 40 -png '" + pdf.string() + "' '" + (dir / "page").string() + "' 2>/dev/null");
    REQUIRE(rc == 0);
    CHECK((fs::exists(dir / "page-1.png") || fs::exists(dir / "page-01.png")));
    CHECK((fs::exists(dir / "page-2.png") || fs::exists(dir / "page-02.png")));
    // An unwritable destination is an error that names it.
    auto bad = writeReport(*f.store, pid, now, "/proc/no/such/dir/report.pdf");
    CHECK_FALSE(bad.ok());
}
