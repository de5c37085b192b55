#include <fstream>
#include <sys/stat.h>

#include "ptcoach/core/json_check.h"
#include "test_support.h"

using namespace ptcoach;

TEST_CASE("JsonCheck names the file, the JSON path and what was expected") {
    auto doc = nlohmann::json::parse(R"({"id": "bridge", "reps": "ten", "hold_s": 500, "colour": "red"})");
    JsonCheck c("bridge.json");
    c.onlyKeys(doc, "$", {"id", "reps", "hold_s"});
    CHECK(c.str(doc, "$", "id") == "bridge");
    CHECK(c.integer(doc, "$", "reps", 1, 100, true, 7) == 7);
    CHECK(c.num(doc, "$", "hold_s", 1, 120, true, 30) == 30);
    c.str(doc, "$", "title");
    REQUIRE_FALSE(c.ok());
    REQUIRE(c.problems().size() == 4);
    CHECK_THAT(c.message(), Catch::Contains("bridge.json: $.colour: unknown key"));
    CHECK_THAT(c.message(), Catch::Contains("$.reps: expected a whole number, found string"));
    CHECK_THAT(c.message(), Catch::Contains("$.hold_s: expected a number from 1 to 120, found 500"));
    CHECK_THAT(c.message(), Catch::Contains("$.title: missing"));
}

TEST_CASE("readJsonFile reports the line and column of a syntax error") {
    auto dir = ptcoach::test::scratchDir("json_syntax");
    auto file = dir / "bad.json";
    {
        std::ofstream out(file);
        out << "{\n  \"id\": \"x\",\n  \"reps\": 10,,\n}\n";
    }
    auto r = readJsonFile(file);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith(file.string() + ":3:"));
    auto missing = readJsonFile(dir / "absent.json");
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error().message, Catch::Contains("absent.json: no such file"));
}

// A number past a double's range (1e309, or a long run of digits) made nlohmann throw
// out_of_range.406, which nothing caught: the process aborted.
TEST_CASE("a JSON number outside a double's range is an error naming the file, place and path, not an abort") {
    auto dir = ptcoach::test::scratchDir("json_number_range");
    const std::string digits(400, '9');
    const std::pair<std::string, std::string> cases[] = {
        {"{\n  \"id\": \"x\",\n  \"reps\": 1e309\n}\n", "$.reps"},
        {"{\"sessions\": [{\"exercises\": [{\"reps\": 2}, {\"reps\": -" + digits + "}]}]}", "$.sessions[0].exercises[1].reps"},
        {"[1, 2, " + digits + ".5]", "$[2]"},
    };
    int n = 0;
    for (const auto& [text, path] : cases) {
        auto file = dir / ("n" + std::to_string(n++) + ".json");
        {
            std::ofstream out(file);
            out << text;
        }
        auto r = readJsonFile(file);
        INFO(text.substr(0, 80));
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error().message, Catch::StartsWith(file.string() + ":") && Catch::Contains("at " + path + ":") &&
                                          Catch::Contains("outside the range"));
    }
    auto inMemory = ptcoach::parseJsonText("{\"a\": {\"b\": 1e999}}", "pasted text");
    REQUIRE_FALSE(inMemory.ok());
    CHECK_THAT(inMemory.error().message, Catch::StartsWith("pasted text:1:") && Catch::Contains("at $.a.b:"));
}

TEST_CASE("a JSON syntax error names the path it was found at") {
    auto r = ptcoach::parseJsonText("{\"frames\": [{\"t_ms\": 0}, {\"t_ms\": 33,, }]}", "pose.json");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith("pose.json:1:") && Catch::Contains("at $.frames[1]"));
}

// 20 MB of '[' took 1.55 GB of memory to parse; deep nesting is refused as it is read.
TEST_CASE("deeply nested JSON is refused as it is read, without the memory its tree would take") {
    std::string deep(2'000'000, '[');
    auto r = ptcoach::parseJsonText(deep, "deep.json");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith("deep.json") && Catch::Contains("nested more than 100 levels"));
    std::string ok = std::string(50, '[') + std::string(50, ']');
    CHECK(ptcoach::parseJsonText(ok, "ok.json").ok());
}

// Opening a FIFO for reading blocked until something wrote to it; a huge file was read whole.
TEST_CASE("readJsonFile refuses a FIFO, a folder and a file over its size limit before reading them") {
    auto dir = ptcoach::test::scratchDir("json_file_types");
    auto fifo = dir / "pipe.json";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    auto r = readJsonFile(fifo);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Equals(fifo.string() + ": is a pipe (FIFO), not a JSON file"));
    auto folder = readJsonFile(dir);
    REQUIRE_FALSE(folder.ok());
    CHECK_THAT(folder.error().message, Catch::Contains("is a folder"));
    auto big = dir / "big.json";
    {
        std::ofstream out(big);
        out << "[" << std::string(5000, ' ') << "]";
    }
    auto tooBig = readJsonFile(big, 1000);
    REQUIRE_FALSE(tooBig.ok());
    CHECK_THAT(tooBig.error().message, Catch::Contains("big.json: is 5002 bytes, too large for a JSON file (at most 1000)"));
    CHECK(readJsonFile(big).ok());
}

TEST_CASE("a whole number above a signed 64-bit integer's range is reported as it was written") {
    auto doc = nlohmann::json::parse(R"({"reps": 18446744073709551615})");
    JsonCheck c("big.json");
    CHECK(c.integer(doc, "$", "reps", 1, 100) == 0);
    CHECK_THAT(c.message(), Catch::Contains("$.reps: expected a whole number from 1 to 100, found 18446744073709551615"));
}
