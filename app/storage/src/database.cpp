#include "ptcoach/storage/database.h"

#include <sqlite3.h>

#include <system_error>
#include <vector>

namespace ptcoach::storage {
namespace fs = std::filesystem;

namespace {

// Each entry moves the schema from version i to i+1. Never edit a shipped migration: add one.
const std::vector<const char*>& migrations() {
    static const std::vector<const char*> m = {
        // 1: profiles and settings
        R"sql(
        CREATE TABLE profiles (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('patient', 'therapist')),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        )sql",
        // 2: recovery history. Times are ISO 8601 UTC text ("2026-11-21T09:30:00Z").
        R"sql(
        CREATE TABLE episodes (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            onset_at TEXT NOT NULL,
            location TEXT NOT NULL DEFAULT '',       -- where it hurts
            trigger TEXT NOT NULL DEFAULT '',        -- what set it off
            pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
            spasm_severity TEXT CHECK (spasm_severity IN ('0', '1', '1+', '2', '3', '4')),  -- Modified Ashworth
            strain_grade INTEGER CHECK (strain_grade BETWEEN 1 AND 3),
            ice_hours INTEGER NOT NULL DEFAULT 48 CHECK (ice_hours BETWEEN 24 AND 72),
            blocked INTEGER NOT NULL DEFAULT 0,      -- 1: a red flag stopped exercise
            cleared_at TEXT,                         -- a therapist cleared the red flag
            cleared_by INTEGER REFERENCES profiles(id),
            cleared_note TEXT,
            ended_at TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX episodes_profile ON episodes(profile_id, onset_at);
        CREATE TABLE red_flag_screens (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            episode_id INTEGER REFERENCES episodes(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('full', 'short')),
            answers TEXT NOT NULL,                   -- JSON object: question id -> true/false
            any_yes INTEGER NOT NULL CHECK (any_yes IN (0, 1))
        );
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            pain INTEGER CHECK (pain BETWEEN 0 AND 10),
            stiffness INTEGER CHECK (stiffness BETWEEN 0 AND 10),
            medication TEXT NOT NULL DEFAULT '',     -- free text, as the person wrote it
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            program_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            with_camera INTEGER NOT NULL DEFAULT 1 CHECK (with_camera IN (0, 1)),
            stars INTEGER CHECK (stars BETWEEN 0 AND 3),
            completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1))
        );
        CREATE INDEX sessions_profile ON sessions(profile_id, started_at);
        CREATE TABLE exercise_results (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise_id TEXT NOT NULL,
            side TEXT NOT NULL DEFAULT 'both',
            sets_done INTEGER NOT NULL DEFAULT 0,
            reps_done INTEGER NOT NULL DEFAULT 0,
            reps_planned INTEGER NOT NULL DEFAULT 0,
            hold_s REAL NOT NULL DEFAULT 0,
            hold_planned_s REAL NOT NULL DEFAULT 0,
            rom REAL,                                -- mean range of motion of the reps (degrees or the measure's unit)
            quality REAL,                            -- mean rep quality 0-100
            faults TEXT NOT NULL DEFAULT '[]'        -- JSON array of {"code": ..., "count": n}
        );
        CREATE TABLE thermal_applications (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
            kind TEXT NOT NULL CHECK (kind IN ('ice', 'heat')),
            started_at TEXT NOT NULL,
            planned_s INTEGER NOT NULL CHECK (planned_s BETWEEN 60 AND 1200),  -- never over 20 minutes
            ended_at TEXT                            -- NULL while running
        );
        CREATE TABLE hydration (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            ml INTEGER NOT NULL CHECK (ml > 0 AND ml <= 5000)
        );
        )sql",
    };
    return m;
}

std::string sqliteMessage(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

}  // namespace

int Database::latestSchemaVersion() { return static_cast<int>(migrations().size()); }

