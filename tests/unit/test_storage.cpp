// The database: creation and migration, settings, transactions, refusing what it must not touch.
// Tagged [storage]: CTest runs these on SQLite and again on PostgreSQL ("storage-pg: ");
// [sqlite] ones are about the SQLite file itself.
#include <sqlite3.h>

#include <fstream>

#include "ptcoach/storage/database.h"
#include "test_database.h"
#include "test_support.h"

using ptcoach::storage::Database;
using ptcoach::Status;
using ptcoach::storage::Statement;
using ptcoach::test::queryInt;
using ptcoach::test::TestDatabase;
namespace fs = std::filesystem;

namespace {
using ptcoach::test::slurp;

std::string queryText(const Database& db, const std::string& sql) {
    Statement st = db.prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(st.step() == Statement::Step::Row);
    return st.text(0);
}
}  // namespace

TEST_CASE("a new database is created and migrated to the latest schema", "[storage]") {
    TestDatabase t("storage_new");
    auto db = t.open();
    CHECK(db->schemaVersion() == Database::latestSchemaVersion());
    CHECK(db->backend() == (t.postgres() ? ptcoach::storage::Backend::PostgreSQL : ptcoach::storage::Backend::SQLite));
    // Every table of the latest schema is there and empty.
    for (const char* table : {"profiles", "settings", "episodes", "red_flag_screens", "checkins", "sessions",
                              "exercise_results", "thermal_applications", "hydration", "programs", "assignments"}) {
        INFO(table);
        CHECK(queryInt(*db, std::string("SELECT count(*) FROM ") + table) == 0);
    }
    // Opening again changes nothing.
    db.reset();
    CHECK(t.open()->schemaVersion() == Database::latestSchemaVersion());
}

TEST_CASE("a new SQLite database lives in its file and uses WAL and foreign keys", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_new_sqlite");
    auto db = Database::open(dir / "sub" / "ptcoach.db");
    REQUIRE(db.ok());
    CHECK(fs::exists(dir / "sub" / "ptcoach.db"));
    CHECK((*db)->path() == dir / "sub" / "ptcoach.db");
    CHECK(queryText(**db, "PRAGMA journal_mode") == "wal");
    CHECK(queryInt(**db, "PRAGMA foreign_keys") == 1);
    CHECK(queryInt(**db, "PRAGMA synchronous") == 2);  // FULL
    // Database::connect takes the same file as "sqlite:<path>" or as a plain path.
    auto again = Database::connect((dir / "sub" / "ptcoach.db").string());
    REQUIRE(again.ok());
    CHECK((*again)->backend() == ptcoach::storage::Backend::SQLite);
}

TEST_CASE("settings survive closing and reopening", "[storage]") {
    TestDatabase t("storage_settings");
    {
        auto db = t.open();
        REQUIRE(db->setSetting("camera", "2").ok());
        REQUIRE(db->setSetting("camera", "1").ok());
        REQUIRE(db->setSetting("greeting", "Grüß dich, \"O'Neil\"\n").ok());
    }
    auto db = t.open();
    CHECK(ptcoach::test::settingOf(*db, "camera").value_or("") == "1");
    CHECK(ptcoach::test::settingOf(*db, "greeting").value_or("") == "Grüß dich, \"O'Neil\"\n");
    CHECK_FALSE(ptcoach::test::settingOf(*db, "absent").has_value());
    CHECK(queryInt(*db, "SELECT count(*) FROM settings") == 2);
}

TEST_CASE("a failed transaction leaves no trace", "[storage]") {
    TestDatabase t("storage_rollback");
    auto db = t.open();
    auto s = db->transaction([&]() -> ptcoach::Status {
        REQUIRE(db->exec("INSERT INTO profiles(name, role) VALUES('Ann', 'patient')").ok());
        // Nested: part of the outer transaction, rolled back with it.
        REQUIRE(db->transaction([&]() { return db->setSetting("nested", "yes"); }).ok());
        return ptcoach::makeError("something went wrong half way");
    });
    CHECK_FALSE(s.ok());
    CHECK(s.message() == "something went wrong half way");
    CHECK(queryInt(*db, "SELECT count(*) FROM profiles") == 0);
    CHECK_FALSE(ptcoach::test::settingOf(*db, "nested").has_value());
    // A statement that fails inside a body fails the transaction, and the next one works.
    auto bad = db->transaction([&]() -> ptcoach::Status {
        REQUIRE(db->exec("INSERT INTO profiles(name, role) VALUES('Bo', 'patient')").ok());
        return db->exec("INSERT INTO profiles(name, role) VALUES('Cy', 'nobody')");  // CHECK (role IN ...)
    });
    CHECK_FALSE(bad.ok());
    CHECK(queryInt(*db, "SELECT count(*) FROM profiles") == 0);
    REQUIRE(db->transaction([&]() { return db->exec("INSERT INTO profiles(name, role) VALUES('Di', 'patient')"); }).ok());
    CHECK(queryInt(*db, "SELECT count(*) FROM profiles") == 1);
}

