// End-to-end: the real ptcoach app plays the games under Xvfb. Each game plays the one real video to
// its end and prints its GAME line; the shelf game's score, reps, good reps and faults agree with
// what ptcoach-analyze's tracker counts on the same video; the points, badges and best score survive
// a restart and are in the CSV export; a person reaches a game's start screen, plays with the
// keyboard and reads the captions of the spoken cues, at 1024x600 with the largest text.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "ptcoach/core/paths.h"
#include "test_support.h"
#include "video_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;
using ptcoach::test::curlVideo;
using ptcoach::test::needVideoAndModels;
using ptcoach::test::slurp;

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }
std::string analyzeTool() { return (ptcoach::test::binDir() / "ptcoach-analyze").string(); }
int underXvfb(const std::string& args, const fs::path& log) {
    return ptcoach::test::runUnderXvfb(app() + " " + args + " > '" + log.string() + "' 2>&1", "1920x1080x24");
}

struct GameLine {
    std::string id;
    int score = -1, reps = -1, planned = -1, good = -1;
    std::map<std::string, int> faults;
};

// "GAME <id>: score S, reps N of M, good N[, held ...], faults a x2, b x1" (or "faults none").
std::optional<GameLine> gameLine(const std::string& log) {
    std::smatch m;
    if (!std::regex_search(log, m, std::regex(R"(GAME (\w+): score (\d+), reps (\d+) of (\d+), good (\d+)(, held \d+ of \d+ s)?, faults ([^\n]+))")))
        return std::nullopt;
    GameLine g;
    g.id = m[1];
    g.score = std::stoi(m[2]);
    g.reps = std::stoi(m[3]);
    g.planned = std::stoi(m[4]);
    g.good = std::stoi(m[5]);
    std::string faults = m[7];
    if (faults != "none") {
        std::regex one(R"((\w+) x(\d+))");
        for (auto it = std::sregex_iterator(faults.begin(), faults.end(), one); it != std::sregex_iterator(); ++it)
            g.faults[(*it)[1]] = std::stoi((*it)[2]);
    }
    return g;
}

void write(const fs::path& f, const std::string& text) {
    std::ofstream out(f);
    out << text;
}

}  // namespace

