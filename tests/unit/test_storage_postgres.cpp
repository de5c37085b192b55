// PostgreSQL only (hidden tag [.pg]: run by CTest as "storage-pg: ..." against the fixture
// server, whatever PTCOACH_TEST_BACKEND says): connection errors that name the server and never the password, a schema from a newer
// PT Coach refused, an old schema migrated forward, a dropped connection recovered.
#include <libpq-fe.h>

#include "ptcoach/storage/database.h"
#include "ptcoach/storage/recovery_store.h"
#include "test_database.h"
#include "test_support.h"

using namespace ptcoach;
using namespace ptcoach::storage;
using ptcoach::test::pgRun;
using ptcoach::test::queryInt;
using ptcoach::test::TestDatabase;

namespace {

// The value of `key` in a libpq key=value conninfo.
std::string conninfoValue(const std::string& conninfo, const std::string& key) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (err) PQfreemem(err);
    std::string v;
    for (PQconninfoOption* o = opts; o && o->keyword; ++o)
        if (key == o->keyword && o->val) v = o->val;
    if (opts) PQconninfoFree(opts);
    return v;
}

// A TCP port on 127.0.0.1 where nothing listens (the test server's, once it is known to be up,
// plus one is not guaranteed: ask the kernel for a free one and close it).
int closedPort() {
    for (int port = 1; port < 1024; ++port) {
        // Ports below 1024 need root to listen on; pick one nothing serves.
        std::string probe = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) + " 2>/dev/null";
        if (ptcoach::test::run("bash -c '" + probe + "'") != 0) return port;
    }
    return 1;
}

}  // namespace

TEST_CASE("an unreachable PostgreSQL server is reported by host and port, without the password", "[.][storage][pg]") {
    int port = closedPort();
    auto db = Database::connect("host=127.0.0.1 port=" + std::to_string(port) +
                                " dbname=clinic user=kiosk password=Sekr1tPassw0rd connect_timeout=3");
    REQUIRE_FALSE(db.ok());
    const std::string& m = db.error().message;
    INFO(m);
    CHECK_THAT(m, Catch::Contains("127.0.0.1:" + std::to_string(port)) && Catch::Contains("clinic") &&
                      Catch::Contains("refused"));
    CHECK_THAT(m, !Catch::Contains("Sekr1tPassw0rd"));
    // The URI form is recognised too.
    auto uri = Database::connect("postgresql://kiosk:Sekr1tPassw0rd@127.0.0.1:" + std::to_string(port) +
                                 "/clinic?connect_timeout=3");
    REQUIRE_FALSE(uri.ok());
    CHECK_THAT(uri.error().message, Catch::Contains("127.0.0.1:" + std::to_string(port)) &&
                                        !Catch::Contains("Sekr1tPassw0rd"));
}

TEST_CASE("a wrong password or database name is reported as such, without the password", "[.][storage][pg]") {
    std::string server = ptcoach::test::pgServerConninfo();
    std::string host = conninfoValue(server, "host"), port = conninfoValue(server, "port");
    std::string user = conninfoValue(server, "user"), dbname = conninfoValue(server, "dbname");
    auto wrong = Database::connect("host=" + host + " port=" + port + " dbname=" + dbname + " user=" + user +
                                   " password=NotTheRightOne42");
    REQUIRE_FALSE(wrong.ok());
    INFO(wrong.error().message);
    CHECK_THAT(wrong.error().message, Catch::Contains(host + ":" + port) && Catch::Contains("password") &&
                                          Catch::Contains("authentication failed") &&
                                          !Catch::Contains("NotTheRightOne42"));
    auto missing = Database::connect(server + " dbname=no_such_clinic");
    REQUIRE_FALSE(missing.ok());
    INFO(missing.error().message);
    CHECK_THAT(missing.error().message, Catch::Contains("no_such_clinic") && Catch::Contains("does not exist") &&
                                            !Catch::Contains(conninfoValue(server, "password")));
    // describe() of a working connection names the server, never the password.
    TestDatabase t("pg_describe", TestDatabase::Use::PostgreSQL);
    auto db = t.open();
    CHECK(db->backend() == Backend::PostgreSQL);
    CHECK_THAT(db->describe(), Catch::Contains(host + ":" + port) && Catch::Contains(dbname) &&
                                   !Catch::Contains(conninfoValue(server, "password")));
    CHECK(db->path().empty());
}

