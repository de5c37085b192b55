#pragma once
// The user's database: SQLite in WAL mode with foreign keys on, migrated by schema version.
// A corrupt file or one written by a newer PT Coach is reported and never touched.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ptcoach/core/expected.h"

struct sqlite3;

namespace ptcoach::storage {

class Database {
public:
    // The schema version this build writes and understands.
    static int latestSchemaVersion();

    // Opens (creating if absent) and migrates the database at `file`. Parent directories are
    // created. Errors name the file and what is wrong.
    static Expected<std::unique_ptr<Database>> open(const std::filesystem::path& file);

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    int schemaVersion() const;
    const std::filesystem::path& path() const { return m_path; }

    // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it returns an error.
    Status transaction(const std::function<Status()>& body);
    // Runs SQL with no result rows (several statements allowed).
    Status exec(const std::string& sql);

    std::optional<std::string> setting(const std::string& key) const;
    Status setSetting(const std::string& key, const std::string& value);

    sqlite3* handle() const { return m_db; }

private:
    Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}
    Status migrate();
    sqlite3* m_db;
    std::filesystem::path m_path;
};

}  // namespace ptcoach::storage
