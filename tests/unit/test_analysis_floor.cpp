// The coach on floor bodies: holds that know the position, cues near the band, judging what can be
// seen, floor exercises counted, the view estimate. Each behaviour on a synthetic body (the
// machinery) and on the real floor clips in ../shared/data/floor (the evidence; counts by eye in
// their README).
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include <catch2/catch.hpp>

#include "ptcoach/analysis/landmark_io.h"
#include "ptcoach/analysis/posture.h"
#include "ptcoach/analysis/synthetic.h"
#include "ptcoach/analysis/tracker.h"
#include "ptcoach/analysis/view.h"
#include "exercise_support.h"
#include "test_support.h"

using namespace ptcoach::analysis;
namespace fs = std::filesystem;

using ptcoach::test::shippedExercise;

namespace {

constexpr float kPi = 3.14159265f;

// Frames at 30 fps of a pose that changes over time, seen by a camera.
std::vector<LandmarkFrame> frames(int64_t durationMs, const std::function<BodyPose(int64_t)>& pose,
                                  SyntheticCamera cam = SyntheticCamera{CameraView::LeftSide}, float jitter = 0, unsigned seed = 1) {
    std::mt19937 rng(seed);
    std::vector<LandmarkFrame> out;
    for (int64_t t = 0; t <= durationMs; t += 33) {
        auto f = synthesizeFrame(pose(t), cam, t);
        if (jitter > 0) addJitter(f, jitter, rng);
        out.push_back(f);
    }
    return out;
}

AnalysisResult run(const ExerciseDefinition& ex, const std::vector<LandmarkFrame>& fs, TrackerOptions o = {}) {
    auto t = ExerciseTracker::create(ex, o);
    REQUIRE(t.ok());
    for (const auto& f : fs) (*t)->update(f);
    return (*t)->result();
}
AnalysisResult run(const std::string& id, const std::vector<LandmarkFrame>& fs, TrackerOptions o = {}) {
    return run(shippedExercise(id), fs, o);
}

bool hasFault(const AnalysisResult& r, const std::string& code) {
    return std::any_of(r.faults.begin(), r.faults.end(), [&](const FaultEvent& f) { return f.code == code; });
}
bool hasView(const AnalysisResult& r, const std::string& code) {
    return std::any_of(r.viewProblems.begin(), r.viewProblems.end(), [&](const ViewProblem& v) { return v.code == code; });
}
const FrameReport& frameAt(const AnalysisResult& r, int64_t tMs) {
    auto it = std::lower_bound(r.frames.begin(), r.frames.end(), tMs, [](const FrameReport& f, int64_t t) { return f.tMs < t; });
    REQUIRE(it != r.frames.end());
    return *it;
}

// 0 -> 1 -> 0 once per period after `restMs` at rest.
float cycle(int64_t t, int64_t restMs, int64_t periodMs, int reps) {
    if (t < restMs || t >= restMs + periodMs * reps) return 0;
    float ph = static_cast<float>((t - restMs) % periodMs) / periodMs;
    return 0.5f - 0.5f * std::cos(2 * kPi * ph);
}

fs::path floorClip(const std::string& name) { return ptcoach::test::sharedDir() / "data" / "floor" / name; }
LandmarkSequence readClip(const std::string& name) {
    auto p = floorClip(name);
    if (!fs::exists(p)) PTCOACH_SKIP("shared data absent: " << p);
    auto seq = readPoseJson(p);
    INFO((seq.ok() ? "" : seq.error().message));
    REQUIRE(seq.ok());
    return *seq;
}

// Synthetic planks, side-on: on forearms and toes, shoulders above the elbows.
BodyPose plank(float hipBend = 0) {
    BodyPose p;
    p.trunk = 78 - 0.5f * hipBend;  // piking tips the trunk down toward the head, sagging up
    p.hipFlex = {hipBend, hipBend};
    p.ankleFlex = {-100, -100};
    p.shoulderFlex = {p.trunk, p.trunk};  // upper arm straight down to the floor
    p.elbowFlex = {90, 90};
    return p;
}
BodyPose lyingProne() {
    BodyPose p;
    p.trunk = 90;
    p.ankleFlex = {-90, -90};
    p.shoulderFlex = {170, 170};  // forearms resting on the floor ahead of the head
    p.elbowFlex = {20, 20};
    return p;
}

}  // namespace

