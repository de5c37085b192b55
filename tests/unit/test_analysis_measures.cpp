// Geometry and measures on synthetic bodies with known joint angles; landmark readers; exercise files.
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/analysis/landmark_io.h"
#include "ptcoach/analysis/measures.h"
#include "ptcoach/analysis/synthetic.h"
#include "ptcoach/analysis/view.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/core/json_check.h"
#include "test_support.h"

using namespace ptcoach::analysis;
using Catch::Matchers::Contains;

namespace {
float m(const char* name, const LandmarkFrame& f, SideMode mode = SideMode::Best) {
    auto ref = findMeasure(name);
    REQUIRE(ref);
    auto v = measure(*ref, mode, f);
    REQUIRE(v);
    return *v;
}
bool visible(const char* name, const LandmarkFrame& f, SideMode mode = SideMode::Best) {
    return measure(*findMeasure(name), mode, f).has_value();
}
}  // namespace

TEST_CASE("joint angles and inclinations come back from the angles a body was posed with") {
    SyntheticCamera side{CameraView::LeftSide, 1280, 720};
    for (float knee : {0.f, 45.f, 90.f}) {
        BodyPose p = squatPose(knee, 20);
        p.elbowFlex = {70, 70};
        p.shoulderFlex = {30, 30};
        auto f = synthesizeFrame(p, side, 0);
        INFO("knee flexion " << knee);
        CHECK(m("knee_angle", f) == Approx(180 - knee).margin(1.0));
        CHECK(m("knee_angle_3d", f) == Approx(180 - knee).margin(1.0));
        CHECK(m("elbow_angle", f) == Approx(110).margin(1.0));
        CHECK(m("shoulder_angle", f) == Approx(30).margin(1.0));
        CHECK(m("trunk_inclination", f) == Approx(20).margin(1.0));
        CHECK(m("trunk_lean_forward", f) == Approx(20).margin(1.0));
    }
    // Aspect correction: the same body in a 4:3 and a 16:9 picture measures the same.
    auto a = synthesizeFrame(squatPose(60, 10), {CameraView::RightSide, 640, 480}, 0);
    auto b = synthesizeFrame(squatPose(60, 10), {CameraView::RightSide, 1920, 1080}, 0);
    CHECK(m("knee_angle", a) == Approx(m("knee_angle", b)).margin(0.5));
    // Leaning back reads negative whichever way the person faces.
    BodyPose back;
    back.trunk = -15;
    CHECK(m("trunk_lean_forward", synthesizeFrame(back, {CameraView::LeftSide}, 0)) == Approx(-15).margin(1));
    CHECK(m("trunk_lean_forward", synthesizeFrame(back, {CameraView::RightSide}, 0)) == Approx(-15).margin(1));
}

TEST_CASE("front-view measures: lean, level shoulders and pelvis, knees caving, twist, symmetry") {
    SyntheticCamera front{CameraView::Front};
    BodyPose p;
    CHECK(m("shoulder_tilt", synthesizeFrame(p, front, 0)) < 0.5f);
    CHECK(m("trunk_lateral_lean", synthesizeFrame(p, front, 0)) < 0.5f);
    CHECK(m("twist", synthesizeFrame(p, front, 0)) < 0.5f);
    p.lateralLean = 12;
    auto f = synthesizeFrame(p, front, 0);
    CHECK(m("trunk_lateral_lean", f) == Approx(12).margin(1));
    CHECK(m("lateral_lean_toward", f, SideMode::Left) == Approx(12).margin(1));
    CHECK(m("lateral_lean_toward", f, SideMode::Right) == Approx(-12).margin(1));
    BodyPose t;
    t.twist = 30;
    CHECK(m("twist", synthesizeFrame(t, front, 0)) == Approx(30).margin(1));
    CHECK(m("twist", synthesizeFrame(t, {CameraView::LeftSide}, 0)) == Approx(30).margin(1));
    BodyPose lvl;
    lvl.pelvisDrop = 0.04f;
    lvl.shoulderDrop = 0.05f;
    auto g = synthesizeFrame(lvl, front, 0);
    CHECK(m("pelvis_tilt", g) > 8);
    CHECK(m("shoulder_tilt", g) > 6);
    BodyPose valgus = squatPose(70, 20);
    valgus.kneeIn = {0.06f, 0.0f};
    auto v = synthesizeFrame(valgus, front, 0);
    CHECK(m("knee_inward", v, SideMode::Left) > 0.07f);
    CHECK(m("knee_inward", v, SideMode::Right) == Approx(0).margin(0.01));
    BodyPose curl;
    curl.elbowFlex = {100, 10};
    CHECK(m("elbow_angle_3d_asymmetry", synthesizeFrame(curl, front, 0)) == Approx(90).margin(1));
}

