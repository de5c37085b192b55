// Reps, holds, form faults and view problems on synthetic sequences with known answers.
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include <catch2/catch.hpp>

#include "ptcoach/analysis/lifting.h"
#include "ptcoach/analysis/posture.h"
#include "ptcoach/analysis/synthetic.h"
#include "ptcoach/analysis/tracker.h"
#include "exercise_support.h"
#include "test_support.h"

using namespace ptcoach::analysis;

using ptcoach::test::shippedExercise;

namespace {

constexpr float kPi = 3.14159265f;

struct Seq {
    int fps = 30;
    int64_t durationMs = 0;
    std::function<BodyPose(int64_t)> pose;
    std::function<SyntheticCamera(int64_t)> camera = [](int64_t) { return SyntheticCamera{CameraView::LeftSide}; };
    float jitter = 0;
    float dropFraction = 0;    // frames left out at random
    unsigned seed = 1;
    std::function<bool(int64_t)> absent = [](int64_t) { return false; };  // no person in these frames
};

std::vector<LandmarkFrame> build(const Seq& s) {
    std::mt19937 rng(s.seed);
    std::uniform_real_distribution<float> u(0, 1);
    std::vector<LandmarkFrame> out;
    for (int64_t t = 0; t <= s.durationMs; t += 1000 / s.fps) {
        if (s.dropFraction > 0 && u(rng) < s.dropFraction) continue;
        LandmarkFrame f;
        if (s.absent(t)) {
            f.tMs = t;
        } else {
            f = synthesizeFrame(s.pose(t), s.camera(t), t);
            if (s.jitter > 0) addJitter(f, s.jitter, rng);
        }
        out.push_back(f);
    }
    return out;
}

AnalysisResult run(const std::string& id, const std::vector<LandmarkFrame>& frames, TrackerOptions o = {}) {
    auto t = ExerciseTracker::create(shippedExercise(id), o);
    REQUIRE(t.ok());
    for (const auto& f : frames) (*t)->update(f);
    return (*t)->result();
}

bool hasFault(const AnalysisResult& r, const std::string& code) {
    return std::any_of(r.faults.begin(), r.faults.end(), [&](const FaultEvent& f) { return f.code == code; });
}
bool hasView(const AnalysisResult& r, const std::string& code) {
    return std::any_of(r.viewProblems.begin(), r.viewProblems.end(), [&](const ViewProblem& f) { return f.code == code; });
}

// 0 -> 1 -> 0 once per period after `restMs` standing still; 0 outside the cycles.
float cycle(int64_t t, int64_t restMs, int64_t periodMs, int reps) {
    if (t < restMs || t >= restMs + periodMs * reps) return 0;
    float ph = static_cast<float>((t - restMs) % periodMs) / periodMs;
    return 0.5f - 0.5f * std::cos(2 * kPi * ph);
}

Seq squats(int reps, float depthKnee = 120, float trunk = 35, CameraView view = CameraView::LeftSide) {
    Seq s;
    s.durationMs = 1500 + 3000 * reps + 1000;
    s.pose = [=](int64_t t) {
        float c = cycle(t, 1500, 3000, reps);
        return squatPose(depthKnee * c, trunk * c);
    };
    s.camera = [=](int64_t) { return SyntheticCamera{view}; };
    return s;
}

}  // namespace

TEST_CASE("squats are counted from the side and from the front") {
    for (auto view : {CameraView::LeftSide, CameraView::RightSide, CameraView::Front}) {
        auto r = run("squat", build(squats(5, 120, 35, view)));
        INFO("view " << static_cast<int>(view));
        CHECK(r.reps == 5);
        REQUIRE(r.repEvents.size() == 5);
        for (const auto& e : r.repEvents) {
            CHECK(e.endMs - e.startMs > 1500);
            CHECK(e.endMs - e.startMs < 3500);
            CHECK(e.rom > 0.5f);
            CHECK(e.quality >= 60);
        }
        CHECK_FALSE(hasFault(r, "not_deep_enough"));
        CHECK(r.viewProblems.empty());
    }
}

TEST_CASE("jitter and dropped frames do not change the count") {
    for (unsigned seed : {1u, 2u, 3u}) {
        Seq s = squats(6);
        s.jitter = 0.004f;
        s.seed = seed;
        CHECK(run("squat", build(s)).reps == 6);
        s.jitter = 0;
        s.dropFraction = 0.35f;
        CHECK(run("squat", build(s)).reps == 6);
    }
}

