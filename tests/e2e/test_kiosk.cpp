// End-to-end: the real ptcoach app as a clinic kiosk under Xvfb, driven by --script the way a
// person would use it (clicks on widgets found by their labels, typed PINs, real waiting).
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <sstream>
#include <unistd.h>

#include "ptcoach/core/paths.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptcoach::test::run;

namespace {

std::string app() { return (ptcoach::test::binDir() / "ptcoach").string(); }
using ptcoach::test::slurp;
void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p);
    out << text;
}
// Runs the app under its own Xvfb display (a 1280x720 screen, so the kiosk's full screen is that).
int runScript(const fs::path& dir, const std::string& name, const std::string& script, const std::string& args) {
    fs::path file = dir / (name + ".script");
    write(file, script);
    return ptcoach::test::runUnderXvfb(app() + " --mute " + args + " --script '" + file.string() + "' > '" +
                                           (dir / (name + ".log")).string() + "' 2>&1",
                                       "1280x720x24");
}
bool imageNotBlank(const fs::path& png) {
    cv::Mat img = cv::imread(png.string(), cv::IMREAD_GRAYSCALE);
    if (img.empty()) return false;
    cv::Scalar mean, sd;
    cv::meanStdDev(img, mean, sd);
    return sd[0] > 10;
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
wait-for Dr R.
)";

// At a therapist's desk the list shows full names; a kiosk shows first names and initials.
const char* kTherapistSignIn = R"(
click Dr Rivera
click 2
click 4
click 6
click 8
click Sign in
wait-for Signed in: Dr Rivera
)";
const char* kKioskTherapistSignIn = R"(
click Dr R.
click 2
click 4
click 6
click 8
click Sign in
wait-for Signed in: Dr Rivera
)";

}  // namespace

TEST_CASE("kiosk: a fresh kiosk asks for its first therapist; the therapist signs in and out") {
    auto dir = ptcoach::test::scratchDir("e2e_kiosk_first_run");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    std::string script = std::string(kSetupTherapist) + "screenshot " + (dir / "signin.png").string() + "\n" +
                         kKioskTherapistSignIn + "screenshot " + (dir / "home.png").string() + "\n" +
                         "dump " + (dir / "home.txt").string() + "\n" +
                         "click Therapist\nclick Kiosk settings\nwait-for without a touch or a key: 120 s\n"
                         "click +##kiosk.idle_s\nwait-for without a touch or a key: 150 s\n"
                         "screenshot " + (dir / "settings.png").string() + "\n" +
                         "click Sign out\nwait-for Sign in\nexpect-no-text Signed in\nquit\n";
    int rc = runScript(dir, "first", script, "--kiosk " + data);
    INFO(slurp(dir / "first.log"));
    REQUIRE(rc == 0);
    CHECK(imageNotBlank(dir / "signin.png"));
    CHECK(imageNotBlank(dir / "home.png"));
    std::string home = slurp(dir / "home.txt");
    CHECK(home.find("item\tTherapist") != std::string::npos);
    // A kiosk has no camera check: its camera is on only during a session.
    CHECK(home.find("Camera check") == std::string::npos);
}

TEST_CASE("kiosk: idle sign-out; leaving needs a therapist's PIN, a wrong one keeps the kiosk running") {
    auto dir = ptcoach::test::scratchDir("e2e_kiosk_idle_exit");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    REQUIRE(runScript(dir, "setup", std::string(kSetupTherapist) + "quit\n", "--kiosk " + data) == 0);

    // Idle: signed in, then no input for longer than the idle time.
    std::string idle = std::string(kKioskTherapistSignIn) + "sleep 5\n" +
                       "wait-for signed out after a while without activity\n"
                       "expect-no-text Signed in\n"
                       "screenshot " + (dir / "signed_out.png").string() + "\nquit\n";
    int rc = runScript(dir, "idle", idle, "--kiosk --idle-timeout 3 " + data);
    INFO(slurp(dir / "idle.log"));
    REQUIRE(rc == 0);
    CHECK(imageNotBlank(dir / "signed_out.png"));

    // Leaving: a wrong PIN is refused, the right one closes the app (wait-exit: the app must close
    // itself; still running after 10 s fails the run).
    std::string leave = R"(
click Staff: leave

click Therapist PIN
type 1111
click Close PT Coach
wait-for Wrong PIN
click Therapist PIN
type 2468
click Close PT Coach
wait-exit 10
)";
    rc = runScript(dir, "leave", leave, "--kiosk " + data);
    INFO(slurp(dir / "leave.log"));
    CHECK(rc == 0);
    CHECK(slurp(dir / "leave.log").find("script failed") == std::string::npos);

    // The same with a wrong PIN twice: the kiosk stays, and the run fails at wait-exit. (This run
    // used to pass: a script that ran out of steps exited 0.)
    std::string wrongTwice = R"(