TEST_CASE("a measure whose landmarks are not visible says so instead of giving a number") {
    auto f = synthesizeFrame(squatPose(60, 10), {CameraView::LeftSide}, 0);
    CHECK(visible("knee_angle", f, SideMode::Left));
    f.points[lm::LeftKnee].visibility = 0.2f;
    CHECK_FALSE(visible("knee_angle", f, SideMode::Left));
    CHECK(visible("knee_angle", f, SideMode::Best));  // the other knee is still seen
    f.points[lm::RightKnee].visibility = 0.2f;
    CHECK_FALSE(visible("knee_angle", f, SideMode::Best));
    LandmarkFrame empty;
    CHECK_FALSE(visible("trunk_inclination", empty));
    auto noWorld = synthesizeFrame(BodyPose{}, {CameraView::Front, 640, 480, 0.75f, 0, 0.95f, 0.8f, false}, 0);
    CHECK_FALSE(visible("twist", noWorld));
}

TEST_CASE("the view is recognised: front or side, and which side is nearer") {
    CHECK(estimateView(synthesizeFrame(BodyPose{}, {CameraView::Front}, 0)) == View::Front);
    auto l = synthesizeFrame(BodyPose{}, {CameraView::LeftSide}, 0);
    CHECK(estimateView(l) == View::Side);
    CHECK(nearSide(l) == BodySide::Left);
    CHECK(nearSide(synthesizeFrame(BodyPose{}, {CameraView::RightSide}, 0)) == BodySide::Right);
    ViewCheckOptions o;
    o.need = ViewNeed::Side;
    o.sideToCamera = BodySide::Right;
    o.landmarks = {lm::LeftHip, lm::LeftKnee, lm::LeftAnkle};
    auto st = checkView(l, o, View::Side);
    CHECK(std::count(st.problems.begin(), st.problems.end(), "wrong_side") == 1);
    auto fr = checkView(synthesizeFrame(BodyPose{}, {CameraView::Front}, 0), o, View::Front);
    CHECK(std::count(fr.problems.begin(), fr.problems.end(), "wrong_view") == 1);
    SyntheticCamera far{CameraView::LeftSide};
    far.bodyFill = 0.15f;
    auto fa = checkView(synthesizeFrame(BodyPose{}, far, 0), o, View::Side);
    CHECK(std::count(fa.problems.begin(), fa.problems.end(), "too_far") == 1);
    SyntheticCamera close{CameraView::LeftSide};
    close.bodyFill = 1.6f;
    o.landmarks.push_back(lm::LeftShoulder);
    auto cl = checkView(synthesizeFrame(BodyPose{}, close, 0), o, View::Side);
    CHECK(std::count(cl.problems.begin(), cl.problems.end(), "not_in_frame") == 1);
    CHECK(std::count(cl.problems.begin(), cl.problems.end(), "too_close") == 1);
}

TEST_CASE("landmark CSV: both header forms, the image size line, and errors with line numbers") {
    auto f = synthesizeFrame(squatPose(40, 10), {CameraView::LeftSide, 800, 600}, 0);
    LandmarkSequence seq;
    seq.frames = {f, f};
    seq.frames[1].tMs = 40;
    std::stringstream ss;
    writeLandmarkCsv(ss, seq);
    auto back = readLandmarkCsv(ss, "mem.csv");
    REQUIRE(back.ok());
    REQUIRE(back->frames.size() == 2);
    CHECK(back->frames[0].imageWidth == 800);
    CHECK(back->frames[1].tMs == 40);
    CHECK(back->frames[0].points[lm::LeftKnee].x == Approx(f.points[lm::LeftKnee].x).margin(1e-4));

    std::stringstream named("label,left_hip_x,left_hip_y,left_hip_z,left_hip_v\nup,0.5,0.5,0,0.9\ndown,0.5,0.6,0,0.9\n");
    auto n = readLandmarkCsv(named, "named.csv", {25.0});
    REQUIRE(n.ok());
    CHECK(n->labels == std::vector<std::string>{"up", "down"});
    CHECK(n->frames[1].tMs == 40);
    CHECK(n->frames[0].isProvided(lm::LeftHip));
    CHECK_FALSE(n->frames[0].isProvided(lm::LeftKnee));
    CHECK(n->frames[0].points[lm::LeftKnee].visibility == 0);

    std::stringstream bad("t_ms,x0,y0,z0,v0\n0,0.5,0.5,0,1\n33,0.5,oops,0,1\n");
    auto e = readLandmarkCsv(bad, "bad.csv");
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Contains("bad.csv:3") && Contains("oops"));
    std::stringstream shortRow("t_ms,x0,y0,z0,v0\n0,0.5,0.5\n");
    auto e2 = readLandmarkCsv(shortRow, "short.csv");
    REQUIRE_FALSE(e2.ok());
    CHECK_THAT(e2.error().message, Contains("short.csv:2") && Contains("expected 5 values"));
    std::stringstream badHeader("t_ms,x0,y0,z0\n");
    CHECK_THAT(readLandmarkCsv(badHeader, "h.csv").error().message, Contains("h.csv:1") && Contains("x, y, z and v"));
    std::stringstream backwards("t_ms,x0,y0,z0,v0\n10,0.5,0.5,0,1\n5,0.5,0.5,0,1\n");
    CHECK_THAT(readLandmarkCsv(backwards, "t.csv").error().message, Contains("t.csv:3"));
}

