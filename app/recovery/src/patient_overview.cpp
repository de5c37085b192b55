#include "ptcoach/recovery/patient_overview.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ptcoach/recovery/progress.h"

namespace ptcoach::recovery {

using namespace std::chrono;
using storage::TimePoint;

bool PatientOverview::blocked() const {
    return std::any_of(openAlerts.begin(), openAlerts.end(), [](const AlertView& v) { return safety::blocks(v.tier); });
}

bool PatientOverview::emergency() const {
    return std::any_of(openAlerts.begin(), openAlerts.end(),
                       [](const AlertView& v) { return v.tier == safety::Tier::Emergency; });
}

std::string PatientOverview::alertsText() const {
    std::string out;
    // Most urgent first, then newest first within a tier.
    for (safety::Tier tier : {safety::Tier::Emergency, safety::Tier::Clinician, safety::Tier::Advice})
        for (const AlertView& v : openAlerts) {
            if (v.tier != tier) continue;
            out += (out.empty() ? "" : "; ") + std::string(tier == safety::Tier::Advice ? "Advice" : "Red flag") + " (" +
                   std::string(safety::tierName(tier)) + "): " + v.what + ", " +
                   localText(v.alert.answeredAt, "%a %d %b %H:%M");
        }
    return out;
}

std::optional<int> trainingDaysOf(const std::string& definition) {
    auto doc = nlohmann::json::parse(definition, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("week") || !doc["week"].is_array()) return std::nullopt;
    int n = 0;
    for (const auto& d : doc["week"])
        if (d.is_string() && d.get<std::string>() != "rest") ++n;
    return n;
}

PatientOverview readPatientOverview(const storage::AccountStore& accounts, const storage::RecoveryStore& store,
                                    const storage::Account& a, TimePoint now) {
    PatientOverview row;
    row.account = a;
    row.locked = a.lockedAt(now);
    std::vector<std::pair<TimePoint, int>> pain;
    auto fail = [&](const std::string& what, const Error& e) {
        if (row.error.empty()) row.error = what + ": " + e.message;
    };

    if (auto sessions = store.sessions(a.id)) {
        for (const auto& s : *sessions) {
            if (!row.lastSession || s.startedAt > *row.lastSession) row.lastSession = s.startedAt;
            if (s.completed && s.startedAt >= now - hours(24 * 7)) ++row.sessionsLast7Days;
            if (s.painBefore) pain.emplace_back(s.startedAt, *s.painBefore);
            if (s.painAfter) pain.emplace_back(s.endedAt.value_or(s.startedAt), *s.painAfter);
        }
    } else {
        fail("sessions", sessions.error());
    }
    if (auto checks = store.checkIns(a.id)) {
        for (const auto& c : *checks)
            if (c.pain) pain.emplace_back(c.takenAt, *c.pain);
    } else {
        fail("check-ins", checks.error());
    }
    if (auto episodes = store.episodes(a.id)) {
        for (const auto& e : *episodes) pain.emplace_back(e.onsetAt, e.pain);
    } else {
        fail("episodes", episodes.error());
    }
    if (auto alerts = store.redFlagAlerts(a.id)) {
        for (const auto& al : *alerts) {  // newest first
            if (al.open()) row.openAlerts.push_back(describeAlert(al));
            else if (al.resolution == "clinician_visit" && !row.selfCleared) row.selfCleared = al;
        }
    } else {
        fail("red flags", alerts.error());
    }
    if (auto active = store.activeEpisode(a.id)) row.activeEpisode = *active;
    else fail("the current episode", active.error());
    if (auto as = accounts.currentAssignment(a.id)) row.assignment = *as;
    else fail("the assignment", as.error());

    std::stable_sort(pain.begin(), pain.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    if (!pain.empty()) {
        row.latestPain = pain.back().second;
        row.latestPainAt = pain.back().first;
        // The reading a week before the latest one (or the first one there is).
        TimePoint weekBefore = pain.back().first - hours(24 * 7);
        int ref = pain.front().second;
        for (const auto& [at, p] : pain)
            if (at <= weekBefore) ref = p;
        if (pain.size() > 1) row.painChange = pain.back().second - ref;
    }
    std::optional<int> days = row.assignment ? trainingDaysOf(row.assignment->definition) : std::nullopt;
    if (days) {
        row.plannedPerWeek = *days;
    } else if (auto planned = plannedSessionsPerWeek(store.database(), a.id, 0)) {
        row.plannedPerWeek = *planned;
    } else if (row.error.empty()) {
        row.error = planned.error().message;
    }
    return row;
}

Expected<std::vector<PatientOverview>> therapistPatients(storage::Database& db, storage::Id therapistId, TimePoint now) {
    storage::AccountStore accounts(db);
    storage::RecoveryStore store(db);
    auto list = accounts.patientsOf(therapistId);
    if (!list) return list.error();
    std::vector<PatientOverview> out;
    for (const auto& a : *list) {
        auto can = accounts.canView(therapistId, a.id);
        if (!can) return can.error();
        if (!*can) continue;  // never shown
        out.push_back(readPatientOverview(accounts, store, a, now));
    }
    return out;
}

}  // namespace ptcoach::recovery
