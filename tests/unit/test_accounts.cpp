// Profiles, PINs and access: salted slow PIN hashes, PIN rules, lock-out after wrong PINs (also
// from two connections at once), sign-in codes, who sees whom, programs and assignments. Run on
// SQLite and on PostgreSQL ([storage]).
//
// Every PIN hash or check costs ~0.1-0.5 s (Argon2id, interactive limits): the tests hash a handful
// of PINs and fail most attempts with malformed PINs, which count as wrong without the slow check.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/database.h"
#include "test_database.h"
#include "test_support.h"

using namespace ptcoach::storage;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// A fresh, empty database per test: SQLite, or PostgreSQL under PTCOACH_TEST_BACKEND=postgres
// (tests/storage/test_database.h), opened as often as the test likes.
ptcoach::test::TestDatabase freshTestDb(const std::string& name) {
    return ptcoach::test::TestDatabase("accounts_" + name);
}

std::unique_ptr<Database> freshDb(const std::string& name) { return freshTestDb(name).open(); }

TimePoint at(const char* utc) { return *parseUtc(utc); }

const TimePoint kNow = at("2026-11-21T09:30:00Z");
const std::string kProgram = R"({"format": "ptcoach-program", "id": "back_basics", "title": "Back basics"})";

template <typename T>
T must(ptcoach::Expected<T> e) {
    if (!e) FAIL(e.error().message);
    return std::move(e).value();
}

}  // namespace

TEST_CASE("a PIN is stored as a salted slow hash and never as the PIN", "[storage][accounts]") {
    auto h1 = must(hashPin("4821"));
    auto h2 = must(hashPin("4821"));
    CHECK_THAT(h1, StartsWith("$argon2id$"));
    CHECK(h1 != "4821");
    CHECK(h1 != h2);  // salted: the same PIN hashes differently
    CHECK(pinMatches(h1, "4821"));
    CHECK(pinMatches(h2, "4821"));
    CHECK_FALSE(pinMatches(h1, "4822"));
    CHECK_FALSE(pinMatches(h1, ""));
    CHECK_FALSE(pinMatches("", "4821"));
    CHECK_FALSE(pinMatches("4821", "4821"));  // a plain PIN in the column is not a hash

    // What the database holds is the hash.
    auto db = freshDb("hash_stored");
    AccountStore store(*db);
    Id id = must(store.createAccount("Ann", Role::Therapist, "4821"));
    auto st = db->prepare("SELECT pin_hash FROM profiles WHERE id = ?");
    st.bind(id);
    REQUIRE(st.step() == Statement::Step::Row);
    std::string stored = st.text(0);
    CHECK_THAT(stored, StartsWith("$argon2id$"));
    CHECK(stored.find("4821") == std::string::npos);
    CHECK(must(store.account(id)).hasPin);
}

