// Programs move a person on to the harder exercises through their progression: the full front and
// side planks after the modified ones, the forward lunge after the split squat.
#include <catch2/catch.hpp>

#include "ptcoach/core/json_check.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/engine/program.h"
#include "ptcoach/engine/session_plan.h"
#include "test_support.h"

using namespace ptcoach::engine;
using Catch::Matchers::Contains;

namespace {

Library lib() {
    auto l = loadLibrary();
    INFO((l.ok() ? "" : l.error().message));
    REQUIRE(l.ok());
    return *l;
}

const ProgramItem* item(const ProgramDefinition& p, const std::string& exercise) {
    for (const auto& s : p.sessions)
        for (const auto& it : s.items)
            if (it.exerciseId == exercise) return &it;
    return nullptr;
}

nlohmann::json doc(const std::string& id) {
    auto d = ptcoach::readJsonFile(ptcoach::programsDir() / "programs" / (id + ".json"));
    REQUIRE(d.ok());
    return *d;
}

}  // namespace

TEST_CASE("core strengthening moves on to the full planks in week 5, at their own dose") {
    Library l = lib();
    const ProgramDefinition* core = l.program("core_strengthening");
    REQUIRE(core);
    ProgramDefinition w4 = programForWeek(*core, 4);
    REQUIRE(item(w4, "front_plank_modified"));
    CHECK(item(w4, "front_plank_modified")->dose.holdS == 25);  // week 3 added 5 s
    CHECK_FALSE(item(w4, "front_plank"));
    ProgramDefinition w5 = programForWeek(*core, 5);
    CHECK_FALSE(item(w5, "front_plank_modified"));
    CHECK_FALSE(item(w5, "side_plank_modified"));
    const ProgramItem* full = item(w5, "front_plank");
    REQUIRE(full);
    CHECK(full->dose.holdS == l.exercise("front_plank")->dose.holdS);  // the full plank's own dose, not the +5 s
    CHECK(full->dose.sets == l.exercise("front_plank")->dose.sets);
    REQUIRE(item(w5, "side_plank"));
    // A planned session that week has the full plank in it.
    const ProgramSession* s = nullptr;
    for (const auto& ss : core->sessions)
        for (const auto& it : ss.items)
            if (it.exerciseId == "front_plank_modified") s = &ss;
    REQUIRE(s);
    auto plan = planSession(l, *core, *s, "", 5);
    REQUIRE(plan.ok());
    bool found = false;
    for (const auto& e : plan->exercises) found = found || e.id == "front_plank";
    CHECK(found);
}

TEST_CASE("the forward lunge follows the split squat; advance rows are checked and written back") {
    Library l = lib();
    const ProgramDefinition* lift = l.program("lifting_school");
    REQUIRE(lift);
    CHECK(item(programForWeek(*lift, 3), "split_squat"));
    CHECK(item(programForWeek(*lift, 4), "forward_lunge"));
    CHECK(item(programForWeek(*l.program("chronic_maintenance"), 3), "forward_lunge"));
    // Written back, read again: the same program.
    auto again = parseProgram(programToJson(*lift), "again.json", l.exercises);
    REQUIRE(again.ok());
    CHECK(*again == *lift);
    CHECK(progressionToJson(lift->progression)[0]["advance"]["split_squat"] == "forward_lunge");
    // Errors name the row.
    auto j = doc("lifting_school");
    j["progression"][0]["advance"] = {{"split_squat", "moon_walk"}};
    auto bad = parseProgram(j, "lifting_school.json", l.exercises);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().message, Contains("$.progression[0].advance.split_squat: unknown exercise 'moon_walk'"));
    j["progression"][0]["advance"] = {{"split_squat", "front_plank"}};
    bad = parseProgram(j, "lifting_school.json", l.exercises);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().message, Contains("'front_plank' is a hold exercise, 'split_squat' a reps one"));
}
