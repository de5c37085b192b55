// Programs: every shipped program file loads against the exercise library; each is tied to a
// recovery phase, says its days per week and rest days, and never strengthens the back two days
// running; bad content names the file and JSON path. Session plans from a program.
#include <fstream>
#include <set>

#include <catch2/catch.hpp>

#include "ptcoach/core/paths.h"
#include "ptcoach/core/json_check.h"
#include "ptcoach/engine/program.h"
#include "ptcoach/engine/session_plan.h"
#include "test_support.h"

using namespace ptcoach::engine;
using Catch::Matchers::Contains;

namespace {

Library lib() {
    auto l = loadLibrary();
    INFO((l.ok() ? std::string() : l.error().message));
    REQUIRE(l.ok());
    return *l;
}

nlohmann::json doc(const std::string& id) {
    auto d = ptcoach::readJsonFile(ptcoach::programsDir() / "programs" / (id + ".json"));
    REQUIRE(d.ok());
    return *d;
}

std::string parseError(const Library& l, const nlohmann::json& j) {
    auto r = parseProgram(j, "p.json", l.exercises);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

}  // namespace

TEST_CASE("every shipped program loads, tied to a recovery phase, with its week") {
    Library l = lib();
    CHECK(l.programs.size() >= 6);
    std::set<std::string> ids, phases;
    for (const auto& p : l.programs) {
        INFO(p.id);
        ids.insert(p.id);
        phases.insert(p.phase);
        CHECK_FALSE(p.title.empty());
        CHECK_FALSE(p.summary.empty());
        CHECK(p.daysPerWeek + p.restDays() == 7);
        for (int d = 0; d < 7; ++d) {
            const ProgramSession* a = sessionForWeekday(p, d);
            const ProgramSession* b = sessionForWeekday(p, (d + 1) % 7);
            CHECK_FALSE((a && b && a->backStrengthening && b->backStrengthening));
        }
        for (const auto& s : p.sessions)
            for (const auto& it : s.items) CHECK(l.exercise(it.exerciseId) != nullptr);
    }
    for (const char* id : {"acute_relief", "early_recovery", "core_strengthening", "lifting_school", "posture_desk",
                           "chronic_maintenance"})
        CHECK(ids.count(id) == 1);
    CHECK(phases == std::set<std::string>{"acute", "subacute", "recovery", "chronic", "any"});
    const ProgramDefinition* acute = l.program("acute_relief");
    REQUIRE(acute);
    CHECK(acute->fromDay == 0);
    CHECK(acute->toDay == 3);
    for (const auto& s : acute->sessions) CHECK_FALSE(s.backStrengthening);  // gentle only
    const ProgramDefinition* core = l.program("core_strengthening");
    REQUIRE(core);
    CHECK(core->fromDay == 14);
    CHECK(core->toDay == 42);
    CHECK(core->restDays() >= 1);
    // The lifting school's lift day has the standing curl, with the program's dose.
    const ProgramDefinition* lift = l.program("lifting_school");
    REQUIRE(lift);
    const ProgramSession* s = sessionWithExercise(*lift, 0, "standing_curl");
    REQUIRE(s);
    CHECK(s->id == "lift");
    CHECK(s->items.front().dose.sets == 1);
    CHECK(s->items.front().dose.reps == 10);
    CHECK(s->items.front().dose.restS == 30);
    CHECK(s->items[1].dose.reps == l.exercise("hip_hinge")->dose.reps);  // default dose
}

TEST_CASE("bad program content is reported with file, JSON path and what was expected") {
    Library l = lib();
    auto j = doc("core_strengthening");
    j["week"] = {"core", "core", "mobility", "rest", "core", "rest", "rest"};
    j["days_per_week"] = 4;
    auto e = parseError(l, j);
    CHECK_THAT(e, Contains("p.json: $.week[1]: 'core' on Tuesday follows 'core' on Monday: both strengthen the back"));
    CHECK_THAT(e, Contains("bridge"));
    j["week"] = {"core", "mobility", "core", "rest", "rest", "rest", "core"};  // Sunday then Monday
    j["days_per_week"] = 4;
    CHECK_THAT(parseError(l, j), Contains("$.week[0]: 'core' on Monday follows 'core' on Sunday"));
    j = doc("core_strengthening");
    j["days_per_week"] = 6;
    CHECK_THAT(parseError(l, j), Contains("$.days_per_week: 6 does not match the week, which has 5 training days"));
    j = doc("core_strengthening");
    j["sessions"][0]["exercises"][1]["exercise"] = "handstand";
    CHECK_THAT(parseError(l, j), Contains("$.sessions[0].exercises[1].exercise: unknown exercise 'handstand' (known:"));
    j = doc("core_strengthening");
    j["sessions"][0]["exercises"][1]["reps"] = 10;  // abdominal bracing is a hold
    CHECK_THAT(parseError(l, j), Contains("$.sessions[0].exercises[1].reps: 'abdominal_bracing' is a hold exercise"));
    j = doc("core_strengthening");
    j["sessions"][0]["colour"] = "red";
    CHECK_THAT(parseError(l, j), Contains("$.sessions[0].colour: unknown key"));
    j = doc("core_strengthening");
    j["week"][3] = "yoga";
    CHECK_THAT(parseError(l, j), Contains("$.week[3]: 'yoga' is not a session of this program"));
    j = doc("core_strengthening");
    j["phase"] = "later";
    CHECK_THAT(parseError(l, j), Contains("$.phase: 'later' is not one of"));
    j = doc("core_strengthening");
    j["version"] = 3;
    CHECK_THAT(parseError(l, j), Contains("$.version: version 3 is newer"));
    auto bad = ptcoach::test::scratchDir("program_badfile");
    std::filesystem::create_directories(bad / "programs");
    std::ofstream(bad / "programs" / "x.json") << doc("lifting_school").dump();
    auto all = loadAllPrograms(l.exercises, bad);
    REQUIRE_FALSE(all.ok());
    CHECK_THAT(all.error().message, Contains("x.json: $.id: 'lifting_school' does not match the file name 'x'"));
}

TEST_CASE("a session plan lists every set, each side in turn, with the rest after each") {
    Library l = lib();
    const ProgramDefinition* p = l.program("core_strengthening");
    REQUIRE(p);
    const ProgramSession* mob = p->session("mobility");
    REQUIRE(mob);
    auto plan = planSession(l, *p, *mob);
    REQUIRE(plan.ok());
    // knee_to_chest: 2 sets (program), one side at a time: L R L R, switching sides in between.
    REQUIRE(plan->steps.size() >= 4);
    const auto& s = plan->steps;
    CHECK(plan->exercises[s[0].exercise].id == "knee_to_chest");
    CHECK(s[0].side == ptcoach::analysis::BodySide::Left);
    CHECK(s[1].side == ptcoach::analysis::BodySide::Right);
    CHECK(s[0].restAfterS == kSwitchSidesS);
    CHECK(s[1].restAfterS == 10);
    CHECK(s[3].set == 2);
    CHECK(s[0].goal == StepGoal::Hold);
    CHECK(s[0].seconds == 20);
    CHECK(s[0].cameraJudged);
    CHECK(s.back().restAfterS == 0);
    CHECK(plan->exercises[s.back().exercise].id == "walking");
    CHECK(s.back().goal == StepGoal::Timed);
    CHECK_FALSE(s.back().cameraJudged);
    // alternating: both sides count toward the set
    const ProgramSession* core = p->session("core");
    auto cp = planSession(l, *p, *core, "bird_dog");
    REQUIRE(cp.ok());
    CHECK(cp->exercises.front().id == "bird_dog");
    CHECK(cp->steps.front().reps == 2 * l.exercise("bird_dog")->dose.reps);
    CHECK_THAT(planSession(l, *p, *core, "walking").error().message, Contains("has no exercise 'walking'"));
    auto practice = planPractice(*l.exercise("standing_curl"));
    CHECK(practice.steps.size() == 2);
    CHECK(practice.programId.empty());
}
