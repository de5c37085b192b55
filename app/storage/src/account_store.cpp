#include "ptcoach/storage/account_store.h"
#include "ptcoach/core/clock.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

#include "sql_util.h"

namespace ptcoach::storage {

namespace {

using detail::selectAll;

constexpr int kMaxNameChars = 60;
// Sign-in codes generated for patients: no 0/O, 1/I/L look-alikes.
constexpr char kCodeAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr int kGeneratedCodeLength = 6;

const char* const kAccountColumns =
        "SELECT id, name, role, sign_in_code, therapist_id, pin_hash, failed_pins, locked_until, archived "
        "FROM profiles ";

bool sodiumReady() {
    static const bool ready = sodium_init() >= 0;  // thread-safe once
    return ready;
}

Account readAccount(const Statement& st) {
    Account a;
    a.id = st.i64(0);
    a.name = st.text(1);
    a.role = st.text(2) == "therapist" ? Role::Therapist : Role::Patient;
    a.signInCode = st.optText(3);
    a.therapistId = st.optI64(4);
    a.hasPin = !st.isNull(5) && !st.text(5).empty();
    a.failedPins = st.i32(6);
    a.lockedUntil = st.optTime(7);
    a.archived = st.flag(8);
    return a;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Characters (UTF-8 code points) in s.
size_t utf8Length(const std::string& s) {
    return static_cast<size_t>(
            std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Expected<std::string> validName(const std::string& raw) {
    std::string name = trim(raw);
    if (name.empty()) return makeError("a profile needs a name");
    if (utf8Length(name) > kMaxNameChars)
        return makeError("the name '" + name + "' is too long (at most " + std::to_string(kMaxNameChars) +
                         " characters)");
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F) return makeError("the name '" + name + "' contains a control character");
    return name;
}

std::string fold(const std::string& s) {
    std::string out = s;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isJsonObject(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return !j.is_discarded() && j.is_object();
}

// Runs a statement that returns no rows.
Status runStatement(Statement& st, const std::string& what) {
    if (!st.ok()) return makeError(what + ": " + st.prepareError());
    for (;;) {
        Statement::Step s = st.step();
        if (s == Statement::Step::Done) return {};
        if (s == Statement::Step::Error) return makeError(what + ": " + st.error());
    }
}

// Steps to the first row; Done -> false. Errors name `what`.
Expected<bool> firstRow(Statement& st, const std::string& what) {
    if (!st.ok()) return makeError(what + ": " + st.prepareError());
    Statement::Step s = st.step();
    if (s == Statement::Step::Error) return makeError(what + ": " + st.error());
    return s == Statement::Step::Row;
}

// Finishes a statement whose first row was read (UPDATE ... RETURNING must run to the end).
Status finish(Statement& st, const std::string& what) {
    for (;;) {
        Statement::Step s = st.step();
        if (s == Statement::Step::Done) return {};
        if (s == Statement::Step::Error) return makeError(what + ": " + st.error());
    }
}

// Runs an "INSERT ... RETURNING id" (bound already) to its end; the new row's id.
Expected<Id> insertedId(Statement& st) {
    auto row = firstRow(st, "cannot save");
    if (!row) return row.error();
    if (!*row) return makeError("the database returned no id");
    Id id = st.i64(0);
    if (Status s = finish(st, "cannot save"); !s) return makeError(s.message());
    return id;
}

// "10:42", local time, rounded up to the minute (so the lock has ended by then).
std::string localClock(TimePoint t) {
    auto secs = std::chrono::ceil<std::chrono::minutes>(t);
    std::time_t tt = std::chrono::system_clock::to_time_t(secs);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M", &tm);
    return buf;
}

std::string lockedMessage(TimePoint until) { return "Too many wrong PINs: locked until " + localClock(until); }

std::string triesLeft(int n) { return "Wrong PIN: " + std::to_string(n) + (n == 1 ? " try left" : " tries left"); }

std::string profileLabel(const Account& a) { return "profile " + std::to_string(a.id) + " (" + a.name + ")"; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Free functions

const char* roleName(Role r) { return r == Role::Therapist ? "therapist" : "patient"; }

const char* outcomeName(SignInOutcome o) {
    switch (o) {
        case SignInOutcome::Ok: return "ok";
        case SignInOutcome::WrongPin: return "wrong PIN";
        case SignInOutcome::LockedOut: return "locked out";
        case SignInOutcome::NoSuchProfile: return "no such profile";
        case SignInOutcome::NoPinSet: return "no PIN set";
    }
    return "?";
}

Status validatePin(const std::string& pin) {
    if (pin.size() < 4 || pin.size() > 8) return makeError("a PIN has 4 to 8 digits");
    for (char c : pin)
        if (c < '0' || c > '9') return makeError("a PIN has only digits (0-9)");
    return {};
}

Expected<std::string> hashPin(const std::string& pin) {
    if (Status s = validatePin(pin); !s) return makeError(s.message());
    if (!sodiumReady()) return makeError("cannot hash the PIN: libsodium failed to initialise");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return makeError("cannot hash the PIN: out of memory");
    return std::string(out);
}

bool pinMatches(const std::string& hash, const std::string& pin) {
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || !sodiumReady()) return false;
    return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

Expected<std::string> normalizeSignInCode(const std::string& raw) {
    std::string code = trim(raw);
    if (code.size() < 4 || code.size() > 12) return makeError("a sign-in code has 4 to 12 letters or digits");
    for (char& c : code) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!std::isalnum(u) || u > 0x7F) return makeError("a sign-in code has only letters (A-Z) and digits");
        c = static_cast<char>(std::toupper(u));
    }
    return code;
}

bool isCalendarDate(const std::string& d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (d[static_cast<size_t>(i)] < '0' || d[static_cast<size_t>(i)] > '9') return false;
    int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
    if (y < 1900 || m < 1 || m > 12 || day < 1) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int days = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
    return day <= days;
}

// ---------------------------------------------------------------------------------------------
// AccountStore

AccountStore::AccountStore(Database& db, LockoutPolicy policy) : m_db(db), m_policy(policy) {
    if (m_policy.maxAttempts < 1) m_policy.maxAttempts = 1;
}

Expected<std::optional<Account>> AccountStore::find(Id id) const {
    Statement st = m_db.prepare(std::string(kAccountColumns) + "WHERE id = ?");
    st.bind(id);
    auto row = firstRow(st, "cannot read profile " + std::to_string(id));
    if (!row) return row.error();
    if (!*row) return std::optional<Account>{};
    Account rec = readAccount(st);
    if (Status ok = detail::readOk(m_db, st, "cannot read profile " + std::to_string(id)); !ok) return makeError(ok.message());
    return std::optional<Account>(std::move(rec));
}

Expected<Account> AccountStore::account(Id id) const {
    auto a = find(id);
    if (!a) return a.error();
    if (!a->has_value()) return makeError("there is no profile " + std::to_string(id));
    return **a;
}

Expected<std::optional<std::string>> AccountStore::pinHash(Id id) const {
    Statement st = m_db.prepare("SELECT pin_hash FROM profiles WHERE id = ?");
    st.bind(id);
    auto row = firstRow(st, "cannot read the PIN of profile " + std::to_string(id));
    if (!row) return row.error();
    if (!*row) return std::optional<std::string>{};
    return st.optText(0);
}

Status AccountStore::requireTherapist(Id id, const char* what) const {
    auto t = find(id);
    if (!t) return t.error();
    if (!t->has_value()) return makeError(std::string(what) + " " + std::to_string(id) + " does not exist");
    const Account& a = **t;
    if (a.role != Role::Therapist) return makeError(std::string(what) + ": " + profileLabel(a) + " is not a therapist");
    if (a.archived) return makeError(std::string(what) + ": " + profileLabel(a) + " is archived");
    return {};
}

Expected<std::string> AccountStore::uniqueCode(const std::optional<std::string>& wanted, Role role) const {
    auto taken = [&](const std::string& code) -> Expected<bool> {
        Statement st = m_db.prepare("SELECT id FROM profiles WHERE sign_in_code = ?");
        st.bind(code);
        return firstRow(st, "cannot check sign-in code " + code);
    };
    if (wanted) {
        auto code = normalizeSignInCode(*wanted);
        if (!code) return makeError("sign-in code '" + *wanted + "': " + code.error().message);
        auto t = taken(*code);
        if (!t) return t.error();
        if (*t) return makeError("sign-in code " + *code + " is already used by another profile");
        return *code;
    }
    if (role != Role::Patient) return std::string();
    if (!sodiumReady()) return makeError("cannot make a sign-in code: libsodium failed to initialise");
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::string code;
        for (int i = 0; i < kGeneratedCodeLength; ++i)
            code += kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(sizeof kCodeAlphabet - 1))];
        auto t = taken(code);
        if (!t) return t.error();
        if (!*t) return code;
    }
    return makeError("cannot find a free sign-in code");
}

Expected<Id> AccountStore::createAccount(const std::string& rawName, Role role, const std::string& pin,
                                         std::optional<std::string> code, std::optional<Id> therapistId) {
    auto name = validName(rawName);
    if (!name) return makeError("cannot create the profile: " + name.error().message);
    const std::string what = "cannot create " + std::string(roleName(role)) + " profile '" + *name + "'";
    if (pin.empty() && role == Role::Therapist) return makeError(what + ": a therapist needs a PIN");
    std::optional<std::string> hash;
    if (!pin.empty()) {
        if (Status s = longEnough(pin); !s) return makeError(what + ": " + s.message());
        auto h = hashPin(pin);
        if (!h) return makeError(what + ": " + h.error().message);
        hash = *h;
    }
    if (therapistId) {
        if (role != Role::Patient) return makeError(what + ": only a patient has a therapist");
        if (Status s = requireTherapist(*therapistId, "therapist"); !s) return makeError(what + ": " + s.message());
    }
    Id id = 0;
    Status s = m_db.transaction([&]() -> Status {
        auto c = uniqueCode(code, role);
        if (!c) return c.error();
        Statement st = m_db.prepare(
                "INSERT INTO profiles(name, role, pin_hash, sign_in_code, therapist_id) VALUES(?, ?, ?, ?, ?) "
                "RETURNING id");
        st.bind(*name).bind(roleName(role)).bind(hash);
        if (c->empty()) st.bindNull(); else st.bind(*c);
        st.bind(therapistId);
        auto saved = insertedId(st);
        if (!saved) return saved.error();
        id = *saved;
        return {};
    });
    if (!s) return makeError(what + ": " + s.message());
    return id;
}

Expected<std::vector<Account>> AccountStore::listAccounts(const std::string& where, std::optional<Id> bindId,
                                                          std::optional<std::string> bindText) const {
    auto out = selectAll<Account>(
            m_db, std::string(kAccountColumns) + "WHERE archived = 0 " + where + " ORDER BY id", "list profiles",
            [&](Statement& st) {
                if (bindText) st.bind(*bindText);
                if (bindId) st.bind(*bindId);
            },
            readAccount);
    if (!out) return out;
    // Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
    std::stable_sort(out->begin(), out->end(),
                     [](const Account& a, const Account& b) { return fold(a.name) < fold(b.name); });
    return out;
}

Expected<std::vector<Account>> AccountStore::accounts(std::optional<Role> role) const {
    if (role) return listAccounts("AND role = ?", std::nullopt, std::string(roleName(*role)));
    return listAccounts("", std::nullopt, std::nullopt);
}

Expected<std::vector<Account>> AccountStore::patientsOf(Id therapistId) const {
    return listAccounts("AND role = ? AND therapist_id = ?", therapistId, std::string("patient"));
}

Expected<std::optional<Account>> AccountStore::byCode(const std::string& raw) const {
    auto code = normalizeSignInCode(raw);
    if (!code) return std::optional<Account>{};
    Statement st = m_db.prepare(std::string(kAccountColumns) + "WHERE sign_in_code = ? AND archived = 0");
    st.bind(*code);
    auto row = firstRow(st, "cannot look up sign-in code " + *code);
    if (!row) return row.error();
    if (!*row) return std::optional<Account>{};
    Account rec = readAccount(st);
    if (Status ok = detail::readOk(m_db, st, "cannot look up sign-in code " + *code); !ok) return makeError(ok.message());
    return std::optional<Account>(std::move(rec));
}

Expected<SignInResult> AccountStore::wrongPin(const Account& acc, TimePoint now) {
    // One statement counts the wrong PIN and, at the limit, locks and resets the counter: the
    // database serialises concurrent kiosks on the row, so every failure counts exactly once. A
    // profile that got locked meanwhile is not touched (no row comes back).
    const TimePoint until = now + m_policy.lockFor;
    std::optional<int> failed;
    std::optional<TimePoint> lockedUntil;
    Status s = m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare(
                "UPDATE profiles SET "
                "failed_pins = CASE WHEN failed_pins + 1 >= ? THEN 0 ELSE failed_pins + 1 END, "
                "locked_until = CASE WHEN failed_pins + 1 >= ? THEN ? ELSE locked_until END "
                "WHERE id = ? AND archived = 0 AND (locked_until IS NULL OR locked_until <= ?) "
                "RETURNING failed_pins, locked_until");
        st.bind(m_policy.maxAttempts).bind(m_policy.maxAttempts).bind(until).bind(acc.id).bind(now);
        auto row = firstRow(st, "cannot count the wrong PIN");
        if (!row) return row.error();
        if (*row) {
            failed = st.i32(0);
            lockedUntil = st.optTime(1);
            if (Status ok = detail::readOk(m_db, st, "cannot count the wrong PIN"); !ok) return ok;
        }
        return finish(st, "cannot count the wrong PIN");
    });
    if (!s) return makeError("sign-in of " + profileLabel(acc) + ": " + s.message());

    SignInResult r;
    if (!failed) {
        // Locked (or archived) by someone else between reading and counting.
        auto current = find(acc.id);
        if (!current) return current.error();
        if (current->has_value() && !(*current)->archived && (*current)->lockedAt(now)) {
            r.outcome = SignInOutcome::LockedOut;
            r.lockedUntil = (*current)->lockedUntil;
            r.message = lockedMessage(*r.lockedUntil);
        } else {
            r.outcome = SignInOutcome::NoSuchProfile;
            r.message = "No such profile";
        }
        return r;
    }
    if (lockedUntil && *lockedUntil > now) {
        r.outcome = SignInOutcome::LockedOut;
        r.lockedUntil = lockedUntil;
        r.attemptsLeft = 0;
        r.message = lockedMessage(*lockedUntil);
        return r;
    }
    r.outcome = SignInOutcome::WrongPin;
    r.attemptsLeft = std::max(0, m_policy.maxAttempts - *failed);
    r.message = triesLeft(r.attemptsLeft);
    return r;
}

