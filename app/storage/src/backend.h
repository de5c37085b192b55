#pragma once
// What a database backend implements behind Statement and Database (internal to ptcoach_storage).
#include <cstdint>
#include <memory>
#include <string>

#include "ptcoach/storage/database.h"

namespace ptcoach::storage {

class Statement::Impl {
public:
    virtual ~Impl() = default;
    virtual bool ok() const = 0;
    virtual const std::string& prepareError() const = 0;
    virtual void bindInt(std::int64_t v) = 0;
    virtual void bindReal(double v) = 0;
    virtual void bindText(const std::string& v) = 0;
    virtual void bindNull() = 0;
    virtual Statement::Step step() = 0;
    virtual std::string error() const = 0;
    virtual int columnCount() const = 0;
    virtual std::string columnName(int c) const = 0;
    virtual bool isNull(int c) const = 0;
    virtual std::int64_t i64(int c) const = 0;
    virtual double real(int c) const = 0;
    virtual std::string text(int c) const = 0;
};

// Opens and migrates the SQLite file (sqlite_database.cpp).
Expected<std::unique_ptr<Database>> openSqlite(const std::filesystem::path& file);
// Connects to PostgreSQL and migrates (postgres_database.cpp).
Expected<std::unique_ptr<Database>> openPostgres(const std::string& conninfo);
// PostgreSQL dialect helpers (postgres_database.cpp): '?' -> $1, $2, ... outside literals and
// comments; a migration written for SQLite translated for PostgreSQL.
std::string numberPlaceholders(const std::string& sql);
std::string translateMigration(const std::string& sqliteSql);

}  // namespace ptcoach::storage
