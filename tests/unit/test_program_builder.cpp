// Program format version 2 (notes, side choice, progression), the program writer, the week-by-week
// dose, and the program builder's draft: validation naming the field, build through parseProgram,
// atomic saving.
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "ptcoach/core/json_check.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/engine/exchange.h"
#include "ptcoach/engine/program.h"
#include "ptcoach/engine/program_builder.h"
#include "ptcoach/engine/session_plan.h"
#include "test_support.h"

using namespace ptcoach::engine;
using Catch::Matchers::Contains;
using nlohmann::json;
using ptcoach::Status;

namespace {

const Library& lib() {
    static Library l = [] {
        auto r = loadLibrary();
        if (!r) FAIL(r.error().message);
        return *r;
    }();
    return l;
}

json shipped(const std::string& id) {
    auto d = ptcoach::readJsonFile(ptcoach::programsDir() / "programs" / (id + ".json"));
    REQUIRE(d.ok());
    return *d;
}

ProgramDefinition parseOk(const json& j) {
    auto r = parseProgram(j, "p.json", lib().exercises);
    if (!r) FAIL(r.error().message);
    return *r;
}

std::string parseError(const json& j) {
    auto r = parseProgram(j, "p.json", lib().exercises);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

std::string allMessages(const std::vector<DraftProblem>& ps) {
    std::string out;
    for (const auto& p : ps) out += p.message + "\n";
    return out;
}

using ptcoach::test::slurp;

// A version 2 program with a progression: core (back strengthening) on Mon/Wed/Fri, walking between.
json progressive() {
    return json::parse(R"({
      "format": "ptcoach-program", "version": 2, "id": "progressive", "title": "Progressive core",
      "summary": "Core three days a week, growing week by week.", "phase": "recovery",
      "notes": "Stop and call me if pain travels down a leg.",
      "days_per_week": 5,
      "week": ["core", "walk", "core", "walk", "core", "rest", "rest"],
      "sessions": [
        {"id": "core", "title": "Core", "exercises": [
          {"exercise": "bridge", "reps": 10, "notes": "Squeeze your buttocks at the top"},
          {"exercise": "front_plank_modified", "hold_s": 20},
          {"exercise": "split_squat", "sides": "left"},
          {"exercise": "standing_curl", "sides": "right"}
        ]},
        {"id": "walk", "title": "Walk", "exercises": [{"exercise": "walking", "duration_s": 600}]}
      ],
      "progression": [
        {"week": 2, "reps": 2, "hold_s": 5, "sets": 1, "duration_s": 60},
        {"week": 4, "reps": 2, "hold_s": 5}
      ]
    })");
}

}  // namespace

TEST_CASE("every shipped program round-trips through the writer, with only non-default doses", "[program]") {
    REQUIRE(lib().programs.size() >= 6);
    for (const auto& p : lib().programs) {
        INFO(p.id);
        json written = programToJson(p);
        CHECK(written["format"] == "ptcoach-program");
        CHECK(written["version"] == kProgramFormatVersion);
        auto back = parseProgram(written, p.file, lib().exercises);
        if (!back) FAIL(back.error().message);
        CHECK(*back == p);
        // The text form: 2-space indentation, and parses to the same program.
        std::string text = programText(p);
        CHECK(text.rfind("{\n  \"format\": \"ptcoach-program\",\n  \"version\": 2,", 0) == 0);
        CHECK(*parseProgram(json::parse(text), p.file, lib().exercises) == p);
        // Only what differs from the exercise's default dose is written, and the shipped file's own
        // overrides are all still there.
        json src = shipped(p.id);
        for (size_t s = 0; s < written["sessions"].size(); ++s)
            for (size_t i = 0; i < written["sessions"][s]["exercises"].size(); ++i) {
                const json& ej = written["sessions"][s]["exercises"][i];
                const auto* ex = lib().exercise(ej["exercise"]);
                REQUIRE(ex);
                const std::pair<const char*, int> fields[] = {{"sets", ex->dose.sets}, {"reps", ex->dose.reps},
                                                              {"hold_s", ex->dose.holdS}, {"rest_s", ex->dose.restS},
                                                              {"duration_s", ex->dose.durationS}};
                for (const auto& [key, def] : fields) {
                    INFO(ej.dump() << " " << key);
                    if (ej.contains(key)) CHECK(ej[key].get<int>() != def);
                    const json& orig = src["sessions"][s]["exercises"][i];
                    if (orig.contains(key) && orig[key].get<int>() != def) CHECK(ej[key] == orig[key]);
                }
            }
    }
    // Equality is not trivially true.
    ProgramDefinition p = *lib().program("core_strengthening");
    ProgramDefinition q = p;
    q.sessions[0].items[1].dose.holdS += 1;
    CHECK_FALSE(q == p);
    q = p;
    q.sessions[1].items[0].notes = "x";
    CHECK_FALSE(q == p);
    q = p;
    q.progression.push_back({3, 0, 1, 0, 0});
    CHECK_FALSE(q == p);
}

