#include <fstream>
#include <sqlite3.h>

#include "ptcoach/storage/database.h"
#include "test_support.h"

using ptcoach::storage::Database;
namespace fs = std::filesystem;

namespace {
std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("a new database is created, migrated to the latest schema and uses WAL") {
    auto dir = ptcoach::test::scratchDir("storage_new");
    auto db = Database::open(dir / "sub" / "ptcoach.db");
    REQUIRE(db.ok());
    CHECK((*db)->schemaVersion() == Database::latestSchemaVersion());
    CHECK(fs::exists(dir / "sub" / "ptcoach.db"));
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2((*db)->handle(), "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
    sqlite3_finalize(st);
    REQUIRE(sqlite3_prepare_v2((*db)->handle(), "PRAGMA foreign_keys", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 1);
    sqlite3_finalize(st);
}

TEST_CASE("settings survive closing and reopening") {
    auto dir = ptcoach::test::scratchDir("storage_settings");
    {
        auto db = Database::open(dir / "ptcoach.db");
        REQUIRE(db.ok());
        REQUIRE((*db)->setSetting("camera", "2").ok());
        REQUIRE((*db)->setSetting("camera", "1").ok());
    }
    auto db = Database::open(dir / "ptcoach.db");
    REQUIRE(db.ok());
    CHECK((*db)->setting("camera").value_or("") == "1");
    CHECK_FALSE((*db)->setting("absent").has_value());
}

TEST_CASE("a failed transaction leaves no trace") {
    auto dir = ptcoach::test::scratchDir("storage_rollback");
    auto db = Database::open(dir / "ptcoach.db");
    REQUIRE(db.ok());
    auto s = (*db)->transaction([&]() -> ptcoach::Status {
        REQUIRE((*db)->exec("INSERT INTO profiles(name, role) VALUES('Ann', 'patient')").ok());
        return ptcoach::makeError("something went wrong half way");
    });
    CHECK_FALSE(s.ok());
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2((*db)->handle(), "SELECT count(*) FROM profiles", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
}

TEST_CASE("a database from a newer PT Coach is refused and left untouched") {
    auto dir = ptcoach::test::scratchDir("storage_newer");
    auto file = dir / "ptcoach.db";
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
        REQUIRE(sqlite3_exec(raw, "CREATE TABLE future(x); PRAGMA user_version = 999;", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        sqlite3_close(raw);
    }
    std::string before = readAll(file);
    auto db = Database::open(file);
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error().message, Catch::Contains("newer PT Coach") && Catch::Contains("999") &&
                                       Catch::Contains(file.string()));
    CHECK(readAll(file) == before);
}

TEST_CASE("a corrupt database file is reported and never overwritten") {
    auto dir = ptcoach::test::scratchDir("storage_corrupt");
    auto file = dir / "ptcoach.db";
    {
        std::ofstream out(file, std::ios::binary);
        out << "this is not an SQLite database, just some text that got saved under the wrong name\n";
        for (int i = 0; i < 200; ++i) out << "garbage line " << i << "\n";
    }
    std::string before = readAll(file);
    auto db = Database::open(file);
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error().message, Catch::Contains(file.string()) && Catch::Contains("left untouched"));
    CHECK(readAll(file) == before);
}

TEST_CASE("a version 1 database is migrated forward with its data kept") {
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
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2((*db)->handle(), "SELECT name FROM profiles WHERE id = 1", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "Ann");
    sqlite3_finalize(st);
}
