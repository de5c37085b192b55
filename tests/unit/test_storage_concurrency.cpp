// Two kiosks on one database: separate processes, each with its own connection, writing at the
// same time. Nothing may be lost or doubled, and a fresh database opened by two at once is
// migrated once. Run on SQLite (one file) and on PostgreSQL (one schema) ([storage]).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "ptcoach/storage/recovery_store.h"
#include "ptcoach/storage/session_store.h"
#include "test_database.h"
#include "test_support.h"

using namespace ptcoach;
using namespace ptcoach::storage;
using ptcoach::test::queryInt;
using ptcoach::test::TestDatabase;

namespace {

// Forks `n` children that wait on a shared pipe and then run `body(k)` (k = 0..n-1) together;
// a child's exit code is 0 when body returned an empty string, else it prints the message and
// exits 1. Returns the children's messages, empty for those that succeeded.
template <typename Body>
std::vector<std::string> runTogether(int n, Body body) {
    int go[2], report[2];
    REQUIRE(pipe(go) == 0);
    REQUIRE(pipe(report) == 0);
    std::vector<pid_t> children;
    for (int k = 0; k < n; ++k) {
        pid_t c = fork();
        REQUIRE(c >= 0);
        if (c == 0) {
            close(go[1]);
            close(report[0]);
            char b;
            if (read(go[0], &b, 1) != 1) _exit(2);  // start line
            std::string err = body(k);
            std::string line = std::to_string(k) + ":" + err + "\n";
            if (!err.empty() && write(report[1], line.data(), line.size()) < 0) _exit(3);
            _exit(err.empty() ? 0 : 1);
        }
        children.push_back(c);
    }
    close(go[0]);
    close(report[1]);
    std::string start(static_cast<size_t>(n), 'x');
    REQUIRE(write(go[1], start.data(), start.size()) == static_cast<ssize_t>(start.size()));
    close(go[1]);
    std::string reports;
    char buf[512];
    for (ssize_t r; (r = read(report[0], buf, sizeof buf)) > 0;) reports.append(buf, static_cast<size_t>(r));
    close(report[0]);
    std::vector<std::string> out(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
        int status = 0;
        waitpid(children[static_cast<size_t>(k)], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            out[static_cast<size_t>(k)] = "child " + std::to_string(k) + " exited with status " + std::to_string(status);
    }
    if (!reports.empty()) out.push_back(reports);
    return out;
}

}  // namespace

TEST_CASE("two kiosks writing at once lose nothing", "[storage]") {
    TestDatabase t("storage_two_kiosks");
    constexpr int kSessions = 200;
    std::int64_t profiles[2];
    {
        auto db = t.open();
        RecoveryStore store(*db);
        profiles[0] = store.addProfile("Ann", "patient").value();
        profiles[1] = store.addProfile("Bo", "patient").value();
    }
    auto failures = runTogether(2, [&](int k) -> std::string {
        auto db = Database::connect(t.connection());
        if (!db) return db.error().message;
        RecoveryStore store(**db);
        const std::string kiosk = "kiosk" + std::to_string(k);
        for (int i = 0; i < kSessions; ++i) {
            SessionRecord s;
            s.profileId = profiles[k];
            s.programId = kiosk;
            s.startedAt = formatUtc(parseUtc("2026-11-01T08:00:00Z").value() + std::chrono::minutes(i));
            s.endedAt = s.startedAt;
            s.painBefore = i % 11;
            s.completed = true;
            ExerciseResultRecord a, b;
            a.exerciseId = "bridge";
            a.repsDone = i;
            a.rom = 0.5 * i;
            b.exerciseId = "bird_dog";
            b.faults = {{"hips_sag", i % 3}};
            s.exercises = {a, b};
            auto id = saveSession(**db, s);
            if (!id) return "session " + std::to_string(i) + ": " + id.error().message;
            CheckIn c;
            c.profileId = profiles[k];
            c.takenAt = parseUtc(s.startedAt).value();
            c.pain = i % 11;
            c.notes = kiosk + " check-in " + std::to_string(i);
            if (auto r = store.addCheckIn(c); !r) return "check-in " + std::to_string(i) + ": " + r.error().message;
            // Both write the same key (last writer wins) and their own (must end at the last i).
            if (Status st = (*db)->setSetting("clinic.last_kiosk", kiosk); !st) return st.message();
            if (Status st = (*db)->setSetting(kiosk + ".sessions", std::to_string(i + 1)); !st) return st.message();
        }
        return {};
    });
    for (const auto& f : failures) CHECK(f.empty());
    INFO((failures.empty() ? "" : failures.back()));
    REQUIRE(failures.size() == 2);

    auto db = t.open();
    CHECK(queryInt(*db, "SELECT count(*) FROM sessions") == 2 * kSessions);
    CHECK(queryInt(*db, "SELECT count(*) FROM exercise_results") == 4 * kSessions);
    CHECK(queryInt(*db, "SELECT count(*) FROM checkins") == 2 * kSessions);
    CHECK(queryInt(*db, "SELECT count(*) FROM sessions s WHERE (SELECT count(*) FROM exercise_results r "
                        "WHERE r.session_id = s.id) <> 2") == 0);
    for (int k = 0; k < 2; ++k) {
        const std::string kiosk = "kiosk" + std::to_string(k);
        // Every session once, each with its own results, on the right profile.
        auto list = listSessions(*db, profiles[k], 0).value();
        REQUIRE(list.size() == kSessions);
        std::set<std::string> starts;
        for (const auto& s : list) {
            CHECK(s.programId == kiosk);
            starts.insert(s.startedAt);
            REQUIRE(s.exercises.size() == 2);
            int i = static_cast<int>((parseUtc(s.startedAt).value() - parseUtc("2026-11-01T08:00:00Z").value()) /
                                     std::chrono::minutes(1));
            CHECK(s.exercises[0].repsDone == i);
            CHECK(s.exercises[0].rom == Approx(0.5 * i));
            CHECK(s.exercises[1].faults == std::vector<std::pair<std::string, int>>{{"hips_sag", i % 3}});
            CHECK(s.painBefore == i % 11);
        }
        CHECK(starts.size() == kSessions);
        RecoveryStore store(*db);
        auto checkIns = store.checkIns(profiles[k]).value();
        CHECK(checkIns.size() == kSessions);
        std::set<std::string> notes;
        for (const auto& c : checkIns) notes.insert(c.notes);
        CHECK(notes.size() == kSessions);
        CHECK(ptcoach::test::settingOf(*db, kiosk + ".sessions").value_or("") == std::to_string(kSessions));
    }
    auto last = ptcoach::test::settingOf(*db, "clinic.last_kiosk").value_or("");
    CHECK((last == "kiosk0" || last == "kiosk1"));
}

TEST_CASE("two kiosks opening a fresh database at once migrate it once and agree on one profile", "[storage]") {
    for (int round = 0; round < 3; ++round) {
        TestDatabase t("storage_two_openers_" + std::to_string(round));
        auto failures = runTogether(2, [&](int) -> std::string {
            auto db = Database::connect(t.connection());
            if (!db) return db.error().message;
            if ((*db)->schemaVersion() != Database::latestSchemaVersion()) return "not migrated";
            auto p = defaultPatientProfile(**db);
            if (!p) return p.error().message;
            RecoveryStore store(**db);
            auto d = store.ensureDefaultProfile();
            if (!d) return d.error().message;
            if (*d != *p) return "the default profile " + std::to_string(*d) + " is not the patient profile " +
                                 std::to_string(*p);
            return {};
        });
        for (const auto& f : failures) CHECK(f.empty());
        REQUIRE(failures.size() == 2);
        auto db = t.open();
        CHECK(db->schemaVersion() == Database::latestSchemaVersion());
        CHECK(queryInt(*db, "SELECT count(*) FROM profiles") == 1);
        CHECK(queryInt(*db, "SELECT count(*) FROM settings WHERE key = 'default_profile_id'") == 1);
    }
}