TEST_CASE("ptcoach-pose JSON is read, and a malformed one names the JSON path") {
    auto dir = ptcoach::test::scratchDir("analysis_pose_json");
    nlohmann::json lms = nlohmann::json::array(), world = nlohmann::json::array();
    for (int i = 0; i < kLandmarks; ++i) lms.push_back({0.5, 0.5, 0.0, 0.9, 0.9}), world.push_back({0.0, 0.0, 0.0});
    nlohmann::json doc = {{"model", "full"},
                          {"frames",
                           {{{"source", "a"}, {"t_ms", 0}, {"image_width", 640}, {"image_height", 480}, {"person", true},
                             {"score", 0.9}, {"landmarks", lms}, {"world", world}, {"ms", 5}},
                            {{"source", "b"}, {"t_ms", 100}, {"image_width", 640}, {"image_height", 480},
                             {"person", false}, {"score", 0}, {"landmarks", nlohmann::json::array()},
                             {"world", nlohmann::json::array()}, {"ms", 5}}}}};
    std::ofstream(dir / "ok.json") << doc.dump();
    auto ok = readPoseJson(dir / "ok.json");
    REQUIRE(ok.ok());
    REQUIRE(ok->frames.size() == 2);
    CHECK(ok->frames[0].world.has_value());
    CHECK_FALSE(ok->frames[1].person);
    doc["frames"][0]["landmarks"][7] = "x";
    std::ofstream(dir / "bad.json") << doc.dump();
    auto bad = readPoseJson(dir / "bad.json");
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().message, Contains("bad.json") && Contains("$.frames[0].landmarks[7]"));
}

TEST_CASE("every shipped exercise file loads, and bad content is reported with file and JSON path") {
    auto all = loadAllExercises();
    INFO((all.ok() ? std::string() : all.error().message));
    REQUIRE(all.ok());
    std::set<std::string> ids;
    for (const auto& e : *all) ids.insert(e.id);
    for (const char* id : {"squat", "sit_to_stand", "bridge", "standing_curl", "hip_hinge", "squat_lift", "wall_sit",
                           "bird_dog", "front_plank_modified", "side_bend", "posture_standing", "posture_sitting"})
        CHECK(ids.count(id) == 1);
    // Every required fault code is used by some file.
    std::set<std::string> codes;
    for (const auto& e : *all)
        for (const auto& r : e.form) codes.insert(r.code);
    for (const char* c : {"not_deep_enough", "knees_caving", "knee_past_toes", "trunk_too_far_forward", "leaning_back",
                          "hips_sagging", "hips_piking", "stoop_lift", "twisting", "load_far_from_body", "forward_head",
                          "shoulders_uneven", "pelvis_uneven", "slouching"})
        CHECK(codes.count(c) == 1);

    auto doc = ptcoach::readJsonFile(ptcoach::programsDir() / "exercises" / "squat.json");
    REQUIRE(doc.ok());
    auto j = *doc;
    j["colour"] = "red";
    CHECK_THAT(parseExercise(j, "squat.json").error().message, Contains("squat.json: $.colour: unknown key"));
    j = *doc;
    j["tracking"]["enter"] = 170;
    CHECK_THAT(parseExercise(j, "squat.json").error().message, Contains("$.tracking") && Contains("hysteresis"));
    j = *doc;
    j["form"][1]["code"] = "wobbly";
    CHECK_THAT(parseExercise(j, "squat.json").error().message, Contains("$.form[1].code: unknown fault code 'wobbly'"));
    j = *doc;
    j["form"][0]["measure"] = "knee_angel";
    CHECK_THAT(parseExercise(j, "squat.json").error().message, Contains("$.form[0].measure: unknown measure 'knee_angel'"));
    j = *doc;
    j["version"] = 99;
    CHECK_THAT(parseExercise(j, "squat.json").error().message, Contains("$.version"));
    CHECK_THAT(loadExerciseById("no_such").error().message, Contains("unknown exercise 'no_such'") && Contains("squat"));
}
