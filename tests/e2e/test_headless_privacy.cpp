// End-to-end: the headless commands (--list-sessions, --export-csv, --report, --import) on a
// profile with a PIN, and on a clinic's database. They used to give anyone any patient's history
// (and write into their profile) by name or code, and listed every patient's name in an error.
#include <fstream>

#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/database.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::storage::AccountStore;
using ptcoach::storage::Role;
using ptcoach::test::run;
using ptcoach::test::slurp;

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }

// Runs ptcoach with no terminal on stdin; its output (both streams) and exit code.
int runApp(const fs::path& dir, const std::string& args, std::string& out) {
    auto log = dir / "out.txt";
    int rc = run(app() + " --data-dir '" + (dir / "data").string() + "' " + args + " < /dev/null > '" + log.string() +
                 "' 2>&1");
    out = slurp(log);
    return rc;
}

}  // namespace

TEST_CASE("headless: a patient's PIN is needed for their history, a wrong one counts towards the lock-out") {
    auto dir = ptcoach::test::scratchDir("e2e_headless_pin");
    {
        auto db = ptcoach::storage::Database::open(dir / "data" / "ptcoach.db");
        REQUIRE(db.ok());
        AccountStore acc(**db);
        REQUIRE(acc.createAccount("Ana Silva", Role::Patient, "1357", std::string("ANA001")).ok());
    }
    std::string out;
    CHECK(runApp(dir, "--list-sessions", out) == 1);
    CHECK_THAT(out, Catch::Contains("Ana Silva has a PIN: give it with --pin PIN (there is no terminal to ask on)"));
    CHECK(runApp(dir, "--list-sessions --profile ana001 --pin 9999", out) == 1);
    CHECK_THAT(out, Catch::Contains("sign-in of Ana Silva refused: Wrong PIN: 4 tries left"));
    CHECK(runApp(dir, "--export-csv '" + (dir / "csv").string() + "' --pin 1111", out) == 1);
    CHECK_FALSE(fs::exists(dir / "csv"));
    CHECK(runApp(dir, "--list-sessions --pin 1357", out) == 0);
    INFO(out);
    CHECK_THAT(out, !Catch::Contains("refused"));
}

TEST_CASE("headless: a clinic's database needs a therapist's sign-in, sees only their patients and names nobody") {
    auto dir = ptcoach::test::scratchDir("e2e_headless_clinic");
    {
        auto db = ptcoach::storage::Database::open(dir / "data" / "ptcoach.db");
        REQUIRE(db.ok());
        AccountStore acc(**db);
        auto rivera = acc.createAccount("Dr Rivera", Role::Therapist, "2468");
        auto park = acc.createAccount("Dr Park", Role::Therapist, "8642");
        REQUIRE(rivera.ok());
        REQUIRE(park.ok());
        REQUIRE(acc.createAccount("Ana Silva", Role::Patient, "", std::string("ANA001"), *rivera).ok());
        REQUIRE(acc.createAccount("Ben Okafor", Role::Patient, "", std::string("BEN002"), *park).ok());
    }
    std::string out;
    CHECK(runApp(dir, "--list-sessions --profile 'Ana Silva'", out) == 1);
    CHECK_THAT(out, Catch::Contains("this is a clinic's database: a therapist signs in for this with --therapist NAME"));
    CHECK(runApp(dir, "--list-sessions --therapist 'Dr Rivera'", out) == 1);
    CHECK_THAT(out, Catch::Contains("Dr Rivera has a PIN: give it with --pin PIN"));
    CHECK(runApp(dir, "--list-sessions --therapist 'dr rivera' --pin 2468", out) == 1);
    CHECK_THAT(out, Catch::Contains("choose one with --profile NAME or CODE"));
    CHECK_THAT(out, !Catch::Contains("Ana") && !Catch::Contains("Ben"));
    CHECK(runApp(dir, "--list-sessions --therapist 'Dr Rivera' --pin 2468 --profile BEN002", out) == 1);
    CHECK_THAT(out, Catch::Contains("BEN002 is not a patient of Dr Rivera"));
    CHECK(runApp(dir, "--list-sessions --therapist 'Dr Rivera' --pin 2468 --profile ANA001", out) == 0);
    CHECK(runApp(dir, "--import '" + (dir / "x.json").string() + "' --therapist 'Dr Park' --pin 1111 --profile BEN002",
                  out) == 1);
    CHECK_THAT(out, Catch::Contains("sign-in of Dr Park refused: Wrong PIN"));
}

// Codes could be probed without limit.
TEST_CASE("headless: unknown sign-in codes are rate-limited like PINs") {
    auto dir = ptcoach::test::scratchDir("e2e_headless_codes");
    {
        auto db = ptcoach::storage::Database::open(dir / "data" / "ptcoach.db");
        REQUIRE(db.ok());
        AccountStore acc(**db);
        REQUIRE(acc.createAccount("Ana Silva", Role::Patient, "", std::string("ANA001")).ok());
        REQUIRE(acc.createAccount("Ben Okafor", Role::Patient, "", std::string("BEN002")).ok());
    }
    std::string out;
    for (const char* guess : {"AAA001", "AAA002", "AAA003", "AAA004"}) {
        CHECK(runApp(dir, std::string("--list-sessions --profile ") + guess, out) == 1);
        CHECK_THAT(out, Catch::Contains("no patient named or with the code"));
    }
    CHECK(runApp(dir, "--list-sessions --profile AAA005", out) == 1);
    CHECK_THAT(out, Catch::Contains("Too many unknown sign-in codes: sign-in by code is locked until"));
    // Locked for every code now, the right one too.
    CHECK(runApp(dir, "--list-sessions --profile ANA001", out) == 1);
    CHECK_THAT(out, Catch::Contains("locked until"));
}
