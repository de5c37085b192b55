#include <fstream>

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
    CHECK_THAT(missing.error().message, Catch::Contains("absent.json") && Catch::Contains("cannot be opened"));
}
