#pragma once
// Helpers shared by the test binaries: where the shared data and the built binaries are, and how
// to skip a test whose data is absent.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sys/wait.h>
#include <string>

#include <catch2/catch.hpp>

namespace ptcoach::test {

inline std::filesystem::path sharedDir() {
    if (const char* e = std::getenv("PTCOACH_SHARED_DIR"); e && *e) return e;
    return PTCOACH_SHARED_DIR;
}
inline std::filesystem::path binDir() { return PTCOACH_BIN_DIR; }

// A fresh, empty scratch directory for one test.
inline std::filesystem::path scratchDir(const std::string& name) {
    auto p = std::filesystem::path(PTCOACH_TEST_TMP) / name;
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    return p;
}

// Runs a shell command, returns its exit status (-1 if it could not run).
inline int run(const std::string& cmd) {
    int rc = std::system(cmd.c_str());
    if (rc == -1) return -1;
    if (WIFEXITED(rc)) return WEXITSTATUS(rc);
    return 128 + (WIFSIGNALED(rc) ? WTERMSIG(rc) : 0);
}

}  // namespace ptcoach::test

// Skips the current test (CTest reports it as skipped through SKIP_RETURN_CODE 4) with a message,
// when data it needs is absent. Use only for missing external data, never to hide a failure.
#define PTCOACH_SKIP(msg)                                                        \
    do {                                                                         \
        std::cout << "SKIPPED: " << msg << std::endl;                            \
        std::exit(4);                                                            \
    } while (0)
