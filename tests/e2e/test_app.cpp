// End-to-end: the real ptcoach binary, under Xvfb, renders real frames and saves its window.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <unistd.h>
#include <map>
#include <set>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::binDir;
using ptcoach::test::run;

namespace {

std::string app() { return (binDir() / "ptcoach").string(); }

// Runs ptcoach under a private Xvfb server.
int runUnderXvfb(const std::string& args, const fs::path& log) {
    return ptcoach::test::runUnderXvfb(app() + " " + args + " > '" + log.string() + "' 2>&1", "1920x1080x24");
}

using ptcoach::test::slurp;

// Not blank: many distinct colours and real contrast.
void checkNotBlank(const cv::Mat& img) {
    cv::Mat grey;
    cv::cvtColor(img, grey, cv::COLOR_BGR2GRAY);
    cv::Scalar mean, stddev;
    cv::meanStdDev(grey, mean, stddev);
    CHECK(stddev[0] > 8.0);
    cv::Mat small;
    cv::resize(img, small, cv::Size(320, 180), 0, 0, cv::INTER_NEAREST);
    std::set<int> colours;
    for (int y = 0; y < small.rows; ++y)
        for (int x = 0; x < small.cols; ++x) {
            cv::Vec3b p = small.at<cv::Vec3b>(y, x);
            colours.insert((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3));
        }
    CHECK(colours.size() > 40);
}

}  // namespace

TEST_CASE("the help flag prints usage and exits 0") {
    auto dir = ptcoach::test::scratchDir("e2e_help");
    CHECK(run(app() + " --help > '" + (dir / "out.txt").string() + "' 2>&1") == 0);
    std::string out = slurp(dir / "out.txt");
    CHECK_THAT(out, Catch::Contains("--screenshot") && Catch::Contains("--video") && Catch::Contains("--kiosk"));
}