TEST_CASE("hysteresis: wobbling around the enter threshold is one rep, not many") {
    // One slow squat whose bottom wobbles around the enter threshold (hip height 1.0), with noise.
    Seq s;
    s.durationMs = 12000;
    s.jitter = 0.003f;
    s.pose = [](int64_t t) {
        float knee = 0;
        if (t > 1000 && t < 3000) knee = 108.0f * (t - 1000) / 2000.0f;
        else if (t >= 3000 && t < 9000) knee = 108.0f + 8.0f * std::sin(static_cast<float>(t) / 150.0f);
        else if (t >= 9000 && t < 11000) knee = 108.0f * (11000 - t) / 2000.0f;
        return squatPose(knee, 0.3f * knee);
    };
    auto r = run("squat", build(s));
    CHECK(r.reps == 1);
}

TEST_CASE("getting into the start position is not a rep") {
    // Starts at the bottom of a squat, stands up, then does 3 squats.
    Seq s = squats(3);
    auto inner = s.pose;
    s.durationMs += 2000;
    s.pose = [inner](int64_t t) {
        if (t < 2000) return squatPose(120.0f * (1.0f - t / 2000.0f), 35.0f * (1.0f - t / 2000.0f));
        return inner(t - 2000);
    };
    auto r = run("squat", build(s));
    CHECK(r.reps == 3);
    CHECK(r.frames.front().phase == "setup");
}

TEST_CASE("walking out of the picture mid-rep loses that rep and is reported") {
    Seq s = squats(5);
    // During the third squat (t 7.5-10.5 s) the person walks out to the right and back.
    s.camera = [](int64_t t) {
        SyntheticCamera c{CameraView::LeftSide};
        if (t > 8000 && t < 10500) c.offsetX = std::min(1.0f, (t - 8000) / 600.0f);
        return c;
    };
    s.absent = [](int64_t t) { return t > 8700 && t < 9800; };
    auto r = run("squat", build(s));
    CHECK(r.reps == 4);
    CHECK((hasView(r, "no_person") || hasView(r, "not_in_frame")));
}

TEST_CASE("a rep that is too fast or never ends is not counted") {
    Seq fast = squats(4);
    fast.pose = [](int64_t t) {
        float c = cycle(t, 1500, 500, 4);  // half a second per squat
        return squatPose(120 * c, 35 * c);
    };
    CHECK(run("squat", build(fast)).reps == 0);
    Seq stuck;
    stuck.durationMs = 15000;
    stuck.pose = [](int64_t t) { return t < 1500 ? squatPose(0, 0) : squatPose(120, 35); };  // goes down, stays
    CHECK(run("squat", build(stuck)).reps == 0);
}

TEST_CASE("each squat fault fires on a sequence that has it and not on a clean one") {
    auto clean = run("squat", build(squats(3)));
    auto cleanFront = run("squat", build(squats(3, 120, 35, CameraView::Front)));
    for (const char* code : {"not_deep_enough", "knees_caving", "knee_past_toes", "trunk_too_far_forward"}) {
        CHECK_FALSE(hasFault(clean, code));
        CHECK_FALSE(hasFault(cleanFront, code));
    }
    // Shallow squats: attempts without depth.
    auto shallow = run("squat", build(squats(3, 105, 25)));
    CHECK(shallow.reps < 3);
    CHECK(hasFault(shallow, "not_deep_enough"));
    // Knees caving (front view).
    Seq valgus = squats(3, 120, 35, CameraView::Front);
    valgus.pose = [](int64_t t) {
        float c = cycle(t, 1500, 3000, 3);
        BodyPose p = squatPose(120 * c, 35 * c);
        p.kneeIn = {0.08f * c, 0.08f * c};
        return p;
    };
    auto v = run("squat", build(valgus));
    CHECK(v.reps == 3);
    CHECK(hasFault(v, "knees_caving"));
    // ... and not judged from the side, where it cannot be seen.
    valgus.camera = [](int64_t) { return SyntheticCamera{CameraView::LeftSide}; };
    auto vs = run("squat", build(valgus));
    CHECK_FALSE(hasFault(vs, "knees_caving"));
    auto check = std::find_if(vs.checks.begin(), vs.checks.end(), [](const RuleStatus& c) { return c.code == "knees_caving"; });
    REQUIRE(check != vs.checks.end());
    CHECK(check->notJudged == "needs the front view");
    // Knees far past the toes: the shank takes most of the bend.
    Seq ktt = squats(3);
    ktt.pose = [](int64_t t) {
        float c = cycle(t, 1500, 3000, 3);
        BodyPose p;
        float knee = 125 * c, shank = 70 * c;
        p.hipFlex = {knee - shank + 10 * c, knee - shank + 10 * c};
        p.kneeFlex = {knee, knee};
        p.ankleFlex = {shank, shank};
        p.trunk = 10 * c;
        return p;
    };
    CHECK(hasFault(run("squat", build(ktt)), "knee_past_toes"));
    // Chest dropping forward.
    CHECK(hasFault(run("squat", build(squats(3, 120, 65))), "trunk_too_far_forward"));
}

