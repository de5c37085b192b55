// End-to-end: the real ptcoach-analyze binary on a real video, on real labelled landmarks, and on
// bad input.
#include <algorithm>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;

namespace {
std::string tool() { return (ptcoach::test::binDir() / "ptcoach-analyze").string(); }
using ptcoach::test::slurp;
fs::path squatCsv() { return ptcoach::test::sharedDir() / "data" / "exercise-correction" / "squat_train.csv"; }
bool overlaps(const nlohmann::json& faults, const std::string& code, long long from, long long to) {
    for (const auto& f : faults)
        if (f["code"] == code && f["start_ms"].get<long long>() <= to && f["end_ms"].get<long long>() >= from) return true;
    return false;
}
}  // namespace

TEST_CASE("ptcoach-analyze counts the curls in a real video, end to end, and sees the leaning back") {
    auto video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    if (!fs::exists(video)) PTCOACH_SKIP("shared data absent: " << video);
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_lite.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
    auto dir = ptcoach::test::scratchDir("analyze_tool_video");
    auto json = dir / "out.json";
    int rc = run(tool() + " --exercise standing_curl --model lite --per-frame --input '" + video.string() +
                 "' --json '" + json.string() + "' 2> '" + (dir / "err.txt").string() + "'");
    INFO(slurp(dir / "err.txt"));
    REQUIRE(rc == 0);
    auto doc = nlohmann::json::parse(slurp(json));
    // Counted by hand, frame by frame: 9 curls (peaks near frames 22, 44, 68, 90, 110, 130, 160, 184,
    // 203 at 10 fps); the one at frame 68 is a partial curl and the one at 110 swings the upper
    // arm up with little elbow bend.
    CHECK(doc["exercise"] == "standing_curl");
    CHECK(doc["reps"].get<int>() >= 8);
    CHECK(doc["reps"].get<int>() <= 10);
    CHECK(doc["frames"].size() == 214);
    // Leaning back while curling: frames ~154-167 and ~198-211; not in the first curls.
    CHECK(overlaps(doc["faults"], "leaning_back", 15400, 16700));
    CHECK(overlaps(doc["faults"], "leaning_back", 19800, 21100));
    CHECK_FALSE(overlaps(doc["faults"], "leaning_back", 0, 14000));
    CHECK(doc["view_problems"].empty());
    for (const auto& e : doc["rep_events"]) {
        CHECK(e["end_ms"].get<long long>() > e["start_ms"].get<long long>());
        CHECK(e["rom"].get<double>() > 20);
        CHECK(e["quality"].get<int>() >= 0);
        CHECK(e["quality"].get<int>() <= 100);
    }
}

TEST_CASE("ptcoach-analyze counts real squats labelled by an outside project") {
    if (!fs::exists(squatCsv())) PTCOACH_SKIP("shared data absent: " << squatCsv());
    // Truth: down->up transitions whose down run began after an up run (the file starts mid-squat).
    std::ifstream in(squatCsv());
    std::string line, prev;
    std::getline(in, line);
    int truth = 0;
    bool sawUp = false;
    while (std::getline(in, line)) {
        std::string label = line.substr(0, line.find(','));
        if (prev == "down" && label == "up" && sawUp) ++truth;
        if (label == "up") sawUp = true;
        prev = label;
    }
    CHECK(truth == 36);
    auto dir = ptcoach::test::scratchDir("analyze_tool_squat");
    auto json = dir / "out.json";
    int rc = run(tool() + " --exercise squat --per-frame --input '" + squatCsv().string() + "' --json '" +
                 json.string() + "' 2> '" + (dir / "err.txt").string() + "'");
    INFO(slurp(dir / "err.txt"));
    REQUIRE(rc == 0);
    auto doc = nlohmann::json::parse(slurp(json));
    CHECK(std::abs(doc["reps"].get<int>() - truth) <= 1);
    CHECK(doc["frames"].size() == 4160);
    CHECK(doc["view_problems"].empty());  // the file has no feet: unknown, not out of the picture

    // --static: every row on its own; its phase agrees with the outside labels on most rows.
    rc = run(tool() + " --exercise squat --static --per-frame --input '" + squatCsv().string() + "' --json '" +
             json.string() + "' 2> '" + (dir / "err.txt").string() + "'");
    REQUIRE(rc == 0);
    auto st = nlohmann::json::parse(slurp(json));
    CHECK(st["reps"] == 0);
    std::ifstream in2(squatCsv());
    std::getline(in2, line);
    int agree = 0, n = 0;
    for (const auto& f : st["frames"]) {
        std::getline(in2, line);
        std::string label = line.substr(0, line.find(','));
        std::string phase = f["phase"];
        if (phase == "moving") continue;  // between the thresholds: neither
        ++n;
        agree += (label == "up") == (phase == "rest");
    }
    CHECK(agree > 0.85 * n);
}