// --- holds that know the position --------------------------------------------------------------

TEST_CASE("plank: lying prone is not a plank, though its trunk angle is the same; the plank is timed", "[floor][floor1]") {
    // 0-4 s lying on the floor, 4-10 s in the plank, 10-12 s lying again.
    auto fs = frames(12000, [](int64_t t) { return t >= 4000 && t < 10000 ? plank() : lyingProne(); });
    auto r = run("front_plank", fs);
    CHECK(r.heldMs == Approx(6000).margin(400));
    REQUIRE(r.holds.size() == 1);
    CHECK(r.holds[0].startMs >= 4000);
    CHECK(frameAt(r, 2000).phase == "setup");
    CHECK_THAT(frameAt(r, 2000).why, Catch::Contains("forearms"));  // what the position needs
    CHECK(frameAt(r, 7000).phase == "hold");
    CHECK(frameAt(r, 7000).why.empty());
    CHECK(r.viewProblems.empty());
}

TEST_CASE("plank on a real body: the push-up's straight-arm tops are plank, its bottoms and the title card not", "[floor][floor2]") {
    auto seq = readClip("pushup_side_tayyab.pose.json");
    auto r = run("front_plank", seq.frames);
    // floor/README.md: bottoms at about 3.5, 7.2, 10.6 and 13.6 s, tops between, ends at the top.
    for (int64_t t : {3500, 7200, 10600, 13600}) {
        INFO("bottom at " << t);
        CHECK(frameAt(r, t).phase != "hold");
    }
    for (int64_t t : {5500, 9000, 15300}) {
        INFO("top at " << t);
        CHECK(frameAt(r, t).phase == "hold");
    }
    CHECK(frameAt(r, 500).phase == "absent");  // the blurred title card
    // A straight plank: no sag or pike at the tops.
    CHECK_FALSE(hasFault(r, "hips_sagging"));
    CHECK_FALSE(hasFault(r, "hips_piking"));
}

TEST_CASE("child's pose: the hips back on the heels, not all fours", "[floor][floor3]") {
    auto allFours = [] {
        BodyPose p;
        p.trunk = 90;
        p.hipFlex = {90, 90};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-90, -90};
        p.shoulderFlex = {90, 90};
        return p;
    };
    auto child = [] {
        BodyPose p;
        p.trunk = 100;
        p.hipFlex = {150, 150};
        p.kneeFlex = {150, 150};
        p.ankleFlex = {-150, -150};
        p.shoulderFlex = {178, 178};
        return p;
    };
    auto r = run("childs_pose", frames(9000, [&](int64_t t) { return t >= 3000 && t < 8000 ? child() : allFours(); }));
    CHECK(r.heldMs == Approx(5000).margin(500));
    CHECK_THAT(frameAt(r, 1500).why, Catch::Contains("heels"));
    // Rocking back on all fours folds the hip as far, but the hips stay over the knees, off the heels.
    auto rockBack = [] {
        BodyPose p;
        p.trunk = 95;
        p.hipFlex = {125, 125};
        p.kneeFlex = {95, 95};
        p.ankleFlex = {-95, -95};
        p.shoulderFlex = {150, 150};
        return p;
    };
    auto rb = run("childs_pose", frames(6000, [&](int64_t) { return rockBack(); }));
    CHECK(rb.frames.back().value.has_value());
    CHECK(*rb.frames.back().value < 75);  // inside the hip band...
    CHECK(rb.heldMs == 0);                // ...and still not a child's pose
    CHECK_THAT(rb.frames.back().why, Catch::Contains("heels"));
}

TEST_CASE("knee to chest: timed while the knee is drawn in, lying down", "[floor][floor4]") {
    auto pose = [](float hip) {
        BodyPose p;
        p.trunk = -90;
        p.hipFlex = {hip, 45};
        p.kneeFlex = {hip > 90 ? 125.0f : 90.0f, 90};
        p.ankleFlex = {-45, -45};
        return p;
    };
    // 0-2 s lying with the knees bent, 2-8 s the left knee drawn in, then down.
    auto r = run("knee_to_chest", frames(10000, [&](int64_t t) { return pose(t >= 2000 && t < 8000 ? 125.0f : 45.0f); }));
    CHECK(r.heldMs == Approx(6000).margin(500));
    // Standing with a knee pulled up is not the lying stretch.
    auto standing = [] {
        BodyPose p;
        p.hipFlex = {110, 0};
        p.kneeFlex = {120, 0};
        return p;
    };
    auto s = run("knee_to_chest", frames(5000, [&](int64_t) { return standing(); }));
    CHECK(s.heldMs == 0);
    CHECK_THAT(s.frames.back().why, Catch::Contains("Lie on your back"));
}

