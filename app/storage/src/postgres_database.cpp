// The PostgreSQL backend (libpq): a clinic's kiosks and therapist desktops share one database.
//
// SQL arrives in the SQLite flavour the rest of the library writes: '?' placeholders are numbered
// ($1, $2, ...) outside string literals and comments, parameters go as text (the server infers
// their types from the columns they meet), and the migrations' column types are translated.
// Transactions are SERIALIZABLE, so they behave as SQLite's one-writer-at-a-time transactions do;
// a serialization failure or deadlock re-runs the transaction (Database::transaction). The schema
// version lives in the table schema_version; a session advisory lock makes two kiosks that start
// at once migrate once.
#include <libpq-fe.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "backend.h"

namespace ptcoach::storage {

namespace {

// Skips the SQL text that is not code at `i` (a string literal, a quoted identifier, a comment):
// returns the index after it, or `i` when code starts there.
size_t skipNonCode(std::string_view sql, size_t i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
        for (size_t j = i + 1; j < sql.size(); ++j) {
            if (sql[j] != c) continue;
            if (j + 1 < sql.size() && sql[j + 1] == c) {
                ++j;  // doubled quote: part of the text
                continue;
            }
            return j + 1;
        }
        return sql.size();
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
        size_t e = sql.find('\n', i);
        return e == std::string_view::npos ? sql.size() : e + 1;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
        size_t e = sql.find("*/", i + 2);
        return e == std::string_view::npos ? sql.size() : e + 2;
    }
    return i;
}

// Calls `code(begin, end)` for each stretch of code and `other(begin, end)` for each literal or
// comment, in order.
template <typename Code, typename Other>
void splitCode(std::string_view sql, Code code, Other other) {
    size_t start = 0, i = 0;
    while (i < sql.size()) {
        size_t j = skipNonCode(sql, i);
        if (j == i) {
            ++i;
            continue;
        }
        if (i > start) code(sql.substr(start, i - start));
        other(sql.substr(i, j - i));
        start = i = j;
    }
    if (start < sql.size()) code(sql.substr(start));
}

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Replaces whole words (case-sensitive) in code.
std::string replaceWord(std::string_view text, std::string_view word, std::string_view with) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t f = text.find(word, i);
        if (f == std::string_view::npos) break;
        bool before = f > 0 && isWordChar(text[f - 1]);
        bool after = f + word.size() < text.size() && isWordChar(text[f + word.size()]);
        out.append(text.substr(i, f - i));
        out.append(before || after ? word : with);
        i = f + word.size();
    }
    out.append(text.substr(i));
    return out;
}

std::string replaceAll(std::string text, std::string_view what, std::string_view with) {
    for (size_t f = text.find(what); f != std::string::npos; f = text.find(what, f + with.size()))
        text.replace(f, what.size(), with);
    return text;
}

}  // namespace

// '?' -> $1, $2, ... outside literals and comments (exposed for the tests through the backend).
std::string numberPlaceholders(const std::string& sql) {
    std::string out;
    int n = 0;
    splitCode(
        sql,
        [&](std::string_view code) {
            for (char c : code) {
                if (c != '?') {
                    out += c;
                    continue;
                }
                out += '$';
                out += std::to_string(++n);
            }
        },
        [&](std::string_view other) { out.append(other); });
    return out;
}

