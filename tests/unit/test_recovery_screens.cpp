// The real ptcoach binary on a data directory seeded through the library: the Recovery and
// Progress screens under Xvfb, timers after a restart (banner), and the headless exports.
// Screenshots are kept in <build>/test-tmp/recovery_screens/ to look at.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#include <stb/stb_image.h>

#include <fstream>
#include <unistd.h>

#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/recovery/thermal.h"
#include "ptcoach/storage/recovery_store.h"
#include "test_support.h"

using namespace ptcoach;
using namespace ptcoach::storage;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace ptcoach::test {
Id seedTwoWeeks(RecoveryStore& store, TimePoint now);
}

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }

using ptcoach::test::slurp;

int runApp(const std::string& args, const fs::path& log, bool xvfb = true) {
    REQUIRE(fs::exists(app()));  // built with the rest (ctest runs after a full build)
    std::string cmd = app() + " " + args + " > '" + log.string() + "' 2>&1";
    return xvfb ? ptcoach::test::runUnderXvfb(cmd, "1920x1080x24") : ptcoach::test::run(cmd);
}

struct Image {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
    bool empty() const { return rgb.empty(); }
};

Image load(const fs::path& p) {
    Image img;
    int n = 0;
    unsigned char* data = stbi_load(p.c_str(), &img.w, &img.h, &n, 3);
    if (!data) return img;
    img.rgb.assign(data, data + static_cast<size_t>(img.w) * img.h * 3);
    stbi_image_free(data);
    return img;
}

// Pixels close to an RGB colour.
int countColour(const Image& img, int r, int g, int b, int tol = 12) {
    int n = 0;
    for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
        if (std::abs(img.rgb[i] - r) <= tol && std::abs(img.rgb[i + 1] - g) <= tol && std::abs(img.rgb[i + 2] - b) <= tol) ++n;
    return n;
}

fs::path seeded(const std::string& name) {
    auto dir = ptcoach::test::scratchDir(name);
    auto db = Database::open(dir / "data" / "ptcoach.db");
    REQUIRE(db.ok());
    RecoveryStore store(**db);
    ptcoach::test::seedTwoWeeks(store, time_point_cast<seconds>(system_clock::now()));
    return dir;
}

}  // namespace

TEST_CASE("the progress and recovery screens draw two weeks of seeded history") {
    auto dir = seeded("recovery_screens");
    for (const char* screen : {"progress", "recovery"}) {
        auto shot = dir / (std::string(screen) + ".png");
        int rc = runApp("--data-dir '" + (dir / "data").string() + "' --screen " + screen + " --screenshot '" +
                            shot.string() + "' --frames 4",
                        dir / "log.txt");
        INFO(screen << ": " << slurp(dir / "log.txt"));
        REQUIRE(rc == 0);
        Image img = load(shot);
        REQUIRE_FALSE(img.empty());
        if (std::string(screen) == "progress") {
            // The chart colours of ChartStyle::dark: pain line (red), sessions / done bars (teal),
            // ROM (blue), quality (orange) and the streak dots (green).
            CHECK(countColour(img, 255, 120, 120) > 150);
            CHECK(countColour(img, 38, 166, 154) > 300);
            CHECK(countColour(img, 66, 133, 244) > 150);
            CHECK(countColour(img, 255, 167, 38) > 150);
            CHECK(countColour(img, 102, 187, 106) > 300);
        }
    }
}

TEST_CASE("an ice timer keeps its wall-clock time across a restart; one that ended while closed shows a banner") {
    auto dir = ptcoach::test::scratchDir("recovery_timer_restart");
    auto dbFile = dir / "data" / "ptcoach.db";
    Id appId = 0;
    {
        auto db = Database::open(dbFile);
        REQUIRE(db.ok());
        RecoveryStore store(**db);
        Id pid = store.ensureDefaultProfile().value();
        Episode e;
        e.profileId = pid;
        e.onsetAt = time_point_cast<seconds>(system_clock::now() - hours(5));
        e.pain = 7;
        REQUIRE(store.addEpisode(e).ok());
        recovery::ThermalTimers timers(store, pid);
        // Started 17 minutes ago for 15 minutes: it ended while the app was "closed".
        appId = timers.start(recovery::Thermal::Ice, 15, system_clock::now() - minutes(17)).value();
    }
    auto shot = dir / "home.png";
    int rc = runApp("--data-dir '" + (dir / "data").string() + "' --screenshot '" + shot.string() + "' --frames 3",
                    dir / "log.txt");
    INFO(slurp(dir / "log.txt"));
    REQUIRE(rc == 0);
    Image img = load(shot);
    REQUIRE_FALSE(img.empty());
    // The alert banner (dark orange with an orange border) over the home screen.
    CHECK(countColour(img, 120, 62, 10, 4) > 5000);
    // And the app recorded the end at the planned time.
    auto db = Database::open(dbFile);
    REQUIRE(db.ok());
    RecoveryStore store(**db);
    auto apps = store.thermalApplications(store.ensureDefaultProfile().value()).value();
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].id == appId);
    REQUIRE(apps[0].endedAt.has_value());
    CHECK(*apps[0].endedAt - apps[0].startedAt == minutes(15));
}