Expected<SignInResult> AccountStore::signIn(Id profileId, const std::string& pin, TimePoint now) {
    // Twice at most: a PIN changed while this one was being checked is checked again.
    for (int attempt = 0;; ++attempt) {
        SignInResult r;
        auto found = find(profileId);
        if (!found) return found.error();
        if (!found->has_value() || (*found)->archived) {
            r.message = "No such profile";
            return r;
        }
        const Account& acc = **found;
        if (acc.lockedAt(now)) {
            r.outcome = SignInOutcome::LockedOut;
            r.lockedUntil = acc.lockedUntil;
            r.message = lockedMessage(*acc.lockedUntil);
            return r;
        }
        auto hash = pinHash(profileId);
        if (!hash) return hash.error();
        if (!hash->has_value() || (*hash)->empty()) {
            r.outcome = SignInOutcome::NoPinSet;
            r.account = acc;
            r.message = "No PIN is set for " + acc.name;
            return r;
        }
        if (pin.empty()) {
            // Nothing typed: not an attempt.
            r.outcome = SignInOutcome::WrongPin;
            r.attemptsLeft = std::max(0, m_policy.maxAttempts - acc.failedPins);
            r.message = "Enter your PIN";
            return r;
        }
        // A malformed PIN cannot match a stored one: counted as wrong without the slow check.
        bool right = validatePin(pin).ok() && pinMatches(**hash, pin);
        if (!right) return wrongPin(acc, now);

        bool reset = false;
        Status s = m_db.transaction([&]() -> Status {
            Statement st = m_db.prepare(
                    "UPDATE profiles SET failed_pins = 0, locked_until = NULL "
                    "WHERE id = ? AND archived = 0 AND pin_hash = ? AND (locked_until IS NULL OR locked_until <= ?) "
                    "RETURNING id");
            st.bind(profileId).bind(**hash).bind(now);
            auto row = firstRow(st, "cannot reset the wrong-PIN count");
            if (!row) return row.error();
            reset = *row;
            return finish(st, "cannot reset the wrong-PIN count");
        });
        if (!s) return makeError("sign-in of " + profileLabel(acc) + ": " + s.message());
        if (reset) {
            auto fresh = account(profileId);
            if (!fresh) return fresh.error();
            r.outcome = SignInOutcome::Ok;
            r.account = *fresh;
            r.attemptsLeft = m_policy.maxAttempts;
            r.message = "Welcome, " + fresh->name;
            return r;
        }
        // Locked, archived or given a new PIN meanwhile: look again.
        if (attempt >= 1) {
            r.outcome = SignInOutcome::WrongPin;
            r.attemptsLeft = std::max(0, m_policy.maxAttempts - acc.failedPins);
            r.message = "The PIN was changed just now: please try again";
            return r;
        }
    }
}

