// The guided session state machine, driven by synthetic camera frames with known reps: check-in
// and red flags, the camera set-up check, sets, rests and sides, pausing when the person leaves
// the picture or presses pause, the timer-and-counter guide without a camera, and the summary.
#include <algorithm>
#include <cmath>
#include <functional>

#include <catch2/catch.hpp>

#include "ptcoach/analysis/synthetic.h"
#include "ptcoach/engine/calendar.h"
#include "ptcoach/engine/session.h"
#include "exercise_support.h"
#include "test_support.h"

using namespace ptcoach::engine;
using namespace ptcoach::analysis;
using Catch::Matchers::Contains;

using ptcoach::test::shippedExercise;

namespace {

constexpr float kPi = 3.14159265f;

CheckIn allNo(int pain = 3) {
    CheckIn c;
    c.pain = pain;
    for (const ptcoach::safety::Question* q : ptcoach::safety::questionsOf(ptcoach::safety::ListKind::Short)) c.answers[q->id] = false;
    return c;
}

// Feeds frames at 30 fps from t0 for durationMs; returns the time after the last frame.
int64_t feed(Session& s, int64_t t0, int64_t durationMs, const std::function<BodyPose(int64_t)>& pose,
             CameraView view = CameraView::LeftSide, bool person = true) {
    int64_t t = t0;
    for (; t < t0 + durationMs; t += 33) {
        LandmarkFrame f;
        if (person) f = synthesizeFrame(pose(t - t0), SyntheticCamera{view}, t);
        f.tMs = t;
        s.onFrame(f);
    }
    return t;
}

BodyPose standing(int64_t) { return {}; }

// `n` curls of 2.5 s each after 1 s standing still.
std::function<BodyPose(int64_t)> curls(int n) {
    return [n](int64_t t) {
        BodyPose p;
        if (t >= 1000 && t < 1000 + 2500 * n) {
            float c = 0.5f - 0.5f * std::cos(2 * kPi * static_cast<float>((t - 1000) % 2500) / 2500.0f);
            p.elbowFlex = {10 + 125 * c, 10};
            p.shoulderFlex = {5, 0};
        } else {
            p.elbowFlex = {10, 10};
        }
        return p;
    };
}

int countEvents(const std::vector<SessionEvent>& ev, SessionEvent::Kind k) {
    return static_cast<int>(std::count_if(ev.begin(), ev.end(), [&](const SessionEvent& e) { return e.kind == k; }));
}
bool spoke(const std::vector<SessionEvent>& ev, const std::string& part) {
    return std::any_of(ev.begin(), ev.end(), [&](const SessionEvent& e) {
        return e.kind == SessionEvent::Kind::Speak && e.text.find(part) != std::string::npos;
    });
}

SessionPlan curlPlan(int sets, int reps, int rest) {
    ExerciseDefinition curl = shippedExercise("standing_curl");
    curl.dose.sets = sets;
    curl.dose.reps = reps;
    curl.dose.restS = rest;
    return planPractice(curl);
}

}  // namespace

TEST_CASE("check-in: every question answered, pain 0-10; a red flag stops the session") {
    Session s(curlPlan(1, 3, 0), {}, 0);
    CHECK(s.stage() == Stage::CheckIn);
    CheckIn c = allNo();
    c.answers.erase("trauma");
    CHECK_THAT(s.submitCheckIn(c, 0).message(), Contains("answer every question"));
    c = allNo(11);
    CHECK_THAT(s.submitCheckIn(c, 0).message(), Contains("0 to 10"));
    CHECK(s.stage() == Stage::CheckIn);
    c = allNo();
    c.answers["leg_pain"] = true;  // pain travelling down a leg
    REQUIRE(s.submitCheckIn(c, 0).ok());
    CHECK(s.stage() == Stage::Stopped);
    CHECK_THAT(s.stopAdvice(), Contains("See a clinician"));
    CHECK(s.cue().kind == CueKind::Safety);
    s.startNow(10);
    s.skip(20);
    CHECK(s.stage() == Stage::Stopped);  // nothing gets past a red flag

    Session u(curlPlan(1, 3, 0), {}, 0);
    c = allNo();
    c.answers["bladder_bowel"] = true;
    REQUIRE(u.submitCheckIn(c, 0).ok());
    CHECK_THAT(u.stopAdvice(), Contains("emergency"));
    CHECK(spoke(u.takeEvents(), "emergency"));
}

