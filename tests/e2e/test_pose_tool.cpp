// End-to-end: the real ptcoach-pose binary on real photos and video.
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;

namespace {
std::string tool() { return (ptcoach::test::binDir() / "ptcoach-pose").string(); }
fs::path frames() { return ptcoach::test::sharedDir() / "data" / "pose-frames"; }
using ptcoach::test::slurp;
void requireModelsAndData() {
    if (!fs::exists(frames())) PTCOACH_SKIP("shared data absent: " << frames());
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_lite.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
}
}  // namespace

TEST_CASE("ptcoach-pose writes landmarks JSON for a folder of photos, and nothing for no person") {
    requireModelsAndData();
    auto dir = ptcoach::test::scratchDir("pose_tool_folder");
    auto json = dir / "out.json";
    int rc = run(tool() + " --model lite --static --input '" + frames().string() + "' --json '" + json.string() +
                 "' --overlay '" + (dir / "ov.png").string() + "' 2> '" + (dir / "err.txt").string() + "'");
    INFO(slurp(dir / "err.txt"));
    REQUIRE(rc == 0);
    auto doc = nlohmann::json::parse(slurp(json));
    CHECK(doc["model"] == "lite");
    REQUIRE(doc["frames"].size() == 7);
    for (const auto& f : doc["frames"]) {
        INFO(f["source"]);
        CHECK(f["image_width"].get<int>() > 0);
        CHECK(f.contains("t_ms"));
        CHECK(f.contains("ms"));
        if (f["source"] == "no_person_fruits.png") {
            CHECK(f["person"] == false);
            CHECK(f["landmarks"].empty());
            CHECK(f["world"].empty());
        } else {
            CHECK(f["person"] == true);
            REQUIRE(f["landmarks"].size() == 33);
            REQUIRE(f["world"].size() == 33);
            CHECK(f["landmarks"][0].size() == 5);
            CHECK(f["world"][0].size() == 3);
            CHECK(f["score"].get<double>() > 0.5);
        }
    }
    // One overlay per frame, with the skeleton drawn (differs from the photo).
    cv::Mat ov = cv::imread((dir / "ov_standing_210.png").string());
    cv::Mat orig = cv::imread((frames() / "standing_210.png").string());
    REQUIRE_FALSE(ov.empty());
    REQUIRE(ov.size() == orig.size());
    CHECK(cv::norm(ov, orig, cv::NORM_L1) > 1000);
}

TEST_CASE("ptcoach-pose tracks through a video and writes an overlay video") {
    requireModelsAndData();
    auto video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    auto dir = ptcoach::test::scratchDir("pose_tool_video");
    auto json = dir / "out.json";
    int rc = run(tool() + " --model lite --input '" + video.string() + "' --json '" + json.string() +
                 "' --overlay '" + (dir / "ov.mp4").string() + "' 2> '" + (dir / "err.txt").string() + "'");
    INFO(slurp(dir / "err.txt"));
    REQUIRE(rc == 0);
    auto doc = nlohmann::json::parse(slurp(json));
    REQUIRE(doc["frames"].size() == 214);
    int people = 0, detectorRuns = 0;
    long long lastT = -1;
    for (const auto& f : doc["frames"]) {
        people += f["person"].get<bool>();
        detectorRuns += f["detector_ran"].get<bool>();
        CHECK(f["t_ms"].get<long long>() > lastT);
        lastT = f["t_ms"].get<long long>();
    }
    CHECK(people >= 200);
    // Tracking: the detector runs on the first frame and only again when the person is lost.
    CHECK(detectorRuns <= 5);
    CHECK(fs::file_size(dir / "ov.mp4") > 10000);
}

TEST_CASE("ptcoach-pose reports bad arguments and missing models clearly") {
    auto dir = ptcoach::test::scratchDir("pose_tool_errors");
    auto err = dir / "err.txt";
    CHECK(run(tool() + " --bogus 2> '" + err.string() + "'") == 2);
    CHECK_THAT(slurp(err), Catch::Contains("unknown option '--bogus'"));
    CHECK(run(tool() + " --input x.png 2> '" + err.string() + "'") == 2);
    CHECK_THAT(slurp(err), Catch::Contains("--json"));
    CHECK(run(tool() + " --input x.png --json o.json --bench zero 2> '" + err.string() + "'") == 2);
    CHECK(run(tool() + " --model full --model-dir '" + (dir / "nowhere").string() + "' --input x.png --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("not found") && Catch::Contains("setup.sh"));
    // A corrupt model file names the file.
    fs::create_directories(dir / "bad");
    for (const char* f : {"pose_detection.tflite", "pose_landmark_full.tflite"}) {
        std::ofstream out(dir / "bad" / f, std::ios::binary);
        out << "TFL3 but not really a model";
    }
    CHECK(run(tool() + " --model full --model-dir '" + (dir / "bad").string() + "' --input x.png --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("pose_detection.tflite"));
}