Expected<SignInResult> AccountStore::checkKioskExitPin(Id therapistId, const std::string& pin, TimePoint now) {
    SignInResult r;
    auto found = find(therapistId);
    if (!found) return found.error();
    if (!found->has_value() || (*found)->archived || (*found)->role != Role::Therapist) {
        r.message = "Only a therapist's PIN closes the kiosk";
        return r;
    }
    const Account& acc = **found;
    Statement lock = m_db.prepare("SELECT exit_failed_pins, exit_locked_until FROM profiles WHERE id = ?");
    if (!lock.ok()) return makeError("cannot read the kiosk-exit tries of " + profileLabel(acc) + ": " + lock.prepareError());
    lock.bind(therapistId);
    auto row = firstRow(lock, "cannot read the kiosk-exit tries of " + profileLabel(acc));
    if (!row) return row.error();
    int failedBefore = *row ? lock.i32(0) : 0;
    std::optional<TimePoint> lockedUntil = *row ? lock.optTime(1) : std::nullopt;
    if (lockedUntil && *lockedUntil > now) {
        r.outcome = SignInOutcome::LockedOut;
        r.lockedUntil = lockedUntil;
        r.message = lockedMessage(*lockedUntil);
        return r;
    }
    if (pin.empty()) {
        r.outcome = SignInOutcome::WrongPin;
        r.attemptsLeft = std::max(0, m_policy.maxAttempts - failedBefore);
        r.message = "Enter your PIN";
        return r;
    }
    auto hash = pinHash(therapistId);
    if (!hash) return hash.error();
    bool right = hash->has_value() && !(*hash)->empty() && validatePin(pin).ok() && pinMatches(**hash, pin);
    std::optional<int> failed;
    Status s = m_db.transaction([&]() -> Status {
        Statement st = right ? m_db.prepare("UPDATE profiles SET exit_failed_pins = 0, exit_locked_until = NULL "
                                            "WHERE id = ? RETURNING exit_failed_pins, exit_locked_until")
                             : m_db.prepare(
                                   "UPDATE profiles SET "
                                   "exit_failed_pins = CASE WHEN exit_failed_pins + 1 >= ? THEN 0 ELSE exit_failed_pins + 1 END, "
                                   "exit_locked_until = CASE WHEN exit_failed_pins + 1 >= ? THEN ? ELSE exit_locked_until END "
                                   "WHERE id = ? AND (exit_locked_until IS NULL OR exit_locked_until <= ?) "
                                   "RETURNING exit_failed_pins, exit_locked_until");
        if (right) st.bind(therapistId);
        else st.bind(m_policy.maxAttempts).bind(m_policy.maxAttempts).bind(now + m_policy.lockFor).bind(therapistId).bind(now);
        auto got = firstRow(st, "cannot count the kiosk-exit try");
        if (!got) return got.error();
        if (*got) {
            failed = st.i32(0);
            lockedUntil = st.optTime(1);
        }
        return finish(st, "cannot count the kiosk-exit try");
    });
    if (!s) return makeError("kiosk exit by " + profileLabel(acc) + ": " + s.message());
    if (right) {
        r.outcome = SignInOutcome::Ok;
        r.account = acc;
        r.message = "Closing PT Coach";
        return r;
    }
    if (!failed || (lockedUntil && *lockedUntil > now)) {
        r.outcome = SignInOutcome::LockedOut;
        r.lockedUntil = lockedUntil;
        r.message = lockedUntil ? lockedMessage(*lockedUntil) : "Too many wrong PINs";
        return r;
    }
    r.outcome = SignInOutcome::WrongPin;
    r.attemptsLeft = std::max(0, m_policy.maxAttempts - *failed);
    r.message = triesLeft(r.attemptsLeft);
    return r;
}