Expected<std::unique_ptr<Database>> Database::open(const fs::path& file) {
    std::error_code ec;
    if (file.has_parent_path()) {
        fs::create_directories(file.parent_path(), ec);
        if (ec) return makeError("cannot create data directory " + file.parent_path().string() + ": " + ec.message());
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = sqliteMessage(raw);
        sqlite3_close(raw);
        return makeError("cannot open database " + file.string() + ": " + msg);
    }
    std::unique_ptr<Database> db(new Database(raw, file));
    sqlite3_busy_timeout(raw, 5000);

    // Check the file before changing anything in it.
    int version = -1;
    {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK)
            return makeError("database " + file.string() + " is not a PT Coach database or is corrupt (" +
                             sqliteMessage(raw) + "); it was left untouched");
        if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (version < 0)
        return makeError("database " + file.string() + " could not be read (" + sqliteMessage(raw) +
                         "); it was left untouched");
    if (version > latestSchemaVersion())
        return makeError("database " + file.string() + " was written by a newer PT Coach (schema version " +
                         std::to_string(version) + ", this build knows up to " +
                         std::to_string(latestSchemaVersion()) + "); it was left untouched");
    {
        sqlite3_stmt* st = nullptr;
        std::string result = "unknown";
        if (sqlite3_prepare_v2(raw, "PRAGMA quick_check", -1, &st, nullptr) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW) {
                const unsigned char* t = sqlite3_column_text(st, 0);
                result = t ? reinterpret_cast<const char*>(t) : "";
            } else {
                result = sqliteMessage(raw);
            }
        } else {
            result = sqliteMessage(raw);
        }
        sqlite3_finalize(st);
        if (result != "ok")
            return makeError("database " + file.string() + " is corrupt (integrity check: " + result +
                             "); it was left untouched");
    }

    if (Status s = db->exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"); !s)
        return makeError("database " + file.string() + ": " + s.message());
    if (Status s = db->migrate(); !s) return makeError("database " + file.string() + ": " + s.message());
    return db;
}

Database::~Database() {
    if (m_db) sqlite3_close_v2(m_db);
}

int Database::schemaVersion() const {
    sqlite3_stmt* st = nullptr;
    int v = -1;
    if (sqlite3_prepare_v2(m_db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

Status Database::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqliteMessage(m_db);
        sqlite3_free(err);
        return makeError(msg);
    }
    return {};
}

Status Database::transaction(const std::function<Status()>& body) {
    if (Status s = exec("BEGIN IMMEDIATE"); !s) return makeError("cannot start a transaction: " + s.message());
    Status s = body();
    if (!s) {
        exec("ROLLBACK");
        return s;
    }
    if (Status c = exec("COMMIT"); !c) {
        exec("ROLLBACK");
        return makeError("cannot save (commit failed: " + c.message() + ")");
    }
    return {};
}

Status Database::migrate() {
    int from = schemaVersion();
    const auto& m = migrations();
    for (int v = from; v < static_cast<int>(m.size()); ++v) {
        Status s = transaction([&]() -> Status {
            if (Status e = exec(m[v]); !e)
                return makeError("migration to schema version " + std::to_string(v + 1) + " failed: " + e.message());
            return exec("PRAGMA user_version = " + std::to_string(v + 1));
        });
        if (!s) return s;
    }
    return {};
}

std::optional<std::string> Database::setting(const std::string& key) const {
    sqlite3_stmt* st = nullptr;
    std::optional<std::string> out;
    if (sqlite3_prepare_v2(m_db, "SELECT value FROM settings WHERE key = ?", -1, &st, nullptr) != SQLITE_OK)
        return out;
    sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(st, 0);
        out = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(st);
    return out;
}

Status Database::setSetting(const std::string& key, const std::string& value) {
    return transaction([&]() -> Status {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, "INSERT INTO settings(key, value) VALUES(?, ?) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               -1, &st, nullptr) != SQLITE_OK)
            return makeError(sqliteMessage(m_db));
        sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, value.c_str(), -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return makeError("cannot save setting '" + key + "': " + sqliteMessage(m_db));
        return {};
    });
}

}  // namespace ptcoach::storage