TEST_CASE("PIN and name and role rules", "[storage][accounts]") {
    CHECK(validatePin("1234").ok());
    CHECK(validatePin("12345678").ok());
    CHECK(validatePin("0000").ok());
    CHECK_FALSE(validatePin("123").ok());
    CHECK_FALSE(validatePin("123456789").ok());
    CHECK_FALSE(validatePin("12a4").ok());
    CHECK_FALSE(validatePin(" 1234").ok());
    CHECK_FALSE(validatePin("").ok());
    CHECK_THAT(validatePin("12a4").message(), Contains("digits"));
    CHECK_FALSE(hashPin("12").ok());

    auto db = freshDb("rules");
    AccountStore store(*db);
    auto noPinTherapist = store.createAccount("Dr Ruiz", Role::Therapist, "");
    REQUIRE_FALSE(noPinTherapist.ok());
    CHECK_THAT(noPinTherapist.error().message, Contains("therapist needs a PIN"));
    auto badPin = store.createAccount("Ann", Role::Patient, "12x4");
    REQUIRE_FALSE(badPin.ok());
    CHECK_THAT(badPin.error().message, Contains("Ann") && Contains("digits"));
    CHECK_FALSE(store.createAccount("   ", Role::Patient, "").ok());
    CHECK_FALSE(store.createAccount(std::string(61, 'x'), Role::Patient, "").ok());
    CHECK_FALSE(store.createAccount("Tab\tName", Role::Patient, "").ok());
    CHECK(must(store.accounts()).empty());  // nothing half-created

    Id ann = must(store.createAccount("  Ann Lee  ", Role::Patient, ""));
    Account a = must(store.account(ann));
    CHECK(a.name == "Ann Lee");
    CHECK(a.role == Role::Patient);
    CHECK_FALSE(a.hasPin);
    Id long60 = must(store.createAccount(std::string(60, 'y'), Role::Patient, ""));
    CHECK(must(store.account(long60)).name.size() == 60);
    std::string accented;
    for (int i = 0; i < 60; ++i) accented += "\xC3\xA9";  // 60 x 'é': 120 bytes, 60 characters
    CHECK(store.createAccount(accented, Role::Patient, "").ok());

    // A patient without a PIN: the caller decides.
    auto r = must(store.signIn(ann, "", kNow));
    CHECK(r.outcome == SignInOutcome::NoPinSet);
    REQUIRE(r.account);
    CHECK(r.account->id == ann);

    // Only patients have therapists; a patient cannot be someone's therapist.
    auto asTherapist = store.createAccount("Bo", Role::Patient, "", std::nullopt, ann);
    REQUIRE_FALSE(asTherapist.ok());
    CHECK_THAT(asTherapist.error().message, Contains("not a therapist"));
    CHECK_FALSE(store.createAccount("Cy", Role::Patient, "", std::nullopt, 9999).ok());

    CHECK(store.rename(ann, "Ann Lee-Smith").ok());
    CHECK(must(store.account(ann)).name == "Ann Lee-Smith");
    CHECK_FALSE(store.rename(ann, " ").ok());
    CHECK(must(store.account(ann)).name == "Ann Lee-Smith");
    CHECK_FALSE(store.account(424242).ok());
    CHECK(std::string(roleName(Role::Patient)) == "patient");
    CHECK(std::string(roleName(Role::Therapist)) == "therapist");
}

TEST_CASE("five wrong PINs lock the profile against even the right PIN until it expires or is unlocked",
          "[storage][accounts]") {
    auto db = freshDb("lockout");
    AccountStore store(*db);
    Id id = must(store.createAccount("Ann", Role::Patient, "2468"));

    auto r = must(store.signIn(id, "2468", kNow));
    CHECK(r.outcome == SignInOutcome::Ok);
    REQUIRE(r.account);
    CHECK(r.account->name == "Ann");

    // Wrong PINs: a real one (slow check) and malformed ones (counted without the check).
    r = must(store.signIn(id, "1357", kNow));
    CHECK(r.outcome == SignInOutcome::WrongPin);
    CHECK(r.attemptsLeft == 4);
    CHECK(r.message == "Wrong PIN: 4 tries left");
    CHECK_FALSE(r.account);
    for (int left : {3, 2}) {
        r = must(store.signIn(id, "99", kNow));
        CHECK(r.outcome == SignInOutcome::WrongPin);
        CHECK(r.attemptsLeft == left);
    }
    // Nothing typed is not an attempt.
    r = must(store.signIn(id, "", kNow));
    CHECK(r.outcome == SignInOutcome::WrongPin);
    CHECK(r.attemptsLeft == 2);
    CHECK(must(store.account(id)).failedPins == 3);

    r = must(store.signIn(id, "99", kNow));
    CHECK(r.attemptsLeft == 1);
    CHECK(r.message == "Wrong PIN: 1 try left");

    // The fifth locks for lockFor and resets the counter.
    r = must(store.signIn(id, "99", kNow + std::chrono::seconds(10)));
    CHECK(r.outcome == SignInOutcome::LockedOut);
    REQUIRE(r.lockedUntil);
    CHECK(*r.lockedUntil == kNow + std::chrono::seconds(310));
    CHECK_THAT(r.message, StartsWith("Too many wrong PINs: locked until "));
    CHECK(r.message.size() == std::string("Too many wrong PINs: locked until 10:42").size());
    Account a = must(store.account(id));
    CHECK(a.failedPins == 0);
    CHECK(a.lockedAt(kNow + std::chrono::seconds(309)));
    CHECK_FALSE(a.lockedAt(kNow + std::chrono::seconds(310)));

    // Locked: the right PIN is refused too, and wrong ones do not count.
    r = must(store.signIn(id, "2468", kNow + std::chrono::seconds(60)));
    CHECK(r.outcome == SignInOutcome::LockedOut);
    CHECK_FALSE(r.account);
    REQUIRE(r.lockedUntil);
    CHECK(*r.lockedUntil == kNow + std::chrono::seconds(310));
    r = must(store.signIn(id, "99", kNow + std::chrono::seconds(61)));
    CHECK(r.outcome == SignInOutcome::LockedOut);
    CHECK(must(store.account(id)).failedPins == 0);

    // The lock expires: a fresh count, and the right PIN signs in.
    r = must(store.signIn(id, "99", kNow + std::chrono::seconds(311)));
    CHECK(r.outcome == SignInOutcome::WrongPin);
    CHECK(r.attemptsLeft == 4);
    r = must(store.signIn(id, "2468", kNow + std::chrono::seconds(312)));
    CHECK(r.outcome == SignInOutcome::Ok);
    a = must(store.account(id));
    CHECK(a.failedPins == 0);
    CHECK_FALSE(a.lockedUntil);

    // Lock again, then a therapist unlocks: the right PIN works at once.
    const TimePoint later = kNow + std::chrono::hours(1);
    for (int i = 0; i < 5; ++i) must(store.signIn(id, "1", later));
    CHECK(must(store.signIn(id, "2468", later)).outcome == SignInOutcome::LockedOut);
    REQUIRE(store.unlock(id).ok());
    a = must(store.account(id));
    CHECK_FALSE(a.lockedAt(later));
    CHECK(a.failedPins == 0);
    CHECK(must(store.signIn(id, "2468", later)).outcome == SignInOutcome::Ok);

    // A new PIN also lifts a lock; the old one no longer works.
    for (int i = 0; i < 5; ++i) must(store.signIn(id, "1", later));
    REQUIRE(store.setPin(id, "97531").ok());
    CHECK(must(store.signIn(id, "97531", later)).outcome == SignInOutcome::Ok);
    CHECK(must(store.signIn(id, "2468", later)).outcome == SignInOutcome::WrongPin);
    CHECK_FALSE(store.setPin(id, "12").ok());
}