namespace {
constexpr const char* kCodeFailuresKey = "signin.code_failures";
constexpr const char* kCodeLockedKey = "signin.code_locked_until";
constexpr const char* kMinPinDigitsKey = "security.min_pin_digits";
}  // namespace

Expected<SignInResult> AccountStore::findByCode(const std::string& code, TimePoint now) {
    SignInResult r;
    auto locked = m_db.setting(kCodeLockedKey);
    if (!locked) return locked.error();
    if (*locked)
        if (auto until = parseUtc(**locked); until && *until > now) {
            r.outcome = SignInOutcome::LockedOut;
            r.lockedUntil = until;
            r.message = "Too many unknown sign-in codes: sign-in by code is locked until " + localClock(*until);
            return r;
        }
    auto acc = byCode(code);
    if (!acc) return acc.error();
    if (acc->has_value()) {
        // A known code ends a run of unknown ones.
        if (Status s = m_db.setSetting(kCodeFailuresKey, "0"); !s) return makeError(s.message());
        r.outcome = SignInOutcome::Ok;
        r.account = **acc;
        return r;
    }
    // Counted in one transaction: two kiosks probing at once both count.
    int failures = 0;
    Status s = m_db.transaction([&]() -> Status {
        auto n = m_db.setting(kCodeFailuresKey);
        if (!n) return n.error();
        failures = (*n ? std::atoi((*n)->c_str()) : 0) + 1;
        if (failures >= m_policy.maxAttempts) {
            if (Status l = m_db.setSetting(kCodeLockedKey, formatUtc(now + m_policy.lockFor)); !l) return l;
            failures = 0;
            r.outcome = SignInOutcome::LockedOut;
            r.lockedUntil = now + m_policy.lockFor;
        }
        return m_db.setSetting(kCodeFailuresKey, std::to_string(failures));
    });
    if (!s) return makeError("cannot count the unknown sign-in code: " + s.message());
    if (r.outcome == SignInOutcome::LockedOut)
        r.message = "Too many unknown sign-in codes: sign-in by code is locked until " + localClock(*r.lockedUntil);
    else
        r.message = "No profile has the code " + trim(code);
    r.attemptsLeft = std::max(0, m_policy.maxAttempts - failures);
    return r;
}