TEST_CASE("ptcoach --list-games prints at least three games; --game checks its id and exercise") {
    auto dir = ptcoach::test::scratchDir("e2e_list_games");
    auto out = dir / "out.txt";
    REQUIRE(run(app() + " --list-games > '" + out.string() + "' 2>&1") == 0);
    std::vector<std::string> ids;
    std::istringstream in(slurp(out));
    for (std::string l; std::getline(in, l);) ids.push_back(l);
    CHECK(ids.size() >= 3);
    CHECK(std::find(ids.begin(), ids.end(), "balloon") != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), "stars") != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), "shelf") != ids.end());
    CHECK(run(app() + " --game tetris > '" + out.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(out), Catch::Contains("--game: unknown game 'tetris'") && Catch::Contains("balloon"));
    CHECK(run(app() + " --game shelf --exercise bridge > '" + out.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(out), Catch::Contains("does not play 'bridge'") && Catch::Contains("squat_lift"));
    CHECK(run(app() + " --font-size huge > '" + out.string() + "' 2>&1") == 2);
    CHECK_THAT(slurp(out), Catch::Contains("normal, large, largest"));
}

TEST_CASE("each game plays a real recording to its end, saves it and prints its GAME line") {
    needVideoAndModels();
    // The video shows standing curls only: the shelf game plays them; the balloon's bridges and the
    // stars' side bends are not in it. Each game counts what the tracker alone counts on it.
    const std::vector<std::pair<std::string, std::string>> runs = {{"balloon", "bridge"}, {"stars", "side_bend"},
                                                                    {"shelf", "standing_curl"}};
    for (const auto& [id, exercise] : runs) {
        auto dir = ptcoach::test::scratchDir("e2e_game_" + id);
        int rc = underXvfb("--data-dir '" + (dir / "data").string() + "' --video '" + curlVideo().string() +
                               "' --pose-model lite --mute --game " + id + " --exercise " + exercise +
                               " --exit-after-video --screenshot '" + (dir / "end.png").string() + "'",
                           dir / "log.txt");
        std::string log = slurp(dir / "log.txt");
        INFO(id << ":\n" << log);
        REQUIRE(rc == 0);
        auto g = gameLine(log);
        REQUIRE(g);
        CHECK(g->id == id);
        CHECK(g->planned > 0);
        CHECK(g->reps <= g->planned);
        CHECK(g->good <= g->reps);
        CHECK_THAT(log, Catch::Contains("session saved as #1"));
        CHECK(fs::exists(dir / "end.png"));
        REQUIRE(run(analyzeTool() + " --exercise " + exercise + " --model lite --input '" + curlVideo().string() +
                    "' --json '" + (dir / "analysis.json").string() + "' > /dev/null 2>&1") == 0);
        int alone = nlohmann::json::parse(slurp(dir / "analysis.json"))["reps"];
        CHECK(g->reps == std::min(alone, g->planned));
        if (id == "shelf") CHECK(g->reps >= 8);  // by hand: 8-9 curls, one of them partial
    }
}

TEST_CASE("the shelf game's score agrees with the tracker's counts on a real video") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_game_agrees");
    // The tracker on its own, on the same video with the same model.
    REQUIRE(run(analyzeTool() + " --exercise standing_curl --model lite --input '" + curlVideo().string() + "' --json '" +
                (dir / "analysis.json").string() + "' > '" + (dir / "analyze.txt").string() + "' 2>&1") == 0);
    auto analysis = nlohmann::json::parse(slurp(dir / "analysis.json"));
    auto exercise = nlohmann::json::parse(slurp(ptcoach::programsDir() / "exercises" / "standing_curl.json"));
    std::map<std::string, std::string> severity;
    for (const auto& r : exercise["form"]) severity[r["code"]] = r["severity"];
    int expectedScore = 0, good = 0, streak = 0;
    for (const auto& rep : analysis["rep_events"]) {
        int worst = 0;  // 0 none, 1 info, 2 warning, 3 error
        for (const auto& code : rep["faults"]) {
            std::string s = severity[code.get<std::string>()];
            worst = std::max(worst, s == "error" ? 3 : s == "warning" ? 2 : 1);
        }
        static const int points[] = {100, 70, 40, 0};
        streak = worst == 0 ? streak + 1 : 0;
        good += worst == 0;
        expectedScore += points[worst] + (streak >= 3 ? 20 : 0);
    }
    std::map<std::string, int> faults;
    for (const auto& f : analysis["faults"]) ++faults[f["code"].get<std::string>()];
    int reps = analysis["reps"];
    REQUIRE(reps >= 8);

    int rc = underXvfb("--data-dir '" + (dir / "data").string() + "' --video '" + curlVideo().string() +
                           "' --pose-model lite --mute --game shelf --exercise standing_curl --exit-after-video",
                       dir / "log.txt");
    std::string log = slurp(dir / "log.txt");
    INFO(log << "\nanalysis: " << analysis["reps"] << " reps");
    REQUIRE(rc == 0);
    auto g = gameLine(log);
    REQUIRE(g);
    CHECK(g->reps == reps);
    CHECK(g->good == good);
    CHECK(g->score == expectedScore);
    CHECK(g->faults == faults);
    CHECK(g->planned == 20);  // the exercise's own dose: 2 sets of 10, and never a rep more
}

TEST_CASE("points, level, badges and the best score survive a restart and are in the CSV export") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_game_progress");
    auto data = dir / "data";
    std::string args = "--data-dir '" + data.string() + "' --video '" + curlVideo().string() +
                       "' --pose-model lite --mute --game shelf --exercise standing_curl --exit-after-video";
    REQUIRE(underXvfb(args, dir / "first.txt") == 0);
    std::string first = slurp(dir / "first.txt");
    INFO(first);
    auto g1 = gameLine(first);
    REQUIRE(g1);
    std::smatch m;
    REQUIRE(std::regex_search(first, m, std::regex(R"(ptcoach: \+(\d+) points, level (\d+) \((\d+) points\), new badges: first_session)")));
    int points1 = std::stoi(m[1]);
    CHECK(points1 == g1->good * 10 + (g1->reps - g1->good) * 3);  // not done in full: no session bonus

    // A restart: the second game knows the first one's best, and the points add up.
    REQUIRE(underXvfb(args + " --screenshot '" + (dir / "second.png").string() + "'", dir / "second.txt") == 0);
    std::string second = slurp(dir / "second.txt");
    INFO(second);
    REQUIRE(std::regex_search(second, m, std::regex(R"(ptcoach: \+(\d+) points, level (\d+) \((\d+) points\))")));
    CHECK(std::stoi(m[3]) == points1 + std::stoi(m[1]));
    CHECK_THAT(second, !Catch::Contains("new badges: first_session"));

    REQUIRE(run(app() + " --data-dir '" + data.string() + "' --export-csv '" + (dir / "csv").string() + "' > '" +
                (dir / "export.txt").string() + "' 2>&1") == 0);
    std::string pts = slurp(dir / "csv" / "progress_points.csv"), badges = slurp(dir / "csv" / "badges.csv"),
                scores = slurp(dir / "csv" / "game_scores.csv");
    INFO(pts << badges << scores);
    CHECK_THAT(pts, Catch::StartsWith("id,profile_id,session_id,earned_at,day,exercise_id,kind,amount,points,note"));
    CHECK_THAT(pts, Catch::Contains(",standing_curl,good_reps," + std::to_string(g1->good) + "," + std::to_string(g1->good * 10)));
    CHECK_THAT(badges, Catch::Contains(",first_session,"));
    CHECK_THAT(scores, Catch::Contains(",shelf,standing_curl,") && Catch::Contains("," + std::to_string(g1->score) + ","));
    CHECK(fs::exists(dir / "csv" / "dose_changes.csv"));
}