// A migration written for SQLite in PostgreSQL's dialect.
std::string translateMigration(const std::string& sqliteSql) {
    // The creation-time default first (it contains literals of its own).
    std::string sql = replaceAll(sqliteSql, "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                                 "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    std::string out;
    splitCode(
        sql,
        [&](std::string_view code) {
            std::string c = replaceAll(std::string(code), "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY");
            c = replaceWord(c, "INTEGER", "BIGINT");
            c = replaceWord(c, "REAL", "DOUBLE PRECISION");
            c = replaceWord(c, "BLOB", "BYTEA");
            out += c;
        },
        [&](std::string_view other) { out.append(other); });
    return out;
}

namespace {

// The parts of a connection setting worth naming in a message (never the password).
struct Target {
    std::string host, port, dbname, user;
    std::string text() const {
        return "PostgreSQL database " + (dbname.empty() ? user : dbname) + " on " + host + ":" + port +
               (user.empty() ? "" : " (user " + user + ")");
    }
};

Target describeConninfo(const std::string& conninfo) {
    Target t;
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (err) PQfreemem(err);
    if (opts) {
        for (PQconninfoOption* o = opts; o->keyword; ++o) {
            if (!o->val) continue;
            std::string k = o->keyword;
            if (k == "host" || (k == "hostaddr" && t.host.empty())) t.host = o->val;
            else if (k == "port") t.port = o->val;
            else if (k == "dbname") t.dbname = o->val;
            else if (k == "user") t.user = o->val;
        }
        PQconninfoFree(opts);
    }
    if (t.host.empty()) t.host = std::getenv("PGHOST") ? std::getenv("PGHOST") : "localhost";
    if (t.port.empty()) t.port = std::getenv("PGPORT") ? std::getenv("PGPORT") : "5432";
    return t;
}

// The first line of a libpq message, without "ERROR:" and trailing whitespace.
std::string firstLine(const char* msg) {
    std::string s = msg ? msg : "";
    if (s.rfind("ERROR:  ", 0) == 0) s = s.substr(8);
    if (s.rfind("FATAL:  ", 0) == 0) s = s.substr(8);
    size_t nl = s.find('\n');
    if (nl != std::string::npos) s.resize(nl);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

// What failed, from a failed result: the server's primary message and, for constraint
// violations, its detail.
std::string resultMessage(PGconn* conn, const PGresult* res) {
    if (!res) return firstLine(PQerrorMessage(conn));
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    std::string m = primary ? primary : firstLine(PQresultErrorMessage(res));
    if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) m += " (" + std::string(detail) + ")";
    if (m.empty()) m = firstLine(PQerrorMessage(conn));
    if (PQstatus(conn) == CONNECTION_BAD) m += " (the connection to the server was lost)";
    return m;
}

class PostgresDatabase;

// What the statements share with their connection: the SQLSTATE of the last failed statement
// (for Database::retryable) and whether a transaction is open.
struct LastState {
    std::string sqlstate;
    bool inTransaction = false;
    void set(const PGresult* res) {
        const char* s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
        sqlstate = s ? s : "";
    }
};

// Outside a transaction, a connection the server dropped (a restart, the network) is opened
// again before the next statement; inside one, the transaction fails and is not half-repeated.
void reconnectIfLost(PGconn* conn, const LastState& state) {
    if (PQstatus(conn) == CONNECTION_BAD && !state.inTransaction) PQreset(conn);
}

class PgStatement final : public Statement::Impl {
public:
    PgStatement(PGconn* conn, LastState* last, const std::string& sql)
        : m_conn(conn), m_last(last), m_sql(numberPlaceholders(sql)) {}
    ~PgStatement() override { PQclear(m_res); }

    bool ok() const override { return true; }  // PostgreSQL reports bad SQL when it runs
    const std::string& prepareError() const override { return m_error; }
    void bindInt(std::int64_t v) override { m_params.emplace_back(std::to_string(v)); }
    void bindReal(double v) override {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        m_params.emplace_back(buf);
    }
    void bindText(const std::string& v) override { m_params.emplace_back(v); }
    void bindNull() override { m_params.emplace_back(std::nullopt); }

    Statement::Step step() override {
        if (!m_res) {
            if (m_failed) return Statement::Step::Error;
            reconnectIfLost(m_conn, *m_last);
            std::vector<const char*> values;
            values.reserve(m_params.size());
            for (const auto& p : m_params) values.push_back(p ? p->c_str() : nullptr);
            m_res = PQexecParams(m_conn, m_sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
            ExecStatusType st = m_res ? PQresultStatus(m_res) : PGRES_FATAL_ERROR;
            if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
                m_error = resultMessage(m_conn, m_res);
                m_last->set(m_res);
                PQclear(m_res);
                m_res = nullptr;
                m_failed = true;
                return Statement::Step::Error;
            }
            m_row = -1;
        }
        if (++m_row < PQntuples(m_res)) return Statement::Step::Row;
        m_row = PQntuples(m_res);
        return Statement::Step::Done;
    }
    std::string error() const override { return m_error.empty() ? firstLine(PQerrorMessage(m_conn)) : m_error; }
    int columnCount() const override { return m_res ? PQnfields(m_res) : 0; }
    std::string columnName(int c) const override { return m_res ? PQfname(m_res, c) : ""; }
    bool isNull(int c) const override { return !valid(c) || PQgetisnull(m_res, m_row, c); }
    std::int64_t i64(int c) const override {
        if (!valid(c)) return 0;
        const char* v = PQgetvalue(m_res, m_row, c);
        if (v[0] == 't' && v[1] == 0) return 1;  // a boolean expression
        if (std::strpbrk(v, ".eE")) return std::llround(std::strtod(v, nullptr));
        return std::strtoll(v, nullptr, 10);
    }
    double real(int c) const override { return valid(c) ? std::strtod(PQgetvalue(m_res, m_row, c), nullptr) : 0.0; }
    std::string text(int c) const override {
        if (!valid(c)) return {};
        return std::string(PQgetvalue(m_res, m_row, c), static_cast<size_t>(PQgetlength(m_res, m_row, c)));
    }

private:
    bool valid(int c) const { return m_res && m_row >= 0 && m_row < PQntuples(m_res) && c >= 0 && c < PQnfields(m_res); }

    PGconn* m_conn;
    LastState* m_last;
    std::string m_sql;
    std::vector<std::optional<std::string>> m_params;
    PGresult* m_res = nullptr;
    int m_row = -1;
    bool m_failed = false;
    std::string m_error;
};

void ignoreNotice(void*, const char*) {}

class PostgresDatabase final : public Database {
public:
    PostgresDatabase(PGconn* conn, Target target) : Database({}), m_conn(conn), m_target(std::move(target)) {
        PQsetNoticeProcessor(m_conn, ignoreNotice, nullptr);
    }
    ~PostgresDatabase() override { PQfinish(m_conn); }

    Backend backend() const override { return Backend::PostgreSQL; }
    std::string describe() const override { return m_target.text(); }
    Statement prepare(const std::string& sql) const override {
        return Statement(std::make_unique<PgStatement>(m_conn, &m_last, sql));
    }
    Status exec(const std::string& sql) override {
        reconnectIfLost(m_conn, m_last);
        PGresult* res = PQexec(m_conn, sql.c_str());
        ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        Status out;
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            out = makeError(resultMessage(m_conn, res));
            m_last.set(res);
        }
        PQclear(res);
        return out;
    }

    // Checks the schema version and migrates. (Nothing depends on session settings, so a
    // reconnected session needs no set-up: times are formatted in UTC explicitly.)
    Status start() { return migrate(); }

protected:
    Status begin() override {
        m_last.sqlstate.clear();
        reconnectIfLost(m_conn, m_last);
        if (PQstatus(m_conn) != CONNECTION_OK)
            return makeError("lost the connection to " + describe() + ": " + firstLine(PQerrorMessage(m_conn)));
        Status s = exec("BEGIN ISOLATION LEVEL SERIALIZABLE");
        m_last.inTransaction = s.ok();
        return s;
    }
    Status commit() override {
        PGresult* res = PQexec(m_conn, "COMMIT");
        m_last.inTransaction = false;
        Status out;
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
            out = makeError(resultMessage(m_conn, res));
            m_last.set(res);
        } else if (std::strcmp(PQcmdStatus(res), "COMMIT") != 0) {
            // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK.
            out = makeError("the transaction was rolled back because a statement in it failed");
            m_last.sqlstate.clear();
        }
        PQclear(res);
        return out;
    }
    Status rollback() override {
        m_last.inTransaction = false;
        PGresult* res = PQexec(m_conn, "ROLLBACK");
        Status out;
        if (PQresultStatus(res) != PGRES_COMMAND_OK) out = makeError(PQerrorMessage(m_conn));
        PQclear(res);
        return out;
    }
    bool retryable() const override { return m_last.sqlstate == "40001" || m_last.sqlstate == "40P01"; }

    Expected<int> readSchemaVersion() const override {
        Statement st = prepare("SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                               "current_schema() AND table_name = 'schema_version'), current_schema() IS NULL");
        if (st.step() != Statement::Step::Row) return makeError("cannot read the schema version: " + st.error());
        if (st.flag(1)) return makeError("has no schema to work in (check search_path in the connection setting)");
        if (st.i64(0) == 0) return 0;
        Statement v = prepare("SELECT max(version) FROM schema_version");
        if (v.step() != Statement::Step::Row) return makeError("cannot read the schema version: " + v.error());
        return v.isNull(0) ? 0 : v.i32(0);
    }
    Status writeSchemaVersion(int version) override {
        return exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL); "
                    "DELETE FROM schema_version; INSERT INTO schema_version(version) VALUES (" +
                    std::to_string(version) + ")");
    }
    std::string migrationSql(int index) const override { return translateMigration(migrationText(index)); }

    // One lock per database and schema: kiosks pointed at the same place wait for each other.
    Status lockForMigration() override {
        if (Status s = exec("SELECT pg_advisory_lock(hashtext('ptcoach.migrate.' || current_database() || '.' || "
                            "coalesce(current_schema(), '')))");
            !s)
            return makeError("cannot lock the database for its schema update: " + s.message());
        return {};
    }
    Status unlockAfterMigration() override {
        if (Status s = exec("SELECT pg_advisory_unlock(hashtext('ptcoach.migrate.' || current_database() || '.' || "
                            "coalesce(current_schema(), '')))");
            !s)
            return makeError("cannot release the schema update's lock: " + s.message());
        return {};
    }

