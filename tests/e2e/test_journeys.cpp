// End-to-end journeys of the three users, from an empty data folder, driven through the real app
// under Xvfb by --script and checked by what the person reads (expect-text, dump): a red flag that
// reaches the therapist and is cleared; a red flag at home resolved by the person's record of a
// clinician's visit; a block that holds an hour later; a therapist signing up from the home app;
// Space counting a rep after a mouse click; the kiosk saving a session on SIGTERM.
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;
using ptcoach::test::slurp;

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }

void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p);
    out << text;
}

// Runs the app with a script under its own Xvfb display; returns its exit code. The log is
// DIR/NAME.log.
int runScript(const fs::path& dir, const std::string& name, const std::string& script, const std::string& args,
              const std::string& screen = "1280x720x24") {
    fs::path file = dir / (name + ".script");
    write(file, script);
    return ptcoach::test::runUnderXvfb(app() + " --mute " + args + " --script '" + file.string() + "' > '" +
                                           (dir / (name + ".log")).string() + "' 2>&1",
                                       screen);
}

std::string lines(std::initializer_list<std::string> l) {
    std::string out;
    for (const auto& s : l) out += s + "\n";
    return out;
}

std::string sqliteText(const fs::path& db, const std::string& sql) {
    sqlite3* raw = nullptr;
    std::string out;
    if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            if (const unsigned char* t = sqlite3_column_text(st, 0)) out = reinterpret_cast<const char*>(t);
        sqlite3_finalize(st);
    }
    sqlite3_close(raw);
    return out;
}

const char* kSetupTherapist = R"(
wait-for Therapist name
click Therapist name
type Dr Rivera
click Therapist PIN
type 2468
click The same PIN again
type 2468
click Create therapist account
wait-for Therapist account created for Dr Rivera
)";

}  // namespace

