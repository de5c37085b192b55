#pragma once
// Who uses PT Coach: patient and therapist profiles with PINs (libsodium password hashes, never the
// PIN), lock-out after repeated wrong PINs, sign-in codes for kiosks, which therapist sees which
// patient, programs built in the app and the programs assigned to patients.
//
// Everything lives in the database (schema 3: profiles' sign-in columns, programs, assignments),
// so every kiosk and therapist desktop sharing one database agrees. The SQL runs unchanged on
// SQLite and PostgreSQL; counters change in single atomic statements, so two kiosks failing a PIN
// at the same moment both count.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::storage {

enum class Role { Patient, Therapist };
// "patient" / "therapist" (the profiles.role values).
const char* roleName(Role);

struct Account {
    Id id = 0;
    std::string name;
    Role role = Role::Patient;
    std::optional<std::string> signInCode;  // upper-case
    std::optional<Id> therapistId;          // a patient's therapist
    bool hasPin = false;
    int failedPins = 0;                     // wrong PINs since the last right one or lock-out
    std::optional<TimePoint> lockedUntil;   // the last lock-out's end (may be in the past)
    bool archived = false;

    // Whether sign-in is refused at `now` because of wrong PINs.
    bool lockedAt(TimePoint now) const { return lockedUntil && *lockedUntil > now; }
};

struct LockoutPolicy {
    int maxAttempts = 5;              // wrong PINs in a row that lock the profile
    std::chrono::seconds lockFor{300};
};

enum class SignInOutcome {
    Ok,             // right PIN: account set
    WrongPin,       // attemptsLeft says how many tries before the lock-out
    LockedOut,      // refused (even a right PIN) until lockedUntil; also the answer to the wrong PIN that locks
    NoSuchProfile,  // no (non-archived) profile with that id or code
    NoPinSet,       // the profile has no PIN (patients only): account set, the caller decides
};
const char* outcomeName(SignInOutcome);

struct SignInResult {
    SignInOutcome outcome = SignInOutcome::NoSuchProfile;
    std::optional<Account> account;  // set for Ok and NoPinSet
    int attemptsLeft = 0;
    std::optional<TimePoint> lockedUntil;
    std::string message;  // for the screen: "Wrong PIN: 3 tries left", "Too many wrong PINs: locked until 10:42"
};

// PINs are 4 to 8 digits. Hashes are libsodium crypto_pwhash_str strings (Argon2id, salted,
// OPSLIMIT/MEMLIMIT_INTERACTIVE: about 0.1-0.5 s and 64 MiB each).
Status validatePin(const std::string& pin);
Expected<std::string> hashPin(const std::string& pin);
bool pinMatches(const std::string& hash, const std::string& pin);

// Sign-in codes: 4 to 12 letters or digits, case-insensitive. The normalised (upper-case) code,
// or an error saying what is wrong with it.
Expected<std::string> normalizeSignInCode(const std::string& code);
// A real calendar date written YYYY-MM-DD (leap years included).
bool isCalendarDate(const std::string& date);

struct ProgramRecord {
    std::string id, title, definition;  // definition: the program file's JSON (an object)
    std::optional<Id> authorId;
    TimePoint updatedAt{};              // unset (epoch): the time of saving
};

struct Assignment {
    Id id = 0;
    Id patientId = 0;
    std::optional<Id> therapistId;
    std::string programId, definition;  // definition: the program's JSON as assigned (an object)
    std::string startDate;              // local calendar date, YYYY-MM-DD
    std::string notes;
    TimePoint assignedAt{};             // unset (epoch): the time of assigning
    std::optional<TimePoint> endedAt;   // replaced or withdrawn
};

class AccountStore {
public:
    explicit AccountStore(Database& db, LockoutPolicy policy = {});

    const LockoutPolicy& policy() const { return m_policy; }

    // name: non-empty once trimmed, at most 60 characters. pin: 4-8 digits, hashed; empty only for
    // a patient (no PIN). code: a unique sign-in code (4-12 letters/digits, case-insensitive,
    // stored upper-case); unset for a patient, one is generated (6 characters from an unambiguous
    // alphabet). therapistId (patients only) must be a therapist's profile.
    Expected<Id> createAccount(const std::string& name, Role role, const std::string& pin,
                               std::optional<std::string> code = {}, std::optional<Id> therapistId = {});
    // Any profile, archived ones included; an error when there is no such profile.
    Expected<Account> account(Id id) const;
    // Non-archived profiles (of one role), by name (case-insensitive).
    Expected<std::vector<Account>> accounts(std::optional<Role> role = {}) const;
    // Non-archived patients whose therapist is therapistId, by name.
    Expected<std::vector<Account>> patientsOf(Id therapistId) const;
    // The non-archived profile with that code (any case); nullopt when none or the code is malformed.
    Expected<std::optional<Account>> byCode(const std::string& code) const;