private:
    PGconn* m_conn;
    Target m_target;
    mutable LastState m_last;
};

}  // namespace

Expected<std::unique_ptr<Database>> openPostgres(const std::string& conninfo) {
    Target target = describeConninfo(conninfo);
    // A server that does not answer is reported after 10 s unless the setting says otherwise;
    // settings in `conninfo` override these defaults.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "ptcoach", conninfo.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (!conn) return makeError("cannot connect to " + target.text() + ": out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = PQerrorMessage(conn);
        PQfinish(conn);
        // libpq says "connection to server at ... failed: <reason>"; keep the reason.
        std::string reason = why;
        if (size_t f = reason.find("failed: "); f != std::string::npos) reason = reason.substr(f + 8);
        reason = firstLine(reason.c_str());
        std::string hint;
        if (why.find("Connection refused") != std::string::npos)
            hint = " (is the server running and accepting TCP/IP connections there?)";
        else if (why.find("password authentication failed") != std::string::npos ||
                 why.find("no password supplied") != std::string::npos)
            hint = " (check the user name and password of the connection setting)";
        else if (why.find("does not exist") != std::string::npos)
            hint = " (create it, or check the database name of the connection setting)";
        return makeError("cannot connect to " + target.text() + ": " + reason + hint);
    }
    PQsetClientEncoding(conn, "UTF8");
    auto db = std::make_unique<PostgresDatabase>(conn, target);
    if (Status s = db->start(); !s) return makeError(target.text() + ": " + s.message());
    return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ptcoach::storage
