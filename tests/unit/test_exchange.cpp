// Program exchange: program files and assignment files a therapist hands to a patient, written
// atomically with 2-space indentation, read back with errors that name the file and the JSON path
// or line:column.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "ptcoach/engine/calendar.h"
#include "ptcoach/engine/exchange.h"
#include "ptcoach/engine/program.h"
#include "test_support.h"

using namespace ptcoach::engine;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
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

using ptcoach::test::slurp;

void put(const std::filesystem::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string importError(const std::filesystem::path& p) {
    auto r = importProgramFile(p, lib().exercises);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

std::string readError(const std::filesystem::path& p) {
    auto r = readAssignmentFile(p, lib().exercises);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

AssignmentFile sample() {
    AssignmentFile a;
    a.patientName = "Ana Silva";
    a.patientCode = "AS-1042";
    a.therapist = "Jo Park, PT";
    a.startDate = "2026-03-02";
    a.notes = "Walk every day.\nCall me if pain travels down a leg.";
    a.program = *lib().program("core_strengthening");
    a.program.progression = {{2, 0, 2, 5, 60}};
    return a;
}

}  // namespace

TEST_CASE("dates: only real calendar days, the same day numbers as the calendar", "[exchange]") {
    CHECK(parseDate("1970-01-01") == 0);
    CHECK(parseDate("2026-03-02") == 20514);  // days since 1970-01-01
    for (int64_t d : {0, 10000, 20513, 20878, 21000, 23000}) CHECK(parseDate(dayText(d)) == d);
    CHECK(parseDate("2028-02-29").has_value());   // leap year
    CHECK(parseDate("2000-02-29").has_value());   // divisible by 400
    CHECK_FALSE(parseDate("2027-02-29").has_value());
    CHECK_FALSE(parseDate("2100-02-29").has_value());
    CHECK_FALSE(parseDate("2026-02-30").has_value());
    CHECK_FALSE(parseDate("2026-04-31").has_value());
    CHECK_FALSE(parseDate("2026-13-01").has_value());
    CHECK_FALSE(parseDate("2026-00-10").has_value());
    CHECK_FALSE(parseDate("2026-3-2").has_value());
    CHECK_FALSE(parseDate("2026-03-02T10:00").has_value());
    CHECK_FALSE(parseDate("02/03/2026").has_value());
    CHECK_FALSE(parseDate("").has_value());
}

TEST_CASE("every shipped program exports and imports unchanged, under any file name", "[exchange]") {
    auto dir = ptcoach::test::scratchDir("exchange_programs");
    for (const auto& p : lib().programs) {
        INFO(p.id);
        auto file = dir / ("for patient " + p.id + ".json");
        Status st = exportProgramFile(p, file);
        INFO(st.message());
        REQUIRE(st.ok());
        std::string text = slurp(file);
        CHECK_THAT(text, StartsWith("{\n  \"format\": \"ptcoach-program\",\n  \"version\": 2,\n  \"id\": \"" + p.id + "\""));
        CHECK(text.back() == '\n');
        auto back = importProgramFile(file, lib().exercises);
        if (!back) FAIL(back.error().message);
        CHECK(*back == p);
        CHECK(back->file == file.string());
    }
}

TEST_CASE("a bad program file is refused with the file and where in it", "[exchange]") {
    auto dir = ptcoach::test::scratchDir("exchange_bad_programs");
    const ProgramDefinition& p = *lib().program("lifting_school");
    std::string good = programText(p);
    auto f = dir / "x.json";

    CHECK(importError(dir / "missing.json") == (dir / "missing.json").string() + ": no such file");
    CHECK_THAT(importError(dir), Contains(": is a folder, not a program file"));
    put(f, "");
    CHECK(importError(f) == f.string() + ": is empty, not a program file");
    put(f, "hello, I am not JSON");
    CHECK_THAT(importError(f), StartsWith(f.string() + ":1:1: invalid JSON"));
    put(f, good.substr(0, good.size() / 2));  // truncated
    std::string trunc = importError(f);
    CHECK_THAT(trunc, StartsWith(f.string() + ":"));
    CHECK_THAT(trunc, Contains(": invalid JSON"));
    int lines = static_cast<int>(std::count(good.begin(), good.begin() + static_cast<long>(good.size() / 2), '\n'));
    CHECK_THAT(trunc, Contains(":" + std::to_string(lines + 1) + ":"));  // the line it ran out on
    // A number past a double's range aborted the app (out_of_range.406).
    std::string huge = good;
    huge.replace(huge.find("\"version\": ") + 11, 1, "1e309");
    put(f, huge);
    CHECK_THAT(importError(f), StartsWith(f.string() + ":") && Contains("at $.version:") && Contains("outside the range"));
    put(f, "[1, 2, 3]");
    CHECK(importError(f) == f.string() + ": $: expected an object");
    put(f, std::string(kMaxExchangeFileBytes + 1, ' '));
    CHECK_THAT(importError(f), Contains("too large for a program file"));

    json j = programToJson(p);
    j["sessions"][0]["exercises"][0]["exercise"] = "moonwalk";
    put(f, j.dump(2));
    CHECK_THAT(importError(f), Contains(f.string() + ": $.sessions[0].exercises[0].exercise: unknown exercise 'moonwalk'"));
    j = programToJson(p);
    j["sessions"][0]["exercises"][0]["reps"] = 0;
    put(f, j.dump(2));
    CHECK_THAT(importError(f), Contains("$.sessions[0].exercises[0].reps: expected a whole number from 1 to 100, found 0"));
    j = programToJson(p);
    j["sessions"][0]["exercises"][0]["sets"] = "three";
    put(f, j.dump(2));
    CHECK_THAT(importError(f), Contains("$.sessions[0].exercises[0].sets: expected a whole number, found string"));
    j = programToJson(p);
    j["format"] = "ptcoach-exercise";
    put(f, j.dump(2));
    CHECK_THAT(importError(f), Contains("$.format: expected \"ptcoach-program\", found \"ptcoach-exercise\""));
    j = programToJson(p);
    j["version"] = 7;
    put(f, j.dump(2));
    CHECK(importError(f) == f.string() + ": $.version: version 7 is newer than this build reads (2); update PT Coach to open it");
    // An assignment handed in as a program.
    REQUIRE(writeAssignmentFile(sample(), f, lib().exercises).ok());
    CHECK_THAT(importError(f), Contains("$.format: this is an assignment file (\"ptcoach-assignment\"), not a program"));
}

TEST_CASE("an assignment file round-trips and gives the week's program", "[exchange]") {
    auto dir = ptcoach::test::scratchDir("exchange_assign");
    auto f = dir / "ana.ptcoach.json";
    AssignmentFile a = sample();
    Status st = writeAssignmentFile(a, f, lib().exercises);
    INFO(st.message());
    REQUIRE(st.ok());
    std::string text = slurp(f);
    CHECK_THAT(text, StartsWith("{\n  \"format\": \"ptcoach-assignment\",\n  \"version\": 1,\n  \"patient\": {\n    \"name\": \"Ana Silva\""));
    CHECK_THAT(text, Contains("\n  \"program\": {\n    \"format\": \"ptcoach-program\",\n    \"version\": 2,"));
    auto back = readAssignmentFile(f, lib().exercises);
    if (!back) FAIL(back.error().message);
    CHECK(back->file == f.string());
    CHECK(back->patientName == "Ana Silva");
    CHECK(back->patientCode == "AS-1042");
    CHECK(back->therapist == "Jo Park, PT");
    CHECK(back->startDate == "2026-03-02");
    CHECK(back->notes == a.notes);
    CHECK(back->program == a.program);
    REQUIRE(back->startDay().has_value());
    int64_t start = *back->startDay();
    CHECK(dayText(start) == "2026-03-02");
    CHECK(back->weekOn(start - 1) == 0);
    CHECK(back->weekOn(start + 7) == 2);
    // bridge in the core session: the shipped dose in week 1, +2 reps from week 2.
    const int base = a.program.session("core")->items[2].dose.reps;
    CHECK(back->programOn(start - 3).session("core")->items[2].dose.reps == base);
    CHECK(back->programOn(start + 6).session("core")->items[2].dose.reps == base);
    CHECK(back->programOn(start + 8).session("core")->items[2].dose.reps == base + 2);

    // Without a code or notes: those keys are left out.
    a.patientCode.clear();
    a.notes.clear();
    REQUIRE(writeAssignmentFile(a, f, lib().exercises).ok());
    json j = json::parse(slurp(f));
    CHECK_FALSE(j["patient"].contains("code"));
    CHECK_FALSE(j.contains("notes"));
    auto again = readAssignmentFile(f, lib().exercises);
    REQUIRE(again.ok());
    CHECK(again->patientCode.empty());
}

TEST_CASE("a bad assignment is refused with the file and where in it; a bad one is never written", "[exchange]") {
    auto dir = ptcoach::test::scratchDir("exchange_bad_assign");
    auto f = dir / "a.json";
    REQUIRE(writeAssignmentFile(sample(), f, lib().exercises).ok());
    const json good = json::parse(slurp(f));
    auto withDoc = [&](const json& j) {
        put(f, j.dump(2));
        return readError(f);
    };

    json j = good;
    j["start_date"] = "2026-02-30";
    CHECK(withDoc(j) == f.string() + ": $.start_date: '2026-02-30' is not a calendar date (expected YYYY-MM-DD, e.g. 2026-03-02)");
    j = good;
    j["start_date"] = "next monday";
    CHECK_THAT(withDoc(j), Contains("$.start_date: 'next monday' is not a calendar date"));
    j = good;
    j.erase("start_date");
    CHECK_THAT(withDoc(j), Contains("$.start_date: missing"));
    j = good;
    j["format"] = "ptcoach-program";
    CHECK(withDoc(j) == f.string() + ": $.format: expected \"ptcoach-assignment\", found \"ptcoach-program\" (a program "
                                     "file: import it as a program)");
    j = good;
    j["format"] = "something-else";
    CHECK_THAT(withDoc(j), Contains("$.format: expected \"ptcoach-assignment\", found \"something-else\""));
    j = good;
    j["version"] = 2;
    CHECK(withDoc(j) == f.string() + ": $.version: version 2 is newer than this build reads (1); update PT Coach to open it");
    j = good;
    j["patient"]["name"] = "";
    CHECK_THAT(withDoc(j), Contains("$.patient.name: must not be empty"));
    j = good;
    j["patient"]["code"] = "AS 1042!";
    CHECK_THAT(withDoc(j), Contains("$.patient.code: 'AS 1042!' must be 1-32 letters, digits, - or _"));
    j = good;
    j["patient"]["age"] = 40;
    CHECK_THAT(withDoc(j), Contains("$.patient.age: unknown key"));
    j = good;
    j.erase("therapist");
    CHECK_THAT(withDoc(j), Contains("$.therapist: missing"));
    j = good;
    j.erase("program");
    CHECK_THAT(withDoc(j), Contains("$.program: missing"));
    // The embedded program's errors point into it.
    j = good;
    j["program"]["sessions"][0]["exercises"][1]["exercise"] = "moonwalk";
    CHECK_THAT(withDoc(j), Contains(f.string() + ": $.program.sessions[0].exercises[1].exercise: unknown exercise 'moonwalk'"));
    j = good;
    j["program"]["sessions"][0]["exercises"][2]["reps"] = 500;
    CHECK_THAT(withDoc(j), Contains("$.program.sessions[0].exercises[2].reps: expected a whole number from 1 to 100, found 500"));
    j = good;
    j["program"]["version"] = 9;
    CHECK_THAT(withDoc(j), Contains("$.program.version: version 9 is newer"));
    j = good;
    j["program"] = "core_strengthening";
    CHECK_THAT(withDoc(j), Contains("$.program: expected an object"));
    // Several problems at once: all of them.
    j = good;
    j["start_date"] = "2026-02-30";
    j["therapist"] = "";
    std::string both = withDoc(j);
    CHECK_THAT(both, Contains("$.start_date"));
    CHECK_THAT(both, Contains("$.therapist: must not be empty"));

    // Not JSON, truncated, empty.
    put(f, "garbage");
    CHECK_THAT(readError(f), StartsWith(f.string() + ":1:1: invalid JSON"));
    std::string text = good.dump(2);
    put(f, text.substr(0, text.size() - 40));
    CHECK_THAT(readError(f), Contains(": invalid JSON"));
    put(f, "");
    CHECK_THAT(readError(f), Contains("is empty, not an assignment file"));
    CHECK_THAT(readError(dir / "nope.json"), Contains("nope.json: no such file"));

    // Writing checks first: an invalid assignment is not written, and an old file stays.
    auto keep = dir / "keep.json";
    REQUIRE(writeAssignmentFile(sample(), keep, lib().exercises).ok());
    std::string before = slurp(keep);
    AssignmentFile bad = sample();
    bad.startDate = "2026-02-30";
    Status st = writeAssignmentFile(bad, keep, lib().exercises);
    REQUIRE_FALSE(st.ok());
    CHECK_THAT(st.message(), Contains("not saved"));
    CHECK_THAT(st.message(), Contains("$.start_date: '2026-02-30' is not a calendar date"));
    CHECK(slurp(keep) == before);
    bad = sample();
    bad.patientName = "Ana\nSilva";
    CHECK_THAT(writeAssignmentFile(bad, dir / "new.json", lib().exercises).message(),
               Contains("$.patient.name: has a control character"));
    CHECK_FALSE(std::filesystem::exists(dir / "new.json"));
}