TEST_CASE("statements bind in order, read NULLs, and report errors", "[storage]") {
    TestDatabase t("storage_statements");
    auto db = t.open();
    Statement ins = db->prepare("INSERT INTO exercise_results(session_id, exercise_id, hold_s, rom, quality, faults) "
                                "SELECT s.id, ?, ?, ?, ?, '[]' FROM sessions s WHERE s.id = ? RETURNING id");
    REQUIRE(ins.ok());
    ins.bind("bridge").bind(2.5).bind(std::optional<double>()).bind(std::optional<double>(70.25)).bind(1);
    CHECK(ins.step() == Statement::Step::Done);  // no session 1: nothing inserted, nothing returned
    REQUIRE(db->exec("INSERT INTO profiles(name, role) VALUES('Ann', 'patient');"
                     "INSERT INTO sessions(profile_id, program_id, started_at) VALUES(1, 'core', '2026-11-21T10:00:00Z')")
                .ok());
    Statement ins2 = db->prepare("INSERT INTO exercise_results(session_id, exercise_id, hold_s, rom, quality) "
                                 "VALUES(?, ?, ?, ?, ?) RETURNING id, exercise_id, hold_s, rom, quality");
    ins2.bind(1).bind("it's a '?' -- not a placeholder").bind(2.5).bindNull().bind(70.25);
    REQUIRE(ins2.step() == Statement::Step::Row);
    CHECK(ins2.i64(0) == 1);
    CHECK(ins2.text(1) == "it's a '?' -- not a placeholder");
    CHECK(ins2.real(2) == 2.5);
    CHECK(ins2.isNull(3));
    CHECK_FALSE(ins2.optReal(3).has_value());
    CHECK(ins2.optReal(4) == std::optional<double>(70.25));
    CHECK(ins2.columnCount() == 5);
    CHECK(ins2.columnName(1) == "exercise_id");
    CHECK(ins2.step() == Statement::Step::Done);

    Statement sel = db->prepare("SELECT count(*), COALESCE(SUM(sets_done), 0), CAST(? AS INTEGER) FROM exercise_results "
                                "WHERE /* a ? in a comment */ exercise_id LIKE ? AND side <> 'who''s? -- me?' -- a ?\n");
    sel.bind(std::string("42")).bind("it%");
    REQUIRE(sel.step() == Statement::Step::Row);
    CHECK(sel.i64(0) == 1);
    CHECK(sel.i32(1) == 0);
    CHECK(sel.i64(2) == 42);

    Statement bad = db->prepare("SELECT nope FROM nowhere");
    bool failed = !bad.ok() || bad.step() == Statement::Step::Error;
    CHECK(failed);
    CHECK_THAT(bad.ok() ? bad.error() : bad.prepareError(), Catch::Contains("nowhere") || Catch::Contains("nope"));
    Statement fk = db->prepare("INSERT INTO sessions(profile_id, program_id, started_at) VALUES(?, 'x', 'y')");
    fk.bind(99);
    CHECK(fk.step() == Statement::Step::Error);
    CHECK_THAT(fk.error(), Catch::Contains("FOREIGN KEY") || Catch::Contains("foreign key"));
}

TEST_CASE("a database from a newer PT Coach is refused and left untouched", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_newer");
    auto file = dir / "ptcoach.db";
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
        REQUIRE(sqlite3_exec(raw, "CREATE TABLE future(x); PRAGMA user_version = 999;", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        sqlite3_close(raw);
    }
    std::string before = slurp(file);
    auto db = Database::open(file);
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error().message, Catch::Contains("newer PT Coach") && Catch::Contains("999") &&
                                       Catch::Contains(file.string()));
    CHECK(slurp(file) == before);
}

TEST_CASE("a corrupt database file is reported and never overwritten", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_corrupt");
    auto file = dir / "ptcoach.db";
    {
        std::ofstream out(file, std::ios::binary);
        out << "this is not an SQLite database, just some text that got saved under the wrong name\n";
        for (int i = 0; i < 200; ++i) out << "garbage line " << i << "\n";
    }
    std::string before = slurp(file);
    auto db = Database::open(file);
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error().message, Catch::Contains(file.string()) && Catch::Contains("left untouched"));
    CHECK(slurp(file) == before);
}