TEST_CASE("a custom lock-out policy and an archived profile", "[storage][accounts]") {
    auto db = freshDb("policy");
    AccountStore store(*db, LockoutPolicy{2, std::chrono::seconds(60)});
    Id id = must(store.createAccount("Bea", Role::Patient, "1111", std::string("bea1")));
    CHECK(must(store.signIn(id, "00", kNow)).attemptsLeft == 1);
    auto r = must(store.signIn(id, "00", kNow));
    CHECK(r.outcome == SignInOutcome::LockedOut);
    CHECK(*r.lockedUntil == kNow + std::chrono::seconds(60));

    REQUIRE(store.archive(id).ok());
    CHECK(must(store.signIn(id, "1111", kNow + std::chrono::hours(1))).outcome == SignInOutcome::NoSuchProfile);
    CHECK(must(store.signIn(777, "1111", kNow)).outcome == SignInOutcome::NoSuchProfile);
    CHECK_FALSE(must(store.byCode("BEA1")).has_value());
    CHECK(must(store.accounts()).empty());
    CHECK(must(store.account(id)).archived);  // still there, with its history
}

TEST_CASE("wrong PINs from two connections at once all count", "[storage][accounts]") {
    auto t = freshTestDb("concurrent");
    auto db1 = t.open();
    auto db2 = t.open();
    const int perThread = 30;

    SECTION("every failure is counted exactly once") {
        AccountStore setup(*db1, LockoutPolicy{1000, std::chrono::seconds(300)});
        Id id = must(setup.createAccount("Ann", Role::Patient, "2468"));
        std::atomic<int> ready{0};
        auto kiosk = [&](Database* db, std::vector<SignInOutcome>* outcomes, std::vector<std::string>* errors) {
            AccountStore store(*db, LockoutPolicy{1000, std::chrono::seconds(300)});
            ++ready;
            while (ready.load() < 2) std::this_thread::yield();
            for (int i = 0; i < perThread; ++i) {
                // One real wrong PIN (slow check) per kiosk, the rest malformed (fast, tight race).
                auto r = store.signIn(id, i == 0 ? "1357" : "12", kNow);
                if (r) outcomes->push_back(r->outcome);
                else errors->push_back(r.error().message);
            }
        };
        std::vector<SignInOutcome> o1, o2;
        std::vector<std::string> e1, e2;
        std::thread t1(kiosk, db1.get(), &o1, &e1);
        std::thread t2(kiosk, db2.get(), &o2, &e2);
        t1.join();
        t2.join();
        CHECK(e1 == std::vector<std::string>{});
        CHECK(e2 == std::vector<std::string>{});
        CHECK(o1.size() == static_cast<size_t>(perThread));
        CHECK(o2.size() == static_cast<size_t>(perThread));
        CHECK(std::count(o1.begin(), o1.end(), SignInOutcome::WrongPin) == perThread);
        CHECK(std::count(o2.begin(), o2.end(), SignInOutcome::WrongPin) == perThread);
        CHECK(must(setup.account(id)).failedPins == 2 * perThread);
    }

    SECTION("two kiosks racing past the limit lock once: four wrong, then locked") {
        AccountStore setup(*db1);
        Id id = must(setup.createAccount("Ann", Role::Patient, "2468"));
        std::atomic<int> ready{0};
        auto kiosk = [&](Database* db, std::vector<SignInResult>* results, std::vector<std::string>* errors) {
            AccountStore store(*db);
            ++ready;
            while (ready.load() < 2) std::this_thread::yield();
            for (int i = 0; i < 3; ++i) {
                auto r = store.signIn(id, "12", kNow);
                if (r) results->push_back(*r);
                else errors->push_back(r.error().message);
            }
        };
        std::vector<SignInResult> r1, r2;
        std::vector<std::string> e1, e2;
        std::thread t1(kiosk, db1.get(), &r1, &e1);
        std::thread t2(kiosk, db2.get(), &r2, &e2);
        t1.join();
        t2.join();
        CHECK(e1 == std::vector<std::string>{});
        CHECK(e2 == std::vector<std::string>{});
        std::vector<SignInResult> all = r1;
        all.insert(all.end(), r2.begin(), r2.end());
        REQUIRE(all.size() == 6);
        auto wrong = std::count_if(all.begin(), all.end(),
                                   [](const SignInResult& r) { return r.outcome == SignInOutcome::WrongPin; });
        auto locked = std::count_if(all.begin(), all.end(),
                                    [](const SignInResult& r) { return r.outcome == SignInOutcome::LockedOut; });
        CHECK(wrong == 4);
        CHECK(locked == 2);
        std::set<int> left;
        for (const auto& r : all)
            if (r.outcome == SignInOutcome::WrongPin) left.insert(r.attemptsLeft);
        CHECK(left == std::set<int>{1, 2, 3, 4});  // each count seen once
        Account a = must(setup.account(id));
        CHECK(a.failedPins == 0);
        CHECK(a.lockedAt(kNow));
    }
}