// --- out of the band: say what is wrong ------------------------------------------------------

TEST_CASE("out of the band: hips piked high or sagging get their cue, and the hold says why it stops", "[floor][floor5]") {
    for (float bend : {45.0f, -30.0f}) {
        INFO("hip bend " << bend);
        // 0-3 s a straight plank, 3-7 s grossly piked or sagging, 7-9 s straight again.
        auto fs = frames(9000, [bend](int64_t t) { return plank(t >= 3000 && t < 7000 ? bend : 0); });
        auto r = run("front_plank", fs);
        const FrameReport& mid = frameAt(r, 5000);
        CHECK(mid.phase == "near");  // in the position (on forearms and toes), outside the band
        std::string code = bend > 0 ? "hips_piking" : "hips_sagging";
        CHECK(std::find(mid.faults.begin(), mid.faults.end(), code) != mid.faults.end());
        CHECK(mid.why == (bend > 0 ? "Lower your hips into line" : "Lift your hips into line"));
        CHECK(r.heldMs == Approx(5000).margin(600));  // the 4 s out of the band are not held
        CHECK(hasFault(r, code));
    }
}

TEST_CASE("out of the band on a real body: the push-up's plank tops with the hips dropped to the floor", "[floor][floor6]") {
    auto seq = readClip("pushup_side_tayyab.pose.json");
    // Keep the real straight-arm tops (5.0-6.0 s) and drop the hips there by a third of a trunk
    // length, the knees by half that: a real body, sagging.
    std::vector<LandmarkFrame> sag;
    for (auto f : seq.frames) {
        if (f.tMs < 4900 || f.tMs > 6100 || !f.person) continue;
        float trunk = std::hypot((f.points[lm::LeftShoulder].x - f.points[lm::LeftHip].x) * f.imageWidth / f.imageHeight,
                                 f.points[lm::LeftShoulder].y - f.points[lm::LeftHip].y);
        for (int i : {lm::LeftHip, lm::RightHip}) f.points[static_cast<size_t>(i)].y += 0.33f * trunk;
        for (int i : {lm::LeftKnee, lm::RightKnee}) f.points[static_cast<size_t>(i)].y += 0.16f * trunk;
        sag.push_back(f);
    }
    REQUIRE(sag.size() > 20);
    auto r = run("front_plank", sag);
    CHECK(hasFault(r, "hips_sagging"));
    CHECK(r.heldMs < 500);
    CHECK(r.frames.back().phase == "near");
    CHECK(r.frames.back().why == "Lift your hips into line");
}

// --- judge what can be seen -------------------------------------------------------------------

TEST_CASE("visibility cut-off suits the model: the heavy model's 0.3-0.5 on lying legs still counts", "[floor][floor7]") {
    // A bridge whose legs are seen at visibility 0.4, as the heavy model reports them on lying bodies.
    auto bridges = frames(1000 + 4000 * 3 + 1000, [](int64_t t) {
        float c = cycle(t, 1000, 4000, 3);
        BodyPose p;
        p.trunk = -90 - 30 * c;
        p.hipFlex = {45 - 45 * c, 45 - 45 * c};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-45, -45};
        return p;
    });
    for (auto& f : bridges)
        for (int i = lm::LeftHip; i < kLandmarks; ++i) f.points[static_cast<size_t>(i)].visibility = 0.4f;
    CHECK(run("bridge", bridges).reps == 0);  // at the lite/full cut-off the legs are lost
    for (auto& f : bridges) f.minVisibility = visibilityCutoff("heavy");
    CHECK(run("bridge", bridges).reps == 3);
    CHECK(visibilityCutoff("full") == Approx(0.5));
    CHECK(visibilityCutoff("/models/pose_landmark_heavy.tflite") == Approx(0.3));
}