TEST_CASE("version 2 adds notes, a side choice and a progression; version 1 files still load", "[program]") {
    ProgramDefinition p = parseOk(progressive());
    CHECK(p.version == 2);
    CHECK(p.notes == "Stop and call me if pain travels down a leg.");
    CHECK(p.sessions[0].items[0].notes == "Squeeze your buttocks at the top");
    CHECK(p.sessions[0].items[2].sides == ptcoach::analysis::Sides::Left);
    CHECK_FALSE(p.sessions[0].items[0].sides.has_value());
    REQUIRE(p.progression.size() == 2);
    CHECK(p.progression[0] == ProgressionStep{2, 1, 2, 5, 60});
    CHECK(p.progression[1] == ProgressionStep{4, 0, 2, 5, 0});
    CHECK(parseOk(programToJson(p)) == p);

    // Version 1 files (early recovery is one) load as before.
    CHECK(lib().program("early_recovery")->version == 1);
    // Version 2 fields in a version 1 file are errors, not quietly read.
    json j = shipped("early_recovery");
    j["notes"] = "hello";
    CHECK_THAT(parseError(j), Contains("p.json: $.notes: needs format version 2 (the file says version 1)"));
    j = shipped("early_recovery");
    j["sessions"][0]["exercises"][0]["notes"] = "slowly";
    CHECK_THAT(parseError(j), Contains("$.sessions[0].exercises[0].notes: needs format version 2"));
    j = shipped("early_recovery");
    j["progression"] = json::array({{{"week", 2}, {"reps", 1}}});
    CHECK_THAT(parseError(j), Contains("$.progression: needs format version 2"));
    // A newer version says so, and only that.
    j = progressive();
    j["version"] = 3;
    j["colour"] = "red";
    std::string e = parseError(j);
    CHECK(e == "p.json: $.version: version 3 is newer than this build reads (2); update PT Coach to open it");

    // Side choices: "each" may be narrowed to one side, "either" fixed; nothing else.
    j = progressive();
    j["sessions"][0]["exercises"][2]["sides"] = "alternating";
    CHECK_THAT(parseError(j), Contains("$.sessions[0].exercises[2].sides: 'alternating' is not a side choice for "
                                       "'split_squat' (each): each, left, right"));
    j = progressive();
    j["sessions"][0]["exercises"][0]["sides"] = "left";  // bridge: both
    CHECK_THAT(parseError(j), Contains("$.sessions[0].exercises[0].sides: 'left' is not a side choice for 'bridge' (both): both"));
    // Notes: text, bounded.
    j = progressive();
    j["notes"] = std::string(kMaxProgramNotes + 1, 'a');
    CHECK_THAT(parseError(j), Contains("$.notes: too long: 2001 characters, at most 2000"));
    j = progressive();
    j["sessions"][0]["exercises"][0]["notes"] = std::string("bell\x07");
    CHECK_THAT(parseError(j), Contains("$.sessions[0].exercises[0].notes: holds the control character"));
}

TEST_CASE("progression rows are checked: weeks from 2, increasing, never below the program's dose", "[program]") {
    json j = progressive();
    j["progression"][0]["week"] = 1;
    CHECK_THAT(parseError(j), Contains("$.progression[0].week: expected a whole number from 2 to 104"));
    j = progressive();
    j["progression"][1]["week"] = 2;
    CHECK_THAT(parseError(j), Contains("$.progression[1].week: week 2 must come after week 2"));
    j = progressive();
    j["progression"][1] = {{"week", 5}, {"reps", -3}};  // 2 - 3 = -1 overall
    CHECK_THAT(parseError(j), Contains("$.progression[1].reps: brings the total change by week 5 to -1"));
    j = progressive();
    j["progression"][1] = {{"week", 5}, {"reps", -2}};  // back to the program's dose: fine (a lighter week)
    CHECK(parseProgram(j, "p.json", lib().exercises).ok());
    j = progressive();
    j["progression"][1] = {{"week", 5}};
    CHECK_THAT(parseError(j), Contains("$.progression[1]: changes nothing"));
    j = progressive();
    j["progression"][1] = {{"week", 5}, {"rest_s", 10}};
    CHECK_THAT(parseError(j), Contains("$.progression[1].rest_s: unknown key"));
    j = progressive();
    j["progression"] = json::array({2});
    CHECK_THAT(parseError(j), Contains("$.progression[0]: expected an object"));
    j["progression"] = {{"week", 2}};  // an object, not a list
    CHECK_THAT(parseError(j), Contains("$.progression: expected an array"));
}

