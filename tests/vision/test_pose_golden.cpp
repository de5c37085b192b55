// Golden tests: our BlazePose pipeline against the landmarks Google's own MediaPipe Pose produced
// for real photos (../shared/data/pose-frames/reference-*.json).
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ptcoach/core/paths.h"
#include "ptcoach/vision/pose_estimator.h"
#include "test_support.h"

using namespace ptcoach::vision;
namespace fs = std::filesystem;

namespace {

fs::path framesDir() { return ptcoach::test::sharedDir() / "data" / "pose-frames"; }

void requireData(const std::string& model) {
    if (!fs::exists(framesDir() / ("reference-" + model + ".json")))
        PTCOACH_SKIP("shared data absent: " << (framesDir() / ("reference-" + model + ".json")));
    if (!fs::exists(ptcoach::modelDir() / ("pose_landmark_" + model + ".tflite")))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
}

std::unique_ptr<PoseEstimator> makeEstimator(const std::string& model) {
    PoseEstimatorOptions o;
    o.model = model;
    o.staticImages = true;
    auto e = PoseEstimator::create(o);
    INFO((e ? std::string() : e.error().message));
    REQUIRE(e.ok());
    return std::move(e).value();
}

struct Diff {
    double sum = 0;
    int n = 0;
    double mean() const { return n ? sum / n : 0; }
};

// Mean absolute difference in x and y (fractions of the image size) over landmarks the reference
// calls visible.
Diff compare(const PoseResult& ours, const nlohmann::json& refLandmarks) {
    Diff d;
    for (int i = 0; i < kNumPoseLandmarks; ++i) {
        const auto& r = refLandmarks[i];
        if (r["visibility"].get<double>() < 0.5) continue;
        d.sum += std::abs(ours.landmarks[i].x - r["x"].get<double>());
        d.sum += std::abs(ours.landmarks[i].y - r["y"].get<double>());
        d.n += 2;
    }
    return d;
}

void goldenForModel(const std::string& model) {
    requireData(model);
    std::ifstream in(framesDir() / ("reference-" + model + ".json"));
    auto ref = nlohmann::json::parse(in);
    auto est = makeEstimator(model);
    Diff all;
    for (const auto& im : ref["images"]) {
        std::string file = im["file"];
        cv::Mat img = cv::imread((framesDir() / file).string(), cv::IMREAD_COLOR);
        REQUIRE_FALSE(img.empty());
        PoseResult r = est->detectImage(img);
        INFO(model << " " << file);
        REQUIRE(r.person == im["detected"].get<bool>());
        if (!r.person) continue;
        Diff d = compare(r, im["landmarks"]);
        WARN(model << " " << file << ": mean |d| = " << d.mean() << " over " << d.n / 2 << " visible landmarks");
        CHECK(d.mean() <= 0.01);
        all.sum += d.sum;
        all.n += d.n;
        // World landmarks: metres around the hips, close to MediaPipe's.
        double wsum = 0;
        int wn = 0;
        for (int i = 0; i < kNumPoseLandmarks; ++i) {
            if (im["landmarks"][i]["visibility"].get<double>() < 0.5) continue;
            const auto& w = im["world_landmarks"][i];
            wsum += std::abs(r.world[i].x - w["x"].get<double>()) + std::abs(r.world[i].y - w["y"].get<double>());
            wn += 2;
        }
        CHECK(wsum / std::max(wn, 1) <= 0.02);
    }
    WARN(model << ": mean |d| over all frames = " << all.mean());
    CHECK(all.mean() <= 0.01);
}

}  // namespace

TEST_CASE("lite landmarks match MediaPipe's within 0.01 of the image size") { goldenForModel("lite"); }
TEST_CASE("full landmarks match MediaPipe's within 0.01 of the image size") { goldenForModel("full"); }
TEST_CASE("heavy landmarks match MediaPipe's within 0.01 of the image size") { goldenForModel("heavy"); }

TEST_CASE("an image with no person finds none") {
    requireData("full");
    auto est = makeEstimator("full");
    cv::Mat img = cv::imread((framesDir() / "no_person_fruits.png").string(), cv::IMREAD_COLOR);
    REQUIRE_FALSE(img.empty());
    PoseResult r = est->detectImage(img);
    CHECK_FALSE(r.person);
    // A flat grey frame has nobody in it either.
    PoseResult grey = est->detectImage(cv::Mat(480, 640, CV_8UC3, cv::Scalar(128, 128, 128)));
    CHECK_FALSE(grey.person);
}

TEST_CASE("a frame rotated by 90 degrees gives the same landmarks after un-rotating") {
    requireData("full");
    auto est = makeEstimator("full");
    for (const char* file : {"jumping_jack_000.png", "standing_210.png", "curl_side_120.png"}) {
        cv::Mat img = cv::imread((framesDir() / file).string(), cv::IMREAD_COLOR);
        REQUIRE_FALSE(img.empty());
        PoseResult upright = est->detectImage(img);
        REQUIRE(upright.person);
        for (int turn : {cv::ROTATE_90_CLOCKWISE, cv::ROTATE_90_COUNTERCLOCKWISE}) {
            cv::Mat rotated;
            cv::rotate(img, rotated, turn);
            PoseResult r = est->detectImage(rotated);
            INFO(file << (turn == cv::ROTATE_90_CLOCKWISE ? " clockwise" : " counter-clockwise"));
            REQUIRE(r.person);
            double sum = 0;
            int n = 0;
            for (int i = 0; i < kNumPoseLandmarks; ++i) {
                if (upright.landmarks[i].visibility < 0.5) continue;
                // Clockwise: (x, y) -> (1 - y, x); counter-clockwise: (x, y) -> (y, 1 - x).
                double x = turn == cv::ROTATE_90_CLOCKWISE ? r.landmarks[i].y : 1.0 - r.landmarks[i].y;
                double y = turn == cv::ROTATE_90_CLOCKWISE ? 1.0 - r.landmarks[i].x : r.landmarks[i].x;
                sum += std::abs(x - upright.landmarks[i].x) + std::abs(y - upright.landmarks[i].y);
                n += 2;
            }
            REQUIRE(n > 0);
            WARN(file << " rotated: mean |d| = " << sum / n);
            CHECK(sum / n <= 0.02);
        }
    }
}
