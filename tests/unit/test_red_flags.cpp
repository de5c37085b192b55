// Red flags: one list of questions in three tiers (../shared/clinical-notes.md), asked from the
// session's check-in and from the Recovery screen; every "yes" an open alert until a therapist
// clears it or the person records a clinician's clearance; the gate that follows.
#include <sqlite3.h>

#include <algorithm>
#include <set>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/engine/session.h"
#include "ptcoach/engine/session_plan.h"
#include "ptcoach/recovery/patient_overview.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/safety/red_flags.h"
#include "ptcoach/storage/account_store.h"
#include "test_support.h"

using namespace ptcoach;
using namespace ptcoach::storage;
using namespace std::chrono;
using Catch::Contains;

namespace {

TimePoint at(const char* iso) { return parseUtc(iso).value(); }

// The shipped migrations' text, to build a database as an earlier version left it.
struct Migrations : Database {
    using Database::migrationText;
};

struct Fixture {
    std::unique_ptr<Database> db;
    std::unique_ptr<RecoveryStore> store;
    Id pid = 0;
    explicit Fixture(const std::string& name) {
        auto d = Database::open(ptcoach::test::scratchDir(name) / "ptcoach.db");
        REQUIRE(d.ok());
        db = std::move(d).value();
        store = std::make_unique<RecoveryStore>(*db);
        pid = store->ensureDefaultProfile().value();
    }
    Id episode(TimePoint onset) {
        Episode e;
        e.profileId = pid;
        e.onsetAt = onset;
        e.pain = 6;
        return store->addEpisode(e).value();
    }
    std::optional<Id> currentEpisode() {
        auto ep = store->activeEpisode(pid).value();
        return ep ? std::optional<Id>(ep->id) : std::nullopt;
    }
    recovery::ExerciseGate gate(TimePoint now) { return recovery::exerciseGateFor(*store, pid, now).value(); }
};

recovery::Answers allNo(const std::vector<std::string>& ids) {
    recovery::Answers a;
    for (const auto& id : ids) a[id] = false;
    return a;
}

std::vector<std::string> idsOfTier(safety::Tier t) {
    std::vector<std::string> out;
    for (const auto& q : safety::questions())
        if (q.tier == t) out.push_back(q.id);
    return out;
}

engine::SessionPlan curlPlan() {
    auto curl = analysis::loadExerciseById("standing_curl");
    REQUIRE(curl.ok());
    return engine::planPractice(*curl);
}

// The session's check-in, as the app runs it: the gate says what to ask, the session judges the
// answers, and the screen is saved by the one path (recordScreen). Returns the session's stage.
engine::Stage checkIn(Fixture& f, const recovery::Answers& yes, TimePoint now, std::string* stopAdvice = nullptr) {
    auto g = f.gate(now);
    REQUIRE(g.allowed);
    engine::Session s(curlPlan(), {}, 0);
    s.setCheckInQuestions(g.ask);
    engine::CheckIn c;
    c.pain = 3;
    c.answers = allNo(g.ask);
    for (const auto& [id, v] : yes) c.answers[id] = v;
    REQUIRE(s.submitCheckIn(c, 0).ok());
    if (!g.ask.empty())
        REQUIRE(recovery::recordScreen(*f.store, f.pid, f.currentEpisode(), g.list, g.ask, c.answers, now).ok());
    if (stopAdvice) *stopAdvice = s.stopAdvice();
    return s.stage();
}

}  // namespace