TEST_CASE("the dose for a week adds the progression rows up to that week, within the limits", "[program]") {
    ProgramDefinition p = parseOk(progressive());
    const auto& items = p.sessions[0].items;
    // bridge (reps): 10 reps, 2 sets by default
    const int bridgeSets = lib().exercise("bridge")->dose.sets;
    auto at = [&](int week, size_t s, size_t i) { return programForWeek(p, week).sessions[s].items[i].dose; };
    CHECK(at(1, 0, 0).reps == 10);
    CHECK(at(0, 0, 0).reps == 10);  // before the start: the program's own dose
    CHECK(at(2, 0, 0).reps == 12);
    CHECK(at(2, 0, 0).sets == bridgeSets + 1);
    CHECK(at(3, 0, 0).reps == 12);
    CHECK(at(4, 0, 0).reps == 14);
    CHECK(at(40, 0, 0).reps == 14);
    CHECK(at(4, 0, 0).holdS == items[0].dose.holdS);  // a reps exercise gets no hold time
    CHECK(at(4, 0, 0).restS == items[0].dose.restS);
    // plank (hold): 20 s, +5 at week 2, +5 more at week 4; no reps.
    CHECK(at(2, 0, 1).holdS == 25);
    CHECK(at(4, 0, 1).holdS == 30);
    CHECK(at(4, 0, 1).reps == 0);
    // walking (timed): 600 s, +60 from week 2.
    CHECK(at(1, 1, 0).durationS == 600);
    CHECK(at(2, 1, 0).durationS == 660);
    CHECK(at(5, 1, 0).durationS == 660);
    // The progression is applied: the result has none left, applying it again changes nothing.
    ProgramDefinition w4 = programForWeek(p, 4);
    CHECK(w4.progression.empty());
    CHECK(programForWeek(w4, 9) == w4);

    // Clamped to the limits.
    json j = progressive();
    j["sessions"][0]["exercises"][0]["reps"] = 90;
    j["sessions"][0]["exercises"][0]["sets"] = 19;
    j["progression"] = json::array({{{"week", 2}, {"reps", 50}, {"sets", 5}, {"duration_s", 3600}}});
    ProgramDefinition big = parseOk(j);
    CHECK(programForWeek(big, 2).sessions[0].items[0].dose.reps == kDoseLimits.repsMax);
    CHECK(programForWeek(big, 2).sessions[0].items[0].dose.sets == kDoseLimits.setsMax);
    CHECK(programForWeek(big, 2).sessions[1].items[0].dose.durationS == kDoseLimits.durationMax);

    // Weeks of an assignment from its start day.
    CHECK(programWeek(1000, 999) == 0);
    CHECK(programWeek(1000, 1000) == 1);
    CHECK(programWeek(1000, 1006) == 1);
    CHECK(programWeek(1000, 1007) == 2);
    CHECK(programWeek(1000, 1000 + 3 * 7 + 2) == 4);
}