TEST_CASE("visibility on a real body: the bridge clip with its legs at the heavy model's visibility", "[floor][floor8]") {
    auto seq = readClip("bridge_side_hansh.pose.json");
    CHECK(run("bridge", seq.frames).reps == 3);  // floor/README.md: 3 complete lifts
    for (auto& f : seq.frames)
        for (int i = lm::LeftHip; i < kLandmarks; ++i) f.points[static_cast<size_t>(i)].visibility *= 0.45f;  // 0.99 -> 0.45
    CHECK(run("bridge", seq.frames).reps == 0);
    for (auto& f : seq.frames) f.minVisibility = kMinVisibilityHeavy;
    CHECK(run("bridge", seq.frames).reps == 3);
}

TEST_CASE("a rule uses only what its measure needs: a trunk lean from shoulders and hips, facing from the nose", "[floor][floor9]") {
    // Standing curls with the legs, feet and ears left out (a landmark set like the outside
    // project's curl recordings): leaning back is still judged.
    auto ex = shippedExercise("standing_curl");
    auto fs = frames(1000 + 2500 * 4 + 500, [](int64_t t) {
        float c = cycle(t, 1000, 2500, 4);
        BodyPose p;
        p.elbowFlex = {10 + 125 * c, 10 + 125 * c};
        p.trunk = t > 6000 ? -20.0f * c : 0.0f;  // leans back on the last two curls
        return p;
    });
    for (auto& f : fs) {
        for (int i : {lm::LeftEar, lm::RightEar}) f.points[static_cast<size_t>(i)].visibility = 0;
        for (int i = lm::LeftHip + 2; i < kLandmarks; ++i) f.points[static_cast<size_t>(i)].visibility = 0;  // knees down
        f.provided = 0;
        for (int i : {lm::Nose, lm::LeftShoulder, lm::RightShoulder, lm::LeftElbow, lm::RightElbow, lm::LeftWrist,
                      lm::RightWrist, lm::LeftHip, lm::RightHip})
            f.provided |= uint64_t{1} << i;
    }
    auto r = run(ex, fs);
    CHECK(r.reps == 4);
    CHECK(hasFault(r, "leaning_back"));
    for (const auto& f : r.faults)
        if (f.code == "leaning_back") CHECK(f.startMs > 6000);
    CHECK_FALSE(hasView(r, "not_in_frame"));  // the legs the source never gives are not "out of the picture"
}

TEST_CASE("a check that cannot be made tells the person what to show", "[floor][floor10]") {
    // A squat from the side with the feet out of the picture: knee over toe cannot be judged.
    auto fs = frames(1000 + 3000 * 2 + 500, [](int64_t t) {
        float c = cycle(t, 1000, 3000, 2);
        return squatPose(110 * c, 30 * c);
    });
    for (auto& f : fs)
        for (int i : {lm::LeftFootIndex, lm::RightFootIndex, lm::LeftHeel, lm::RightHeel}) f.points[static_cast<size_t>(i)].visibility = 0.1f;
    auto r = run("squat", fs);
    auto it = std::find_if(r.checks.begin(), r.checks.end(), [](const RuleStatus& c) { return c.code == "knee_past_toes"; });
    REQUIRE(it != r.checks.end());
    CHECK(it->judgedFrames == 0);
    CHECK_THAT(it->notJudged, Catch::Contains("show your knees, ankles and feet"));
    bool told = std::any_of(r.frames.begin(), r.frames.end(),
                            [](const FrameReport& f) { return f.unseen.find("Show your knees, ankles and feet") == 0; });
    CHECK(told);
}

// --- floor exercises counted ------------------------------------------------------------------