TEST_CASE("at 1024x600 with the largest text a person starts a game from its start screen with the keyboard, "
          "reads the captions, plays, ends and gets home") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_game_flow");
    write(dir / "flow.script",
          "wait-for Play\n"
          "expect-text No score yet\n"
          "expect-text 3D coach\n"
          "key Enter\n"
          "wait-for None of these\n"
          "click 3\n"
          "click None of these\n"
          "click Start the session\n"
          // muted, and still every spoken cue is on screen
          "wait-for Caption: Standing arm curl. Set 1 of 2 30\n"
          "wait-for 2 of 20 reps 60\n"
          "expect-text from the side\n"  // "You, from the side", or its short form in a small corner

          "expect-text Stop: it hurts\n"
          "screenshot " + (dir / "play.png").string() + "\n"
          "click End (E)\n"
          "wait-for See my summary\n"
          "click See my summary\n"
          "wait-for Game over: score\n"
          "expect-text Session saved\n"
          "expect-text Play again\n"
          "dump " + (dir / "end.txt").string() + "\n"
          "click Home\n"
          "wait-for Guided session\n"
          "quit\n");
    int rc = underXvfb("--data-dir '" + (dir / "data").string() + "' --video '" + curlVideo().string() +
                           "' --pose-model lite --mute --window-size 1024x600 --font-size largest --game shelf "
                           "--exercise standing_curl --script '" + (dir / "flow.script").string() + "'",
                       dir / "log.txt");
    INFO(slurp(dir / "log.txt") << "\n" << slurp(dir / "end.txt"));
    REQUIRE(rc == 0);
    std::string end = slurp(dir / "end.txt");
    CHECK_THAT(end, Catch::Contains("item\tHome") && Catch::Contains("item\tPlay again"));
    CHECK_THAT(end, Catch::Contains("with good form"));
}

TEST_CASE("ptcoach --bench-ui times the frames of a game on a video and prints median and p95, the camera-to-screen "
          "age, CPU use and dropped frames") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_bench_ui");
    int rc = underXvfb("--data-dir '" + (dir / "data").string() + "' --video '" + curlVideo().string() +
                           "' --pose-model lite --mute --game shelf --exercise standing_curl --bench-ui 40",
                       dir / "log.txt");
    std::string log = slurp(dir / "log.txt");
    INFO(log);
    REQUIRE(rc == 0);
    CHECK(std::regex_search(log, std::regex(R"(bench-ui: 40 frames at \d+x\d+)")));
    CHECK(std::regex_search(log, std::regex(R"(ui frame ms: median [0-9.]+, p95 [0-9.]+)")));
    CHECK(std::regex_search(log, std::regex(R"(pose ms: median [0-9.]+, p95 [0-9.]+)")));
    // The camera-to-screen age of the frames shown, the process's CPU use, the capture worker's drops.
    std::smatch m;
    REQUIRE(std::regex_search(log, m, std::regex(R"(camera-to-screen ms: median ([0-9.]+), p95 ([0-9.]+))")));
    CHECK(std::stod(m[1]) > 0);
    CHECK(std::stod(m[1]) <= std::stod(m[2]));
    REQUIRE(std::regex_search(log, m, std::regex(R"(cpu: (\d+)% of one core \(\d+ cores\), ([0-9.]+) s in ([0-9.]+) s)")));
    CHECK(std::stod(m[2]) > 0);  // pose estimation ran: the process used CPU
    REQUIRE(std::regex_search(log, m, std::regex(R"(capture frames: (\d+) posted, (\d+) dropped)")));
    CHECK(std::stoull(m[2]) <= std::stoull(m[1]));
}