TEST_CASE("sign-in codes are unique and case-insensitive", "[storage][accounts]") {
    auto db = freshDb("codes");
    AccountStore store(*db);
    Id ann = must(store.createAccount("Ann", Role::Patient, "2468", std::string("ann42x")));
    CHECK(must(store.account(ann)).signInCode == std::optional<std::string>("ANN42X"));

    auto dup = store.createAccount("Other Ann", Role::Patient, "", std::string("Ann42X"));
    REQUIRE_FALSE(dup.ok());
    CHECK_THAT(dup.error().message, Contains("ANN42X") && Contains("already used"));
    for (const char* bad : {"abc", "abcdefghijklm", "ab-12", "ab 12", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"}) {
        INFO(bad);
        CHECK_FALSE(store.createAccount("Bad", Role::Patient, "", std::string(bad)).ok());
    }

    auto found = must(store.byCode("ann42x"));
    REQUIRE(found);
    CHECK(found->id == ann);
    CHECK_FALSE(must(store.byCode("ZZZZ99")).has_value());
    CHECK_FALSE(must(store.byCode("a")).has_value());

    auto r = must(store.signInWithCode(" aNN42x ", "2468", kNow));
    CHECK(r.outcome == SignInOutcome::Ok);
    REQUIRE(r.account);
    CHECK(r.account->id == ann);
    r = must(store.signInWithCode("nobody", "2468", kNow));
    CHECK(r.outcome == SignInOutcome::NoSuchProfile);
    CHECK_THAT(r.message, Contains("nobody"));
    CHECK(must(store.signInWithCode("ANN42X", "55", kNow)).outcome == SignInOutcome::WrongPin);

    // Generated for patients (6 unambiguous characters, all different); therapists get none unless asked.
    std::set<std::string> codes;
    for (int i = 0; i < 40; ++i) {
        Id p = must(store.createAccount("Patient " + std::to_string(i), Role::Patient, ""));
        auto code = must(store.account(p)).signInCode;
        REQUIRE(code);
        CHECK(code->size() == 6);
        CHECK(code->find_first_not_of("ABCDEFGHJKMNPQRSTUVWXYZ23456789") == std::string::npos);
        codes.insert(*code);
        CHECK(must(store.byCode(*code))->id == p);
    }
    CHECK(codes.size() == 40);
    Id t = must(store.createAccount("Dr Ruiz", Role::Therapist, "8642"));
    CHECK_FALSE(must(store.account(t)).signInCode.has_value());
    CHECK_FALSE(normalizeSignInCode("abc").ok());
    CHECK(*normalizeSignInCode("abCD1234") == "ABCD1234");
}

TEST_CASE("a patient sees only their own data and a therapist sees their patients", "[storage][accounts]") {
    auto db = freshDb("access");
    AccountStore store(*db);
    Id t1 = must(store.createAccount("Dr Ruiz", Role::Therapist, "1111"));
    Id t2 = must(store.createAccount("dr Abebe", Role::Therapist, "2222"));
    Id p1 = must(store.createAccount("carol", Role::Patient, "", std::nullopt, t1));
    Id p2 = must(store.createAccount("Bob", Role::Patient, "", std::nullopt, t2));
    Id p3 = must(store.createAccount("alice", Role::Patient, ""));

    struct Case { Id viewer, subject; bool sees; };
    const Case matrix[] = {
            {p1, p1, true},  {t1, t1, true},    // self
            {t1, p1, true},  {t2, p2, true},    // own therapist
            {t2, p1, false}, {t1, p2, false},   // other therapist
            {t1, p3, false},                    // a patient with no therapist
            {p1, p2, false}, {p2, p1, false},   // other patient
            {p1, t1, false}, {t1, t2, false},   // not a therapist's own data, nor another therapist's
    };
    for (const auto& c : matrix) {
        INFO("viewer " << c.viewer << " subject " << c.subject);
        CHECK(must(store.canView(c.viewer, c.subject)) == c.sees);
    }
    CHECK_FALSE(store.canView(t1, 999).ok());
    CHECK_FALSE(store.canView(999, p1).ok());

    // Lists: not archived, by name whatever the case.
    auto names = [](const std::vector<Account>& v) {
        std::vector<std::string> n;
        for (const auto& a : v) n.push_back(a.name);
        return n;
    };
    CHECK(names(must(store.accounts(Role::Patient))) == std::vector<std::string>{"alice", "Bob", "carol"});
    CHECK(names(must(store.accounts(Role::Therapist))) == std::vector<std::string>{"dr Abebe", "Dr Ruiz"});
    CHECK(must(store.accounts()).size() == 5);
    CHECK(names(must(store.patientsOf(t1))) == std::vector<std::string>{"carol"});

    // Moving patients between therapists.
    REQUIRE(store.setTherapist(p3, t1).ok());
    CHECK(names(must(store.patientsOf(t1))) == std::vector<std::string>{"alice", "carol"});
    CHECK(must(store.canView(t1, p3)));
    REQUIRE(store.setTherapist(p1, t2).ok());
    CHECK_FALSE(must(store.canView(t1, p1)));
    CHECK(must(store.canView(t2, p1)));
    REQUIRE(store.setTherapist(p1, std::nullopt).ok());
    CHECK_FALSE(must(store.canView(t2, p1)));
    CHECK_THAT(store.setTherapist(p1, p2).message(), Contains("not a therapist"));
    CHECK_THAT(store.setTherapist(t1, t2).message(), Contains("only a patient"));

    // Archived: gone from the lists, and an archived therapist sees nobody.
    REQUIRE(store.archive(p3).ok());
    CHECK(names(must(store.patientsOf(t1))).empty());
    REQUIRE(store.archive(t2).ok());
    CHECK_FALSE(must(store.canView(t2, p2)));
    CHECK_FALSE(must(store.canView(t2, t2)));
    CHECK_FALSE(store.setTherapist(p2, t2).ok());
}

TEST_CASE("assigning a program replaces the open assignment and start dates must be real", "[storage][accounts]") {
    auto db = freshDb("assign");
    AccountStore store(*db);
    Id t = must(store.createAccount("Dr Ruiz", Role::Therapist, "1111"));
    Id p = must(store.createAccount("Ann", Role::Patient, "", std::nullopt, t));
    CHECK_FALSE(must(store.currentAssignment(p)).has_value());

    Assignment a;
    a.patientId = p;
    a.therapistId = t;
    a.programId = "back_basics";
    a.definition = kProgram;
    a.startDate = "2026-11-23";
    a.notes = "Twice a day";
    a.assignedAt = kNow;
    Id first = must(store.assign(a));
    auto cur = must(store.currentAssignment(p));
    REQUIRE(cur);
    CHECK(cur->id == first);
    CHECK(cur->programId == "back_basics");
    CHECK(cur->definition == kProgram);
    CHECK(cur->startDate == "2026-11-23");
    CHECK(cur->notes == "Twice a day");
    CHECK(cur->therapistId == std::optional<Id>(t));
    CHECK(cur->assignedAt == kNow);
    CHECK_FALSE(cur->endedAt);

    Assignment b = a;
    b.programId = "lifting_school";
    b.startDate = "2026-12-01";
    b.notes = "";
    b.assignedAt = kNow + std::chrono::hours(24);
    Id second = must(store.assign(b));
    cur = must(store.currentAssignment(p));
    REQUIRE(cur);
    CHECK(cur->id == second);
    auto all = must(store.assignments(p));
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == second);
    CHECK(all[1].id == first);
    REQUIRE(all[1].endedAt);
    CHECK(*all[1].endedAt == b.assignedAt);
    CHECK_FALSE(all[0].endedAt);

    // Invalid: nothing changes.
    for (const char* bad : {"2026-02-30", "2026-13-01", "2026-00-10", "2026-1-01", "2026/01/01", "", "26-01-01",
                            "2023-02-29", "1900-02-29", "2026-04-31", "2026-01-01T00"}) {
        INFO(bad);
        Assignment c = b;
        c.startDate = bad;
        auto r = store.assign(c);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error().message, Contains("not a real date"));
    }
    CHECK(isCalendarDate("2024-02-29"));
    CHECK(isCalendarDate("2000-02-29"));
    CHECK(isCalendarDate("2026-12-31"));
    Assignment c = b;
    c.definition = "not json";
    CHECK_FALSE(store.assign(c).ok());
    c = b;
    c.patientId = t;  // a therapist is not a patient
    CHECK_THAT(store.assign(c).error().message, Contains("not a patient"));
    c = b;
    c.therapistId = p;
    CHECK_THAT(store.assign(c).error().message, Contains("not a therapist"));
    CHECK(must(store.assignments(p)).size() == 2);
    CHECK(must(store.currentAssignment(p))->id == second);
    CHECK(must(store.assignments(t)).empty());
}

