// The evaluation machinery (ptcoach-eval's library part): manifests, balanced accuracy, reps within
// tolerance, hold error, floors; on synthetic sequences whose truth is known by construction.
#include <cmath>

#include <catch2/catch.hpp>

#include "ptcoach/analysis/evaluation.h"
#include "ptcoach/analysis/synthetic.h"
#include "test_support.h"

using namespace ptcoach::analysis;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

json manifestDoc() {
    return json::parse(R"({
      "format": "ptcoach-eval", "version": 1,
      "entries": [{"id": "curls", "input": "curls.csv", "exercise": "standing_curl", "truth": "by construction",
                   "reps": {"min": 4, "max": 4}, "view": "side",
                   "labels": {"how": "by construction", "faults": ["leaning_back"],
                              "ranges": [{"from": 200, "to": 360, "faults": ["leaning_back"]}],
                              "ignore": [{"from": 190, "to": 199}]}}],
      "floors": {"reps_within": 1, "form": {"leaning_back": 0.9}, "view": 0.9}
    })");
}

std::string parseError(const json& j) {
    auto m = parseEvalManifest(j, "m.json");
    REQUIRE_FALSE(m.ok());
    return m.error().message;
}

// Four curls at 30 fps; the trunk leans 20 degrees back from frame 200 to 360.
LandmarkSequence curls() {
    LandmarkSequence seq;
    for (int i = 0; i < 400; ++i) {
        int64_t t = i * 33;
        float c = t < 1000 || t >= 11000 ? 0 : 0.5f - 0.5f * std::cos(2 * 3.14159265f * ((t - 1000) % 2500) / 2500.0f);
        BodyPose p;
        p.elbowFlex = {10 + 125 * c, 10 + 125 * c};
        p.trunk = i >= 200 && i <= 360 ? -20.0f : 0.0f;
        seq.frames.push_back(synthesizeFrame(p, SyntheticCamera{CameraView::LeftSide}, t));
    }
    return seq;
}

}  // namespace

TEST_CASE("balanced accuracy: the mean of the rates on frames with and without the fault") {
    FaultScore s;
    s.tp = 8, s.fn = 2, s.tn = 90, s.fp = 10;
    CHECK(*s.sensitivity() == Approx(0.8));
    CHECK(*s.specificity() == Approx(0.9));
    CHECK(*s.balancedAccuracy() == Approx(0.85));
    FaultScore onlyNegatives;
    onlyNegatives.tn = 5;
    CHECK_FALSE(onlyNegatives.balancedAccuracy().has_value());  // undefined without both kinds of frame
    onlyNegatives += s;
    CHECK(onlyNegatives.tn == 95);
}

TEST_CASE("an evaluation manifest: entries, labels and floors; bad ones name the JSON path") {
    auto m = parseEvalManifest(manifestDoc(), "/data/eval/m.json");
    INFO((m.ok() ? "" : m.error().message));
    REQUIRE(m.ok());
    CHECK(m->root == std::filesystem::path("/data/eval"));
    REQUIRE(m->entries.size() == 1);
    CHECK(m->entries[0].reps == std::pair{4, 4});
    CHECK(m->entries[0].labels->ranges.size() == 1);
    CHECK(m->floors.form.at("leaning_back") == Approx(0.9));
    auto j = manifestDoc();
    j["entries"][0].erase("truth");
    CHECK_THAT(parseError(j), Contains("m.json: $.entries[0].truth: missing"));
    j = manifestDoc();
    j["entries"][0]["labels"]["faults"][0] = "wobbly";
    CHECK_THAT(parseError(j), Contains("$.entries[0].labels.faults[0]: unknown fault code 'wobbly'"));
    j = manifestDoc();
    j["entries"][0]["labels"].erase("ranges");
    CHECK_THAT(parseError(j), Contains("$.entries[0].labels: needs 'ranges'"));
    j = manifestDoc();
    j["entries"][0]["view"] = "above";
    CHECK_THAT(parseError(j), Contains("$.entries[0].view: 'above' is not one of: front, side"));
    j = manifestDoc();
    j["entries"][0]["reps"] = {{"min", 5}, {"max", 3}};
    CHECK_THAT(parseError(j), Contains("$.entries[0].reps: 'max' is below 'min'"));
    j = manifestDoc();
    j["version"] = 2;
    CHECK_THAT(parseError(j), Contains("$.version: version 2 is newer than this build reads (1)"));
    j = manifestDoc();
    j["entries"][0]["labels"]["ranges"][0]["to"] = 100;
    CHECK_THAT(parseError(j), Contains("$.entries[0].labels.ranges[0]: 'to' is before 'from'"));
}

TEST_CASE("an entry is scored: reps, per-frame form, view; the floors pass or say which figure fell") {
    auto m = parseEvalManifest(manifestDoc(), "m.json");
    REQUIRE(m.ok());
    auto ex = loadExerciseById("standing_curl");
    REQUIRE(ex.ok());
    auto s = evaluateEntry(m->entries[0], curls(), *ex);
    INFO((s.ok() ? "" : s.error().message));
    REQUIRE(s.ok());
    CHECK(s->reps == 4);
    const FaultScore& lb = s->form.at("leaning_back");
    CHECK(lb.positives() == 161);
    CHECK(lb.negatives() == 400 - 161 - 10);  // the ignored frames are not scored
    CHECK(*lb.balancedAccuracy() > 0.95);
    CHECK(s->viewRight == s->viewFrames);
    auto rep = summarize(*m, {*s}, {*ex});
    CHECK(rep.floorFailures.empty());
    CHECK(rep.overall.repsOk == 1);
    // Raise a floor: the report names it.
    m->floors.form["hips_sagging"] = 0.5;  // a fault without labelled frames cannot meet a floor
    m->floors.repsWithin = 2;
    rep = summarize(*m, {*s}, {*ex});
    REQUIRE(rep.floorFailures.size() == 2);
    CHECK_THAT(toText(rep), Contains("BELOW THE FLOOR: reps within 1: 1 entries, the floor is 2"));
    CHECK_THAT(toText(rep), Contains("BELOW THE FLOOR: hips_sagging: no labelled frames"));
    CHECK(toJson(rep)["floors_passed"] == false);
}

TEST_CASE("reps within one of the true range count; hold error is a fraction of the true time") {
    EvalManifest m;
    EntryScore a;
    a.id = "a", a.exercise = "squat", a.repsTrue = std::pair{9, 10}, a.reps = 8, a.repsOff = 1;
    EntryScore b;
    b.id = "b", b.exercise = "squat", b.repsTrue = std::pair{9, 10}, b.reps = 12, b.repsOff = 2;
    EntryScore h;
    h.id = "h", h.exercise = "front_plank", h.holdTrueS = 20.0, h.heldS = 16.0;
    EntryScore z;
    z.id = "z", z.exercise = "childs_pose", z.holdTrueS = 0.0, z.heldS = 3.0;
    auto rep = summarize(m, {a, b, h, z}, {});
    CHECK(rep.entries[0].repsOk);
    CHECK_FALSE(rep.entries[1].repsOk);
    CHECK(rep.entries[2].holdError == Approx(0.2));
    CHECK(rep.entries[2].holdOk);
    CHECK_FALSE(rep.entries[3].holdOk);  // timed 3 s where nothing was held
    CHECK(rep.overall.repsOk == 1);
    CHECK(rep.overall.holdsOk == 1);
}