TEST_CASE("an unknown flag or a bad value is a clear error with exit code 2") {
    auto dir = ptcoach::test::scratchDir("e2e_badflag");
    auto log = dir / "out.txt";
    CHECK(run(app() + " --frobnicate > '" + log.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(log), Catch::Contains("unknown option '--frobnicate'"));
    CHECK(run(app() + " --frames many > '" + log.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(log), Catch::Contains("--frames"));
    CHECK(run(app() + " --camera -3 > '" + log.string() + "' 2>&1") == 2);
    CHECK(run(app() + " --screen nowhere > '" + log.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(log), Catch::Contains("unknown screen 'nowhere'"));
    CHECK(run(app() + " --screenshot shot.jpg > '" + log.string() + "' 2>&1") == 2);
    CHECK(run(app() + " --data-dir > '" + log.string() + "' 2>&1") == 2);
}

TEST_CASE("the home screen renders under Xvfb and is saved at the window's size") {
    auto dir = ptcoach::test::scratchDir("e2e_home");
    auto shot = dir / "home.png";
    int rc = runUnderXvfb("--data-dir '" + (dir / "data").string() + "' --screenshot '" + shot.string() +
                              "' --frames 5",
                          dir / "log.txt");
    INFO(slurp(dir / "log.txt"));
    REQUIRE(rc == 0);
    cv::Mat img = cv::imread(shot.string(), cv::IMREAD_COLOR);
    REQUIRE_FALSE(img.empty());
    CHECK(img.cols == 1280);
    CHECK(img.rows == 720);
    checkNotBlank(img);
    CHECK(fs::exists(dir / "data" / "ptcoach.db"));
}

// Each screen checked by what it shows (its title and a control of its own), not only by the size
// of a screenshot.
TEST_CASE("every screen opens directly and the window size option sets the screenshot size") {
    auto dir = ptcoach::test::scratchDir("e2e_screens");
    const std::pair<const char*, const char*> screens[] = {{"session", "Lifting school"},
                                                          {"programs", "Take in a file from your therapist"},
                                                          {"recovery", "Save episode"},
                                                          {"progress", "Save report for my clinician"},
                                                          {"therapist", "Sign in as a therapist"}};
    const std::map<std::string, std::string> titles = {{"session", "Guided session"}, {"programs", "Programs"},
                                                       {"recovery", "Recovery"}, {"progress", "Progress"},
                                                       {"therapist", "Therapist"}};
    for (const auto& [screen, control] : screens) {
        auto shot = dir / (std::string(screen) + ".png");
        auto seen = dir / (std::string(screen) + ".txt");
        std::ofstream(dir / "s.script") << "wait-for " << control << "\nscreenshot " << shot.string() << "\ndump "
                                        << seen.string() << "\nquit\n";
        int rc = runUnderXvfb("--mute --data-dir '" + (dir / "data").string() + "' --window-size 1024x640 --screen " +
                                  screen + " --script '" + (dir / "s.script").string() + "'",
                              dir / "log.txt");
        INFO(screen << ": " << slurp(dir / "log.txt"));
        REQUIRE(rc == 0);
        std::string text = slurp(seen);
        INFO(text);
        CHECK_THAT(text, Catch::Contains("text\t" + titles.at(screen) + "\n") && Catch::Contains(control));
        cv::Mat img = cv::imread(shot.string(), cv::IMREAD_COLOR);
        REQUIRE_FALSE(img.empty());
        CHECK(img.cols == 1024);
        CHECK(img.rows == 640);
    }
}

TEST_CASE("a missing video is shown as an error on screen, not a crash") {
    auto dir = ptcoach::test::scratchDir("e2e_missing_video");
    auto clip = dir / "no-such-clip.mp4";
    auto seen = dir / "camera.txt";
    std::ofstream(dir / "s.script") << "wait-for No picture from video\ndump " << seen.string() << "\nquit\n";
    int rc = runUnderXvfb("--mute --data-dir '" + (dir / "data").string() + "' --screen camera --video '" +
                              clip.string() + "' --script '" + (dir / "s.script").string() + "'",
                          dir / "log.txt");
    INFO(slurp(dir / "log.txt"));
    REQUIRE(rc == 0);
    std::string text = slurp(seen);
    INFO(text);
    CHECK_THAT(text, Catch::Contains("text\tNo picture from video " + clip.string()));
    CHECK_THAT(text, Catch::Contains("text\tvideo file " + clip.string() + " does not exist"));
}

TEST_CASE("the camera screen shows frames of a video given with --video") {
    auto video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    if (!fs::exists(video)) PTCOACH_SKIP("shared data absent: " << video);
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_full.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
    auto dir = ptcoach::test::scratchDir("e2e_video");
    auto shot = dir / "camera.png";
    int rc = runUnderXvfb("--data-dir '" + (dir / "data").string() + "' --screen camera --video '" + video.string() +
                              "' --screenshot '" + shot.string() + "' --frames 3",
                          dir / "log.txt");
    INFO(slurp(dir / "log.txt"));
    REQUIRE(rc == 0);
    cv::Mat img = cv::imread(shot.string(), cv::IMREAD_COLOR);
    REQUIRE_FALSE(img.empty());
    // The video's picture fills the middle of the window: real photo texture, not the flat UI.
    cv::Mat centre = img(cv::Rect(img.cols / 4, img.rows / 4, img.cols / 2, img.rows / 2));
    checkNotBlank(centre);
    // The pose pipeline ran on the worker: the skeleton's orange (left) and teal (right) joints are
    // drawn on the person.
    cv::Mat orange, teal;
    cv::inRange(img, cv::Scalar(28, 157, 245), cv::Scalar(48, 177, 255), orange);
    cv::inRange(img, cv::Scalar(144, 156, 28), cv::Scalar(164, 176, 48), teal);
    CHECK(cv::countNonZero(orange) > 30);
    CHECK(cv::countNonZero(teal) > 30);
}