click Staff: leave
click Therapist PIN
type 1111
click Close PT Coach
wait-for Wrong PIN
click Therapist PIN
key Ctrl+A
type 1112
click Close PT Coach
wait-exit 5
)";
    rc = runScript(dir, "wrong_twice", wrongTwice, "--kiosk " + data);
    std::string wrongLog = slurp(dir / "wrong_twice.log");
    INFO(wrongLog);
    CHECK(rc == 5);
    CHECK_THAT(wrongLog, Catch::Contains("wrong_twice.script:11: wait-exit 5: the app is still running"));
}

TEST_CASE("kiosk: a script that does not end with quit is refused; the app closing before the script's end fails "
          "the run") {
    auto dir = ptcoach::test::scratchDir("e2e_script_end");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    int rc = runScript(dir, "no_quit", "wait-for Therapist name\nexpect-text Therapist name\n", "--kiosk " + data);
    std::string log = slurp(dir / "no_quit.log");
    INFO(log);
    CHECK(rc == 2);
    CHECK_THAT(log, Catch::Contains("no_quit.script: the script must end with quit"));
    // The app ends on its own (--screenshot after its frames) while the script still waits.
    rc = runScript(dir, "closed", "wait-for Nothing shows this 30\nquit\n",
                   data + " --screenshot '" + (dir / "shot.png").string() + "' --frames 3");
    log = slurp(dir / "closed.log");
    INFO(log);
    CHECK(rc == 5);
    CHECK_THAT(log, Catch::Contains("closed.script:1: wait-for Nothing shows this: the app closed before the script's end"));
}

TEST_CASE("clinic: a therapist builds and assigns a program, a patient does it at the kiosk and is signed out on "
          "idle, the next patient sees none of it, the therapist sees the result") {
    fs::path video = ptcoach::test::sharedDir() / "data" / "videos" / "standing_curl_side.mp4";
    if (!fs::exists(video)) PTCOACH_SKIP("shared data absent: " << video);
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_lite.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
    auto dir = ptcoach::test::scratchDir("e2e_clinic_day");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    auto file = [&](const char* name) { return (dir / name).string(); };

    // The clinic sets up its kiosk: the first therapist account.
    REQUIRE(runScript(dir, "setup", std::string(kSetupTherapist) + "quit\n", "--kiosk " + data) == 0);

    // At the therapist's desk: two patients, a program built from the library, assigned to Ana.
    std::string build = std::string(kTherapistSignIn) + R"(
click Therapist
wait-for Add patient
click Add patient
click Name
type Ana Silva
click PIN
type 1357
click Sign-in code
type ANA001
click Create patient
wait-for Added Ana Silva
click Add patient
click Name
type Ben Okafor
click PIN
type 8642
click Sign-in code
type BEN002
click Create patient
wait-for Added Ben Okafor
click Program builder
click New program
click Title
type Curl check
click Summary
type Three curls with a straight back
click 2. Sessions
click Find an exercise
type curl
click Add Standing arm curl
click Sets 1
key Ctrl+A
type 1
click Reps 1
key Ctrl+A
type 3
click 3. Week and progression
click Tue
click Thu
click Sat
click Sun
click Save program
wait-for Saved Curl check
click Patients
click Ana Silva
click Curl check (saved)
click Assign program
wait-for Assigned Curl check
quit
)";
    int rc = runScript(dir, "build", build, data);
    INFO(slurp(dir / "build.log"));
    REQUIRE(rc == 0);
    // The builder saved a valid program file too.
    std::string programFile = slurp(dir / "data" / "programs" / "curl_check.json");
    CHECK(programFile.find("\"standing_curl\"") != std::string::npos);
    CHECK(programFile.find("\"reps\": 3") != std::string::npos);

    // At the kiosk: Ana does her session (the recorded video stands in for her in front of the
    // camera), then walks away; the kiosk signs her out. Ben signs in with his code.
    std::string kiosk = R"(