Expected<SignInResult> AccountStore::signInWithCode(const std::string& code, const std::string& pin, TimePoint now) {
    auto found = findByCode(code, now);
    if (!found) return found.error();
    if (found->outcome != SignInOutcome::Ok) return found;
    return signIn(found->account->id, pin, now);
}

Status AccountStore::longEnough(const std::string& pin) const {
    if (Status v = validatePin(pin); !v) return v;
    auto min = minPinDigits();
    if (!min) return makeError(min.error().message);
    if (static_cast<int>(pin.size()) < *min)
        return makeError("PINs here must have at least " + std::to_string(*min) + " digits");
    return {};
}

Expected<int> AccountStore::minPinDigits() const {
    auto v = m_db.setting(kMinPinDigitsKey);
    if (!v) return v.error();
    if (!*v) return 4;
    int n = std::atoi((*v)->c_str());
    return std::clamp(n, 4, 8);
}

Status AccountStore::setMinPinDigits(int digits) {
    if (digits < 4 || digits > 8) return makeError("the fewest digits of a PIN must be 4 to 8, not " + std::to_string(digits));
    return m_db.setSetting(kMinPinDigitsKey, std::to_string(digits));
}

Status AccountStore::setPin(Id profileId, const std::string& pin) {
    auto acc = account(profileId);
    if (!acc) return makeError("cannot set the PIN: " + acc.error().message);
    const std::string what = "cannot set the PIN of " + profileLabel(*acc);
    std::optional<std::string> hash;
    if (pin.empty()) {
        if (acc->role == Role::Therapist) return makeError(what + ": a therapist needs a PIN");
    } else {
        if (Status s = longEnough(pin); !s) return makeError(what + ": " + s.message());
        auto h = hashPin(pin);
        if (!h) return makeError(what + ": " + h.error().message);
        hash = *h;
    }
    Status s = m_db.transaction([&]() -> Status {
        Statement st =
                m_db.prepare("UPDATE profiles SET pin_hash = ?, failed_pins = 0, locked_until = NULL WHERE id = ?");
        st.bind(hash).bind(profileId);
        return runStatement(st, what);
    });
    return s;
}