TEST_CASE("form faults need a minimum duration: a flicker does not fire") {
    Seq s = squats(3);
    auto base = s.pose;
    s.pose = [base](int64_t t) {
        BodyPose p = base(t);
        if (t > 3000 && t < 3100) p.trunk = 70;  // 100 ms spike
        return p;
    };
    CHECK_FALSE(hasFault(run("squat", build(s)), "trunk_too_far_forward"));
}

TEST_CASE("standing curls: counted from the visible arm; leaning back is a fault") {
    auto curls = [](float trunk) {
        Seq s;
        s.fps = 10;
        s.durationMs = 1000 + 2500 * 6 + 1000;
        s.pose = [trunk](int64_t t) {
            float c = cycle(t, 1000, 2500, 6);
            BodyPose p;
            p.elbowFlex = {10 + 125 * c, 10};
            p.shoulderFlex = {5 + 10 * c, 0};
            p.trunk = trunk * c;
            return p;
        };
        return s;
    };
    auto clean = run("standing_curl", build(curls(0)));
    CHECK(clean.reps == 6);
    for (const auto& e : clean.repEvents) CHECK(e.side == "left");
    CHECK_FALSE(hasFault(clean, "leaning_back"));
    auto lean = run("standing_curl", build(curls(-25)));
    CHECK(lean.reps == 6);
    CHECK(hasFault(lean, "leaning_back"));
    CHECK(lean.repEvents[0].quality < clean.repEvents[0].quality);
}

TEST_CASE("wall sit: time in the band, paused outside it and when out of the picture") {
    Seq s;
    s.durationMs = 16000;
    auto sit = [](float knee) {
        BodyPose p;
        p.trunk = 0;
        p.hipFlex = {knee, knee};
        p.kneeFlex = {knee, knee};
        return p;
    };
    // 0-1 s standing, 1-6 s sitting, 6-8 s up, 8-12 s sitting with a 0.2 s wobble out, 12-13 s gone, 13-15 s sitting.
    s.pose = [&](int64_t t) {
        bool in = (t >= 1000 && t < 6000) || (t >= 8000 && t < 12000) || (t >= 13000 && t < 15000);
        if (t >= 10000 && t < 10200) in = false;
        return sit(in ? 90.0f : 10.0f);
    };
    s.absent = [](int64_t t) { return t >= 12000 && t < 13000; };
    auto r = run("wall_sit", build(s));
    REQUIRE(r.holds.size() == 3);
    CHECK(r.holds[0].heldMs == Approx(5000).margin(150));
    CHECK(r.holds[1].heldMs == Approx(4000).margin(150));  // the short wobble is bridged
    CHECK(r.holds[2].heldMs == Approx(2000).margin(150));
    CHECK(r.heldMs == Approx(11000).margin(400));
    CHECK_FALSE(hasFault(r, "trunk_too_far_forward"));
}

TEST_CASE("modified plank: hips sagging and piking fire, a straight line does not") {
    auto plank = [](float hipBend) {
        Seq s;
        s.durationMs = 8000;
        s.pose = [hipBend](int64_t t) {
            BodyPose p;
            p.trunk = 75;  // forearms and knees on the floor: trunk near horizontal
            float bend = t > 3000 && t < 6000 ? hipBend : 0;
            p.hipFlex = {-105 + bend, -105 + bend};  // thighs in line with the trunk, down to the knees
            p.kneeFlex = {-75, -75};
            p.hipFlex = {bend, bend};
            p.kneeFlex = {90, 90};
            p.shoulderFlex = {90, 90};
            p.elbowFlex = {90, 90};
            return p;
        };
        return s;
    };
    auto straight = run("front_plank_modified", build(plank(0)));
    CHECK(straight.heldMs > 6000);
    CHECK_FALSE(hasFault(straight, "hips_sagging"));
    CHECK_FALSE(hasFault(straight, "hips_piking"));
    auto sag = run("front_plank_modified", build(plank(-25)));
    CHECK(hasFault(sag, "hips_sagging"));
    CHECK_FALSE(hasFault(sag, "hips_piking"));
    auto pike = run("front_plank_modified", build(plank(35)));
    CHECK(hasFault(pike, "hips_piking"));
    CHECK_FALSE(hasFault(pike, "hips_sagging"));
}