TEST_CASE("partial curl-up: the shoulder blades lift 15-30 degrees, counted from the person's own rest", "[floor][floor11]") {
    // Lying on a pillow (the trunk reads 96, not 90) and curling up only 12 degrees of the
    // shoulder-hip line: the small real curl-up that absolute thresholds never saw.
    for (float rest : {-90.0f, -96.0f, -84.0f}) {
        INFO("rest " << rest);
        auto fs = frames(1000 + 2500 * 4 + 800, [rest](int64_t t) {
            float c = cycle(t, 1000, 2500, 4);
            BodyPose p;
            p.trunk = rest + 12 * c;
            p.hipFlex = {45 + 12 * c, 45 + 12 * c};
            p.kneeFlex = {90, 90};
            p.ankleFlex = {-45, -45};
            p.shoulderFlex = {15 + 25 * c, 15 + 25 * c};
            return p;
        }, SyntheticCamera{CameraView::LeftSide}, 0.002f);
        CHECK(run("partial_curl_up", fs).reps == 4);
    }
    // A head nod alone is not a curl-up.
    auto nod = frames(6000, [](int64_t t) {
        BodyPose p;
        p.trunk = -90;
        p.hipFlex = {45, 45};
        p.kneeFlex = {90, 90};
        p.neckForward = 40 * cycle(t, 1000, 2000, 2);
        return p;
    });
    CHECK(run("partial_curl_up", nod).reps == 0);
}

TEST_CASE("curl-ups on a real body: full sit-ups count one rep each", "[floor][floor12]") {
    auto seq = readClip("situp_side_joelo.pose.json");
    auto r = run("partial_curl_up", seq.frames);
    // floor/README.md: 10 sit-ups; the first rises out of the title dissolve (its start is never
    // seen), the last comes down into the closing one (counted: it was three quarters down).
    CHECK(r.reps == 9);
}

TEST_CASE("prone press-up: from lying prone with a hold at the top", "[floor][floor13]") {
    auto fs = frames(1000 + 14000 + 1000, [](int64_t t) {
        // one press-up held 10 s at the top
        float c = t < 1000 ? 0 : t < 3000 ? (t - 1000) / 2000.0f : t < 13000 ? 1 : t < 15000 ? 1 - (t - 13000) / 2000.0f : 0;
        BodyPose p;
        p.trunk = 90 - 32 * c;
        p.hipFlex = {-32 * c, -32 * c};
        p.ankleFlex = {-90, -90};
        p.shoulderFlex = {100 - 70 * c, 100 - 70 * c};
        p.elbowFlex = {90 - 85 * c, 90 - 85 * c};
        return p;
    });
    auto r = run("prone_press_up", fs);
    CHECK(r.reps == 1);
}

TEST_CASE("dead bug: the full form and the beginner form whose heel slides along the floor", "[floor][floor14]") {
    auto tabletop = frames(1000 + 3000 * 4 + 800, [](int64_t t) {
        float c = cycle(t, 1000, 3000, 4);
        int rep = t < 1000 ? 0 : static_cast<int>((t - 1000) / 3000);
        size_t leg = static_cast<size_t>(rep % 2);
        BodyPose p;
        p.trunk = -90;
        p.hipFlex = {90, 90};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-10, -10};
        p.shoulderFlex = {90, 90};
        p.hipFlex[leg] = 90 - 70 * c;
        p.kneeFlex[leg] = 90 - 80 * c;
        return p;
    });
    CHECK(run("dead_bug", tabletop).reps == 4);
    // Beginner: lying with the knees bent, feet on the floor; one heel slides out until the leg is straight.
    auto heelSlide = frames(1000 + 3000 * 4 + 800, [](int64_t t) {
        float c = cycle(t, 1000, 3000, 4);
        int rep = t < 1000 ? 0 : static_cast<int>((t - 1000) / 3000);
        size_t leg = static_cast<size_t>(rep % 2);
        BodyPose p;
        p.trunk = -90;
        p.hipFlex = {45, 45};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-45, -45};
        p.hipFlex[leg] = 45 - 43 * c;
        p.kneeFlex[leg] = 90 - 85 * c;
        p.ankleFlex[leg] = -45 + 40 * c;
        return p;
    });
    CHECK(run("dead_bug", heelSlide).reps == 4);
}