TEST_CASE("a PostgreSQL schema from a newer PT Coach is refused and left untouched", "[.][storage][pg]") {
    TestDatabase t("pg_newer", TestDatabase::Use::PostgreSQL);
    { t.open(); }
    std::string s = t.schema();
    REQUIRE(pgRun(t.server(), "UPDATE " + s + ".schema_version SET version = 999; CREATE TABLE " + s +
                                  ".future(x BIGINT); INSERT INTO " + s + ".future VALUES (7)")
                .empty());
    auto db = Database::connect(t.connection());
    REQUIRE_FALSE(db.ok());
    INFO(db.error().message);
    CHECK_THAT(db.error().message, Catch::Contains("newer PT Coach") && Catch::Contains("999") &&
                                       Catch::Contains("left untouched") && Catch::Contains("PostgreSQL database"));
    // Nothing changed: still version 999, the future table as it was.
    std::string err = pgRun(t.server(), "DO $$ BEGIN IF (SELECT version FROM " + s + ".schema_version) <> 999 OR "
                                        "(SELECT count(*) FROM " + s + ".future) <> 1 THEN RAISE EXCEPTION 'touched'; "
                                        "END IF; END $$");
    CHECK(err.empty());
}

TEST_CASE("a version 1 PostgreSQL schema is migrated forward with its data kept", "[.][storage][pg]") {
    TestDatabase t("pg_migrate", TestDatabase::Use::PostgreSQL);
    std::string s = t.schema();
    // What version 1 of PT Coach wrote on PostgreSQL.
    REQUIRE(pgRun(t.server(),
                  "SET search_path = " + s + "; "
                  "CREATE TABLE profiles (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL "
                  "CHECK (role IN ('patient', 'therapist')), created_at TEXT NOT NULL DEFAULT "
                  "(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')));"
                  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                  "INSERT INTO profiles(name, role) VALUES ('Ann', 'patient');"
                  "INSERT INTO settings(key, value) VALUES ('camera', '1');"
                  "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);")
                .empty());
    auto db = t.open();
    CHECK(db->schemaVersion() == Database::latestSchemaVersion());
    CHECK(ptcoach::test::settingOf(*db, "camera").value_or("") == "1");
    RecoveryStore store(*db);
    CHECK(store.profile(1)->name == "Ann");
    Episode e;
    e.profileId = 1;
    e.onsetAt = parseUtc("2026-11-20T08:00:00Z").value();
    e.pain = 7;
    CHECK(store.addEpisode(e).ok());
    e.profileId = 99;
    CHECK_FALSE(store.addEpisode(e).ok());  // foreign keys hold
    CHECK(queryInt(*db, "SELECT failed_pins FROM profiles WHERE id = 1") == 0);  // version 3 added it
}

TEST_CASE("a dropped PostgreSQL connection is reported, then reconnected", "[.][storage][pg]") {
    TestDatabase t("pg_reconnect", TestDatabase::Use::PostgreSQL);
    auto db = t.open();
    REQUIRE(db->setSetting("a", "1").ok());
    std::int64_t backendPid = queryInt(*db, "SELECT pg_backend_pid()");
    // The server ends the session (a restart, a network drop, an administrator).
    REQUIRE(pgRun(t.server(), "SELECT pg_terminate_backend(" + std::to_string(backendPid) + ")").empty());
    Status first = db->setSetting("b", "2");
    if (!first) CHECK_THAT(first.message(), Catch::Contains("connection") || Catch::Contains("terminat"));
    // The next transaction reconnects; nothing that was confirmed is lost.
    Status again = db->setSetting("c", "3");
    INFO(again.message());
    REQUIRE(again.ok());
    CHECK(ptcoach::test::settingOf(*db, "a").value_or("") == "1");
    CHECK(ptcoach::test::settingOf(*db, "c").value_or("") == "3");
    CHECK(queryInt(*db, "SELECT pg_backend_pid()") != backendPid);
}

TEST_CASE("conflicting PostgreSQL transactions are retried, not lost", "[.][storage][pg]") {
    // Two connections increment one counter in read-modify-write transactions, interleaved so that
    // each conflicts with the other; SERIALIZABLE aborts one and Database::transaction re-runs it.
    TestDatabase t("pg_retry", TestDatabase::Use::PostgreSQL);
    auto a = t.open();
    auto b = t.open();
    REQUIRE(a->setSetting("counter", "0").ok());
    auto increment = [](Database& db) {
        return db.transaction([&]() -> Status {
            auto c = db.setting("counter");
            if (!c) return c.error();
            int v = std::stoi(c->value_or("-1000"));
            return db.setSetting("counter", std::to_string(v + 1));
        });
    };
    int innerRuns = 0;
    Status outer = a->transaction([&]() -> Status {
        ++innerRuns;
        auto c = a->setting("counter");
        if (!c) return c.error();
        int v = std::stoi(c->value_or("-1000"));
        // b commits an increment in between a's read and a's write (only on a's first run).
        if (innerRuns == 1) REQUIRE(increment(*b).ok());
        return a->setSetting("counter", std::to_string(v + 1));
    });
    INFO(outer.message());
    REQUIRE(outer.ok());
    CHECK(innerRuns == 2);  // the first run was refused by the server and re-run
    CHECK(ptcoach::test::settingOf(*a, "counter").value_or("") == "2");
}
