#pragma once
// The storage tests run against SQLite (default) and against a real PostgreSQL server
// (PTCOACH_TEST_BACKEND=postgres). CTest starts the server as a fixture (tests/pg/pg_fixture.sh),
// which writes its connection setting to <build>/test-tmp/pg/conninfo, or, when no PostgreSQL
// binaries are installed, the reason to <build>/test-tmp/pg/unavailable (the tests then skip with
// that reason). PTCOACH_TEST_PG=<conninfo> points the tests at another server instead.
//
// Each test gets a fresh, empty database: SQLite a new file in its scratch directory, PostgreSQL
// a new schema (dropped and created) selected through the connection's search_path.
#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "ptcoach/storage/database.h"
#include "test_support.h"

namespace ptcoach::test {

inline bool onPostgres() {
    const char* b = std::getenv("PTCOACH_TEST_BACKEND");
    return b && (std::string(b) == "postgres" || std::string(b) == "postgresql");
}

inline std::string readTextFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

// The test server's connection setting (its own database, no schema chosen). Skips the test when
// PostgreSQL is not installed here; fails it when the server should be there and is not.
inline std::string pgServerConninfo() {
    if (const char* e = std::getenv("PTCOACH_TEST_PG"); e && *e) return e;
    auto dir = std::filesystem::path(PTCOACH_TEST_TMP) / "pg";
    if (std::filesystem::exists(dir / "unavailable"))
        PTCOACH_SKIP("no PostgreSQL server for the storage tests: " << readTextFile(dir / "unavailable"));
    if (!std::filesystem::exists(dir / "conninfo"))
        FAIL("no PostgreSQL test server: " << (dir / "conninfo").string()
                                           << " is missing. Run the tests through ctest (its fixture 'storage-pg: "
                                              "start server' starts one), or set PTCOACH_TEST_PG to a conninfo.");
    return readTextFile(dir / "conninfo");
}

// Runs SQL (no parameters) on the test server with libpq directly; the error text, empty when it
// worked.
inline std::string pgRun(const std::string& conninfo, const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    std::string err;
    if (PQstatus(c) != CONNECTION_OK) {
        err = PQerrorMessage(c);
    } else {
        PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
        PGresult* r = PQexec(c, sql.c_str());
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) err = PQresultErrorMessage(r);
        PQclear(r);
    }
    PQfinish(c);
    return err;
}

// A fresh, empty database for one test, opened as often as the test likes.
class TestDatabase {
public:
    enum class Use { Configured, PostgreSQL };
    // Use::PostgreSQL: whatever PTCOACH_TEST_BACKEND says (for the PostgreSQL-only tests).
    explicit TestDatabase(const std::string& name, Use use = Use::Configured)
        : m_dir(scratchDir((use == Use::PostgreSQL || onPostgres() ? "pg_" : "") + name)) {
        if (use == Use::Configured && !onPostgres()) {
            m_connection = "sqlite:" + (m_dir / "ptcoach.db").string();
            return;
        }
        std::string server = pgServerConninfo();
        m_schema = "t_";
        for (char c : name) m_schema += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
        std::string err = pgRun(server, "DROP SCHEMA IF EXISTS " + m_schema + " CASCADE; CREATE SCHEMA " + m_schema);
        INFO("cannot make a fresh schema on the PostgreSQL test server (" << server << "): " << err);
        REQUIRE(err.empty());
        m_server = server;
        m_connection = server + " options='-c search_path=" + m_schema + "'";
    }

    bool postgres() const { return !m_schema.empty(); }
    // For Database::connect.
    const std::string& connection() const { return m_connection; }
    // The test's scratch directory (SQLite: holds ptcoach.db).
    const std::filesystem::path& dir() const { return m_dir; }
    std::filesystem::path sqliteFile() const { return m_dir / "ptcoach.db"; }
    // PostgreSQL: the schema and the server (without a schema) it lives on.
    const std::string& schema() const { return m_schema; }
    const std::string& server() const { return m_server; }

    // Opens (creating and migrating) the database; the test fails with the reason otherwise.
    std::unique_ptr<storage::Database> open() const {
        auto db = storage::Database::connect(m_connection);
        INFO((db.ok() ? std::string() : db.error().message));
        REQUIRE(db.ok());
        return std::move(db).value();
    }

private:
    std::filesystem::path m_dir;
    std::string m_connection, m_schema, m_server;
};

// A setting as the library reads it; a read error fails the test with its message.
inline std::optional<std::string> settingOf(const storage::Database& db, const std::string& key) {
    auto v = db.setting(key);
    INFO((v ? std::string() : v.error().message));
    REQUIRE(v.ok());
    return *v;
}

// One number from a query (a count, usually), through the library's Statement API.
inline std::int64_t queryInt(const storage::Database& db, const std::string& sql) {
    storage::Statement st = db.prepare(sql);
    INFO(sql << ": " << st.prepareError());
    REQUIRE(st.ok());
    auto rc = st.step();
    INFO(st.error());
    REQUIRE(rc == storage::Statement::Step::Row);
    return st.i64(0);
}

}  // namespace ptcoach::test