TEST_CASE("bird dog with a close camera: the hand and the foot leave the picture, the rep still counts", "[floor][floor15]") {
    SyntheticCamera close{CameraView::LeftSide};
    close.bodyFill = 1.6f;  // the body fills more than the picture's height when standing
    auto fs = frames(1000 + 3000 * 2 + 800, [](int64_t t) {
        BodyPose p;
        p.trunk = 90;
        p.hipFlex = {90, 90};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-90, -90};
        p.shoulderFlex = {90, 90};
        float c = cycle(t, 1000, 3000, 2);
        int rep = t < 1000 ? 0 : static_cast<int>((t - 1000) / 3000);
        size_t arm = static_cast<size_t>(rep % 2);
        p.shoulderFlex[arm] = 90 + 85 * c;
        p.hipFlex[1 - arm] = 90 - 85 * c;
        p.kneeFlex[1 - arm] = 90 - 85 * c;
        return p;
    }, close);
    // the reaching hand and foot are out of the picture at the peak
    int handsOut = 0;
    for (const auto& f : fs) handsOut += f.points[lm::LeftWrist].x > 1 || f.points[lm::LeftWrist].x < 0;
    REQUIRE(handsOut > 10);
    auto r = run("bird_dog", fs);
    CHECK(r.reps == 2);
    for (const auto& v : r.viewProblems) CHECK(v.code != "not_in_frame");  // hands and feet are not needed
}

TEST_CASE("bridge counted on a real body", "[floor][floor16]") {
    // floor/README.md: 4 lifts, 3 complete; the 4th is still up when the clip ends.
    CHECK(run("bridge", readClip("bridge_side_hansh.pose.json").frames).reps == 3);
}

// --- the timer-only exercises tracked -----------------------------------------------------------

TEST_CASE("cat-cow: the back rounded (head dropped) and hollowed (head raised)", "[floor][floor17]") {
    auto fs = frames(1000 + 4000 * 3 + 800, [](int64_t t) {
        float ph = t < 1000 ? 0 : static_cast<float>((t - 1000) % 4000) / 4000.0f;
        bool cycling = t >= 1000 && t < 13000;
        BodyPose p;
        p.trunk = 90;
        p.hipFlex = {90, 90};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-90, -90};
        p.shoulderFlex = {90, 90};
        p.neckForward = cycling ? 50 * std::sin(2 * kPi * ph) : 0;  // cat (down) then cow (up)
        return p;
    });
    CHECK(run("cat_cow", fs).reps == 3);
}

TEST_CASE("lower trunk rotation: the knees fall to each side and back, counted per side", "[floor][floor18]") {
    auto fs = frames(1000 + 3000 * 4 + 800, [](int64_t t) {
        float c = cycle(t, 1000, 3000, 4);
        int rep = t < 1000 ? 0 : static_cast<int>((t - 1000) / 3000);
        BodyPose p;
        p.trunk = -90;
        p.hipFlex = {45, 45};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-45, -45};
        p.kneeFall = (rep % 2 == 0 ? 55.0f : -55.0f) * c;
        return p;
    }, SyntheticCamera{CameraView::LeftSide}, 0.002f);
    auto r = run("lower_trunk_rotation", fs);
    CHECK(r.reps == 4);
    int left = 0, right = 0;
    for (const auto& e : r.repEvents) left += e.side == "left", right += e.side == "right";
    CHECK(left == 2);
    CHECK(right == 2);
    // Seen from the side the far knee hides behind the near one: the knees stay together, the
    // near one is enough.
    for (auto& f : fs) f.points[lm::RightKnee].visibility = 0.2f;
    CHECK(run("lower_trunk_rotation", fs).reps == 4);
    // Standing, the position is what is missing.
    auto standing = run("lower_trunk_rotation", frames(2000, [](int64_t) { return BodyPose{}; }));
    CHECK(standing.frames.back().why == "Lie on your back");
}

TEST_CASE("lower trunk rotation on a real body: the bridge clip's lifts are not rotations", "[floor][floor31]") {
    CHECK(run("lower_trunk_rotation", readClip("bridge_side_hansh.pose.json").frames).reps == 0);
}

TEST_CASE("modified side plank: the hip lifted off the floor, seen from the front", "[floor][floor19]") {
    auto side = [](bool lifted) {
        BodyPose p;
        p.roll = lifted ? 72.0f : 90.0f;
        p.lateralLean = lifted ? 0.0f : 20.0f;
        p.hipFlex = {10, 10};
        p.kneeFlex = {80, 80};
        p.ankleFlex = {-60, -60};
        p.shoulderOut = {0, 90};  // the lower arm's elbow under the shoulder
        p.elbowFlex = {0, 90};
        return p;
    };
    auto r = run("side_plank_modified", frames(10000, [&](int64_t t) { return side(t >= 3000 && t < 8000); },
                                               SyntheticCamera{CameraView::Front}));
    CHECK(r.heldMs == Approx(5000).margin(500));
    CHECK(frameAt(r, 1500).phase == "near");  // propped on the forearm, the hip on the floor
    CHECK(frameAt(r, 1500).why == "Lift your hips off the floor");
    CHECK(frameAt(r, 5000).phase == "hold");
}