Status AccountStore::unlock(Id profileId) {
    auto acc = account(profileId);
    if (!acc) return makeError("cannot unlock: " + acc.error().message);
    return m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare("UPDATE profiles SET failed_pins = 0, locked_until = NULL WHERE id = ?");
        st.bind(profileId);
        return runStatement(st, "cannot unlock " + profileLabel(*acc));
    });
}

Status AccountStore::setTherapist(Id patientId, std::optional<Id> therapistId) {
    auto acc = account(patientId);
    if (!acc) return makeError("cannot set the therapist: " + acc.error().message);
    const std::string what = "cannot set the therapist of " + profileLabel(*acc);
    if (acc->role != Role::Patient) return makeError(what + ": only a patient has a therapist");
    if (therapistId)
        if (Status s = requireTherapist(*therapistId, "therapist"); !s) return makeError(what + ": " + s.message());
    return m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare("UPDATE profiles SET therapist_id = ? WHERE id = ?");
        st.bind(therapistId).bind(patientId);
        return runStatement(st, what);
    });
}

Status AccountStore::rename(Id profileId, const std::string& rawName) {
    auto acc = account(profileId);
    if (!acc) return makeError("cannot rename: " + acc.error().message);
    const std::string what = "cannot rename " + profileLabel(*acc);
    auto name = validName(rawName);
    if (!name) return makeError(what + ": " + name.error().message);
    return m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare("UPDATE profiles SET name = ? WHERE id = ?");
        st.bind(*name).bind(profileId);
        return runStatement(st, what);
    });
}

