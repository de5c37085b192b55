#pragma once
// The database behind PT Coach: SQLite (a file, one installation) or PostgreSQL (a clinic's shared
// server), chosen by a connection setting, with the same schema migrations and the same SQL.
//
// SQL is written once, SQLite-flavoured with '?' placeholders; the PostgreSQL backend numbers the
// placeholders ($1, $2, ...) and translates the migrations' column types. Every write runs in a
// transaction; a corrupt file, a server that cannot be reached or a schema written by a newer
// PT Coach is reported and never touched.
//
// SQL that works on both:
// - New rows report their id with "INSERT ... RETURNING id" (step() gives a Row, then Done);
//   "did the UPDATE/DELETE change a row" is "... RETURNING id" too (Row: yes, Done: no).
// - Bind exactly as many values as there are '?' (PostgreSQL refuses extra ones). Values go to
//   PostgreSQL as text and take the type of what they meet (a column, a comparison); where
//   nothing tells the type ("? IS NULL", "SELECT ?"), write CAST(? AS INTEGER) / CAST(? AS TEXT).
// - Fine: ON CONFLICT(...) DO UPDATE SET x = excluded.x, COALESCE, CAST(x AS INTEGER), LIMIT ?
//   (a positive number: no LIMIT -1), count(*), SUM (read it with i64/i32), lower()/upper().
//   Not: SQLite functions (strftime, julianday, json_each, ifnull, group_concat, printf),
//   INSERT OR REPLACE/IGNORE, last_insert_rowid(), changes(). Parse JSON in C++ (nlohmann).
// - Booleans are INTEGER 0/1 columns (bind(bool), flag()); times are ISO 8601 UTC text
//   (bind(TimePoint), time()), so text comparison orders them.
// - PostgreSQL reports bad SQL when the statement runs: ok() is true there and the error comes
//   from step() / error(). A statement error inside transaction() must be returned from the body
//   (PostgreSQL aborts the transaction, and a serialization failure is retried).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ptcoach/core/expected.h"

namespace ptcoach::storage {

using TimePoint = std::chrono::system_clock::time_point;
using Id = std::int64_t;

// "2026-11-21T09:30:00Z" (seconds resolution, UTC).
std::string formatUtc(TimePoint t);
// Parses what formatUtc writes (also accepts a space in place of 'T' and no 'Z').
std::optional<TimePoint> parseUtc(const std::string& text);

enum class Backend { SQLite, PostgreSQL };

// A prepared statement. Bind parameters in order (1st '?', 2nd '?', ...), then step() until it
// returns Done (or Error). Column getters read the current row, 0-based.
class Statement {
public:
    enum class Step { Row, Done, Error };

    class Impl;
    explicit Statement(std::unique_ptr<Impl> impl);
    ~Statement();
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;

    // False when the SQL did not prepare; prepareError() says why.
    bool ok() const;
    const std::string& prepareError() const;

    Statement& bind(std::int64_t v);
    Statement& bind(int v);
    Statement& bind(bool v);  // stored as 0 / 1
    Statement& bind(double v);
    Statement& bind(const std::string& v);
    Statement& bind(const char* v);
    Statement& bind(TimePoint t);  // as formatUtc text
    Statement& bindNull();
    template <typename T>
    Statement& bind(const std::optional<T>& v) {
        return v ? bind(*v) : bindNull();
    }

    Step step();
    // The last error of this statement (or its connection), for messages.
    std::string error() const;

    // The result's columns (valid once step() has run, also when it returned no row).
    int columnCount() const;
    std::string columnName(int c) const;

