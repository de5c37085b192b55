#pragma once
// Helpers shared by the test binaries: where the shared data and the built binaries are, and how
// to skip a test whose data is absent.
#include <cstdlib>
#include <fstream>
#include <unistd.h>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sys/wait.h>
#include <string>

#include <catch2/catch.hpp>

namespace ptcoach::test {

inline std::filesystem::path sharedDir() {
    if (const char* e = std::getenv("PTCOACH_SHARED_DIR"); e && *e) return e;
    return PTCOACH_SHARED_DIR;
}
inline std::filesystem::path binDir() { return PTCOACH_BIN_DIR; }
// The checkout the tests were built from (for test data kept beside them, such as tests/eval).
inline std::filesystem::path sourceDir() { return PTCOACH_TEST_SOURCE_DIR; }

// A fresh, empty scratch directory for one test.
inline std::filesystem::path scratchDir(const std::string& name) {
    auto p = std::filesystem::path(PTCOACH_TEST_TMP) / name;
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    return p;
}

// The whole file as it is on disk (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs a shell command, returns its exit status (-1 if it could not run).
inline int run(const std::string& cmd) {
    int rc = std::system(cmd.c_str());
    if (rc == -1) return -1;
    if (WIFEXITED(rc)) return WEXITSTATUS(rc);
    return 128 + (WIFSIGNALED(rc) ? WTERMSIG(rc) : 0);
}

// Runs a shell command line on a private Xvfb display (the screen as WxHxDEPTH) and returns the
// command's own exit status. The shell inside xvfb-run writes that status to a file, so a failure
// of xvfb-run's own clean-up afterwards (its exit 5, seen on busy machines) is not taken for the
// app's. Each call starts looking for a free display at its own number, so parallel tests do not
// race for one.
inline int runUnderXvfb(const std::string& command, const std::string& screen) {
    static int calls = 0;
    ++calls;
    std::string tag = std::to_string(getpid()) + "_" + std::to_string(calls);
    auto dir = std::filesystem::path(PTCOACH_TEST_TMP) / "xvfb";
    std::filesystem::create_directories(dir);
    auto script = dir / ("run_" + tag + ".sh"), rcFile = dir / ("rc_" + tag);
    std::filesystem::remove(rcFile);
    {
        std::ofstream out(script);
        out << command << "\necho $? > '" << rcFile.string() << "'\n";
    }
    int display = 100 + static_cast<int>((getpid() * 7 + calls * 31) % 800);
    int rc = run("xvfb-run -a -n " + std::to_string(display) + " -s '-screen 0 " + screen + "' sh '" +
                 script.string() + "'");
    std::ifstream in(rcFile);
    int own = -1;
    if (in >> own) return own;
    return rc == 0 ? -1 : rc;  // xvfb-run failed before the command ran
}

}  // namespace ptcoach::test

// Skips the current test (CTest reports it as skipped through SKIP_RETURN_CODE 4) with a message,
// when data it needs is absent. Use only for missing external data, never to hide a failure.
#define PTCOACH_SKIP(msg)                                                        \
    do {                                                                         \
        std::cout << "SKIPPED: " << msg << std::endl;                            \
        std::exit(4);                                                            \
    } while (0)