TEST_CASE("a version 1 SQLite database is migrated forward with its data kept", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_migrate");
    auto file = dir / "ptcoach.db";
    {
        // What version 1 of PT Coach wrote.
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
        REQUIRE(sqlite3_exec(raw,
                             "CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL "
                             "CHECK (role IN ('patient', 'therapist')), created_at TEXT NOT NULL DEFAULT "
                             "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));"
                             "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                             "INSERT INTO profiles(name, role) VALUES ('Ann', 'patient');"
                             "PRAGMA user_version = 1;",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    auto db = Database::open(file);
    REQUIRE(db.ok());
    CHECK((*db)->schemaVersion() == Database::latestSchemaVersion());
    CHECK(Database::latestSchemaVersion() >= 2);
    REQUIRE((*db)->exec("INSERT INTO episodes(profile_id, onset_at, pain) VALUES (1, '2026-11-20T08:00:00Z', 7)").ok());
    // Foreign keys hold: no episode for a profile that does not exist.
    CHECK_FALSE((*db)->exec("INSERT INTO episodes(profile_id, onset_at, pain) VALUES (99, '2026-11-20T08:00:00Z', 7)").ok());
    // Checks hold: no ice or heat application over 20 minutes.
    CHECK_FALSE((*db)->exec("INSERT INTO thermal_applications(profile_id, kind, started_at, planned_s) "
                            "VALUES (1, 'ice', '2026-11-20T09:00:00Z', 1800)")
                    .ok());
    CHECK(queryText(**db, "SELECT name FROM profiles WHERE id = 1") == "Ann");
    CHECK(queryInt(**db, "SELECT failed_pins FROM profiles WHERE id = 1") == 0);  // from version 3
}

TEST_CASE("the schema's constraints and defaults hold on every backend", "[storage]") {
    TestDatabase t("storage_constraints");
    auto db = t.open();
    REQUIRE(db->exec("INSERT INTO profiles(name, role) VALUES ('Ann', 'patient')").ok());
    // The creation time defaults to now, as ISO 8601 UTC text.
    auto created = ptcoach::storage::parseUtc(queryText(*db, "SELECT created_at FROM profiles WHERE id = 1"));
    REQUIRE(created.has_value());
    CHECK(std::chrono::abs(*created - std::chrono::system_clock::now()) < std::chrono::minutes(2));
    CHECK_THAT(queryText(*db, "SELECT created_at FROM profiles WHERE id = 1"), Catch::EndsWith("Z"));
    REQUIRE(db->exec("INSERT INTO episodes(profile_id, onset_at, pain) VALUES (1, '2026-11-20T08:00:00Z', 7)").ok());
    CHECK(queryInt(*db, "SELECT ice_hours FROM episodes") == 48);
    CHECK_FALSE(db->exec("INSERT INTO episodes(profile_id, onset_at, pain) VALUES (99, '2026-11-20T08:00:00Z', 7)").ok());
    CHECK_FALSE(db->exec("INSERT INTO thermal_applications(profile_id, kind, started_at, planned_s) "
                         "VALUES (1, 'ice', '2026-11-20T09:00:00Z', 1800)")
                    .ok());
    CHECK_FALSE(db->exec("INSERT INTO episodes(profile_id, onset_at, pain, spasm_severity) "
                         "VALUES (1, '2026-11-20T08:00:00Z', 7, '5')")
                    .ok());
    // Sign-in codes are unique when set; many profiles may have none.
    REQUIRE(db->exec("INSERT INTO profiles(name, role) VALUES ('Bo', 'patient'), ('Cy', 'therapist')").ok());
    REQUIRE(db->exec("UPDATE profiles SET sign_in_code = '1234' WHERE id = 2").ok());
    CHECK_FALSE(db->exec("UPDATE profiles SET sign_in_code = '1234' WHERE id = 3").ok());
    // Deleting a profile deletes its history.
    REQUIRE(db->exec("DELETE FROM profiles WHERE id = 1").ok());
    CHECK(queryInt(*db, "SELECT count(*) FROM episodes") == 0);
}

// The header's user_version (4 bytes, big-endian, at offset 60) is the schema version. A flipped
// bit makes it negative; migrating from there used to index the migration list out of bounds.
TEST_CASE("a negative schema version is reported as a corrupt database and left untouched", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_negative_version");
    for (std::int32_t version : {-1, -1000, -2147483645, INT32_MIN}) {
        auto file = dir / ("v" + std::to_string(version) + ".db");
        {
            auto db = Database::open(file);
            REQUIRE(db.ok());
            REQUIRE((*db)->setSetting("kept", "yes").ok());
        }
        {
            std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
            auto u = static_cast<std::uint32_t>(version);
            const char bytes[4] = {char(u >> 24), char(u >> 16), char(u >> 8), char(u)};
            f.seekp(60);
            f.write(bytes, 4);
        }
        std::string before = slurp(file);
        auto db = Database::open(file);
        INFO("user_version " << version);
        REQUIRE_FALSE(db.ok());
        CHECK_THAT(db.error().message, Catch::Contains(file.string()) && Catch::Contains("corrupt") &&
                                           Catch::Contains(std::to_string(version)) &&
                                           Catch::Contains("left untouched"));
        CHECK(slurp(file) == before);
    }
}

namespace {
// A small tmpfs of the test's own (needs root, as CI and setup.sh run); skips the test otherwise.
struct TmpfsMount {
    fs::path dir;
    explicit TmpfsMount(const fs::path& at, const char* size) : dir(at) {
        fs::create_directories(dir);
        int rc = ptcoach::test::run("mount -t tmpfs -o size=" + std::string(size) + " ptcoach-test '" + dir.string() +
                                    "' 2>/dev/null");
        if (rc != 0) PTCOACH_SKIP("cannot mount a tmpfs at " << dir << " (needs root)");
    }
    ~TmpfsMount() { ptcoach::test::run("umount '" + dir.string() + "' 2>/dev/null"); }
    void readOnly() { REQUIRE(ptcoach::test::run("mount -o remount,ro '" + dir.string() + "'") == 0); }
};
}  // namespace

// A read-only data folder said "could not be read (unable to open database file)" for plain reads.
TEST_CASE("a read-only data folder keeps reads working, and every write says the folder is read-only",
          "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_read_only");
    TmpfsMount disk(dir / "disk", "4m");
    auto file = disk.dir / "ptcoach.db";
    {
        auto db = Database::open(file);
        REQUIRE(db.ok());
        REQUIRE((*db)->setSetting("kept", "yes").ok());
    }
    disk.readOnly();
    auto db = Database::open(file);
    INFO((db ? std::string() : db.error().message));
    REQUIRE(db.ok());
    CHECK(ptcoach::test::settingOf(**db, "kept").value_or("") == "yes");
    Status w = (*db)->setSetting("new", "1");
    REQUIRE_FALSE(w.ok());
    CHECK_THAT(w.message(), Catch::Contains("cannot save: the data folder " + disk.dir.string() + " is on a read-only disk"));
    Status can = (*db)->checkCanSave();
    REQUIRE_FALSE(can.ok());
    CHECK_THAT(can.message(), Catch::Contains("nothing can be saved") && Catch::Contains("read-only"));
    // A database that is not there cannot be made there: said so, not "unable to open".
    auto absent = Database::open(disk.dir / "other.db");
    REQUIRE_FALSE(absent.ok());
    CHECK_THAT(absent.error().message, Catch::Contains("read-only disk"));
}

// A full disk said only "disk I/O error", and a session ran its whole length before failing.
TEST_CASE("a full disk is named before a session and when saving, and what was saved is kept", "[storage][sqlite]") {
    auto dir = ptcoach::test::scratchDir("storage_full_disk");
    TmpfsMount disk(dir / "disk", "3m");
    auto file = disk.dir / "ptcoach.db";
    auto db = Database::open(file);
    REQUIRE(db.ok());
    REQUIRE((*db)->setSetting("kept", "yes").ok());
    CHECK((*db)->checkCanSave().ok());
    {
        // Fill the disk.
        std::ofstream fill(disk.dir / "filler", std::ios::binary);
        std::string block(64 * 1024, 'x');
        while (fill.write(block.data(), static_cast<std::streamsize>(block.size()))) {}
    }
    Status can = (*db)->checkCanSave();
    REQUIRE_FALSE(can.ok());
    CHECK_THAT(can.message(), Catch::Contains("the disk holding " + disk.dir.string() + " is full"));
    Status w = (*db)->setSetting("big", std::string(512 * 1024, 'y'));
    REQUIRE_FALSE(w.ok());
    CHECK_THAT(w.message(), Catch::Contains("the disk is full"));
    db = Database::open(file);  // reopened: what was saved before is there, the file is sound
    INFO((db ? std::string() : db.error().message));
    REQUIRE(db.ok());
    CHECK(ptcoach::test::settingOf(**db, "kept").value_or("") == "yes");
    CHECK(queryText(**db, "PRAGMA integrity_check") == "ok");
}