Status AccountStore::archive(Id profileId) {
    auto acc = account(profileId);
    if (!acc) return makeError("cannot archive: " + acc.error().message);
    return m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare("UPDATE profiles SET archived = 1 WHERE id = ?");
        st.bind(profileId);
        return runStatement(st, "cannot archive " + profileLabel(*acc));
    });
}

Expected<bool> AccountStore::canView(Id viewerId, Id subjectId) const {
    auto viewer = account(viewerId);
    if (!viewer) return makeError("cannot check access: " + viewer.error().message);
    auto subject = account(subjectId);
    if (!subject) return makeError("cannot check access: " + subject.error().message);
    if (viewer->archived) return false;
    if (viewerId == subjectId) return true;
    return viewer->role == Role::Therapist && subject->role == Role::Patient && subject->therapistId == viewerId;
}

Expected<bool> AccountStore::signInRequired() const {
    Statement st = m_db.prepare(
            "SELECT count(*), count(pin_hash) FROM profiles WHERE archived = 0");
    auto row = firstRow(st, "cannot count profiles");
    if (!row) return row.error();
    if (!*row) return makeError("cannot count profiles: no result");
    return st.i64(0) > 1 || st.i64(1) > 0;
}

// ---------------------------------------------------------------------------------------------
// Programs and assignments

namespace {

ProgramRecord readProgram(const Statement& st) {
    ProgramRecord p;
    p.id = st.text(0);
    p.title = st.text(1);
    p.definition = st.text(2);
    p.authorId = st.optI64(3);
    p.updatedAt = st.time(4);
    return p;
}

Assignment readAssignment(const Statement& st) {
    Assignment a;
    a.id = st.i64(0);
    a.patientId = st.i64(1);
    a.therapistId = st.optI64(2);
    a.programId = st.text(3);
    a.definition = st.text(4);
    a.startDate = st.text(5);
    a.notes = st.text(6);
    a.assignedAt = st.time(7);
    a.endedAt = st.optTime(8);
    return a;
}

const char* const kProgramColumns = "SELECT id, title, definition, author_id, updated_at FROM programs ";
const char* const kAssignmentColumns =
        "SELECT id, patient_id, therapist_id, program_id, definition, start_date, notes, assigned_at, ended_at "
        "FROM assignments ";

}  // namespace

Status AccountStore::saveProgram(const ProgramRecord& p) {
    const std::string what = "cannot save program '" + p.id + "'";
    if (trim(p.id).empty()) return makeError("cannot save a program without an id");
    if (trim(p.title).empty()) return makeError(what + ": it needs a title");
    if (!isJsonObject(p.definition)) return makeError(what + ": its definition is not a JSON object");
    if (p.authorId) {
        auto author = find(*p.authorId);
        if (!author) return makeError(what + ": " + author.error().message);
        if (!author->has_value())
            return makeError(what + ": author " + std::to_string(*p.authorId) + " does not exist");
    }
    TimePoint at = p.updatedAt == TimePoint{} ? wallNow() : p.updatedAt;
    return m_db.transaction([&]() -> Status {
        Statement st = m_db.prepare(
                "INSERT INTO programs(id, title, definition, author_id, updated_at) VALUES(?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET title = excluded.title, definition = excluded.definition, "
                "author_id = excluded.author_id, updated_at = excluded.updated_at");
        st.bind(p.id).bind(trim(p.title)).bind(p.definition).bind(p.authorId).bind(at);
        return runStatement(st, what);
    });
}