TEST_CASE("ptcoach-analyze: posture and lifting analyses, and the exercise list") {
    if (!fs::exists(squatCsv())) PTCOACH_SKIP("shared data absent: " << squatCsv());
    auto dir = ptcoach::test::scratchDir("analyze_tool_posture");
    auto json = dir / "out.json";
    REQUIRE(run(tool() + " --exercise posture --input '" + squatCsv().string() + "' --json '" + json.string() +
                "' 2> /dev/null") == 0);
    auto p = nlohmann::json::parse(slurp(json));
    CHECK(p["exercise"] == "posture");
    // Squats: half the frames stand, the deep ones look like sitting (thighs level).
    CHECK(p["posture"]["standing_frames"].get<int>() > 1000);
    CHECK(p["posture"]["sitting_frames"].get<int>() > 1000);
    CHECK(p["posture"]["view"] == "front");
    // What cannot be judged is not, and says why: a forward head needs the ears, which this
    // landmark set leaves out (and the side view, which its first clip shows at an angle).
    bool forwardHeadNotJudged = false;
    for (const auto& c : p["checks"])
        if (c["code"] == "forward_head")
            forwardHeadNotJudged = c["judged_frames"] == 0 && c.value("not_judged", "") == "needs the head, which the input does not have";
    CHECK(forwardHeadNotJudged);
    // The lifting check: what the person reads (the summary line, the cues and why a check was not
    // judged), and that it agrees with the JSON.
    auto said = dir / "lifting.txt";
    REQUIRE(run(tool() + " --exercise lifting --input '" + squatCsv().string() + "' --json '" + json.string() +
                "' 2> '" + said.string() + "'") == 0);
    auto l = nlohmann::json::parse(slurp(json));
    CHECK(l["exercise"] == "lifting");
    REQUIRE(l["lifts"].is_array());
    std::string summary = slurp(said);
    CHECK_THAT(summary, Catch::Contains("lifting: " + std::to_string(l["reps"].get<int>()) + " reps, " +
                                        std::to_string(l["faults"].size()) + " faults, " +
                                        std::to_string(l["view_problems"].size()) + " view problems, 4160 frames"));
    // Much of it is filmed from the front, where a lift's back cannot be judged: the person is told
    // to turn sideways, and each lifting check says why it was not judged when it was not.
    bool toldToTurn = false;
    for (const auto& v : l["view_problems"])
        toldToTurn = toldToTurn || (v["code"] == "wrong_view" && v["message"] == "Turn sideways to the camera");
    CHECK(toldToTurn);
    for (const auto& c : l["checks"]) {
        INFO(c.dump());
        CHECK((c["judged_frames"].get<int>() > 0 || !c.value("not_judged", "").empty()));
    }
    for (const auto& lift : l["lifts"]) {
        INFO(lift.dump());
        CHECK(lift["end_ms"].get<long>() > lift["start_ms"].get<long>());
        CHECK((lift["style"] == "squat" || lift["style"] == "stoop"));
    }
}

TEST_CASE("ptcoach-analyze --list-exercises prints one id per line: every exercise file, then posture and lifting") {
    auto dir = ptcoach::test::scratchDir("analyze_tool_list");
    REQUIRE(run(tool() + " --list-exercises > '" + (dir / "list.txt").string() + "'") == 0);
    std::ifstream in(dir / "list.txt");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(ptcoach::programsDir() / "exercises"))
        if (e.path().extension() == ".json") files.push_back(e.path().stem().string());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 24);
    files.push_back("posture");
    files.push_back("lifting");
    CHECK(lines == files);
    for (const auto& l : lines) CHECK(l.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
}