TEST_CASE("the red-flag questions are the clinical notes' three tiers, one list with stable ids and advice") {
    const auto& qs = safety::questions();
    std::set<std::string> ids;
    for (const auto& q : qs) {
        INFO(q.id);
        CHECK(ids.insert(q.id).second);
        CHECK_FALSE(q.text.empty());
        CHECK_FALSE(q.shortText.empty());
        CHECK_FALSE(q.advice.empty());
        CHECK(safety::question(q.id) == &q);
        // Emergency advice says so; the others send the person to a clinician.
        if (q.tier == safety::Tier::Emergency) CHECK_THAT(q.advice, Contains("emergency care now"));
        else CHECK_THAT(q.advice, Contains("clinician"));
    }
    // In order: emergency first, then see a clinician, then advice.
    CHECK(std::is_sorted(qs.begin(), qs.end(), [](const auto& a, const auto& b) { return a.tier < b.tier; }));
    CHECK(idsOfTier(safety::Tier::Emergency) == std::vector<std::string>{"bladder_bowel", "saddle_numbness", "legs_weak"});
    // What blocked people before and must not: long-lasting pain, and acute spasms hard to stand up with.
    CHECK(idsOfTier(safety::Tier::Advice) == std::vector<std::string>{"no_improvement", "upright"});
    CHECK(idsOfTier(safety::Tier::Clinician).size() == 7);
    // The short list (every session) holds every emergency question; the full list holds all.
    auto shortIds = recovery::questionIds(safety::ListKind::Short);
    for (const auto& id : idsOfTier(safety::Tier::Emergency))
        CHECK(std::find(shortIds.begin(), shortIds.end(), id) != shortIds.end());
    CHECK(recovery::questionIds(safety::ListKind::Full).size() == qs.size());
    CHECK(shortIds.size() < qs.size());
    // Unknown or missing answers are named.
    CHECK_THAT(*safety::checkAnswers({"trauma"}, {}), Contains("fall, an accident"));
    CHECK_THAT(*safety::checkAnswers({}, {{"pain_down_leg", true}}), Contains("'pain_down_leg'"));
    CHECK_FALSE(safety::checkAnswers({"trauma"}, {{"trauma", false}}).has_value());
}

TEST_CASE("a yes to any blocking question, from the check-in or the Recovery screen, blocks with its advice") {
    std::vector<std::string> blocking = idsOfTier(safety::Tier::Emergency);
    for (const auto& id : idsOfTier(safety::Tier::Clinician)) blocking.push_back(id);
    const std::string place = GENERATE(as<std::string>{}, "check-in", "recovery screen");
    for (const auto& id : blocking) {
        const safety::Question& q = *safety::question(id);
        DYNAMIC_SECTION(place << ": " << id) {
            Fixture f("red_flag_each");
            TimePoint onset = at("2026-11-20T08:00:00Z");
            Id eid = f.episode(onset);
            // The episode's full list first, all no (the Recovery screen's usual start).
            auto full = recovery::questionIds(safety::ListKind::Full);
            REQUIRE(recovery::recordScreen(*f.store, f.pid, eid, safety::ListKind::Full, full, allNo(full),
                                           onset + minutes(5)).ok());
            TimePoint t = onset + hours(20);
            if (place == "check-in") {
                auto g = f.gate(t);
                if (!q.inShort) {
                    // Asked with the full list only: answered yes there instead.
                    auto answers = allNo(full);
                    answers[id] = true;
                    REQUIRE(recovery::recordScreen(*f.store, f.pid, eid, safety::ListKind::Full, full, answers, t).ok());
                } else {
                    REQUIRE(std::find(g.ask.begin(), g.ask.end(), id) != g.ask.end());
                    std::string stop;
                    CHECK(checkIn(f, {{id, true}}, t, &stop) == engine::Stage::Stopped);
                    CHECK_THAT(stop, Contains(q.advice));
                    CHECK_THAT(stop, !Contains("No red flags"));
                }
            } else {
                auto answers = allNo(full);
                answers[id] = true;
                auto out = recovery::recordScreen(*f.store, f.pid, eid, safety::ListKind::Full, full, answers, t);
                REQUIRE(out.ok());
                CHECK(out->blocked);
                CHECK_THAT(out->advice, Contains(q.advice));
            }
            auto g = f.gate(t + minutes(1));
            CHECK_FALSE(g.allowed);
            CHECK(g.emergency == (q.tier == safety::Tier::Emergency));
            CHECK_THAT(g.reason, Contains(q.advice));
            CHECK_THAT(g.reason + g.heading, !Contains("No red flags") && !Contains("go ahead"));
            REQUIRE(g.open.size() == 1);
            CHECK(g.open[0].alert.questionId == id);
            CHECK(g.open[0].alert.answeredAt == time_point_cast<seconds>(t));
            CHECK(g.open[0].alert.tier == std::string(safety::tierName(q.tier)));
        }
    }
}