TEST_CASE("the game's sounds and images in assets/ are what the project's own generator makes") {
    auto dir = ptcoach::test::scratchDir("e2e_make_assets");
    auto tool = (ptcoach::test::binDir() / "ptcoach-make-assets").string();
    REQUIRE(run(tool + " '" + dir.string() + "' > '" + (dir / "log.txt").string() + "' 2>&1") == 0);
    auto shipped = ptcoach::assetsDir();
    int files = 0;
    for (const char* sub : {"sounds", "images"})
        for (const auto& e : fs::directory_iterator(dir / sub)) {
            auto name = e.path().filename();
            INFO(sub << "/" << name.string());
            REQUIRE(fs::exists(shipped / sub / name));
            // The sounds byte for byte; the images by their pixels (PNG compression may differ between
            // cairo versions, the drawing may not).
            if (std::string(sub) == "sounds") {
                CHECK(slurp(e.path()) == slurp(shipped / sub / name));
            } else {
                cv::Mat a = cv::imread(e.path().string(), cv::IMREAD_UNCHANGED),
                        b = cv::imread((shipped / sub / name).string(), cv::IMREAD_UNCHANGED);
                REQUIRE_FALSE(a.empty());
                REQUIRE(a.size() == b.size());
                REQUIRE(a.type() == b.type());
                double maxDiff = cv::norm(a, b, cv::NORM_INF);
                CHECK(maxDiff <= 2);
            }
            ++files;
        }
    CHECK(files >= 12);
    CHECK(fs::exists(shipped / "sounds" / "README.md"));
    CHECK(fs::exists(shipped / "images" / "README.md"));
}

TEST_CASE("kiosk: a game stopped for pain keeps its points; the next one offers a lighter dose, the patient takes "
          "it, and the therapist sees the change") {
    needVideoAndModels();
    auto dir = ptcoach::test::scratchDir("e2e_game_dosing");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    auto script = [&](const std::string& name, const std::string& text, const std::string& args) {
        write(dir / (name + ".script"), text);
        return ptcoach::test::runUnderXvfb(app() + " --mute " + data + " " + args + " --script '" +
                                               (dir / (name + ".script")).string() + "' > '" +
                                               (dir / (name + ".log")).string() + "' 2>&1",
                                           "1280x720x24");
    };
    const std::string therapistSignIn = "click Dr Rivera\nclick 2\nclick 4\nclick 6\nclick 8\nclick Sign in\n"
                                        "wait-for Signed in: Dr Rivera\n";
    REQUIRE(script("setup",
                   "wait-for Therapist name\nclick Therapist name\ntype Dr Rivera\nclick Therapist PIN\ntype 2468\n"
                   "click The same PIN again\ntype 2468\nclick Create therapist account\nwait-for Dr Rivera\nquit\n",
                   "--kiosk") == 0);
    REQUIRE(script("patient",
                   therapistSignIn + "click Therapist\nwait-for Add patient\nclick Add patient\nclick Name\ntype Ana Silva\n"
                                     "click PIN\ntype 1357\nclick Sign-in code\ntype ANA001\nclick Create patient\n"
                                     "wait-for Added Ana Silva\nquit\n",
                   "") == 0);
    std::string play =
        // the kiosk shows first names and an initial
        "wait-for Ana S.\nclick Ana S.\nclick 1\nclick 3\nclick 5\nclick 7\nclick Sign in\n"
        "wait-for Signed in: Ana Silva\n"
        "click Guided session\n"
        "wait-for Play\n"
        "click Play\n"
        "wait-for None of these\nclick 3\nclick None of these\nclick Start the session\n"
        "wait-for Stop: it hurts\n"
        "click Stop: it hurts\n"
        "wait-for See my summary\nclick 6\nclick See my summary\n"
        "wait-for Game over: score\n"
        "expect-text stopped for pain: nothing lost\n"
        "expect-text stopped for pain: bonus kept +50\n"
        "click Play again\n"
        "wait-for Your pain went from 3 to 6 after your last session\n"
        "click Use the lighter dose\n"
        "wait-for 4 reps instead of 5\n"
        "expect-no-text Use the lighter dose\n"
        "click < Home\n"
        "click Sign out\n"
        "wait-for Sign in\n"
        "quit\n";
    // --game: the Guided session tile opens the game (a kiosk's Home shows the tiles first).
    int rc = script("play", play, "--kiosk --game shelf --pose-model lite --video '" + curlVideo().string() + "'");
    INFO(slurp(dir / "play.log"));
    REQUIRE(rc == 0);
    rc = script("therapist",
                therapistSignIn + "click Therapist\nclick Ana Silva\nwait-for Pain-guided dose\n"
                                  "expect-text Now: a lighter dose (80 % of your plan)\n"
                                  "expect-text lighter offered, taken (level 0 -> -1): Your pain went from 3 to 6\nquit\n",
                "");
    INFO(slurp(dir / "therapist.log"));
    REQUIRE(rc == 0);
    // In the export too.
    REQUIRE(run(app() + " " + data + " --profile ANA001 --therapist 'Dr Rivera' --pin 2468 --export-csv '" + (dir / "csv").string() + "' > /dev/null 2>&1") == 0);
    std::string doses = slurp(dir / "csv" / "dose_changes.csv");
    INFO(doses);
    CHECK_THAT(doses, Catch::Contains(",lighter,0,-1,pain_rise,"));
}
