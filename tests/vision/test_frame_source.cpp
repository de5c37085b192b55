#include <algorithm>
#include <fstream>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "ptcoach/vision/capture_worker.h"
#include "ptcoach/vision/frame_source.h"
#include "ptcoach/vision/mailbox.h"
#include "test_support.h"

using namespace ptcoach::vision;
namespace fs = std::filesystem;

namespace {
void writeImage(const fs::path& p, int value) {
    cv::Mat m(48, 64, CV_8UC3, cv::Scalar(value, value, value));
    REQUIRE(cv::imwrite(p.string(), m));
}
}  // namespace

TEST_CASE("a folder of images is read in name order with rising timestamps") {
    auto dir = ptcoach::test::scratchDir("frames_folder");
    writeImage(dir / "b.png", 20);
    writeImage(dir / "a.png", 10);
    writeImage(dir / "c.jpg", 30);
    { std::ofstream(dir / "notes.txt") << "not an image"; }
    auto src = openFrameSource(sourceForPath(dir));
    REQUIRE(src.ok());
    CHECK((*src)->frameCount() == 3);
    Frame f;
    std::vector<std::string> names;
    int64_t lastT = -1;
    while ((*src)->read(f) == ReadResult::Frame) {
        names.push_back(f.source);
        CHECK(f.tMs > lastT);
        lastT = f.tMs;
        CHECK(f.image.type() == CV_8UC3);
    }
    CHECK(names == std::vector<std::string>{"a.png", "b.png", "c.jpg"});
}

TEST_CASE("a looping folder starts again and its timestamps keep rising") {
    auto dir = ptcoach::test::scratchDir("frames_loop");
    writeImage(dir / "a.png", 10);
    writeImage(dir / "b.png", 20);
    auto src = openFrameSource(sourceForPath(dir, /*loop=*/true));
    REQUIRE(src.ok());
    Frame f;
    int64_t lastT = -1;
    for (int i = 0; i < 5; ++i) {
        REQUIRE((*src)->read(f) == ReadResult::Frame);
        CHECK(f.tMs > lastT);
        lastT = f.tMs;
    }
    CHECK(f.source == "a.png");
}

TEST_CASE("missing and unreadable sources are clear errors, not crashes") {
    auto dir = ptcoach::test::scratchDir("frames_errors");
    auto missing = openFrameSource(sourceForPath(dir / "nope.mp4"));
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error().message, Catch::Contains("nope.mp4") && Catch::Contains("does not exist"));

    { std::ofstream(dir / "broken.mp4") << "this is not a video"; }
    auto broken = openFrameSource(sourceForPath(dir / "broken.mp4"));
    if (broken.ok()) {  // some backends open anything and fail on the first read
        Frame f;
        CHECK((*broken)->read(f) == ReadResult::Error);
        CHECK_THAT((*broken)->lastError(), Catch::Contains("broken.mp4"));
    } else {
        CHECK_THAT(broken.error().message, Catch::Contains("broken.mp4"));
    }

    fs::create_directories(dir / "empty");
    auto empty = openFrameSource(sourceForPath(dir / "empty"));
    REQUIRE_FALSE(empty.ok());
    CHECK_THAT(empty.error().message, Catch::Contains("holds no images"));

    SourceOptions cam;
    cam.kind = SourceKind::Camera;
    cam.cameraIndex = 57;  // no machine has this many cameras
    auto c = openFrameSource(cam);
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.error().message, Catch::Contains("camera 57"));
}

TEST_CASE("a video file delivers its frames with timestamps at its frame rate") {
    auto dir = ptcoach::test::scratchDir("frames_video");
    auto file = dir / "clip.avi";
    {
        cv::VideoWriter w(file.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(64, 48));
        REQUIRE(w.isOpened());
        for (int i = 0; i < 12; ++i) w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(i * 20, 0, 0)));
    }
    auto src = openFrameSource(sourceForPath(file));
    REQUIRE(src.ok());
    CHECK((*src)->fps() == Approx(10.0));
    Frame f;
    int n = 0;
    while ((*src)->read(f) == ReadResult::Frame) {
        CHECK(f.tMs == n * 100);
        ++n;
    }
    CHECK(n == 12);

    auto looped = openFrameSource(sourceForPath(file, /*loop=*/true));
    REQUIRE(looped.ok());
    int64_t lastT = -1;
    for (int i = 0; i < 30; ++i) {
        REQUIRE((*looped)->read(f) == ReadResult::Frame);
        CHECK(f.tMs > lastT);
        lastT = f.tMs;
    }
}

TEST_CASE("the shared exercise video opens and plays at 10 fps") {
    auto video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    if (!fs::exists(video)) PTCOACH_SKIP("shared data absent: " << video);
    auto src = openFrameSource(sourceForPath(video));
    REQUIRE(src.ok());
    Frame f;
    int n = 0;
    cv::Size size;
    while ((*src)->read(f) == ReadResult::Frame) {
        if (n == 0) size = f.image.size();
        CHECK(f.image.size() == size);
        CHECK(f.tMs == n * 100);
        ++n;
    }
    CHECK(size.width > 0);
    CHECK(n == 214);
}

TEST_CASE("the capture worker hands the newest processed frame to a mailbox") {
    auto dir = ptcoach::test::scratchDir("frames_worker");
    for (int i = 0; i < 4; ++i) writeImage(dir / cv::format("f%d.png", i), i * 40);
    std::atomic<int> processed{0};
    CaptureWorker worker(sourceForPath(dir), [&](CapturedFrame& cf) {
        ++processed;
        cf.frame.source += "+processed";
    }, /*paceToFps=*/false);
    for (int i = 0; i < 500 && worker.state() != WorkerState::Ended; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(worker.state() == WorkerState::Ended);
    CHECK(processed == 4);
    auto last = worker.frames().take();
    REQUIRE(last.has_value());
    CHECK(last->frame.source == "f3.png+processed");
    CHECK_FALSE(worker.frames().take().has_value());
    CHECK(worker.frames().posted() == 4);

    CaptureWorker failing(sourceForPath(dir / "missing.mp4"));
    for (int i = 0; i < 500 && failing.state() == WorkerState::Starting; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(failing.state() == WorkerState::Failed);
    CHECK_THAT(failing.error(), Catch::Contains("missing.mp4"));
}

TEST_CASE("the mailbox counts the values overwritten before they were taken") {
    ptcoach::vision::Mailbox<int> box;
    box.post(1);
    box.post(2);  // 1 was never taken
    CHECK(box.dropped() == 1);
    CHECK(box.take().value_or(0) == 2);
    box.post(3);  // the slot was empty: nothing dropped
    CHECK(box.dropped() == 1);
    CHECK(box.posted() == 3);
}

// Run under ThreadSanitizer in CI ("sanitizers: tsan capture worker and mailbox").
TEST_CASE("the mailbox hands values from one thread to another, newest first, none torn") {
    ptcoach::vision::Mailbox<std::vector<int>> box;
    constexpr int kPosts = 20000;
    std::thread producer([&] {
        for (int i = 1; i <= kPosts; ++i) box.post(std::vector<int>(16, i));
    });
    int last = 0;
    long taken = 0;
    while (last < kPosts) {
        if (auto v = box.take()) {
            REQUIRE(v->size() == 16u);
            REQUIRE(std::all_of(v->begin(), v->end(), [&](int x) { return x == v->front(); }));
            REQUIRE(v->front() > last);  // never an older value after a newer one
            last = v->front();
            ++taken;
        }
    }
    producer.join();
    CHECK(box.posted() == static_cast<unsigned long long>(kPosts));
    CHECK(taken >= 1);
}