TEST_CASE("a block does not lapse: not an hour later, not after a clean screen, not by closing the episode") {
    Fixture f("red_flag_lasts");
    TimePoint t = at("2026-11-20T08:00:00Z");
    // No episode at all (prevention work): the short list at the check-in.
    CHECK(f.gate(t).list == safety::ListKind::Short);
    CHECK(checkIn(f, {{"leg_pain", true}}, t) == engine::Stage::Stopped);
    for (auto later : {minutes(61), minutes(24 * 60), minutes(24 * 60 * 30)}) {
        auto g = f.gate(t + later);
        CHECK_FALSE(g.allowed);
        CHECK_THAT(g.reason, Contains("travels down a leg"));
    }
    // A fresh "none of these" screen an hour later changes nothing.
    auto shortIds = recovery::questionIds(safety::ListKind::Short);
    REQUIRE(recovery::recordScreen(*f.store, f.pid, std::nullopt, safety::ListKind::Short, shortIds, allNo(shortIds),
                                   t + minutes(65)).ok());
    CHECK_FALSE(f.gate(t + minutes(66)).allowed);
    // Logging an episode, answering its full list "no", then closing it: still blocked.
    Id eid = f.episode(t + hours(2));
    auto full = recovery::questionIds(safety::ListKind::Full);
    REQUIRE(recovery::recordScreen(*f.store, f.pid, eid, safety::ListKind::Full, full, allNo(full), t + hours(2)).ok());
    CHECK_FALSE(f.gate(t + hours(2)).allowed);
    REQUIRE(f.store->endEpisode(eid, t + hours(3)).ok());
    Id next = f.episode(t + hours(4));
    REQUIRE(recovery::recordScreen(*f.store, f.pid, next, safety::ListKind::Full, full, allNo(full), t + hours(4)).ok());
    auto g = f.gate(t + hours(5));
    CHECK_FALSE(g.allowed);
    CHECK_THAT(g.reason, Contains("travels down a leg"));
}

TEST_CASE("an advice-tier yes is told, recorded and shown to the therapist, but blocks nothing") {
    for (const std::string id : {"no_improvement", "upright"}) {
        DYNAMIC_SECTION(id) {
            Fixture f("red_flag_advice");
            TimePoint onset = at("2026-11-20T08:00:00Z");
            Id eid = f.episode(onset);
            auto full = recovery::questionIds(safety::ListKind::Full);
            auto answers = allNo(full);
            answers[id] = true;
            auto out = recovery::recordScreen(*f.store, f.pid, eid, safety::ListKind::Full, full, answers, onset);
            REQUIRE(out.ok());
            CHECK(out->anyYes);
            CHECK_FALSE(out->blocked);
            CHECK_THAT(out->advice, Contains(safety::question(id)->advice));
            auto g = f.gate(onset + minutes(30));
            CHECK(g.allowed);
            REQUIRE(g.advice.size() == 1);
            CHECK(g.advice[0].alert.questionId == id);
            // The therapist's overview shows it.
            AccountStore accounts(*f.db);
            auto me = accounts.account(f.pid).value();
            auto row = recovery::readPatientOverview(accounts, *f.store, me, onset + hours(1));
            CHECK_FALSE(row.blocked());
            CHECK_THAT(row.alertsText(), Contains("Advice (advice): " + safety::question(id)->shortText));
        }
    }
    // The engine goes on with the session after an advice-tier yes at the check-in.
    engine::Session s(curlPlan(), {}, 0);
    s.setCheckInQuestions({"upright"});
    engine::CheckIn c;
    c.pain = 6;
    c.answers = {{"upright", true}};
    REQUIRE(s.submitCheckIn(c, 0).ok());
    CHECK(s.stage() != engine::Stage::Stopped);
    CHECK(s.checkInOutcome().anyYes);
    CHECK_THAT(s.checkInOutcome().advice, Contains("rest position") || Contains("pillows under your knees"));
}