wait-for Ana S.
click Ana S.
click 1
click 3
click 5
click 7
click Sign in
wait-for Signed in: Ana Silva
click Guided session
wait-for Start the session
expect-text Camera on
click 3
click None of these
click Start the session
wait-for See my summary 150
click 2
click See my summary
wait-for Session saved
expect-text standing_curl: 3 of 3 reps
expect-no-text Camera on
screenshot )" + file("summary.png") + R"(
sleep 8
wait-for signed out after a while without activity
expect-no-text Ana Silva:
expect-no-text Signed in
screenshot )" + file("signed_out.png") + R"(
click I have a sign-in code
click Code
type ben002
click Type PIN
type 8642
click Sign in
wait-for Signed in: Ben Okafor
expect-no-text Ana
click Progress
sleep 1
dump )" + file("ben_progress.txt") + R"(
click < Home
click Guided session
sleep 1
dump )" + file("ben_session.txt") + R"(
quit
)";
    rc = runScript(dir, "kiosk", kiosk,
                   "--kiosk --pose-model lite --idle-timeout 6 --video '" + video.string() + "' " + data);
    INFO(slurp(dir / "kiosk.log"));
    REQUIRE(rc == 0);
    CHECK(imageNotBlank(dir / "summary.png"));
    CHECK(imageNotBlank(dir / "signed_out.png"));
    for (const char* f : {"ben_progress.txt", "ben_session.txt"}) {
        std::string seen = slurp(dir / f);
        INFO(f << ":\n" << seen);
        bool benSignedIn = seen.find("Signed in: Ben Okafor") != std::string::npos;
        if (std::string(f) == "ben_progress.txt") CHECK(benSignedIn);
        CHECK(seen.find("Ana") == std::string::npos);
        CHECK(seen.find("curl_check") == std::string::npos);
    }

    // What was saved, per patient.
    REQUIRE(run(app() + " " + data + " --list-sessions --therapist 'Dr Rivera' --pin 2468 --profile 'Ana Silva' > '" + file("ana.txt") + "' 2>&1") == 0);
    REQUIRE(run(app() + " " + data + " --list-sessions --therapist 'Dr Rivera' --pin 2468 --profile BEN002 > '" + file("ben.txt") + "' 2>&1") == 0);
    std::string ana = slurp(dir / "ana.txt");
    INFO(ana);
    CHECK(ana.find("curl_check") != std::string::npos);
    CHECK(ana.find("standing_curl=3/3") != std::string::npos);
    CHECK(slurp(dir / "ben.txt").empty());

    // Back at the desk: the therapist sees Ana's session.
    std::string review = std::string(kTherapistSignIn) + R"(
click Therapist
wait-for Ana Silva: last session
dump )" + file("therapist.txt") + R"(
click Ana Silva
click View progress
wait-for Progress: Ana Silva
screenshot )" + file("ana_progress.png") + R"(
click Back to patients
click Ana Silva
click New PIN
type 2222
click Set PIN
wait-for New PIN set
click Sign out
click Ana Silva
click Type PIN
type 2222
click Sign in
wait-for Signed in: Ana Silva
quit
)";
    rc = runScript(dir, "review", review, data);
    INFO(slurp(dir / "review.log"));
    REQUIRE(rc == 0);
    std::string therapist = slurp(dir / "therapist.txt");
    INFO(therapist);
    CHECK(therapist.find("Ana Silva: last session never") == std::string::npos);
    CHECK(therapist.find("Ana Silva: last session ") != std::string::npos);
    CHECK(therapist.find("Ben Okafor: last session never") != std::string::npos);
    CHECK(imageNotBlank(dir / "ana_progress.png"));
}

