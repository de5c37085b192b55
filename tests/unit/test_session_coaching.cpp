// What the guided session says about a hold the camera times: why the timer is not running, the
// cue for hips grossly out of line (near the band), the start position of a timer-only exercise,
// and taps for an exercise the camera checks but cannot count.
#include <functional>

#include <catch2/catch.hpp>

#include "ptcoach/analysis/synthetic.h"
#include "ptcoach/engine/session.h"
#include "exercise_support.h"
#include "test_support.h"

using namespace ptcoach::engine;
using namespace ptcoach::analysis;
using Catch::Matchers::Contains;

using ptcoach::test::shippedExercise;

namespace {

int64_t feed(Session& s, int64_t t0, int64_t durationMs, const std::function<BodyPose()>& pose,
             CameraView view = CameraView::LeftSide) {
    int64_t t = t0;
    for (; t < t0 + durationMs; t += 33) {
        LandmarkFrame f = synthesizeFrame(pose(), SyntheticCamera{view}, t);
        s.onFrame(f);
    }
    return t;
}

BodyPose plank(float hipBend = 0) {
    BodyPose p;
    p.trunk = 78 - 0.5f * hipBend;
    p.hipFlex = {hipBend, hipBend};
    p.ankleFlex = {-100, -100};
    p.shoulderFlex = {p.trunk, p.trunk};
    p.elbowFlex = {90, 90};
    return p;
}
BodyPose lyingProne() {
    BodyPose p;
    p.trunk = 90;
    p.ankleFlex = {-90, -90};
    p.shoulderFlex = {170, 170};
    p.elbowFlex = {20, 20};
    return p;
}
BodyPose lyingBack() {
    BodyPose p;
    p.trunk = -90;
    p.hipFlex = {45, 45};
    p.kneeFlex = {90, 90};
    p.ankleFlex = {-45, -45};
    return p;
}

}  // namespace

TEST_CASE("a plank: lying on the floor the timer waits and says why; piked hips get their cue and stop it") {
    ExerciseDefinition ex = shippedExercise("front_plank");
    ex.dose.sets = 1;
    ex.dose.holdS = 6;
    Session s(planPractice(ex), {}, 0);
    s.skipCheckInAndSetup(0);
    int64_t t = feed(s, 0, 3000, lyingProne);
    CHECK(s.doneSeconds() == Approx(0));
    CHECK(s.cue().kind == CueKind::Coach);
    CHECK(s.cue().text == "Rest on your forearms, elbows under your shoulders");
    t = feed(s, t, 3000, [] { return plank(); });
    CHECK(s.doneSeconds() > 1.5);
    CHECK(s.cue().text == "Hold it, breathing normally");
    double before = s.doneSeconds();
    t = feed(s, t, 2000, [] { return plank(45); });  // hips piked high, out of the band
    CHECK(s.cue().kind == CueKind::Form);
    CHECK(s.cue().text == "Lower your hips into line");
    CHECK(s.doneSeconds() < before + 0.7);  // the timer stops (after the bridged half second)
    auto ev = s.takeEvents();
    bool spoken = std::any_of(ev.begin(), ev.end(), [](const SessionEvent& e) {
        return e.kind == SessionEvent::Kind::Speak && e.text == "Lower your hips into line";
    });
    CHECK(spoken);
    t = feed(s, t, 4500, [] { return plank(); });
    CHECK(s.stage() == Stage::PainAfter);
    s.submitPainAfter(2, t);
    auto sum = s.summary();
    REQUIRE_FALSE(sum.topFaults.empty());
    CHECK(sum.topFaults[0].first == "hips_piking");
}

TEST_CASE("timer only: abdominal bracing's timer waits until the person lies on their back") {
    ExerciseDefinition ex = shippedExercise("abdominal_bracing");
    ex.dose.sets = 1;
    ex.dose.holdS = 4;
    Session s(planPractice(ex), {}, 0);
    s.skipCheckInAndSetup(0);
    CHECK_FALSE(s.stepCameraCounted());  // the camera only checks the position
    int64_t t = feed(s, 0, 4000, [] { return BodyPose{}; });  // standing
    CHECK(s.doneSeconds() == Approx(0));
    CHECK(s.cue().text == "Get into position: lying on your back");
    t = feed(s, t, 6000, lyingBack);
    CHECK(s.stage() == Stage::PainAfter);
    CHECK(t > 0);
}

TEST_CASE("pelvic tilt: the camera checks the position, the person taps each tilt") {
    ExerciseDefinition ex = shippedExercise("pelvic_tilt");
    ex.dose.sets = 1;
    ex.dose.reps = 3;
    Session s(planPractice(ex), {}, 0);
    s.skipCheckInAndSetup(0);
    CHECK_FALSE(s.stepCameraCounted());
    int64_t t = feed(s, 0, 2000, lyingBack);
    CHECK_THAT(s.cue().text, Contains("Tap after each rep"));
    s.tapRep(t);
    s.tapRep(t + 1500);
    CHECK(s.count() == 2);
    // Lifting into a bridge: told to keep the hips down.
    BodyPose bridging = lyingBack();
    bridging.trunk = -120;
    bridging.hipFlex = {5, 5};
    t = feed(s, t + 2000, 1500, [&] { return bridging; });
    CHECK(s.cue().text == "Keep your hips on the floor: tilt, don't lift");
    s.tapRep(t);
    CHECK(s.stage() == Stage::PainAfter);
}