TEST_CASE("the check-in asks the full list once per episode, the short one after, never a question twice in minutes") {
    Fixture f("red_flag_lists");
    TimePoint onset = at("2026-11-20T08:00:00Z");
    Id eid = f.episode(onset);
    auto g = f.gate(onset + minutes(1));
    CHECK(g.needsFullScreen);
    CHECK(g.list == safety::ListKind::Full);
    CHECK(g.ask == recovery::questionIds(safety::ListKind::Full));
    // The person answers the full list on the Recovery screen, then starts a session 5 minutes later:
    // nothing is asked again.
    auto full = recovery::questionIds(safety::ListKind::Full);
    REQUIRE(recovery::recordScreen(*f.store, f.pid, eid, safety::ListKind::Full, full, allNo(full), onset + minutes(2)).ok());
    g = f.gate(onset + minutes(7));
    CHECK_FALSE(g.needsFullScreen);
    CHECK(g.list == safety::ListKind::Short);
    CHECK(g.ask.empty());
    CHECK(g.lastAnswered == onset + minutes(2));
    CHECK(checkIn(f, {}, onset + minutes(7)) != engine::Stage::Stopped);
    // The next day: the short list.
    g = f.gate(onset + hours(26));
    CHECK(g.ask == recovery::questionIds(safety::ListKind::Short));
    // A screen missing an asked question is refused and saves nothing.
    auto partial = allNo(g.ask);
    partial.erase("trauma");
    CHECK_THAT(recovery::recordScreen(*f.store, f.pid, eid, g.list, g.ask, partial, onset + hours(26)).error().message,
               Contains("answer every question"));
    CHECK(f.store->redFlagScreens(f.pid)->size() == 1);
}