TEST_CASE("pelvic tilt: the camera checks lying with the knees bent and the hips down; the reps are tapped", "[floor][floor20]") {
    auto ex = shippedExercise("pelvic_tilt");
    CHECK(ex.tapCounted());
    auto pose = [](bool bridging) {
        BodyPose p;
        p.trunk = bridging ? -120.0f : -90.0f;
        p.hipFlex = {bridging ? 5.0f : 45.0f, bridging ? 5.0f : 45.0f};
        p.kneeFlex = {90, 90};
        p.ankleFlex = {-45, -45};
        return p;
    };
    auto r = run(ex, frames(6000, [&](int64_t t) { return pose(t >= 3000 && t < 5000); }));
    CHECK(frameAt(r, 1500).phase == "rest");  // in position
    CHECK(frameAt(r, 4000).phase == "setup");
    CHECK(frameAt(r, 4000).why == "Keep your hips on the floor: tilt, don't lift");
    CHECK(r.reps == 0);
}

TEST_CASE("timer only: the start position is checked before the timer runs", "[floor][floor21]") {
    auto ex = shippedExercise("abdominal_bracing");
    REQUIRE(ex.positionChecked());
    BodyPose lying;
    lying.trunk = -90;
    lying.hipFlex = {45, 45};
    lying.kneeFlex = {90, 90};
    lying.ankleFlex = {-45, -45};
    // 0-4 s standing in front of the camera, then 6 s lying on the back.
    auto r = run(ex, frames(10000, [&](int64_t t) { return t < 4000 ? BodyPose{} : lying; }));
    CHECK(frameAt(r, 2000).phase == "setup");
    CHECK(frameAt(r, 2000).why == "Get into position: lying on your back");
    CHECK(r.heldMs == Approx(5000).margin(500));  // from a second after lying down
}

TEST_CASE("body positions on real clips: lying on the back, on all fours, kneeling on the heels", "[floor][floor22]") {
    auto bridge = readClip("bridge_side_hansh.pose.json");
    CHECK(classifyPosition(bridge.frames[10]) == StartPosition::LyingBack);
    auto catcow = readClip("catcow_side_hansh.pose.json");
    CHECK(classifyPosition(catcow.frames[10]) == StartPosition::Kneeling);   // 0.4 s: on the heels
    CHECK(classifyPosition(catcow.frames[150]) == StartPosition::AllFours);  // 6 s: all fours (cow)
    auto situp = readClip("situp_side_joelo.pose.json");
    CHECK(classifyPosition(situp.frames[100]) == StartPosition::LyingBack);  // 4 s: down between sit-ups
    CHECK(matchPosition(situp.frames[100], StartPosition::Standing) == PositionMatch::No);
}

// --- the view estimate ----------------------------------------------------------------------------

TEST_CASE("the view on every real floor clip is side, frame by frame, with the warning delay at 0.5 s", "[floor][floor23]") {
    CHECK(TrackerOptions{}.viewProblemMinMs == 500);
    for (const char* clip : {"bridge_side_hansh.pose.json", "birddog_side_chloe.pose.json", "situp_side_joelo.pose.json",
                             "catcow_side_hansh.pose.json", "pushup_side_tayyab.pose.json"}) {
        INFO(clip);
        auto seq = readClip(clip);
        int person = 0, front = 0;
        for (const auto& f : seq.frames) {
            if (!f.person) continue;
            ++person;
            front += estimateView(f) == View::Front;
        }
        CHECK(front == 0);  // never front, not for one frame
        auto r = run("bridge", seq.frames);
        int side = 0;
        for (const auto& f : r.frames) side += f.view == "side";
        CHECK(side >= person * 97 / 100);
        CHECK_FALSE(hasView(r, "wrong_view"));
    }
}

