// Two weeks of realistic history written through the library API (sessions and their exercise
// results through SQL, as the session screen's own store writes them), for the progress tests and
// the screenshots of the recovery and progress screens.
#include <cmath>
#include <string>

#include "ptcoach/recovery/progress.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/recovery/thermal.h"
#include "ptcoach/storage/recovery_store.h"
#include "test_support.h"

namespace ptcoach::test {

using namespace std::chrono;
using storage::Id;
using storage::TimePoint;

// Seeds `store` for its default profile: an episode 14 days before `now`, a passed full red-flag
// screen, daily check-ins with pain falling from 8 to 2, ice then heat applications, water, and
// 9 completed sessions with knee-to-chest and bridge results improving. Returns the profile id.
Id seedTwoWeeks(storage::RecoveryStore& store, TimePoint now) {
    auto profile = store.ensureDefaultProfile("Alex");
    REQUIRE(profile.ok());
    Id pid = *profile;
    TimePoint onset = time_point_cast<seconds>(now - hours(24 * 14) - hours(3));
    storage::Episode e;
    e.profileId = pid;
    e.onsetAt = onset;
    e.location = "lower back, right side";
    e.trigger = "lifting a box while twisting";
    e.pain = 8;
    e.spasmSeverity = "2";
    e.strainGrade = 1;
    auto eid = store.addEpisode(e);
    REQUIRE(eid.ok());
    recovery::Answers no;
    for (const auto& id : recovery::questionIds(recovery::ListKind::Full)) no[id] = false;
    REQUIRE(recovery::recordScreen(store, pid, *eid, recovery::ListKind::Full, recovery::questionIds(recovery::ListKind::Full),
                                   no, onset + minutes(30)).ok());

    // Ice during the first two days, heat after.
    for (int i = 0; i < 6; ++i) {
        storage::ThermalApplication a;
        a.profileId = pid;
        a.episodeId = *eid;
        a.kind = i < 4 ? "ice" : "heat";
        a.startedAt = onset + hours(1 + i * 12);
        a.plannedS = 900;
        a.endedAt = a.startedAt + seconds(900);
        REQUIRE(store.addThermalApplication(a).ok());
    }
    storage::Database& db = store.database();
    // Runs one statement through the library's Statement API (any backend); the RETURNING id.
    auto run = [&](const std::string& sql, bool returningId) -> Id {
        storage::Statement st = db.prepare(sql + (returningId ? " RETURNING id" : ""));
        INFO(sql << ": " << st.prepareError());
        REQUIRE(st.ok());
        Id id = 0;
        if (returningId) {
            REQUIRE(st.step() == storage::Statement::Step::Row);
            id = st.i64(0);
        }
        INFO(st.error());
        REQUIRE(st.step() == storage::Statement::Step::Done);
        return id;
    };
    for (int d = 0; d <= 14; ++d) {
        TimePoint day = onset + hours(24 * d);
        if (d != 6) {  // one day without a check-in (and no session): breaks the streak
            storage::CheckIn c;
            c.profileId = pid;
            c.takenAt = day + hours(1);
            c.pain = std::max(2, 8 - static_cast<int>(std::lround(d * 0.45)));
            c.stiffness = std::max(1, 7 - d / 2);
            c.medication = d < 4 ? "ibuprofen 200 mg, as on the packet" : "";
            REQUIRE(store.addCheckIn(c).ok());
        }
        REQUIRE(store.addHydration(pid, day + hours(2), 750).ok());
        REQUIRE(store.addHydration(pid, day + hours(6), 500).ok());
        // Sessions from day 3, most days.
        if (d >= 3 && d % 4 != 2) {
            // Half an hour before that day's check-in, and on the same local day whatever the time of
            // day the test runs at (a session after local midnight would count for the next day).
            TimePoint checkInAt = day + hours(1);
            TimePoint start = std::max(recovery::startOfLocalDay(checkInAt), checkInAt - minutes(30));
            std::string sql = "INSERT INTO sessions(profile_id, program_id, started_at, ended_at, pain_before, pain_after, "
                              "stars, completed) VALUES(" + std::to_string(pid) + ", 'acute_relief', '" +
                              storage::formatUtc(start) + "', '" + storage::formatUtc(start + minutes(18)) + "', " +
                              std::to_string(std::max(1, 6 - d / 3)) + ", " + std::to_string(std::max(1, 5 - d / 3)) +
                              ", 2, 1)";
            Id sid = run(sql, true);
            double k = (d - 3) / 11.0;
            std::string r1 = "INSERT INTO exercise_results(session_id, exercise_id, side, sets_done, reps_done, "
                             "reps_planned, rom, quality) VALUES(" + std::to_string(sid) + ", 'knee_to_chest', 'both', 2, 10, 10, " +
                             std::to_string(78 + 30 * k) + ", " + std::to_string(62 + 25 * k) + ")";
            std::string r2 = "INSERT INTO exercise_results(session_id, exercise_id, side, sets_done, reps_done, "
                             "reps_planned, rom, quality, faults) VALUES(" + std::to_string(sid) + ", 'bridge', 'both', 2, 8, 10, " +
                             std::to_string(20 + 14 * k) + ", " + std::to_string(55 + 35 * k) +
                             ", '[{\"code\":\"hips_sag\",\"count\":2}]')";
            run(r1, false);
            run(r2, false);
        }
    }
    return pid;
}

}  // namespace ptcoach::test
