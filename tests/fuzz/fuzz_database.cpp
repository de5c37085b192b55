// The database opener (Database::open, and what the app reads first: the settings, the profiles,
// the history): any file gives a database or an error naming the file that leaves it untouched.
#include <chrono>
#include <string>

#include "fuzz_support.h"
#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/database.h"
#include "ptcoach/storage/session_store.h"

// PTCOACH_FUZZ_MAKE_SEED=FILE: writes the seed (a database with a patient, a setting and a
// session, as PT Coach writes them) and exits.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* seed = std::getenv("PTCOACH_FUZZ_MAKE_SEED");
    if (!seed) return 0;
    std::filesystem::remove(seed);
    auto db = ptcoach::storage::Database::open(seed);
    if (!db) {
        std::fprintf(stderr, "%s\n", db.error().message.c_str());
        std::exit(1);
    }
    ptcoach::storage::AccountStore accounts(**db);
    auto id = accounts.createAccount("Ana Silva", ptcoach::storage::Role::Patient, "1357", std::string("ANA001"));
    if (!id || !(*db)->setSetting("default_profile_id", std::to_string(*id))) std::exit(1);
    ptcoach::storage::SessionRecord r;
    r.profileId = *id;
    r.programId = "lifting_school";
    r.startedAt = r.endedAt = "2026-11-21T09:30:00Z";
    r.painBefore = 4;
    ptcoach::storage::ExerciseResultRecord x;
    x.exerciseId = "standing_curl";
    x.repsDone = 3;
    x.faults = {{"leaning_back", 2}};
    r.exercises.push_back(x);
    if (!ptcoach::storage::saveSession(**db, r)) std::exit(1);
    std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto file = ptcoach::fuzz::scratchFile("ptcoach.db");
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(file.string() + suffix, ec);
    ptcoach::fuzz::writeFile(file, data, size);
    auto db = ptcoach::storage::Database::open(file);
    if (!db) {
        ptcoach::fuzz::requireNamed(db.error().message, file.string());
        return 0;
    }
    (void)(*db)->setting("default_profile_id");
    ptcoach::storage::AccountStore accounts(**db);
    auto people = accounts.accounts(ptcoach::storage::Role::Patient);
    if (people)
        for (const auto& p : *people) {
            auto history = ptcoach::storage::listSessions(**db, p.id, 50);
            if (!history) ptcoach::fuzz::requireNamed(history.error().message, file.string());
        }
    return 0;
}