TEST_CASE("a session plan takes the week and the program's side choice", "[program]") {
    ProgramDefinition p = parseOk(progressive());
    const ProgramSession* core = p.session("core");
    REQUIRE(core);
    auto w1 = planSession(lib(), p, *core);
    auto w4 = planSession(lib(), p, *core, {}, 4);
    REQUIRE(w1.ok());
    REQUIRE(w4.ok());
    CHECK(w1->steps.front().reps == 10);
    CHECK(w4->steps.front().reps == 14);
    CHECK(w4->steps.front().sets == w1->steps.front().sets + 1);
    // split_squat narrowed to the left: one pass per set, all on the left, no side switch.
    int splitSteps = 0;
    for (const auto& s : w1->steps) {
        if (w1->exercises[s.exercise].id != "split_squat") continue;
        ++splitSteps;
        CHECK(s.side == ptcoach::analysis::BodySide::Left);
        CHECK(s.restAfterS != kSwitchSidesS);
        CHECK(w1->exercises[s.exercise].sides == ptcoach::analysis::Sides::Left);
    }
    CHECK(splitSteps == lib().exercise("split_squat")->dose.sets);
    // standing_curl (either) fixed to the right.
    bool sawCurl = false;
    for (const auto& s : w1->steps)
        if (w1->exercises[s.exercise].id == "standing_curl") {
            sawCurl = true;
            CHECK(s.side == ptcoach::analysis::BodySide::Right);
        }
    CHECK(sawCurl);
    // startAt still works with a week.
    auto from = planSession(lib(), p, *core, "front_plank_modified", 4);
    REQUIRE(from.ok());
    CHECK(from->steps.front().seconds == 30);
}

TEST_CASE("makeId turns a title into a program id", "[program][builder]") {
    CHECK(makeId("Core strengthening") == "core_strengthening");
    CHECK(makeId("  Ana's Back Plan (week 2+)! ") == "ana_s_back_plan_week_2");
    CHECK(makeId("Knie---Rücken") == "knie_r_cken");
    CHECK(makeId("!!!") == "program");
    CHECK(makeId("") == "program");
    CHECK(makeId(std::string(80, 'a')).size() == 48);
}

TEST_CASE("a draft of every shipped program builds back to the same program", "[program][builder]") {
    for (const auto& p : lib().programs) {
        INFO(p.id);
        ProgramDraft d = fromProgram(p);
        auto problems = validate(d, lib());
        INFO(allMessages(problems));
        CHECK(problems.empty());
        auto built = build(d, lib());
        if (!built) FAIL(built.error().message);
        CHECK(*built == p);
    }
    ProgramDefinition p = parseOk(progressive());
    auto built = build(fromProgram(p), lib());
    REQUIRE(built.ok());
    CHECK(*built == p);
}