TEST_CASE("a camera session: set-up check, reps counted from frames, rest between sets, summary") {
    Session s(curlPlan(2, 3, 10), {}, 0);
    REQUIRE(s.submitCheckIn(allNo(4), 0).ok());
    CHECK(s.stage() == Stage::Setup);
    // Facing the camera is the wrong view for curls, which want the side.
    int64_t t = feed(s, 0, 1500, standing, CameraView::Front);
    CHECK(s.stage() == Stage::Setup);
    CHECK(s.setup().person);
    CHECK(s.setup().wholeBody);
    CHECK_FALSE(s.setup().viewOk);
    CHECK_THAT(s.setup().viewText, Contains("side"));
    // Side-on: right after 2 s of a good view, the first set starts by itself.
    t = feed(s, t, 1900, standing);
    CHECK(s.stage() == Stage::Setup);
    CHECK(s.setup().allOk());
    t = feed(s, t, 400, standing);
    REQUIRE(s.stage() == Stage::Active);
    CHECK(s.stepCameraCounted());
    CHECK(s.cue().text == "Get into the start position");
    t = feed(s, t, 1000 + 2500 * 3 + 200, curls(3));
    CHECK(s.stage() == Stage::Rest);
    CHECK(s.count() == 3);
    auto ev = s.takeEvents();
    CHECK(countEvents(ev, SessionEvent::Kind::RepTone) == 3);
    CHECK(spoke(ev, "Standing arm curl. Set 1 of 2. 3 reps."));
    CHECK(spoke(ev, "Rest 10 seconds."));
    CHECK_THAT(s.cue().text, Contains("Rest"));
    // the rest runs on the frames' clock
    t = feed(s, t, 9000, standing);
    CHECK(s.stage() == Stage::Rest);
    CHECK(s.restLeftMs() > 0);
    CHECK(s.restLeftMs() <= 1300);
    t = feed(s, t, 1500, standing);
    REQUIRE(s.stage() == Stage::Active);
    CHECK(s.currentStep()->set == 2);
    t = feed(s, t, 1000 + 2500 * 3 + 200, curls(3));
    REQUIRE(s.stage() == Stage::PainAfter);
    ev = s.takeEvents();
    CHECK(countEvents(ev, SessionEvent::Kind::RepTone) == 3);
    CHECK(countEvents(ev, SessionEvent::Kind::SessionDone) == 1);
    s.submitPainAfter(2, t);
    CHECK(s.stage() == Stage::Summary);
    SessionSummary sum = s.summary();
    CHECK(sum.completed);
    CHECK(sum.withCamera);
    CHECK(sum.painBefore == 4);
    CHECK(sum.painAfter == 2);
    REQUIRE(sum.exercises.size() == 1);
    CHECK(sum.exercises[0].repsDone == 6);
    CHECK(sum.exercises[0].repsPlanned == 6);
    CHECK(sum.exercises[0].setsDone == 2);
    CHECK(sum.exercises[0].cameraJudged);
    REQUIRE(sum.exercises[0].rom.has_value());
    CHECK(*sum.exercises[0].rom > 90);
    CHECK(sum.completion == Approx(1.0));
    REQUIRE(sum.formScore.has_value());
    CHECK(*sum.formScore >= 70);
    CHECK(sum.stars == 3);
}

TEST_CASE("the session pauses by itself when the person leaves the picture, and on a key") {
    Session s(curlPlan(1, 6, 0), {}, 0);
    s.skipCheckInAndSetup(0);
    REQUIRE(s.stage() == Stage::Active);
    int64_t t = feed(s, 0, 1000 + 2500 * 2, curls(2));
    CHECK(s.count() == 2);
    // gone for 0.8 s: not yet paused; gone for 1.2 s: paused
    int64_t gone = feed(s, t, 800, standing, CameraView::LeftSide, false);
    CHECK(s.pause() == PauseReason::None);
    gone = feed(s, gone, 400, standing, CameraView::LeftSide, false);
    CHECK(s.pause() == PauseReason::LeftFrame);
    CHECK(s.cue().kind == CueKind::Pause);
    CHECK(spoke(s.takeEvents(), "Step back into the picture"));
    t = feed(s, gone, 3000, standing, CameraView::LeftSide, false);
    CHECK(s.pause() == PauseReason::LeftFrame);
    // back for 0.7 s: resumes, and counting goes on
    t = feed(s, t, 800, standing);
    CHECK(s.pause() == PauseReason::None);
    t = feed(s, t, 1000 + 2500 + 200, curls(1));
    CHECK(s.count() == 3);
    // paused with a key: curls now do not count
    s.togglePause(t);
    CHECK(s.pause() == PauseReason::Manual);
    t = feed(s, t, 1000 + 2500 * 2, curls(2));
    CHECK(s.count() == 3);
    s.togglePause(t);
    CHECK(s.pause() == PauseReason::None);
    t = feed(s, t, 1000 + 2500 * 2 + 200, curls(2));
    CHECK(s.count() == 5);
    // ending early keeps the work done
    s.finishEarly(t);
    CHECK(s.stage() == Stage::PainAfter);
    s.submitPainAfter(std::nullopt, t);
    auto sum = s.summary();
    CHECK_FALSE(sum.completed);
    CHECK(sum.exercises[0].repsDone == 5);
    CHECK(sum.exercises[0].repsPlanned == 6);
    CHECK(sum.stars == 2);
    CHECK_FALSE(sum.painAfter.has_value());
}