TEST_CASE("the view on real photos with MediaPipe's own landmarks: front for the jumping jack, side for the curls", "[floor][floor24]") {
    auto ref = ptcoach::test::sharedDir() / "data" / "pose-frames" / "reference-full.json";
    if (!fs::exists(ref)) PTCOACH_SKIP("shared data absent: " << ref);
    auto doc = nlohmann::json::parse(ptcoach::test::slurp(ref));
    std::map<std::string, View> want = {{"jumping_jack_000.png", View::Front},
                                        {"curl_side_010.png", View::Side},
                                        {"curl_side_120.png", View::Side},
                                        {"curl_partial_005.png", View::Side}};
    int checked = 0;
    for (const auto& im : doc["images"]) {
        std::string file = im["file"];
        if (!want.count(file) || !im["detected"].get<bool>()) continue;
        LandmarkFrame f;
        f.person = true;
        f.imageWidth = im["width"];
        f.imageHeight = im["height"];
        for (int i = 0; i < kLandmarks; ++i) {
            const auto& l = im["landmarks"][static_cast<size_t>(i)];
            f.points[static_cast<size_t>(i)] = {l["x"].get<float>(), l["y"].get<float>(), l["z"].get<float>(),
                                                l["visibility"].get<float>()};
        }
        INFO(file);
        CHECK(estimateView(f) == want[file]);
        ++checked;
    }
    CHECK(checked == 4);
}

TEST_CASE("synthetic views: front, both sides, and turned at an angle is neither", "[floor][floor25]") {
    for (auto v : {CameraView::Front, CameraView::LeftSide, CameraView::RightSide}) {
        auto f = synthesizeFrame(BodyPose{}, SyntheticCamera{v}, 0);
        CHECK(estimateView(f) == (v == CameraView::Front ? View::Front : View::Side));
    }
    // The shoulder width alone would call this front (the far shoulder's guess wandering in a curl);
    // the shoulder line's turn in depth says side.
    auto f = synthesizeFrame(BodyPose{}, SyntheticCamera{CameraView::LeftSide}, 0);
    f.points[lm::RightShoulder].x += 0.06f;
    CHECK(estimateView(f) != View::Front);
}

TEST_CASE("the image aspect of a CSV without its size, from the body's bones", "[floor][floor26]") {
    // A body that does not move says nothing.
    std::vector<LandmarkFrame> still(60, synthesizeFrame(plank(), SyntheticCamera{CameraView::LeftSide}, 0));
    for (auto& f : still) f.imageWidth = f.imageHeight = 0;
    CHECK_FALSE(estimateAspect(still).has_value());
    // A real side-on clip with its size removed: 16:9 found (or, with too little turning, nothing);
    // never square when the truth is 16:9.
    auto seq = readClip("catcow_side_hansh.pose.json");
    auto frames = seq.frames;
    for (auto& f : frames) f.imageWidth = f.imageHeight = 0;
    auto a = estimateAspect(frames);
    REQUIRE(a.has_value());
    CHECK(*a == Approx(16.0 / 9.0).epsilon(0.01));
    auto bird = readClip("birddog_side_chloe.pose.json");  // 700x700
    for (auto& f : bird.frames) f.imageWidth = f.imageHeight = 0;
    auto b = estimateAspect(bird.frames);
    REQUIRE(b.has_value());
    CHECK(*b == Approx(1.0).epsilon(0.01));
}

TEST_CASE("child's pose on a real body: the cat-cow clip sits upright on the heels, then all fours: never", "[floor][floor27]") {
    auto seq = readClip("catcow_side_hansh.pose.json");
    CHECK(run("childs_pose", seq.frames).heldMs == 0);
}

TEST_CASE("prone press-up on a real body: the push-up clip's whole body rises, so none is a press-up", "[floor][floor28]") {
    auto seq = readClip("pushup_side_tayyab.pose.json");
    CHECK(run("prone_press_up", seq.frames).reps == 0);
}

TEST_CASE("bird dog on a real body: one rep", "[floor][floor29]") {
    CHECK(run("bird_dog", readClip("birddog_side_chloe.pose.json").frames).reps == 1);  // floor/README.md
}

TEST_CASE("cat-cow on a real body: one round (cow, cat, cow)", "[floor][floor30]") {
    CHECK(run("cat_cow", readClip("catcow_side_hansh.pose.json").frames).reps == 1);  // floor/README.md
}