TEST_CASE("ptcoach-analyze reports bad arguments and malformed input clearly") {
    auto dir = ptcoach::test::scratchDir("analyze_tool_errors");
    auto err = dir / "err.txt";
    CHECK(run(tool() + " --bogus 2> '" + err.string() + "'") == 2);
    CHECK_THAT(slurp(err), Catch::Contains("unknown option '--bogus'"));
    CHECK(run(tool() + " --exercise squat --input x.csv 2> '" + err.string() + "'") == 2);
    CHECK_THAT(slurp(err), Catch::Contains("--json"));
    CHECK(run(tool() + " --exercise nope --input x.csv --json o.json 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("unknown exercise 'nope'") && Catch::Contains("squat"));
    {
        std::ofstream csv(dir / "bad.csv");
        csv << "# image_width=640 image_height=480\nt_ms,x0,y0,z0,v0\n0,0.5,0.5,0,1\n33,0.5,0.5,0\n";
    }
    CHECK(run(tool() + " --exercise squat --input '" + (dir / "bad.csv").string() + "' --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("bad.csv:4") && Catch::Contains("expected 5 values"));
    {
        std::ofstream js(dir / "bad.json");
        js << "{\"frames\": [{\"t_ms\": 0, \"person\": \"yes\"}]}";
    }
    CHECK(run(tool() + " --exercise squat --input '" + (dir / "bad.json").string() + "' --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("$.frames[0].person"));
    CHECK(run(tool() + " --exercise squat --input '" + (dir / "missing.csv").string() + "' --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("missing.csv: no such file"));
}

// It used to end in "terminate called ... out_of_range.406" (exit 134).
TEST_CASE("ptcoach-analyze: a pose JSON with a number outside a double's range is an error, not an abort") {
    auto dir = ptcoach::test::scratchDir("e2e_analyze_number_range");
    auto err = dir / "err.txt";
    {
        std::ofstream js(dir / "huge.json");
        js << "{\"frames\": [{\"t_ms\": 0, \"person\": false}, {\"t_ms\": 1e309, \"person\": false}]}";
    }
    CHECK(run(tool() + " --exercise squat --input '" + (dir / "huge.json").string() + "' --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("huge.json:1:") && Catch::Contains("at $.frames[1].t_ms") &&
                               Catch::Contains("outside the range a double can hold"));
}

TEST_CASE("ptcoach-analyze --exercise ../../x is refused as not an exercise id") {
    auto dir = ptcoach::test::scratchDir("e2e_analyze_bad_id");
    auto err = dir / "err.txt";
    CHECK(run(tool() + " --exercise ../../etc/passwd --input '" + (dir / "none.csv").string() + "' --json '" +
              (dir / "o.json").string() + "' 2> '" + err.string() + "'") == 1);
    CHECK_THAT(slurp(err), Catch::Contains("'../../etc/passwd' is not an exercise id"));
}

TEST_CASE("ptcoach-analyze --measures writes what a rule is calibrated from, and why a hold is not running") {
    auto clip = ptcoach::test::sharedDir() / "data" / "floor" / "pushup_side_tayyab.pose.json";
    if (!fs::exists(clip)) PTCOACH_SKIP("shared data absent: " << clip);
    auto dir = ptcoach::test::scratchDir("analyze_tool_measures");
    auto json = dir / "out.json", err = dir / "err.txt";
    REQUIRE(run(tool() + " --exercise front_plank --per-frame --measures body_line,upper_arm_inclination:min --input '" +
                clip.string() + "' --json '" + json.string() + "' 2> '" + err.string() + "'") == 0);
    auto j = nlohmann::json::parse(slurp(json));
    int tops = 0, bottomsWithWhy = 0;
    for (const auto& f : j["frames"]) {
        if (!f.contains("measures")) continue;
        auto bl = f["measures"]["body_line"];
        if (f["phase"] == "hold" && bl.is_number()) {
            ++tops;
            CHECK(bl.get<double>() > -10);  // a straight-arm plank: hips in line
            CHECK(bl.get<double>() < 25);
        }
        if (f["phase"] == "setup" || f["phase"] == "paused")
            bottomsWithWhy += f.value("why", "") == "Rest on your forearms, elbows under your shoulders";
    }
    CHECK(tops > 100);
    CHECK(bottomsWithWhy > 50);  // the push-up's bottoms: the upper arm is not under the shoulder
    CHECK(run(tool() + " --exercise front_plank --per-frame --measures elbow_bend --input '" + clip.string() +
              "' --json '" + json.string() + "' 2> '" + err.string() + "'") == 2);
    CHECK_THAT(slurp(err), Catch::Contains("--measures: 'elbow_bend' is not a measure[:side]"));
    CHECK(run(tool() + " --exercise front_plank --min-visibility 2 --input '" + clip.string() + "' --json '" +
              json.string() + "' 2> '" + err.string() + "'") == 2);
    CHECK_THAT(slurp(err), Catch::Contains("--min-visibility expects a number from 0 to 1"));
}