TEST_CASE("a new draft builds through the program rules, problems name the field", "[program][builder]") {
    ProgramDraft d;
    d.title = "Ana's back plan";
    d.summary = "Four weeks of core work.";
    d.phase = "recovery";
    d.fromDay = 14;
    d.notes = "Call me if it gets worse.";
    DraftSession core{"", "Core", {}};
    core.items.push_back(draftItem(*lib().exercise("cat_cow")));
    core.items.push_back(draftItem(*lib().exercise("bridge")));
    core.items.push_back(draftItem(*lib().exercise("bird_dog")));
    core.items[1].reps = 12;
    core.items[1].notes = "Slowly";
    DraftSession walk{"", "Walk", {draftItem(*lib().exercise("walking")), draftItem(*lib().exercise("split_squat"))}};
    walk.items[1].sides = "right";
    d.sessions = {core, walk};
    d.week = {0, 1, 0, 1, 0, kRestSlot, kRestSlot};
    d.progression = {{2, 0, 2, 0, 60}};
    auto problems = validate(d, lib());
    INFO(allMessages(problems));
    CHECK(problems.empty());
    auto p = build(d, lib());
    if (!p) FAIL(p.error().message);
    CHECK(p->id == "ana_s_back_plan");
    CHECK(p->daysPerWeek == 5);
    CHECK(p->week[1] == "walk");
    CHECK(p->session("core")->items[1].dose.reps == 12);
    CHECK(p->session("core")->items[1].notes == "Slowly");
    CHECK(p->session("walk")->items[1].sides == ptcoach::analysis::Sides::Right);
    CHECK(p->progression.size() == 1);
    CHECK(p->fromDay == 14);
    // Defaults are not written; the program's own choices are.
    json j = draftToJson(d, lib());
    CHECK_FALSE(j["sessions"][0]["exercises"][0].contains("reps"));
    CHECK(j["sessions"][0]["exercises"][1]["reps"] == 12);
    CHECK(j["days_per_week"] == 5);
    // The parsed program, written and read again, is the same.
    CHECK(parseOk(programToJson(*p)) == *p);

    SECTION("dose out of range names session, item and field") {
        d.sessions[1].items.push_back(draftItem(*lib().exercise("bird_dog")));
        d.sessions[1].items[2].reps = 0;
        d.week = {0, kRestSlot, 1, kRestSlot, 0, kRestSlot, kRestSlot};  // both sessions now strengthen the back
        d.sessions[0].items[0].sets = 25;
        d.sessions[0].items[1].restS = -5;
        auto ps = validate(d, lib());
        std::string all = allMessages(ps);
        CHECK_THAT(all, Contains("session 2, item 3 (bird_dog): reps must be 1-100"));
        CHECK_THAT(all, Contains("session 1, item 1 (cat_cow): sets must be 1-20"));
        CHECK_THAT(all, Contains("session 1, item 2 (bridge): rest_s must be 0-600 seconds"));
        INFO(all);
        REQUIRE(ps.size() == 3);
        CHECK(ps[0].session == 0);
        CHECK(ps[0].item == 0);
        CHECK(ps[0].field == "session 1, item 1 (cat_cow): sets");
        CHECK(ps[2].session == 1);
        CHECK(ps[2].item == 2);
        auto b = build(d, lib());
        REQUIRE_FALSE(b.ok());
        CHECK_THAT(b.error().message, Contains("session 2, item 3 (bird_dog): reps must be 1-100"));
    }
    SECTION("fields an exercise does not have, unknown exercises, side choices") {
        d.sessions[0].items[1].holdS = 30;           // bridge is a reps exercise
        d.sessions[0].items[0].exerciseId = "handstand";
        d.sessions[1].items[1].sides = "alternating";
        d.sessions[1].items.push_back({});
        std::string all = allMessages(validate(d, lib()));
        CHECK_THAT(all, Contains("session 1, item 2 (bridge): hold_s: a reps exercise has no hold time (leave it 0)"));
        CHECK_THAT(all, Contains("session 1, item 1 (handstand): exercise: 'handstand' is not in the exercise library"));
        CHECK_THAT(all, Contains("session 2, item 2 (split_squat): sides: 'alternating' is not a choice for this "
                                 "exercise (each, left, right)"));
        CHECK_THAT(all, Contains("session 2, item 3: exercise: pick an exercise"));
    }
    SECTION("no back strengthening two days in a row, as the file rules say") {
        d.week = {0, 0, 1, 1, kRestSlot, kRestSlot, kRestSlot};
        auto ps = validate(d, lib());
        std::string all = allMessages(ps);
        CHECK_THAT(all, Contains("week: Tuesday: session 1 (Core) follows session 1 (Core) on Monday: both "
                                 "strengthen the back (bridge, bird_dog)"));
        REQUIRE_FALSE(ps.empty());
        CHECK(ps[0].weekday == 1);
        // The parser agrees: the same week in a file is refused.
        json j2 = draftToJson(d, lib());
        CHECK_THAT(parseError(j2), Contains("$.week[1]: 'core' on Tuesday follows 'core' on Monday"));
        d.week = {kRestSlot, kRestSlot, kRestSlot, kRestSlot, kRestSlot, kRestSlot, kRestSlot};
        CHECK_THAT(allMessages(validate(d, lib())), Contains("week has no training day"));
        d.week[3] = 7;
        CHECK_THAT(allMessages(validate(d, lib())), Contains("week: Thursday names a session that does not exist"));
    }
    SECTION("program fields and progression rows") {
        d.title = " ";
        d.summary.clear();
        d.phase = "later";
        d.id = "Bad Id";
        d.sessions[0].title.clear();
        d.sessions[1].items.clear();
        d.progression = {{1, 0, 2, 0, 0}, {3, 0, -5, 0, 0}, {3, 0, 0, 0, 0}};
        auto ps = validate(d, lib());
        std::string all = allMessages(ps);
        CHECK_THAT(all, Contains("title must not be empty"));
        CHECK_THAT(all, Contains("summary must not be empty"));
        CHECK_THAT(all, Contains("phase: 'later' is not one of"));
        CHECK_THAT(all, Contains("id: 'Bad Id' must be lowercase letters, digits and _"));
        CHECK_THAT(all, Contains("session 1: title must not be empty"));
        CHECK_THAT(all, Contains("session 2 (Walk) has no exercises"));
        CHECK_THAT(all, Contains("progression row 1 (week 1): week must be 2-104"));
        CHECK_THAT(all, Contains("progression row 2 (week 3): reps brings the total change to -3"));
        CHECK_THAT(all, Contains("progression row 3 (week 3): week must come after week 3"));
        CHECK_THAT(all, Contains("progression row 3 (week 3) changes nothing"));
        bool rowIndexed = false;
        for (const auto& p2 : ps) rowIndexed = rowIndexed || p2.progressionRow == 2;
        CHECK(rowIndexed);
    }
    SECTION("session ids come from titles and stay unique") {
        d.sessions[1].title = "Core";
        d.sessions.push_back({"", "Rest", {draftItem(*lib().exercise("walking"))}});
        auto ids = draftSessionIds(d);
        CHECK(ids == std::vector<std::string>{"core", "core_2", "rest_2"});
        CHECK(build(d, lib()).ok());
    }
}