TEST_CASE("programs built in the app are saved by id and listed by title", "[storage][accounts]") {
    auto db = freshDb("programs");
    AccountStore store(*db);
    ProgramRecord p{"back_basics", "back basics", kProgram, std::nullopt, kNow};
    REQUIRE(store.saveProgram(p).ok());
    REQUIRE(store.saveProgram({"alpha", "Zebra stretches", "{}", std::nullopt, kNow}).ok());
    p.title = "Back basics, week 2";
    p.updatedAt = kNow + std::chrono::hours(1);
    REQUIRE(store.saveProgram(p).ok());  // same id: updated, not added
    auto list = must(store.programs());
    REQUIRE(list.size() == 2);
    CHECK(list[0].id == "back_basics");
    CHECK(list[0].title == "Back basics, week 2");
    CHECK(list[0].updatedAt == kNow + std::chrono::hours(1));
    CHECK(list[1].id == "alpha");
    auto one = must(store.program("back_basics"));
    REQUIRE(one);
    CHECK(one->definition == kProgram);
    CHECK_FALSE(must(store.program("nope")).has_value());
    CHECK_FALSE(store.saveProgram({"", "T", "{}", std::nullopt, kNow}).ok());
    CHECK_FALSE(store.saveProgram({"x", " ", "{}", std::nullopt, kNow}).ok());
    CHECK_FALSE(store.saveProgram({"x", "T", "[1, 2]", std::nullopt, kNow}).ok());
    CHECK_FALSE(store.saveProgram({"x", "T", "{}", Id{4242}, kNow}).ok());
    CHECK(must(store.programs()).size() == 2);
}