TEST_CASE("home: a patient takes in the assignment file from their therapist; a broken file is a clear error") {
    auto dir = ptcoach::test::scratchDir("e2e_home_import");
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    // What the therapist's "Export assignment" writes (format: programs/README.md).
    write(dir / "from_clinic.json", R"({
  "format": "ptcoach-assignment",
  "version": 1,
  "patient": {"name": "Me", "code": "ANA001"},
  "therapist": "Dr Rivera",
  "start_date": "2026-11-23",
  "notes": "Every morning, before work.",
  "program": {
    "format": "ptcoach-program",
    "version": 2,
    "id": "curl_check",
    "title": "Curl check",
    "summary": "Three curls with a straight back",
    "phase": "any",
    "days_per_week": 7,
    "week": ["a", "a", "a", "a", "a", "a", "a"],
    "sessions": [{"id": "a", "title": "Session A", "exercises": [{"exercise": "standing_curl", "sets": 1, "reps": 3}]}]
  }
}
)");
    std::string broken = slurp(dir / "from_clinic.json");
    broken.replace(broken.find("standing_curl"), 13, "standing_kurl");
    write(dir / "broken.json", broken);

    // Headless: the broken one is refused and says where; the good one becomes the program.
    REQUIRE(run(app() + " " + data + " --import '" + (dir / "broken.json").string() + "' > '" +
                (dir / "broken.log").string() + "' 2>&1") == 1);
    std::string err = slurp(dir / "broken.log");
    INFO(err);
    CHECK(err.find("broken.json") != std::string::npos);
    CHECK(err.find("standing_kurl") != std::string::npos);

    // In the app: the Programs screen takes the file in; the guided session then runs it.
    std::string script = "click Programs\nclick Take in a file from your therapist\nclick File from your therapist\ntype " +
                         (dir / "from_clinic.json").string() +
                         "\nclick Look at this file\nwait-for This assignment is for Me (code ANA001), from Dr Rivera\n"
                         "click Take in this program\nwait-for Your program is now Curl check from Dr Rivera\n"
                         "wait-for From your therapist\n"
                         "click < Home\nclick Guided session\nwait-for Curl check: Session A\n"
                         "screenshot " + (dir / "session.png").string() + "\nquit\n";
    int rc = runScript(dir, "import", script, data);
    INFO(slurp(dir / "import.log"));
    REQUIRE(rc == 0);
    CHECK(imageNotBlank(dir / "session.png"));
}

TEST_CASE("kiosk: a patient who leaves the camera's view mid-session is signed out, the session saved") {
    fs::path nobody = ptcoach::test::sharedDir() / "data" / "pose-frames" / "no_person_fruits.png";
    if (!fs::exists(nobody)) PTCOACH_SKIP("shared data absent: " << nobody);
    if (!fs::exists(ptcoach::modelDir() / "pose_landmark_lite.tflite"))
        PTCOACH_SKIP("models absent in " << ptcoach::modelDir() << " (run ./setup.sh)");
    auto dir = ptcoach::test::scratchDir("e2e_kiosk_away");
    // The camera sees an empty room: a folder holding one picture with nobody in it, looped.
    fs::create_directories(dir / "room");
    fs::copy_file(nobody, dir / "room" / "frame.png", fs::copy_options::overwrite_existing);
    std::string data = "--data-dir '" + (dir / "data").string() + "'";
    std::string setup = std::string(kSetupTherapist) + kKioskTherapistSignIn + R"(
click Therapist
click Add patient
click Name
type Cara Lee
click PIN
type 9753
click Create patient
wait-for Added Cara Lee
click Sign out
wait-for Cara L.
click Cara L.
click 9
click 7
click 5
click 3
click Sign in
wait-for Signed in: Cara Lee
click Guided session
click Acute relief
wait-for Start the session
click 2
click None of these
click Start the session
wait-for Camera on
wait-for leaving the camera's view 30
expect-no-text Signed in
expect-no-text Camera on
screenshot )" + (dir / "away.png").string() + "\nquit\n";
    int rc = runScript(dir, "away", setup,
                       "--kiosk --pose-model lite --idle-timeout 120 --away-timeout 3 --video '" +
                           (dir / "room").string() + "' " + data);
    INFO(slurp(dir / "away.log"));
    REQUIRE(rc == 0);
    CHECK(imageNotBlank(dir / "away.png"));
    // Nothing lost: the unfinished session is in Cara's history.
    REQUIRE(run(app() + " " + data + " --list-sessions --therapist 'Dr Rivera' --pin 2468 --profile 'Cara Lee' > '" + (dir / "cara.txt").string() +
                "' 2>&1") == 0);
    std::string cara = slurp(dir / "cara.txt");
    INFO(cara);
    CHECK(cara.find("acute_relief") != std::string::npos);
}
