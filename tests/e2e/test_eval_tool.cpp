// End-to-end: ptcoach-eval on the shared manifest of real recordings (tests/eval/shared.json), with
// the floors its figures may not drop below; a floor that is not met fails; the view is side on
// every frame of the side-on curl video with each pose model.
#include <fstream>

#include <nlohmann/json.hpp>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;
using ptcoach::test::slurp;

namespace {
std::string evalTool() { return (ptcoach::test::binDir() / "ptcoach-eval").string(); }
std::string analyzeTool() { return (ptcoach::test::binDir() / "ptcoach-analyze").string(); }
// the checkout's tests/eval
fs::path manifest() { return ptcoach::test::sourceDir() / "tests" / "eval" / "shared.json"; }
fs::path data() { return ptcoach::test::sharedDir() / "data"; }

void needSharedAndModels() {
    if (!fs::exists(data() / "floor") || !fs::exists(data() / "videos" / "standing_curl_side.mp4"))
        PTCOACH_SKIP("shared data absent: " << data() << " (the evaluation needs the real recordings)");
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_full.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
}
}  // namespace

TEST_CASE("ptcoach-eval on the shared manifest: every real recording right, no figure below its floor") {
    needSharedAndModels();
    auto dir = ptcoach::test::scratchDir("eval_shared");
    auto json = dir / "eval.json", out = dir / "out.txt";
    int rc = run(evalTool() + " '" + manifest().string() + "' --root '" + data().string() + "' --json '" + json.string() +
                 "' > '" + out.string() + "' 2>&1");
    INFO(slurp(out));
    CHECK(rc == 0);
    CHECK_THAT(slurp(out), Catch::Contains("floors: all met"));
    auto j = nlohmann::json::parse(slurp(json));
    const auto& o = j["overall"];
    CHECK(o["rep_entries"] == 8);
    CHECK(o["reps_within"] == 8);    // every clip within one of its count
    CHECK(o["holds_within"] == 1);
    CHECK(o["form"]["leaning_back"]["balanced_accuracy"].get<double>() >= 0.9);
    CHECK(o["view_right"].get<double>() >= 0.97);
    CHECK(o["view_wrong"].get<double>() == 0.0);
    CHECK(j["timer_only"].size() <= 2);
    CHECK(j["floors_passed"] == true);
    for (const auto& e : j["entries"]) {
        INFO(e["id"]);
        if (e.contains("reps_ok")) CHECK(e["reps_ok"] == true);
    }
}

TEST_CASE("ptcoach-eval fails when a figure drops below its floor, and names it; bad manifests are errors") {
    needSharedAndModels();
    auto dir = ptcoach::test::scratchDir("eval_floor");
    // The shared manifest's curl entry, with floors the figures cannot reach.
    auto doc = nlohmann::json::parse(slurp(manifest()));
    nlohmann::json one = doc;
    one["entries"] = nlohmann::json::array();
    for (const auto& e : doc["entries"])
        if (e["id"] == "standing_curl_side") one["entries"].push_back(e);
    REQUIRE(one["entries"].size() == 1);
    one["floors"] = {{"form", {{"leaning_back", 1.0}}}, {"reps_within", 2}};
    one.erase("root");
    auto m = dir / "m.json";
    std::ofstream(m) << one.dump(1);
    auto out = dir / "out.txt";
    int rc = run(evalTool() + " '" + m.string() + "' --root '" + data().string() + "' > '" + out.string() + "' 2>&1");
    INFO(slurp(out));
    CHECK(rc == 1);
    CHECK_THAT(slurp(out), Catch::Contains("BELOW THE FLOOR: leaning_back: balanced accuracy") &&
                               Catch::Contains("the floor is 1.000") && Catch::Contains("BELOW THE FLOOR: reps within 1: 1 entries"));
    // A bad manifest says where.
    one["entries"][0]["reps"] = "nine";
    std::ofstream(m) << one.dump(1);
    rc = run(evalTool() + " '" + m.string() + "' > '" + out.string() + "' 2>&1");
    CHECK(rc == 2);
    CHECK_THAT(slurp(out), Catch::Contains("m.json: $.entries[0].reps: expected a count or {\"min\", \"max\"}"));
    one["entries"][0]["reps"] = 9;
    one["entries"][0]["input"] = "videos/nothing_here.mp4";
    std::ofstream(m) << one.dump(1);
    rc = run(evalTool() + " '" + m.string() + "' --root '" + data().string() + "' > '" + out.string() + "' 2>&1");
    CHECK(rc == 2);
    CHECK_THAT(slurp(out), Catch::Contains("entry 'standing_curl_side'") && Catch::Contains("nothing_here.mp4: no such file"));
}

TEST_CASE("the view of the side-on curl video is side on every frame, with the lite, full and heavy models") {
    needSharedAndModels();
    auto dir = ptcoach::test::scratchDir("eval_view");
    auto video = data() / "videos" / "standing_curl_side.mp4";
    for (const char* model : {"lite", "full", "heavy"}) {
        INFO(model);
        auto json = dir / (std::string(model) + ".json");
        REQUIRE(run(analyzeTool() + " --exercise standing_curl --model " + model + " --per-frame --input '" + video.string() +
                    "' --json '" + json.string() + "' 2> /dev/null") == 0);
        auto j = nlohmann::json::parse(slurp(json));
        int side = 0, front = 0;
        for (const auto& f : j["frames"]) side += f["view"] == "side", front += f["view"] == "front";
        CHECK(front == 0);  // the lite model read "front" for 0.6 s before the estimate used depth
        CHECK(side == static_cast<int>(j["frames"].size()));
        for (const auto& v : j["view_problems"]) CHECK(v["code"] != "wrong_view");
    }
}
