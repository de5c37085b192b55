// End-to-end: what the person gets from the real binaries when what they hand them is wrong
// (a pipe in place of a file, a huge file, a read-only folder, a full disk...): a clear error that
// says what and where, promptly, and no lost data.
#include <sys/stat.h>

#include <fstream>

#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;
using ptcoach::test::slurp;

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }

}  // namespace

// formatOf() opened the file and read it before anything was checked: a FIFO blocked forever.
TEST_CASE("import: a FIFO is refused at once, not waited on") {
    auto dir = ptcoach::test::scratchDir("e2e_import_fifo");
    auto fifo = dir / "program.json";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    auto log = dir / "log.txt";
    int rc = run("timeout 20 " + app() + " --data-dir '" + (dir / "data").string() + "' --import '" + fifo.string() +
                 "' > '" + log.string() + "' 2>&1");
    INFO(slurp(log));
    CHECK(rc == 1);  // 124: timeout killed it
    CHECK_THAT(slurp(log), Catch::Contains(fifo.string() + ": is a pipe (FIFO), not a program or assignment file"));
}

// 20 MB of '[' took 1.55 GB to parse before the size was looked at; 50 MB under a memory limit
// ended in std::bad_alloc and an abort.
TEST_CASE("import: a 50 MB file is refused by its size before it is read, within a memory limit") {
    auto dir = ptcoach::test::scratchDir("e2e_import_huge");
    auto huge = dir / "program.json";
    {
        std::ofstream out(huge, std::ios::binary);
        std::string chunk(1 << 20, '[');
        for (int i = 0; i < 50; ++i) out << chunk;
    }
    auto log = dir / "log.txt";
    int rc = run("ulimit -v 1500000; timeout 60 " + app() + " --data-dir '" + (dir / "data").string() +
                 "' --import '" + huge.string() + "' > '" + log.string() + "' 2>&1");
    INFO(slurp(log));
    CHECK(rc == 1);
    CHECK_THAT(slurp(log), Catch::Contains(huge.string() + ": is 52428800 bytes, too large for a program or "
                                                            "assignment file (at most 1048576)"));
}
