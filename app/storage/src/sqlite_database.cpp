// The SQLite backend: one file, WAL mode, foreign keys on, synchronous=FULL, BEGIN IMMEDIATE
// transactions with a busy timeout so two processes on one file wait for each other.
#include <sqlite3.h>

#include <sys/statvfs.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>

#include "backend.h"

namespace ptcoach::storage {
namespace fs = std::filesystem;

namespace {

// SQLite's message, with what the operating system said when that explains it better ("disk I/O
// error" is often a full disk).
std::string osHint(sqlite3* db) {
    int code = sqlite3_errcode(db) & 0xff;
    if (code == SQLITE_FULL) return " (the disk is full)";
    if (code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_READONLY) {
        switch (sqlite3_system_errno(db)) {
            case ENOSPC:
            case EDQUOT: return " (the disk is full)";
            case EROFS: return " (the disk is read-only)";
            case EACCES:
            case EPERM: return " (no permission)";
            default: break;
        }
    }
    return "";
}
std::string sqliteMessage(sqlite3* db) { return db ? sqlite3_errmsg(db) + osHint(db) : "out of memory"; }

// Why nothing can be written at `file` (its folder or itself read-only), or "".
std::string readOnlyReason(const fs::path& file) {
    fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    struct statvfs vfs {};
    if (::statvfs(dir.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
        return "the data folder " + dir.string() + " is on a read-only disk";
    if (::access(dir.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
        return "the data folder " + dir.string() + " is read-only";
    if (::access(file.c_str(), F_OK) == 0 && ::access(file.c_str(), W_OK) != 0)
        return "the database file " + file.string() + " is read-only";
    return {};
}

// "file:" URI of a path (for SQLite's URI parameters), with the characters URIs reserve escaped.
std::string fileUri(const fs::path& file) {
    std::string uri = "file:";
    for (unsigned char c : fs::absolute(file).string()) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            uri += buf;
        }
    }
    return uri;
}

class SqliteStatement final : public Statement::Impl {
public:
    SqliteStatement(sqlite3* db, const std::string& sql) : m_db(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_st, nullptr) != SQLITE_OK) {
            m_error = sqliteMessage(db);
            sqlite3_finalize(m_st);
            m_st = nullptr;
        }
    }
    ~SqliteStatement() override { sqlite3_finalize(m_st); }

    bool ok() const override { return m_st != nullptr; }
    const std::string& prepareError() const override { return m_error; }
    void bindInt(std::int64_t v) override {
        if (m_st) sqlite3_bind_int64(m_st, ++m_i, v);
    }
    void bindReal(double v) override {
        if (m_st) sqlite3_bind_double(m_st, ++m_i, v);
    }
    void bindText(const std::string& v) override {
        if (m_st) sqlite3_bind_text(m_st, ++m_i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void bindNull() override {
        if (m_st) sqlite3_bind_null(m_st, ++m_i);
    }
    Statement::Step step() override {
        if (!m_st) return Statement::Step::Error;
        int rc = sqlite3_step(m_st);
        if (rc == SQLITE_ROW) return Statement::Step::Row;
        if (rc == SQLITE_DONE) return Statement::Step::Done;
        m_error = sqliteMessage(m_db);
        return Statement::Step::Error;
    }
    std::string error() const override { return m_st ? sqliteMessage(m_db) : m_error; }
    int columnCount() const override { return m_st ? sqlite3_column_count(m_st) : 0; }
    std::string columnName(int c) const override {
        const char* n = m_st ? sqlite3_column_name(m_st, c) : nullptr;
        return n ? n : "";
    }
    bool isNull(int c) const override { return sqlite3_column_type(m_st, c) == SQLITE_NULL; }
    std::int64_t i64(int c) const override { return sqlite3_column_int64(m_st, c); }
    double real(int c) const override { return sqlite3_column_double(m_st, c); }
    std::string text(int c) const override {
        const unsigned char* t = sqlite3_column_text(m_st, c);
        return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(m_st, c)))
                 : std::string();
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_st = nullptr;
    std::string m_error;
    int m_i = 0;
};

class SqliteDatabase final : public Database {
public:
    SqliteDatabase(sqlite3* db, fs::path file, std::string readOnly)
        : Database(std::move(file)), m_db(db), m_readOnly(std::move(readOnly)) {}
    ~SqliteDatabase() override {
        if (m_db) sqlite3_close_v2(m_db);
    }

    Backend backend() const override { return Backend::SQLite; }
    std::string describe() const override { return "database " + m_path.string(); }
    Statement prepare(const std::string& sql) const override {
        return Statement(std::make_unique<SqliteStatement>(m_db, sql));
    }
    Status exec(const std::string& sql) override {
        char* err = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err + osHint(m_db) : sqliteMessage(m_db);
            sqlite3_free(err);
            return makeError(msg);
        }
        return {};
    }

    // The file is checked before anything in it changes.
    Status check() {
        auto version = readSchemaVersion();
        if (!version) return makeError(version.error().message);
        if (Status known = checkSchemaVersion(*version); !known) return known;
        Statement st = prepare("PRAGMA quick_check");
        std::string result = st.ok() ? "" : st.prepareError();
        if (st.ok()) result = st.step() == Statement::Step::Row ? st.text(0) : st.error();
        if (result != "ok") return makeError("is corrupt (integrity check: " + result + "); it was left untouched");
        return {};
    }

    Status checkCanSave() const override {
        if (!m_readOnly.empty()) return makeError("nothing can be saved: " + m_readOnly);
        fs::path dir = m_path.has_parent_path() ? m_path.parent_path() : fs::path(".");
        struct statvfs vfs {};
        if (::statvfs(dir.c_str(), &vfs) == 0) {
            unsigned long long freeBytes = static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize;
            if (freeBytes < kMinFreeBytes)
                return makeError("nothing can be saved: the disk holding " + dir.string() + " is full (" +
                                 std::to_string(freeBytes / 1024) + " kB free)");
        }
        return {};
    }

    // Checks the file, sets the connection up and migrates it. Messages follow "database <file> ".
    Status start() {
        if (Status s = check(); !s) return s;
        if (!m_readOnly.empty()) {
            // Reads only: no WAL switch, no migration (a database that needs one cannot be read).
            auto v = readSchemaVersion();
            if (!v) return makeError(v.error().message);
            if (*v < latestSchemaVersion())
                return makeError("needs updating to schema version " + std::to_string(latestSchemaVersion()) +
                                 " (it is at " + std::to_string(*v) + "), and " + m_readOnly);
            return {};
        }
        // Switching a new file to WAL takes the file for a moment; when two kiosks open a fresh
        // database at once, the second may be told "locked" without waiting: wait and retry.
        Status setup;
        for (int attempt = 0; attempt < 100; ++attempt) {
            setup = exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;");
            int code = sqlite3_errcode(m_db);
            if (setup || (code != SQLITE_BUSY && code != SQLITE_LOCKED)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!setup) return makeError("could not be set up (" + setup.message() + ")");
        if (Status s = migrate(); !s) return makeError("could not be brought up to date: " + s.message());
        return {};
    }

protected:
    Status begin() override { return exec("BEGIN IMMEDIATE"); }
    Status commit() override { return exec("COMMIT"); }
    Status rollback() override {
        // SQLite rolls some failed transactions back itself (a full disk, an I/O error).
        if (sqlite3_get_autocommit(m_db)) return {};
        return exec("ROLLBACK");
    }
    Expected<int> readSchemaVersion() const override {
        Statement st = prepare("PRAGMA user_version");
        if (!st.ok())
            return makeError("is not a PT Coach database or is corrupt (" + st.prepareError() +
                             "); it was left untouched");
        if (st.step() != Statement::Step::Row)
            return makeError("could not be read (" + st.error() + "); it was left untouched");
        return st.i32(0);
    }
    Status writeSchemaVersion(int version) override { return exec("PRAGMA user_version = " + std::to_string(version)); }
    std::string migrationSql(int index) const override { return migrationText(index); }

    const std::string& readOnlyReason() const override { return m_readOnly; }

private:
    // Less free space than this and a session could not be saved: say so before it starts.
    static constexpr unsigned long long kMinFreeBytes = 2ull * 1024 * 1024;
    sqlite3* m_db;
    std::string m_readOnly;  // why this database is open for reading only, or ""
};

}  // namespace

Expected<std::unique_ptr<Database>> openSqlite(const fs::path& file) {
    std::error_code ec;
    if (file.has_parent_path()) {
        fs::create_directories(file.parent_path(), ec);
        if (ec) return makeError("cannot create data directory " + file.parent_path().string() + ": " + ec.message());
    }
    sqlite3* raw = nullptr;
    // A database in a folder (or a file) that cannot be written is opened for reading only, so
    // that the history can still be read; without a writable folder SQLite cannot keep its WAL
    // index beside the file, so the file is read as immutable.
    std::string readOnly = readOnlyReason(file);
    std::error_code exists;
    if (!readOnly.empty() && !fs::exists(file, exists))
        return makeError("cannot create database " + file.string() + ": " + readOnly);
    int rc = readOnly.empty()
                     ? sqlite3_open_v2(file.c_str(), &raw,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr)
                     : sqlite3_open_v2((fileUri(file) + "?immutable=1").c_str(), &raw,
                                       SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = sqliteMessage(raw);
        sqlite3_close(raw);
        return makeError("cannot open database " + file.string() + ": " + msg);
    }
    auto db = std::make_unique<SqliteDatabase>(raw, file, readOnly);
    sqlite3_busy_timeout(raw, 10000);
    if (Status s = db->start(); !s) return makeError("database " + file.string() + " " + s.message());
    return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ptcoach::storage