TEST_CASE("without a camera: a timer-and-counter guide with rep taps, holds, sides and rests") {
    ExerciseDefinition curl = shippedExercise("standing_curl");
    curl.dose.sets = 1;
    curl.dose.reps = 3;
    curl.dose.restS = 20;
    ExerciseDefinition knee = shippedExercise("knee_to_chest");
    knee.dose.sets = 1;
    knee.dose.holdS = 10;
    knee.dose.restS = 0;
    SessionPlan plan = planPractice(curl);
    SessionPlan k = planPractice(knee);
    size_t base = plan.exercises.size();
    plan.exercises.push_back(knee);
    for (auto st : k.steps) {
        st.exercise += base;
        plan.steps.push_back(st);
    }
    plan.steps[0].restAfterS = 20;
    SessionOptions o;
    o.camera = false;
    Session s(std::move(plan), o, 0);
    REQUIRE(s.submitCheckIn(allNo(), 0).ok());
    REQUIRE(s.stage() == Stage::Active);  // no set-up step without a camera
    CHECK_FALSE(s.stepCameraCounted());
    CHECK_THAT(s.cue().text, Contains("Tap after each rep"));
    s.tapRep(1000);
    s.tapRep(2000);
    CHECK(s.count() == 2);
    s.togglePause(2500);
    s.tapRep(2600);  // taps do not count while paused
    CHECK(s.count() == 2);
    s.togglePause(2700);
    s.tapRep(3000);
    CHECK(s.stage() == Stage::Rest);
    s.tick(10000);
    CHECK(s.restLeftMs() == 13000);
    s.skip(11000);  // rest ended early
    REQUIRE(s.stage() == Stage::Active);
    CHECK(s.currentStep()->side == BodySide::Left);
    CHECK(s.currentStep()->goal == StepGoal::Hold);
    // a 3 s countdown, then the timer holds for 10 s
    s.tick(12000);
    CHECK(s.readyLeftMs() == 2000);
    CHECK_THAT(s.cue().text, Contains("Get ready"));
    s.tick(14000);
    CHECK(s.doneSeconds() == Approx(0));
    s.tick(20000);
    CHECK(s.doneSeconds() == Approx(6));
    s.togglePause(20000);
    s.tick(60000);
    CHECK(s.doneSeconds() == Approx(6));  // paused: the clock stops
    s.togglePause(60000);
    s.tick(64000);
    REQUIRE(s.stage() == Stage::Rest);  // switching sides
    CHECK(s.restTotalMs() == kSwitchSidesS * 1000);
    CHECK_THAT(s.cue().text, Contains("Switch sides: now your right"));
    s.tick(64000 + kSwitchSidesS * 1000);
    REQUIRE(s.stage() == Stage::Active);
    CHECK(s.currentStep()->side == BodySide::Right);
    s.tick(64000 + kSwitchSidesS * 1000 + 13000);
    CHECK(s.stage() == Stage::PainAfter);
    s.submitPainAfter(1, 90000);
    auto sum = s.summary();
    CHECK(sum.completed);
    CHECK_FALSE(sum.withCamera);
    CHECK(sum.exercises[0].repsDone == 3);
    CHECK(sum.exercises[1].holdS == Approx(20));
    CHECK(sum.exercises[1].holdPlannedS == Approx(20));
    CHECK(sum.exercises[1].setsDone == 1);
    CHECK_FALSE(sum.formScore.has_value());
    CHECK(sum.stars == 3);
}