    // Checks the PIN at `now`. A wrong PIN counts atomically; the maxAttempts-th locks the profile
    // until now + lockFor and resets the counter; while locked even the right PIN is refused
    // (without checking it). The right PIN resets the counter. Archived profiles: NoSuchProfile.
    Expected<SignInResult> signIn(Id profileId, const std::string& pin, TimePoint now);
    // By sign-in code. Codes cannot be probed: maxAttempts unknown codes in a row (counted for the
    // whole database, atomically) lock sign-in by code for lockFor (LockedOut, for every code);
    // a known code resets the count.
    Expected<SignInResult> signInWithCode(const std::string& code, const std::string& pin, TimePoint now);
    // The same look-up without a PIN (for headless commands, which then ask for the PIN): Ok with
    // the account, NoSuchProfile (counted as above) or LockedOut.
    Expected<SignInResult> findByCode(const std::string& code, TimePoint now);

    // The fewest digits a new PIN may have here (4-8; default 4): a clinic can require 6 or more
    // (a 4-digit PIN falls to an offline search of a copy of the database in under an hour).
    Expected<int> minPinDigits() const;
    Status setMinPinDigits(int digits);

    // Leaving a kiosk: the therapist's PIN, with wrong tries counted and locked out apart from
    // sign-in (schema 4's exit_failed_pins, exit_locked_until), so a patient trying PINs at the kiosk
    // cannot lock the therapist out of signing in. Ok only for a therapist's right PIN.
    Expected<SignInResult> checkKioskExitPin(Id therapistId, const std::string& pin, TimePoint now);

    // Sets (or, for a patient, with an empty pin, removes) the PIN; clears wrong-PIN counts and any lock-out.
    Status setPin(Id profileId, const std::string& pin);
    // A therapist lifts a lock-out: counter and lock cleared.
    Status unlock(Id profileId);
    // The patient's therapist (nullopt: none). Must be a patient and a non-archived therapist.
    Status setTherapist(Id patientId, std::optional<Id> therapistId);
    Status rename(Id profileId, const std::string& name);
    // Hides the profile from lists and sign-in; its history stays.
    Status archive(Id profileId);

    // A profile sees itself; a therapist sees the patients whose therapist_id is theirs. An archived
    // viewer sees nothing. Error when either profile does not exist.
    Expected<bool> canView(Id viewerId, Id subjectId) const;
    // True when the installation needs sign-in: any (non-archived) profile has a PIN, or there is
    // more than one non-archived profile.
    Expected<bool> signInRequired() const;

    // Programs built in the app, shared by every kiosk through the database: upsert by id.
    // id and title non-empty, definition a JSON object.
    Status saveProgram(const ProgramRecord& p);
    // By title (case-insensitive).
    Expected<std::vector<ProgramRecord>> programs() const;
    Expected<std::optional<ProgramRecord>> program(const std::string& id) const;

    // Ends the patient's open assignment (ended_at = assignedAt) and adds the new one, in one
    // transaction. startDate must be a real YYYY-MM-DD date; patientId must be a non-archived
    // patient, therapistId (when set) a therapist; programId non-empty, definition a JSON object.
    Expected<Id> assign(const Assignment& a);
    // The newest open assignment.
    Expected<std::optional<Assignment>> currentAssignment(Id patientId) const;
    // Newest first, ended ones included.
    Expected<std::vector<Assignment>> assignments(Id patientId) const;

private:
    Expected<std::optional<Account>> find(Id id) const;
    Expected<std::optional<std::string>> pinHash(Id id) const;
    Status requireTherapist(Id id, const char* what) const;
    Status longEnough(const std::string& pin) const;  // 4-8 digits and at least minPinDigits()
    Expected<std::string> uniqueCode(const std::optional<std::string>& wanted, Role role) const;
    Expected<SignInResult> wrongPin(const Account& acc, TimePoint now);
    Expected<std::vector<Account>> listAccounts(const std::string& where, std::optional<Id> bindId,
                                                std::optional<std::string> bindText) const;

    Database& m_db;
    LockoutPolicy m_policy;
};

}  // namespace ptcoach::storage