TEST_CASE("the headless --export-csv and --report flags work without a display") {
    auto dir = seeded("recovery_headless");
    auto pdf = dir / "out" / "report.pdf";
    // No DISPLAY at all: the exports must not touch SDL.
    int rc = runApp("--data-dir '" + (dir / "data").string() + "' --export-csv '" + (dir / "csv").string() +
                        "' --report '" + pdf.string() + "'",
                    dir / "log.txt", false);
    INFO(slurp(dir / "log.txt"));
    REQUIRE(rc == 0);
    CHECK(fs::exists(dir / "csv" / "episodes.csv"));
    CHECK(fs::exists(dir / "csv" / "exercise_results.csv"));
    REQUIRE(fs::exists(pdf));
    REQUIRE(ptcoach::test::run("pdftoppm -r 60 -png -f 1 -l 1 '" + pdf.string() + "' '" + (dir / "report").string() +
                               "' 2>/dev/null") == 0);
    Image page = load(dir / "report-1.png");
    REQUIRE_FALSE(page.empty());
    // The charts are on the page: the light style's pain red and session teal.
    CHECK(countColour(page, 211, 47, 47, 30) > 20);
    CHECK(countColour(page, 0, 137, 123, 30) > 50);

    CHECK(runApp("--report out.txt", dir / "log2.txt", false) == 2);
    CHECK_THAT(slurp(dir / "log2.txt"), Catch::Contains("must end in .pdf"));
    // A corrupt database is reported, not overwritten.
    auto bad = ptcoach::test::scratchDir("recovery_headless_bad");
    { std::ofstream(bad / "ptcoach.db") << std::string(5000, 'x'); }
    CHECK(runApp("--data-dir '" + bad.string() + "' --report '" + (bad / "r.pdf").string() + "'", bad / "log.txt", false) == 1);
    CHECK_THAT(slurp(bad / "log.txt"), Catch::Contains("left untouched"));
    CHECK(fs::file_size(bad / "ptcoach.db") == 5000);
}

TEST_CASE("a red flag in the current episode stops the guided session in the app") {
    auto video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    if (!fs::exists(video)) PTCOACH_SKIP("shared data absent: " << video);
    auto dir = ptcoach::test::scratchDir("recovery_blocks_session");
    {
        auto db = Database::open(dir / "data" / "ptcoach.db");
        REQUIRE(db.ok());
        RecoveryStore store(**db);
        Id pid = store.ensureDefaultProfile().value();
        Episode e;
        e.profileId = pid;
        e.onsetAt = time_point_cast<seconds>(system_clock::now()) - hours(30);
        e.pain = 6;
        Id eid = store.addEpisode(e).value();
        recovery::Answers answers;
        for (const auto& id : recovery::questionIds(recovery::ListKind::Full)) answers[id] = id == "bladder_bowel";
        auto outcome = recovery::recordScreen(store, pid, eid, recovery::ListKind::Full,
                                              recovery::questionIds(recovery::ListKind::Full), answers,
                                              time_point_cast<seconds>(system_clock::now()));
        REQUIRE(outcome.ok());
        REQUIRE(outcome->emergency);
    }
    // Driven by a video to its end: the session does not start, nothing is saved, exit code 3.
    auto log = dir / "log.txt";
    int rc = runApp("--data-dir '" + (dir / "data").string() + "' --video '" + video.string() +
                        "' --screen session --program lifting_school --exercise standing_curl --exit-after-video "
                        "--mute --pose-model lite --screenshot '" + (dir / "blocked.png").string() + "' --frames 2",
                    log);
    INFO(slurp(log));
    CHECK(rc == 3);
    CHECK_THAT(slurp(log), Catch::Contains("no session") && Catch::Contains("emergency"));
    // The stop screen is drawn (red heading), and no session reached the history.
    Image img = load(dir / "blocked.png");
    REQUIRE_FALSE(img.empty());
    CHECK(countColour(img, 255, 120, 120) > 200);
    auto db = Database::open(dir / "data" / "ptcoach.db");
    REQUIRE(db.ok());
    RecoveryStore store(**db);
    CHECK(runApp("--data-dir '" + (dir / "data").string() + "' --list-sessions", dir / "sessions.txt", false) == 0);
    CHECK(slurp(dir / "sessions.txt").find("lifting_school") == std::string::npos);
}
