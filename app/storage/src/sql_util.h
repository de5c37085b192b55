#pragma once
// Small SQL helpers shared by the stores (internal to ptcoach_storage). `what` names the action
// without "cannot" ("save the episode"); errors read "cannot save the episode: <database error>".
#include <string>

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::storage::detail {

inline Error prepareFailed(const Statement& st, const std::string& what) {
    return makeError("cannot " + what + ": " + st.prepareError());
}

// Steps an "INSERT ... RETURNING id" (bound already) to its end; the new row's id.
inline Expected<Id> stepReturningId(Statement& st, const std::string& what) {
    if (st.step() != Statement::Step::Row) return makeError("cannot " + what + ": " + st.error());
    Id id = st.i64(0);
    if (st.step() != Statement::Step::Done) return makeError("cannot " + what + ": " + st.error());
    return id;
}

// Runs `sql` + " RETURNING id" (an INSERT) in its own transaction; `fill` binds the parameters.
template <typename Fill>
Expected<Id> insertOne(Database& db, const std::string& sql, const std::string& what, Fill&& fill) {
    Id id = 0;
    Status s = db.transaction([&]() -> Status {
        Statement st = db.prepare(sql + " RETURNING id");
        if (!st.ok()) return prepareFailed(st, what);
        fill(st);
        auto r = stepReturningId(st, what);
        if (!r) return r.error();
        id = *r;
        return {};
    });
    if (!s) return makeError(s.message());
    return id;
}

// A row read with the Statement getters held what they can read (see Statement::readError()).
inline Status readOk(const Database& db, const Statement& st, const std::string& what) {
    if (st.readError().empty()) return {};
    return makeError(what + ": " + db.describe() + ": " + st.readError());
}

// Every row of a SELECT, each made into a T by `read`; `bindArgs` binds the parameters.
template <typename T, typename Bind, typename Read>
Expected<std::vector<T>> selectAll(const Database& db, const std::string& sql, const std::string& what,
                                   Bind&& bindArgs, Read&& read) {
    Statement st = db.prepare(sql);
    if (!st.ok()) return prepareFailed(st, what);
    bindArgs(st);
    std::vector<T> out;
    Statement::Step rc;
    while ((rc = st.step()) == Statement::Step::Row) {
        out.push_back(read(st));
        if (!st.readError().empty()) return makeError("cannot " + what + ": " + db.describe() + ": " + st.readError());
    }
    if (rc != Statement::Step::Done) return makeError("cannot " + what + ": " + st.error());
    return out;
}

// Fault counts as stored in a TEXT column: a JSON array of {"code": ..., "count": n}.
inline std::string faultsToJson(const std::vector<std::pair<std::string, int>>& faults) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [code, n] : faults) a.push_back({{"code", code}, {"count", n}});
    return a.dump();
}

// The counts back; entries that are not {"code": string, "count": integer} are skipped.
inline std::vector<std::pair<std::string, int>> faultsFromJson(const std::string& text) {
    std::vector<std::pair<std::string, int>> out;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& f : j)
        if (f.is_object() && f.contains("code") && f["code"].is_string() && f.contains("count") &&
            f["count"].is_number_integer())
            out.emplace_back(f["code"].get<std::string>(), f["count"].get<int>());
    return out;
}

}  // namespace ptcoach::storage::detail