TEST_CASE("saving a program file is atomic: a failed save leaves the old file", "[program][builder]") {
    auto dir = ptcoach::test::scratchDir("program_save");
    const ProgramDefinition& p = *lib().program("core_strengthening");
    auto file = dir / "core_strengthening.json";
    Status st = saveProgramFile(p, file);
    INFO(st.message());
    REQUIRE(st.ok());
    auto back = loadProgram(file, lib().exercises);
    if (!back) FAIL(back.error().message);
    CHECK(*back == p);
    CHECK(back->version == 2);
    const std::string before = slurp(file);

    // A save that cannot finish (the file size limit stands in for a full disk: the write fails
    // part way) is an error, keeps the old file and leaves no temporary file behind.
    ProgramDefinition bigger = p;
    bigger.notes = std::string(1500, 'n');
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
    rlimit small = old;
    small.rlim_cur = 256;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    Status failed = saveProgramFile(bigger, file);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    REQUIRE_FALSE(failed.ok());
    CHECK_THAT(failed.message(), Contains("cannot save " + file.string()));
    CHECK_THAT(failed.message(), Contains("nothing was changed"));
    CHECK(slurp(file) == before);
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) (void)e, ++entries;
    CHECK(entries == 1);

    // A missing folder.
    Status nodir = saveProgramFile(p, dir / "nope" / "x.json");
    REQUIRE_FALSE(nodir.ok());
    CHECK_THAT(nodir.message(), Contains("the folder " + (dir / "nope").string() + " does not exist"));

    // An unwritable folder. Root writes anywhere, so as root the save runs in a child process that
    // has dropped to the user "nobody". Nobody must be able to reach the folder wherever the
    // checkout lives (a clone inside a private 0700 folder such as /root or a home directory), so
    // it is made in /tmp, open to everyone, not in the build's scratch folder.
    char reachable[] = "/tmp/ptcoach-readonly-XXXXXX";
    REQUIRE(::mkdtemp(reachable) != nullptr);
    struct Cleanup {
        std::filesystem::path p;
        ~Cleanup() {
            std::error_code ec;
            std::filesystem::permissions(p / "readonly", std::filesystem::perms::owner_all, ec);
            std::filesystem::remove_all(p, ec);
        }
    } cleanup{reachable};
    ::chmod(reachable, 0755);
    auto ro = std::filesystem::path(reachable) / "readonly";
    std::filesystem::create_directories(ro);
    REQUIRE(saveProgramFile(p, ro / "p.json").ok());
    const std::string roBefore = slurp(ro / "p.json");
    using std::filesystem::perms;
    std::filesystem::permissions(ro, perms::owner_read | perms::owner_exec | perms::group_read | perms::group_exec |
                                         perms::others_read | perms::others_exec);
    std::string deniedMessage;
    bool deniedOk = true;
    if (::geteuid() != 0) {
        Status denied = saveProgramFile(bigger, ro / "p.json");
        deniedOk = denied.ok();
        deniedMessage = denied.message();
    } else {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(fds[0]);
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
            Status denied = saveProgramFile(bigger, ro / "p.json");
            const std::string& m = denied.message();
            ssize_t n = ::write(fds[1], m.data(), m.size());
            (void)n;
            ::_exit(denied.ok() ? 0 : 1);
        }
        ::close(fds[1]);
        char buf[512];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0) deniedMessage.append(buf, static_cast<size_t>(n));
        ::close(fds[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) != 3);  // could not become "nobody"
        deniedOk = WEXITSTATUS(status) == 0;
    }
    CHECK_FALSE(deniedOk);
    CHECK_THAT(deniedMessage, Contains("cannot save " + (ro / "p.json").string() + ": cannot create a file in " +
                                       ro.string() + ": Permission denied (no permission to write in that folder)"));
    CHECK(slurp(ro / "p.json") == roBefore);
    std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
}