Expected<std::vector<ProgramRecord>> AccountStore::programs() const {
    auto out = selectAll<ProgramRecord>(
            m_db, std::string(kProgramColumns) + "ORDER BY id", "list programs", [](Statement&) {}, readProgram);
    if (!out) return out;
    std::stable_sort(out->begin(), out->end(),
                     [](const ProgramRecord& a, const ProgramRecord& b) { return fold(a.title) < fold(b.title); });
    return out;
}

Expected<std::optional<ProgramRecord>> AccountStore::program(const std::string& id) const {
    Statement st = m_db.prepare(std::string(kProgramColumns) + "WHERE id = ?");
    st.bind(id);
    auto row = firstRow(st, "cannot read program '" + id + "'");
    if (!row) return row.error();
    if (!*row) return std::optional<ProgramRecord>{};
    ProgramRecord rec = readProgram(st);
    if (Status ok = detail::readOk(m_db, st, "cannot read program '" + id + "'"); !ok) return makeError(ok.message());
    return std::optional<ProgramRecord>(std::move(rec));
}

Expected<Id> AccountStore::assign(const Assignment& a) {
    const std::string what = "cannot assign program '" + a.programId + "' to profile " + std::to_string(a.patientId);
    if (trim(a.programId).empty()) return makeError("cannot assign a program without an id");
    if (!isCalendarDate(a.startDate))
        return makeError(what + ": start date '" + a.startDate + "' is not a real date (YYYY-MM-DD)");
    if (!isJsonObject(a.definition)) return makeError(what + ": the program definition is not a JSON object");
    auto patient = find(a.patientId);
    if (!patient) return makeError(what + ": " + patient.error().message);
    if (!patient->has_value()) return makeError(what + ": there is no such profile");
    if ((*patient)->role != Role::Patient)
        return makeError(what + ": " + profileLabel(**patient) + " is not a patient");
    if ((*patient)->archived) return makeError(what + ": " + profileLabel(**patient) + " is archived");
    if (a.therapistId)
        if (Status s = requireTherapist(*a.therapistId, "therapist"); !s) return makeError(what + ": " + s.message());
    TimePoint at = a.assignedAt == TimePoint{} ? wallNow() : a.assignedAt;
    Id id = 0;
    Status s = m_db.transaction([&]() -> Status {
        Statement end = m_db.prepare("UPDATE assignments SET ended_at = ? WHERE patient_id = ? AND ended_at IS NULL");
        end.bind(at).bind(a.patientId);
        if (Status e = runStatement(end, "cannot end the current assignment"); !e) return e;
        Statement st = m_db.prepare(
                "INSERT INTO assignments(patient_id, therapist_id, program_id, definition, start_date, notes, "
                "assigned_at) VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id");
        st.bind(a.patientId).bind(a.therapistId).bind(a.programId).bind(a.definition).bind(a.startDate)
                .bind(a.notes).bind(at);
        auto saved = insertedId(st);
        if (!saved) return saved.error();
        id = *saved;
        return {};
    });
    if (!s) return makeError(what + ": " + s.message());
    return id;
}

Expected<std::optional<Assignment>> AccountStore::currentAssignment(Id patientId) const {
    Statement st = m_db.prepare(std::string(kAssignmentColumns) +
                                "WHERE patient_id = ? AND ended_at IS NULL ORDER BY assigned_at DESC, id DESC LIMIT 1");
    st.bind(patientId);
    auto row = firstRow(st, "cannot read the assignment of profile " + std::to_string(patientId));
    if (!row) return row.error();
    if (!*row) return std::optional<Assignment>{};
    Assignment rec = readAssignment(st);
    if (Status ok = detail::readOk(m_db, st, "cannot read the assignment of profile " + std::to_string(patientId)); !ok) return makeError(ok.message());
    return std::optional<Assignment>(std::move(rec));
}

Expected<std::vector<Assignment>> AccountStore::assignments(Id patientId) const {
    return selectAll<Assignment>(
            m_db, std::string(kAssignmentColumns) + "WHERE patient_id = ? ORDER BY assigned_at DESC, id DESC",
            "list the assignments of profile " + std::to_string(patientId),
            [&](Statement& st) { st.bind(patientId); }, readAssignment);
}

}  // namespace ptcoach::storage
