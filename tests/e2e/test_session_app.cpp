// End-to-end: the real ptcoach app runs the guided session under Xvfb, driven by a real recorded
// video of standing arm curls: the screen shows the person with the skeleton, the rep counter and
// a cue; run to the video's end, the count matches the video and the summary is in the history.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

#include "ptcoach/core/paths.h"
#include "test_support.h"
#include "video_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }
using ptcoach::test::curlVideo;
using ptcoach::test::needVideoAndModels;
using ptcoach::test::slurp;
int underXvfb(const std::string& args, const fs::path& log) {
    return ptcoach::test::runUnderXvfb(app() + " " + args + " > '" + log.string() + "' 2>&1", "1920x1080x24");
}
// Pixels within `tol` of a colour (BGR) inside a region.
int countColour(const cv::Mat& img, cv::Rect r, cv::Vec3b bgr, int tol = 18) {
    int n = 0;
    r &= cv::Rect(0, 0, img.cols, img.rows);
    for (int y = r.y; y < r.y + r.height; ++y)
        for (int x = r.x; x < r.x + r.width; ++x) {
            cv::Vec3b p = img.at<cv::Vec3b>(y, x);
            if (std::abs(p[0] - bgr[0]) <= tol && std::abs(p[1] - bgr[1]) <= tol && std::abs(p[2] - bgr[2]) <= tol) ++n;
        }
    return n;
}

}  // namespace

TEST_CASE("ptcoach --list-programs prints one program id per line, every file in programs/programs") {
    auto dir = ptcoach::test::scratchDir("e2e_list_programs");
    REQUIRE(run(app() + " --list-programs > '" + (dir / "out.txt").string() + "' 2>&1") == 0);
    std::vector<std::string> lines, files;
    std::istringstream in(slurp(dir / "out.txt"));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    for (const auto& e : fs::directory_iterator(ptcoach::programsDir() / "programs")) files.push_back(e.path().stem().string());
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 6);
    CHECK(lines == files);
}

TEST_CASE("the session screen, driven by a real video, shows the person, the skeleton, the counter and a cue") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_session_replay");
    auto shot = dir / "session.png";
    int rc = underXvfb("--data-dir '" + (dir / "data").string() + "' --video '" + curlVideo().string() +
                           "' --pose-model lite --mute --screen session --program lifting_school --exercise standing_curl "
                           "--screenshot '" + shot.string() + "' --frames 40",
                       dir / "log.txt");
    INFO(slurp(dir / "log.txt"));
    REQUIRE(rc == 0);
    cv::Mat img = cv::imread(shot.string());
    REQUIRE_FALSE(img.empty());
    CHECK(img.cols == 1280);
    cv::Rect picture(0, 70, img.cols * 64 / 100, 560), side(img.cols * 64 / 100, 70, img.cols * 36 / 100, 300);
    // the person: the video's picture fills the left (many colours, real contrast)
    cv::Mat grey;
    cv::cvtColor(img(picture), grey, cv::COLOR_BGR2GRAY);
    cv::Scalar mean, sd;
    cv::meanStdDev(grey, mean, sd);
    CHECK(sd[0] > 25);
    // the skeleton: joint dots on the person (green when the form is fine, red on a fault)
    int joints = countColour(img, picture, {106, 187, 102}) + countColour(img, picture, {70, 70, 255});
    CHECK(joints > 300);
    // the counter: its ring (the track, and teal as reps are counted) with the count in white inside
    CHECK(countColour(img, side, {86, 68, 60}) + countColour(img, side, {154, 166, 38}) > 1000);
    cv::Rect middle(img.cols * 78 / 100, 190, img.cols * 8 / 100, 100);
    CHECK(countColour(img, middle, {255, 255, 255}, 30) > 150);
    // what the person reads: the counter and a cue (the banner under the picture, clear of the person)
    std::ofstream(dir / "read.script") << "wait-for Start the session\nclick 2\nclick None of these\nclick Start the session\n"
                                           "click Start now\nwait-for Cue: 20\nwait-for Reps: 1 of 10 30\ndump "
                                        << (dir / "read.txt").string() << "\nquit\n";
    rc = underXvfb("--data-dir '" + (dir / "data2").string() + "' --video '" + curlVideo().string() +
                       "' --pose-model lite --mute --screen session --program lifting_school --exercise standing_curl "
                       "--script '" + (dir / "read.script").string() + "'",
                   dir / "log2.txt");
    INFO(slurp(dir / "log2.txt"));
    CHECK(rc == 0);
    std::string read = slurp(dir / "read.txt");
    INFO(read);
    CHECK(std::regex_search(read, std::regex("text\tCue: \\w+")));
    CHECK(std::regex_search(read, std::regex("text\tReps: \\d+ of 10")));
}

TEST_CASE("a session run to the end of a real video counts its curls and is saved to the history") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_session_to_end");
    auto data = dir / "data";
    auto shot = dir / "summary.png";
    int rc = underXvfb("--data-dir '" + data.string() + "' --video '" + curlVideo().string() +
                           "' --pose-model lite --mute --screen session --program lifting_school --exercise standing_curl "
                           "--exit-after-video --screenshot '" + shot.string() + "'",
                       dir / "log.txt");
    std::string log = slurp(dir / "log.txt");
    INFO(log);
    REQUIRE(rc == 0);
    // The analysis counts 8 curls in this video (a careful count by hand gives 8-9: one is partial).
    std::smatch m;
    REQUIRE(std::regex_search(log, m, std::regex("standing_curl: (\\d+) of 10 reps")));
    int reps = std::stoi(m[1]);
    CHECK(reps >= 8);
    CHECK(reps <= 9);
    CHECK_THAT(log, Catch::Contains("session saved as #1"));
    CHECK(fs::exists(shot));
    // The history has it, read back by a second run of the app.
    REQUIRE(run(app() + " --data-dir '" + data.string() + "' --list-sessions > '" + (dir / "history.txt").string() +
                "' 2>&1") == 0);
    std::string history = slurp(dir / "history.txt");
    INFO(history);
    CHECK_THAT(history, Catch::Contains("lifting_school") &&
                            Catch::Contains("standing_curl=" + std::to_string(reps) + "/10") &&
                            Catch::Contains("camera=1") && Catch::Contains("completed=0"));
}

TEST_CASE("bad --program / --exercise values and --exit-after-video without a video are clear errors") {
    auto dir = ptcoach::test::scratchDir("e2e_session_flags");
    auto log = dir / "out.txt";
    CHECK(run(app() + " --program 'Bad Id' > '" + log.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(log), Catch::Contains("--program: 'Bad Id' is not a program id"));
    CHECK(run(app() + " --exit-after-video > '" + log.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(log), Catch::Contains("--exit-after-video needs --video"));
    CHECK(run(app() + " --exercise > '" + log.string() + "' 2>&1") == 2);
}