    bool isNull(int c) const;
    std::int64_t i64(int c) const;
    int i32(int c) const;
    double real(int c) const;
    std::string text(int c) const;
    bool flag(int c) const { return i64(c) != 0; }
    std::optional<int> optInt(int c) const { return isNull(c) ? std::nullopt : std::optional<int>(i32(c)); }
    std::optional<std::int64_t> optI64(int c) const {
        return isNull(c) ? std::nullopt : std::optional<std::int64_t>(i64(c));
    }
    std::optional<double> optReal(int c) const { return isNull(c) ? std::nullopt : std::optional<double>(real(c)); }
    std::optional<std::string> optText(int c) const { return isNull(c) ? std::nullopt : std::optional(text(c)); }
    // A column of formatUtc text. Text that is not a time is never taken for the epoch (or for
    // NULL): the first such column is kept in readError(), which selectAll and the stores check
    // after each row (the value returned then is meaningless).
    TimePoint time(int c) const;
    std::optional<TimePoint> optTime(int c) const { return isNull(c) ? std::nullopt : std::optional(time(c)); }
    // "column started_at holds 'yesterday', not a time ..." once a getter met bad data; else "".
    const std::string& readError() const { return m_readError; }

private:
    std::unique_ptr<Impl> m_impl;
    mutable std::string m_readError;
};

class Database {
public:
    // The schema version this build writes and understands.
    static int latestSchemaVersion();

    // Opens (creating if absent) and migrates the SQLite database at `file` (WAL, foreign keys,
    // synchronous=FULL). Parent directories are created. Errors name the file and what is wrong.
    static Expected<std::unique_ptr<Database>> open(const std::filesystem::path& file);

    // Opens by connection setting: "postgresql://..." / "postgres://..." or a libpq key=value
    // string ("host=127.0.0.1 port=5432 dbname=ptcoach user=ptcoach") selects PostgreSQL;
    // "sqlite:<path>" or a plain path selects SQLite. Migrates like open().
    static Expected<std::unique_ptr<Database>> connect(const std::string& connection);

    virtual ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    virtual Backend backend() const = 0;
    // For messages: the file, or the server and database (never the password).
    virtual std::string describe() const = 0;
    // SQLite: the file. PostgreSQL: empty.
    const std::filesystem::path& path() const { return m_path; }

    int schemaVersion() const;

    virtual Statement prepare(const std::string& sql) const = 0;

    // Runs `body` in a transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE); rolls back
    // when it returns an error. PostgreSQL: a serialization failure or deadlock (SQLSTATE 40001,
    // 40P01) re-runs the whole body (up to 12 times), so a body must not have effects outside the
    // database that cannot be repeated, and must pass statement errors on (return them).
    // Transactions do not nest: calling transaction() from inside a body runs the inner body in
    // the outer transaction.
    Status transaction(const std::function<Status()>& body);
    // Runs SQL with no result rows (several statements allowed).
    virtual Status exec(const std::string& sql) = 0;

    // Whether a session started now could be saved: an error that says why not ("nothing can be
    // saved: the data folder /x is read-only", "...: the disk holding /x is full (300 kB free)").
    // The session screen shows it before the session starts.
    virtual Status checkCanSave() const { return {}; }
    // Why this database is open for reading only ("the data folder /x is read-only"), or "".
    // Reads work; every transaction() is refused with this reason.
    virtual const std::string& readOnlyReason() const {
        static const std::string none;
        return none;
    }

    // A setting's value; nullopt when it was never set. A read error is an Error, never "not set".
    Expected<std::optional<std::string>> setting(const std::string& key) const;
    Status setSetting(const std::string& key, const std::string& value);

protected:
    explicit Database(std::filesystem::path path) : m_path(std::move(path)) {}
    virtual Status begin() = 0;
    virtual Status commit() = 0;
    virtual Status rollback() = 0;
    // Whether the error of the last failed statement is worth a retry (PostgreSQL 40001, 40P01).
    virtual bool retryable() const { return false; }
    virtual Expected<int> readSchemaVersion() const = 0;
    virtual Status writeSchemaVersion(int version) = 0;
    // The migration `index` (0-based) in this backend's dialect.
    virtual std::string migrationSql(int index) const = 0;
    // Taken before the migration transaction begins and released after it ends (PostgreSQL: a
    // session advisory lock so two kiosks starting at once migrate once).
    virtual Status lockForMigration() { return {}; }
    virtual Status unlockAfterMigration() { return {}; }
    Status migrate();

    // The migrations as written (SQLite dialect); empty outside 0 .. latestSchemaVersion() - 1.
    static const char* migrationText(int index);
    // A version below 0 (a corrupt header) or above latestSchemaVersion() (a newer PT Coach) is
    // an error that ends "it was left untouched"; messages follow "database <file> ".
    static Status checkSchemaVersion(int version);

    std::filesystem::path m_path;
    int m_depth = 0;
};

}  // namespace ptcoach::storage