TEST_CASE("bird dog: alternating sides are counted per side") {
    Seq s;
    s.durationMs = 1000 + 3000 * 6 + 1000;
    s.pose = [](int64_t t) {
        BodyPose p;
        p.trunk = 90;
        p.hipFlex = {90, 90};
        p.kneeFlex = {90, 90};
        p.shoulderFlex = {90, 90};
        float c = cycle(t, 1000, 3000, 6);
        int rep = t < 1000 ? 0 : static_cast<int>((t - 1000) / 3000);
        int arm = rep % 2;  // left arm on even reps, with the right leg
        p.shoulderFlex[static_cast<size_t>(arm)] = 90 + 85 * c;
        p.hipFlex[static_cast<size_t>(1 - arm)] = 90 - 85 * c;
        p.kneeFlex[static_cast<size_t>(1 - arm)] = 90 - 85 * c;
        return p;
    };
    auto r = run("bird_dog", build(s));
    CHECK(r.reps == 6);
    int left = 0, right = 0;
    for (const auto& e : r.repEvents) left += e.side == "left", right += e.side == "right";
    CHECK(left == 3);
    CHECK(right == 3);
    CHECK_FALSE(hasFault(r, "twisting"));
}

TEST_CASE("side bend (front view, alternating) and a wrong view reported") {
    Seq s;
    s.durationMs = 1000 + 3000 * 4 + 1000;
    s.camera = [](int64_t) { return SyntheticCamera{CameraView::Front}; };
    s.pose = [](int64_t t) {
        BodyPose p;
        int rep = t < 1000 ? 0 : static_cast<int>((t - 1000) / 3000);
        p.lateralLean = (rep % 2 == 0 ? 1 : -1) * 25 * cycle(t, 1000, 3000, 4);
        return p;
    };
    auto r = run("side_bend", build(s));
    CHECK(r.reps == 4);
    CHECK(r.viewProblems.empty());
    s.camera = [](int64_t) { return SyntheticCamera{CameraView::LeftSide}; };
    auto wrong = run("side_bend", build(s));
    CHECK(hasView(wrong, "wrong_view"));
    CHECK(wrong.reps == 0);  // the lean cannot be seen from the side
}

TEST_CASE("sit to stand, bridge and hip hinge count their reps") {
    Seq sts;
    sts.durationMs = 1000 + 4000 * 3 + 1000;
    sts.pose = [](int64_t t) {
        float c = cycle(t, 1000, 4000, 3);  // 0 seated, 1 standing
        BodyPose p;
        p.trunk = 25 * std::sin(kPi * c);
        p.hipFlex = {90 * (1 - c) + p.trunk, 90 * (1 - c) + p.trunk};
        p.kneeFlex = {90 * (1 - c), 90 * (1 - c)};
        return p;
    };
    CHECK(run("sit_to_stand", build(sts)).reps == 3);

    Seq br;
    br.durationMs = 1000 + 3000 * 4 + 1000;
    br.pose = [](int64_t t) {
        float c = cycle(t, 1000, 3000, 4);
        BodyPose p;
        p.trunk = -90 + 35 * c;                  // lying on the back, hips lift
        p.hipFlex = {55 - 50 * c, 55 - 50 * c};  // hip angle 125 -> 175
        p.kneeFlex = {100, 100};
        return p;
    };
    auto b = run("bridge", build(br));
    CHECK(b.reps == 4);
    CHECK_FALSE(hasFault(b, "not_deep_enough"));

    Seq hh;
    hh.durationMs = 1000 + 3000 * 5 + 1000;
    hh.pose = [](int64_t t) {
        float c = cycle(t, 1000, 3000, 5);
        BodyPose p;
        p.trunk = 60 * c;
        p.hipFlex = {60 * c + 5 * c, 60 * c + 5 * c};
        p.kneeFlex = {15 * c, 15 * c};
        return p;
    };
    CHECK(run("hip_hinge", build(hh)).reps == 5);
}