TEST_CASE("journey, kiosk: a red flag from the check-in reaches the therapist and is cleared; the patient's screens "
          "agree at once") {
    auto dir = ptcoach::test::scratchDir("e2e_journey_flag_kiosk");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    // The clinic's kiosk: the first therapist, who adds Ana.
    std::string setup = std::string(kSetupTherapist) + lines({
        "click Dr R.", "click 2", "click 4", "click 6", "click 8", "click Sign in", "wait-for Signed in: Dr Rivera",
        "click Therapist", "click Add patient", "click Name", "type Ana Silva", "click PIN", "type 1357",
        "click Create patient", "wait-for Added Ana Silva", "quit"});
    REQUIRE(runScript(dir, "setup", setup, "--kiosk " + data) == 0);

    // Ana at the kiosk: a "yes" to loss of bladder or bowel control in the check-in. She then waits
    // on her Recovery screen while her therapist, at another desk, clears it.
    std::string ana = lines({
        "click Ana S.", "click 1", "click 3", "click 5", "click 7", "click Sign in", "wait-for Signed in: Ana Silva",
        "click Guided session", "click Acute relief", "wait-for Start the session", "click 4", "click None of these",
        "click Yes##bladder_bowel", "click Start the session",
        "wait-for Seek emergency care now",
        "expect-text Emergency: bladder or bowel control",
        "expect-no-text No red flags",
        "expect-no-text A clinician has seen me",  // a kiosk patient cannot clear it herself
        "dump " + (dir / "ana_blocked.txt").string(),
        "click < Home", "wait-for Red flag: seek emergency care now",
        "click Recovery", "wait-for RED FLAG: seek emergency care now",
        "expect-no-text No open red flags",
        "dump " + (dir / "ana_waiting.txt").string(),
        // Cleared at the therapist's desk: this screen agrees without a restart.
        "wait-for No open red flags 90",
        "expect-no-text RED FLAG",
        "click Red-flag history", "wait-for Cleared by your therapist",
        "expect-text Seen at the emergency department",
        "click < Home", "wait-for Today", "expect-no-text Red flag:",
        "click Guided session", "wait-for Start the session", "expect-no-text Seek emergency care",
        "quit"});
    // The therapist, once Ana's answer is saved (her waiting screen is dumped).
    std::string therapist = lines({
        "click Dr Rivera", "click 2", "click 4", "click 6", "click 8", "click Sign in", "wait-for Signed in: Dr Rivera",
        "click Therapist", "wait-for Ana Silva: last session",
        "expect-text Red flag (emergency): bladder or bowel control",
        "dump " + (dir / "therapist_list.txt").string(),
        "click Ana Silva", "wait-for Red flag: emergency, exercise stopped",
        "expect-text Emergency: Have you lost control of your bladder or bowels",
        "click Clearance note", "type Seen at the emergency department on Monday: no nerve compression",
        "click Clear##alert", "wait-for Red flag cleared.",
        "wait-for Ana Silva: last session", "expect-no-text Red flag (emergency)",
        "click Red-flag history", "wait-for Cleared",
        "dump " + (dir / "therapist_after.txt").string(), "quit"});
    int anaRc = -1, therapistRc = -1;
    std::thread kiosk([&] { anaRc = runScript(dir, "ana", ana, "--kiosk " + data); });
    for (int i = 0; i < 900 && !fs::exists(dir / "ana_waiting.txt"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bool anaWaiting = fs::exists(dir / "ana_waiting.txt");
    if (anaWaiting) therapistRc = runScript(dir, "therapist", therapist, data);
    kiosk.join();
    INFO(slurp(dir / "ana.log") << slurp(dir / "therapist.log"));
    REQUIRE(anaWaiting);
    CHECK(therapistRc == 0);
    CHECK(anaRc == 0);
    std::string list = slurp(dir / "therapist_list.txt");
    INFO(list);
    // The alert names the question, its tier and when it was answered.
    CHECK(std::regex_search(list, std::regex("Red flag \\(emergency\\): bladder or bowel control, \\w{3} \\d{2} \\w{3} \\d{2}:\\d{2}")));
    CHECK_THAT(slurp(dir / "therapist_after.txt"), Catch::Contains("Seen at the emergency department on Monday"));
}

TEST_CASE("journey, home: a red flag is resolved through the person's record of a clinician's visit; closing the "
          "episode does not resolve it") {
    auto dir = ptcoach::test::scratchDir("e2e_journey_flag_home");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    std::string script = lines({
        "click Recovery", "wait-for Save episode", "click Save episode",
        "wait-for Red-flag questions for this episode",
        "click None of these", "click Yes##leg_pain", "click Save my answers",
        "wait-for RED FLAG: exercise paused", "expect-text See a clinician: pain travelling down a leg",
        // Closing the episode asks first, and resolves nothing.
        "click This episode is over", "wait-for ending the episode does not clear it",
        "click Yes, this episode is over", "wait-for Episode closed",
        "expect-text RED FLAG: exercise paused",
        "click < Home", "click Guided session", "click Acute relief",
        "wait-for No exercise until a clinician has seen you", "expect-no-text No red flags",
        // The honest way out: a clinician saw me, confirmed on a second screen.
        "click A clinician has seen me", "wait-for Day you were seen",
        "click Clinician or clinic", "type Dr Okafor, Riverside GP", "click Next",
        "wait-for Please confirm", "expect-text You are recording that Dr Okafor, Riverside GP saw you on",
        "click Yes, I was cleared to exercise", "wait-for Recorded: a clinician cleared you to exercise",
        "wait-for No open red flags",
        "click Red-flag history", "wait-for Cleared: seen by Dr Okafor, Riverside GP",
        "click < Home", "click Guided session", "wait-for Start the session",
        "quit"});
    int rc = runScript(dir, "home", script, data);
    INFO(slurp(dir / "home.log"));
    REQUIRE(rc == 0);
    // The record is in the history and in the clinician's PDF.
    REQUIRE(run(app() + " " + data + " --report '" + (dir / "report.pdf").string() + "' > /dev/null 2>&1") == 0);
    REQUIRE(run("pdftotext -layout '" + (dir / "report.pdf").string() + "' '" + (dir / "report.txt").string() + "'") == 0);
    std::string pdf = slurp(dir / "report.txt");
    INFO(pdf);
    CHECK_THAT(pdf, Catch::Contains("pain travelling down a leg"));
    CHECK_THAT(pdf, Catch::Contains("Resolved by the person's record: seen by Dr") && Catch::Contains("Okafor, Riverside GP on"));
}

TEST_CASE("journey: a red-flag block holds an hour later, after a fresh 'none of these'") {
    auto dir = ptcoach::test::scratchDir("e2e_journey_block_holds");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    std::string first = lines({
        "click Guided session", "click Acute relief", "wait-for Start the session", "click 3",
        "click None of these", "click Yes##leg_numbness", "click Start the session",
        "wait-for No exercise until a clinician has seen you", "quit"});
    REQUIRE(runScript(dir, "first", first, data) == 0);
    // 65 minutes later (the clock moved by an option, not a sleep): still blocked, on every screen.
    std::string session = lines({
        "wait-for Red flag: exercise is paused",
        "click Recovery", "wait-for RED FLAG: exercise paused",
        "expect-no-text Quick safety check",  // no "answer again" way out of a block
        "click < Home", "click Guided session",
        "wait-for No exercise until a clinician has seen you",
        "expect-text numbness, tingling or weakness in a leg",
        "expect-no-text No red flags", "expect-no-text Start the session",
        "quit"});
    int rc = runScript(dir, "session", session, data + " --clock-offset 3900");
    INFO(slurp(dir / "session.log"));
    CHECK(rc == 0);
}

TEST_CASE("journey, home: a therapist signs up from the home app on its first run") {
    auto dir = ptcoach::test::scratchDir("e2e_journey_therapist_signup");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    std::string script = lines({
        "wait-for Welcome to PT Coach", "click I am a therapist",
        "wait-for Therapist name", "click Therapist name", "type Dr Rivera",
        "click Therapist PIN", "type 2468", "click Therapist PIN again", "type 2469",
        "click Create therapist account", "wait-for The two PINs are not the same",
        "click Therapist PIN", "type 2468", "click Therapist PIN again", "type 2468",
        "click Create therapist account",
        "wait-for Signed in: Dr Rivera", "click Therapist", "wait-for Your patients",
        "click Sign out", "wait-for Who is exercising today?",
        "dump " + (dir / "signin.txt").string(),
        "click Dr Rivera", "click Type PIN", "type 2468", "click Sign in", "wait-for Signed in: Dr Rivera",
        "quit"});
    int rc = runScript(dir, "signup", script, data);
    INFO(slurp(dir / "signup.log"));
    CHECK(rc == 0);
    // The empty home profile "Me" was put away: the sign-in lists the therapist alone.
    std::string signin = slurp(dir / "signin.txt");
    INFO(signin);
    CHECK(signin.find("item\tDr Rivera\n") != std::string::npos);
    CHECK(signin.find("item\tMe\n") == std::string::npos);
}

TEST_CASE("journey: Space counts a rep after a mouse click, whatever has the focus") {
    auto dir = ptcoach::test::scratchDir("e2e_journey_space_rep");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    // No camera here: the session is the timer-and-counter guide, and pelvic tilts are counted by taps.
    std::string script = lines({
        "wait-for Start the session", "click 2", "click None of these", "click Start the session",
        "wait-for Tap rep", "click Sound off", "expect-text Sound on",
        "key Space", "key Space", "key Space", "wait-for Reps: 3 of",
        "expect-text Sound on",  // Space did not press the button the mouse last clicked
        "quit"});
    int rc = runScript(dir, "space", script, data + " --camera 63 --screen session --exercise pelvic_tilt");
    INFO(slurp(dir / "space.log"));
    CHECK(rc == 0);
}

TEST_CASE("journey, kiosk: SIGTERM during a session finishes and saves it, then the kiosk exits") {
    fs::path video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    if (!fs::exists(video)) PTCOACH_SKIP("shared data absent: " << video);
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_lite.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
    auto dir = ptcoach::test::scratchDir("e2e_journey_sigterm");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    std::string setup = std::string(kSetupTherapist) + lines({
        "click Dr R.", "click 2", "click 4", "click 6", "click 8", "click Sign in", "wait-for Signed in: Dr Rivera",
        "click Therapist", "click Add patient", "click Name", "type Ana Silva", "click PIN", "type 1357",
        "click Create patient", "wait-for Added Ana Silva", "quit"});
    REQUIRE(runScript(dir, "setup", setup, "--kiosk " + data) == 0);
    // Ana exercises (the recorded video stands in for her); a shutdown comes mid-session.
    std::string ana = lines({
        "click Ana S.", "click 1", "click 3", "click 5", "click 7", "click Sign in", "wait-for Signed in: Ana Silva",
        "click Guided session", "wait-for Start the session", "click 2", "click None of these",
        "click Start the session", "click Start now", "wait-for Reps: 2 of 10",
        "dump " + (dir / "mid_session.txt").string(),
        "wait-exit 120"});
    fs::path file = dir / "ana.script", pidFile = dir / "ana.pid";
    write(file, ana);
    int rc = -1;
    std::thread kiosk([&] {
        rc = ptcoach::test::runUnderXvfb(app() + " --mute --kiosk --pose-model lite --program lifting_school "
                                             "--exercise standing_curl --video '" + video.string() + "' " +
                                             data + " --script '" + file.string() + "' > '" +
                                             (dir / "ana.log").string() + "' 2>&1 & echo $! > '" + pidFile.string() +
                                             "'; wait $!",
                                         "1280x720x24");
    });
    for (int i = 0; i < 1200 && !fs::exists(dir / "mid_session.txt"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bool mid = fs::exists(dir / "mid_session.txt");
    pid_t pid = 0;
    std::ifstream(pidFile) >> pid;
    if (mid && pid > 0) kill(pid, SIGTERM);
    kiosk.join();
    std::string log = slurp(dir / "ana.log");
    INFO(log);
    REQUIRE(mid);
    CHECK(rc == 0);  // stopped by the signal, the session saved
    CHECK_THAT(log, Catch::Contains("stopped by signal 15; the session under way was saved"));
    REQUIRE(run(app() + " " + data + " --list-sessions --therapist 'Dr Rivera' --pin 2468 --profile 'Ana Silva' > '" + (dir / "ana.txt").string() +
                "' 2>&1") == 0);
    std::string sessions = slurp(dir / "ana.txt");
    INFO(sessions);
    std::smatch m;
    REQUIRE(std::regex_search(sessions, m, std::regex("lifting_school .*standing_curl=(\\d+)/")));
    CHECK(std::stoi(m[1]) >= 2);
    // Finished by the signal: an end time, so not "unfinished".
    CHECK(sqliteText(dir / "data" / "ptcoach.db", "SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL") == "1");
}

// A full disk was found only when the session's end could not be saved, after the whole session.
TEST_CASE("journey: on a full disk the check-in says the session will not be saved, before it starts") {
    auto dir = ptcoach::test::scratchDir("e2e_journey_full_disk");
    fs::path disk = dir / "disk";
    fs::create_directories(disk);
    if (run("mount -t tmpfs -o size=4m ptcoach-test '" + disk.string() + "' 2>/dev/null") != 0)
        PTCOACH_SKIP("cannot mount a tmpfs at " << disk << " (needs root)");
    struct Unmount {
        fs::path d;
        ~Unmount() { run("umount '" + d.string() + "' 2>/dev/null"); }
    } unmount{disk};
    std::string data = "--data-dir '" + (disk / "data").string() + "'";
    std::string script = lines({"click Guided session", "click Acute relief", "wait-for Start the session",
                                "expect-no-text will not be saved", "quit"});
    int rc = runScript(dir, "room", script, data);
    INFO(slurp(dir / "room.log"));
    REQUIRE(rc == 0);
    // Nearly fill the disk: under 2 MB left, which a session's saving could run out of.
    auto fill = [&](const char* name, uintmax_t leave) {
        std::ofstream out(disk / name, std::ios::binary);
        std::string block(64 * 1024, 'x');
        while (fs::space(disk).available > leave + block.size()) out.write(block.data(), block.size()), out.flush();
    };
    fill("filler", 1024 * 1024);
    script = lines({"click Guided session", "wait-for Start the session",
                    "wait-for This session will not be saved: nothing can be saved: the disk holding", "quit"});
    rc = runScript(dir, "nearly_full", script, data);
    INFO(slurp(dir / "nearly_full.log"));
    CHECK(rc == 0);
    // A disk with no room at all: the data cannot even be opened (SQLite has no room for its index),
    // and the screens say so instead of showing nothing.
    {
        std::ofstream rest(disk / "rest", std::ios::binary);
        std::string block(4096, 'x');
        while (rest.write(block.data(), block.size()) && rest.flush()) {}
    }
    script = lines({"wait-for Your saved data could not be opened", "click Guided session",
                    "wait-for no session can start, as nothing could be saved", "quit"});
    rc = runScript(dir, "full", script, data);
    INFO(slurp(dir / "full.log"));
    CHECK(rc == 0);
}