TEST_CASE("sign-in is required once there is a PIN or more than one profile", "[storage][accounts]") {
    auto db = freshDb("required");
    AccountStore store(*db);
    CHECK_FALSE(must(store.signInRequired()));
    Id ann = must(store.createAccount("Ann", Role::Patient, ""));
    CHECK_FALSE(must(store.signInRequired()));
    Id bob = must(store.createAccount("Bob", Role::Patient, ""));
    CHECK(must(store.signInRequired()));
    REQUIRE(store.archive(bob).ok());
    CHECK_FALSE(must(store.signInRequired()));
    REQUIRE(store.setPin(ann, "2468").ok());
    CHECK(must(store.signInRequired()));
    REQUIRE(store.setPin(ann, "").ok());  // a patient may go back to no PIN
    CHECK_FALSE(must(store.signInRequired()));
    CHECK_FALSE(must(store.account(ann)).hasPin);
}

// Sign-in codes could be probed without limit (only PINs were counted).
TEST_CASE("unknown sign-in codes are counted like wrong PINs and lock sign-in by code", "[storage]") {
    auto t = freshTestDb("code_probing");
    auto db = t.open();
    AccountStore acc(*db);
    auto ana = acc.createAccount("Ana Silva", Role::Patient, "1357", std::string("ANA001"));
    REQUIRE(ana.ok());
    auto now = std::chrono::system_clock::now();
    for (int i = 0; i < 4; ++i) {
        auto r = acc.signInWithCode("ZZZ00" + std::to_string(i), "1357", now);
        REQUIRE(r.ok());
        CHECK(r->outcome == SignInOutcome::NoSuchProfile);
        CHECK(r->attemptsLeft == 4 - i);
    }
    auto fifth = acc.signInWithCode("ZZZ009", "1357", now);
    REQUIRE(fifth.ok());
    CHECK(fifth->outcome == SignInOutcome::LockedOut);
    CHECK_THAT(fifth->message, Contains("Too many unknown sign-in codes"));
    // Locked for every code, the right one too, until the lock ends.
    auto right = acc.signInWithCode("ana001", "1357", now + std::chrono::seconds(10));
    REQUIRE(right.ok());
    CHECK(right->outcome == SignInOutcome::LockedOut);
    auto later = acc.signInWithCode("ana001", "1357", now + acc.policy().lockFor + std::chrono::seconds(1));
    REQUIRE(later.ok());
    CHECK(later->outcome == SignInOutcome::Ok);
    // A known code ends the run of unknown ones.
    auto again = acc.signInWithCode("ZZZ010", "1357", now + acc.policy().lockFor + std::chrono::seconds(2));
    REQUIRE(again.ok());
    CHECK(again->attemptsLeft == 4);
}

TEST_CASE("a clinic can require PINs of 6 or more digits", "[storage]") {
    auto t = freshTestDb("min_pin_digits");
    auto db = t.open();
    AccountStore acc(*db);
    CHECK(acc.minPinDigits().value() == 4);
    CHECK_FALSE(acc.setMinPinDigits(3).ok());
    CHECK_FALSE(acc.setMinPinDigits(9).ok());
    REQUIRE(acc.setMinPinDigits(6).ok());
    CHECK(acc.minPinDigits().value() == 6);
    auto shortPin = acc.createAccount("Dr Rivera", Role::Therapist, "2468");
    REQUIRE_FALSE(shortPin.ok());
    CHECK_THAT(shortPin.error().message, Contains("PINs here must have at least 6 digits"));
    auto ok = acc.createAccount("Dr Rivera", Role::Therapist, "246802");
    REQUIRE(ok.ok());
    CHECK_FALSE(acc.setPin(*ok, "13579").ok());
    CHECK(acc.setPin(*ok, "1357913").ok());
}