TEST_CASE("static mode judges every frame on its own, in any order") {
    auto frames = build(squats(2));
    TrackerOptions o;
    o.staticFrames = true;
    auto ordered = run("squat", frames, o);
    std::vector<LandmarkFrame> shuffled = frames;
    std::mt19937 rng(7);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto sh = run("squat", shuffled, o);
    CHECK(ordered.reps == 0);
    std::map<int64_t, std::string> phaseAt;
    for (const auto& f : ordered.frames) phaseAt[f.tMs] = f.phase;
    int peaks = 0;
    for (const auto& f : sh.frames) {
        CHECK(phaseAt[f.tMs] == f.phase);
        peaks += f.phase == "peak";
    }
    CHECK(peaks > 10);
    // A single frame with the chest far forward is a fault at once, with no minimum duration.
    auto one = run("squat", {synthesizeFrame(squatPose(120, 70), {CameraView::LeftSide}, 0)}, o);
    CHECK(hasFault(one, "trunk_too_far_forward"));
}

TEST_CASE("posture: forward head and slouching from the side, uneven shoulders and pelvis from the front") {
    auto analyse = [](const BodyPose& p, CameraView view) {
        auto a = PostureAnalyzer::create();
        REQUIRE(a.ok());
        for (int64_t t = 0; t < 3000; t += 33) (*a)->update(synthesizeFrame(p, {view}, t));
        return (*a)->result();
    };
    BodyPose good;
    for (auto view : {CameraView::LeftSide, CameraView::Front}) {
        auto r = analyse(good, view);
        CHECK(r.faults.empty());
        CHECK(r.extra["posture"]["stance"] == "standing");
    }
    BodyPose head;
    head.neckForward = 35;
    auto h = analyse(head, CameraView::LeftSide);
    CHECK(hasFault(h, "forward_head"));
    CHECK_FALSE(hasFault(analyse(head, CameraView::Front), "forward_head"));  // cannot be seen from the front
    BodyPose slouch;
    slouch.trunk = 15;
    slouch.neckForward = 45;
    slouch.hipFlex = {90 + 15, 90 + 15};
    slouch.kneeFlex = {90, 90};
    auto s = analyse(slouch, CameraView::LeftSide);
    CHECK(s.extra["posture"]["stance"] == "sitting");
    CHECK(hasFault(s, "slouching"));
    BodyPose sitting;
    sitting.hipFlex = {90, 90};
    sitting.kneeFlex = {90, 90};
    CHECK_FALSE(hasFault(analyse(sitting, CameraView::LeftSide), "slouching"));
    BodyPose uneven;
    uneven.shoulderDrop = 0.05f;
    uneven.pelvisDrop = 0.04f;
    auto u = analyse(uneven, CameraView::Front);
    CHECK(hasFault(u, "shoulders_uneven"));
    CHECK(hasFault(u, "pelvis_uneven"));
}

TEST_CASE("lifting: squat lift vs stoop lift, twisting and load far from the body") {
    auto lift = [](bool stoop, float twist, float reach) {
        Seq s;
        s.durationMs = 1000 + 4000 * 2 + 1000;
        s.pose = [=](int64_t t) {
            float c = cycle(t, 1000, 4000, 2);
            BodyPose p;
            if (stoop) {
                p.trunk = 95 * c;
                p.hipFlex = {100 * c, 100 * c};
                p.kneeFlex = {10 * c, 10 * c};
                p.shoulderFlex = {p.trunk * 0.9f + reach * c, p.trunk * 0.9f + reach * c};
            } else {
                p = squatPose(120 * c, 35 * c);
                p.shoulderFlex = {45 * c + reach * c, 45 * c + reach * c};
            }
            p.elbowFlex = {0, 0};
            p.twist = twist * c;
            return p;
        };
        auto a = LiftingAnalyzer::create();
        REQUIRE(a.ok());
        for (const auto& f : build(s)) (*a)->update(f);
        return (*a)->result();
    };
    auto squat = lift(false, 0, 0);
    CHECK(squat.reps == 2);
    REQUIRE(squat.extra["lifts"].size() == 2);
    CHECK(squat.extra["lifts"][0]["style"] == "squat");
    for (const char* code : {"stoop_lift", "twisting", "load_far_from_body"}) CHECK_FALSE(hasFault(squat, code));
    auto stoop = lift(true, 0, 0);
    CHECK(stoop.reps == 2);
    REQUIRE(stoop.extra["lifts"].size() == 2);
    CHECK(stoop.extra["lifts"][0]["style"] == "stoop");
    CHECK(hasFault(stoop, "stoop_lift"));
    CHECK(hasFault(lift(false, 35, 0), "twisting"));
    CHECK(hasFault(lift(false, 0, 45), "load_far_from_body"));
}