TEST_CASE("a camera hold counts time in the band, and a form cue shows while it is wrong") {
    ExerciseDefinition wall = shippedExercise("wall_sit");
    wall.dose.sets = 1;
    wall.dose.holdS = 5;
    Session s(planPractice(wall), {}, 0);
    s.skipCheckInAndSetup(0);
    auto sit = [](float knee, float trunk) {
        return [=](int64_t) {
            BodyPose p;
            p.hipFlex = {knee + trunk, knee + trunk};  // thighs stay level as the trunk leans
            p.kneeFlex = {knee, knee};
            p.trunk = trunk;
            return p;
        };
    };
    int64_t t = feed(s, 0, 1000, standing);
    CHECK(s.doneSeconds() == Approx(0));
    t = feed(s, t, 3000, sit(90, 0));
    CHECK(s.doneSeconds() > 2.0);
    CHECK(s.doneSeconds() < 3.2);
    CHECK(s.cue().text == "Hold it, breathing normally");
    t = feed(s, t, 1000, sit(90, 40));  // leaning away from the wall
    CHECK(s.cue().kind == CueKind::Form);
    CHECK(s.cue().text == "Keep your back against the wall");
    t = feed(s, t, 2000, sit(90, 0));
    CHECK(s.stage() == Stage::PainAfter);
    s.submitPainAfter(3, t);
    auto sum = s.summary();
    CHECK(sum.exercises[0].holdS == Approx(5));
    REQUIRE_FALSE(sum.topFaults.empty());
    CHECK(sum.topFaults[0].first == "trunk_too_far_forward");
}

TEST_CASE("stars and the streak") {
    CHECK(starsFor(1.0, 90.0) == 3);
    CHECK(starsFor(1.0, std::nullopt) == 3);
    CHECK(starsFor(1.0, 50.0) == 2);
    CHECK(starsFor(0.85, 90.0) == 2);
    CHECK(starsFor(0.5, 90.0) == 1);
    CHECK(starsFor(0.1, 90.0) == 0);
    auto noRest = [](int64_t) { return false; };
    int64_t today = 20000;
    CHECK(streakDays({}, today, noRest) == 0);
    CHECK(streakDays({today}, today, noRest) == 1);
    CHECK(streakDays({today - 1, today - 2}, today, noRest) == 2);  // today not done yet: not broken
    CHECK(streakDays({today, today - 1, today - 3}, today, noRest) == 2);  // a missed day breaks it
    auto restDay = [&](int64_t d) { return d == today - 2; };
    CHECK(streakDays({today, today - 1, today - 3}, today, restDay) == 3);  // a rest day does not
    CHECK(streakDays({today, today, today - 1}, today, noRest) == 2);  // two sessions a day: one day
}

TEST_CASE("calendar days: ISO UTC text, weekdays and dates") {
    auto t = parseIsoUtc("2026-11-21T09:30:00Z");
    REQUIRE(t.has_value());
    CHECK(isoUtc(*t) == "2026-11-21T09:30:00Z");
    CHECK_FALSE(parseIsoUtc("21/11/2026").has_value());
    CHECK_FALSE(parseIsoUtc("2026-13-01T00:00:00Z").has_value());
    int64_t day = std::chrono::duration_cast<std::chrono::hours>(t->time_since_epoch()).count() / 24;
    CHECK(dayText(day) == "2026-11-21");
    CHECK(weekdayOfDay(day) == 5);  // a Saturday
    CHECK(weekdayOfDay(0) == 3);    // 1970-01-01, a Thursday
}

TEST_CASE("a camera that fails mid-set: the session goes on as a counter, keeping the reps counted") {
    Session s(curlPlan(1, 4, 0), {}, 0);
    s.skipCheckInAndSetup(0);
    int64_t t = feed(s, 0, 1000 + 2500 * 2 + 200, curls(2));
    REQUIRE(s.count() == 2);
    s.continueWithoutCamera(t);
    CHECK_FALSE(s.stepCameraCounted());
    CHECK(s.count() == 2);
    s.tick(t + 2000);  // once the last rep's "Good!" has passed
    CHECK_THAT(s.cue().text, Contains("Tap after each rep"));
    s.tapRep(t + 3000);
    s.tapRep(t + 4000);
    CHECK(s.stage() == Stage::PainAfter);
    s.submitPainAfter(0, t + 5000);
    auto sum = s.summary();
    CHECK(sum.exercises[0].repsDone == 4);
    CHECK_FALSE(sum.withCamera);
    CHECK(sum.exercises[0].rom.has_value());  // from the two reps the camera saw
}