TEST_CASE("a therapist clears an alert with a note; at home the person records a clinician's clearance") {
    Fixture f("red_flag_resolve");
    AccountStore accounts(*f.db);
    Id therapist = accounts.createAccount("Dr Lee", Role::Therapist, "2468").value();
    TimePoint t = at("2026-11-20T08:00:00Z");
    CHECK(checkIn(f, {{"bladder_bowel", true}, {"swelling", true}}, t) == engine::Stage::Stopped);
    auto g = f.gate(t + minutes(1));
    CHECK(g.emergency);
    CHECK(g.heatContraindicated);
    REQUIRE(g.open.size() == 2);
    // The emergency advice comes first.
    CHECK(g.reason.find("emergency care now") < g.reason.find("swelling or redness"));
    Id emergencyAlert = g.open[0].alert.questionId == "bladder_bowel" ? g.open[0].alert.id : g.open[1].alert.id;
    Id swellingAlert = g.open[0].alert.questionId == "swelling" ? g.open[0].alert.id : g.open[1].alert.id;

    CHECK_THAT(recovery::clearAlerts(*f.store, f.pid, therapist, {emergencyAlert}, "", t + hours(5)).message(),
               Contains("note"));
    REQUIRE(recovery::clearAlerts(*f.store, f.pid, therapist, {emergencyAlert}, "Seen in A&E: no cauda equina",
                                  t + hours(5)).ok());
    g = f.gate(t + hours(6));
    CHECK_FALSE(g.allowed);  // the swelling still blocks
    CHECK_FALSE(g.emergency);
    REQUIRE(g.open.size() == 1);
    CHECK(g.open[0].alert.id == swellingAlert);

    // The person's own record of a clinician's visit: a date that is a date, not in the future.
    CHECK_FALSE(recovery::recordClinicianClearance(*f.store, f.pid, "21/11/2026", "", t + hours(30)).ok());
    CHECK_FALSE(recovery::recordClinicianClearance(*f.store, f.pid, "2026-12-25", "", t + hours(30)).ok());
    REQUIRE(recovery::recordClinicianClearance(*f.store, f.pid, "2026-11-21", "Dr Okafor, Riverside GP", t + hours(30)).ok());
    g = f.gate(t + hours(31));
    CHECK(g.allowed);
    CHECK(g.open.empty());
    CHECK_FALSE(g.heatContraindicated);
    CHECK_FALSE(recovery::recordClinicianClearance(*f.store, f.pid, "2026-11-21", "", t + hours(32)).ok());  // nothing open
    // Both resolutions stay in the history, and the therapist's overview names the person's record.
    auto all = f.store->redFlagAlerts(f.pid).value();
    REQUIRE(all.size() == 2);
    for (const auto& a : all) {
        CHECK_FALSE(a.open());
        CHECK(a.resolution == (a.id == emergencyAlert ? "therapist" : "clinician_visit"));
    }
    auto me = accounts.account(f.pid).value();
    auto row = recovery::readPatientOverview(accounts, *f.store, me, t + hours(31));
    CHECK(row.openAlerts.empty());
    REQUIRE(row.selfCleared.has_value());
    CHECK(row.selfCleared->clinician == "Dr Okafor, Riverside GP");
    CHECK(row.selfCleared->seenOn == std::optional<std::string>("2026-11-21"));
}

TEST_CASE("a red flag saved by schema 3 (a blocked, uncleared episode) stays open after the upgrade", "[sqlite]") {
    auto dir = ptcoach::test::scratchDir("red_flag_upgrade");
    auto file = dir / "ptcoach.db";
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
        for (int i = 0; i < 3; ++i) REQUIRE(sqlite3_exec(raw, Migrations::migrationText(i), nullptr, nullptr, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_exec(raw,
                             "INSERT INTO profiles(name, role) VALUES ('Ann', 'patient');"
                             "INSERT INTO episodes(profile_id, onset_at, pain, blocked) VALUES (1, '2026-11-20T08:00:00Z', 7, 1);"
                             "INSERT INTO red_flag_screens(profile_id, episode_id, taken_at, kind, answers, any_yes) VALUES "
                             "(1, 1, '2026-11-20T09:00:00Z', 'full', '{\"leg_pain\": true}', 1);"
                             // A cleared one stays cleared.
                             "INSERT INTO episodes(profile_id, onset_at, pain, blocked, cleared_at, cleared_note) VALUES "
                             "(1, '2026-10-01T08:00:00Z', 5, 0, '2026-10-03T08:00:00Z', 'ok');"
                             "INSERT INTO red_flag_screens(profile_id, episode_id, taken_at, kind, answers, any_yes) VALUES "
                             "(1, 2, '2026-10-01T09:00:00Z', 'full', '{\"trauma\": true}', 1);"
                             "PRAGMA user_version = 3;",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    auto db = Database::open(file);
    REQUIRE(db.ok());
    RecoveryStore store(**db);
    auto g = recovery::exerciseGateFor(store, 1, at("2026-11-25T08:00:00Z")).value();
    CHECK_FALSE(g.allowed);
    REQUIRE(g.open.size() == 1);
    CHECK(g.open[0].alert.questionId == "earlier");
    CHECK(g.open[0].alert.answeredAt == at("2026-11-20T09:00:00Z"));
    CHECK_THAT(g.open[0].question, Contains("earlier version"));
}
