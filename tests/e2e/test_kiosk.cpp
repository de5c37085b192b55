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
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p);
    out << text;
}
// Runs the app under its own Xvfb display (a 1280x720 screen, so the kiosk's full screen is that).
int runScript(const fs::path& dir, const std::string& name, const std::string& script, const std::string& args) {
    static int display = 300 + getpid() % 400;
    fs::path file = dir / (name + ".script");
    write(file, script);
    return run("xvfb-run -a -n " + std::to_string(display++) + " -s '-screen 0 1280x720x24' " + app() + " --mute " +
               args + " --script '" + file.string() + "' > '" + (dir / (name + ".log")).string() + "' 2>&1");
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
click Create therapist account
wait-for Dr Rivera
)";

const char* kTherapistSignIn = R"(
click Dr Rivera
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
                         kTherapistSignIn + "screenshot " + (dir / "home.png").string() + "\n" +
                         "dump " + (dir / "home.txt").string() + "\n" +
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
    std::string idle = std::string(kTherapistSignIn) + "sleep 5\n" +
                       "wait-for signed out after a while without activity\n"
                       "expect-no-text Signed in\n"
                       "screenshot " + (dir / "signed_out.png").string() + "\nquit\n";
    int rc = runScript(dir, "idle", idle, "--kiosk --idle-timeout 3 " + data);
    INFO(slurp(dir / "idle.log"));
    REQUIRE(rc == 0);
    CHECK(imageNotBlank(dir / "signed_out.png"));

    // Leaving: a wrong PIN is refused, the right one closes the app (exit code 0 without "quit").
    std::string leave = R"(
click Staff: leave
click Dr Rivera##exit
click Therapist PIN
type 1111
click Close PT Coach
wait-for Wrong PIN
click Therapist PIN
type 2468
click Close PT Coach
sleep 5
)";
    rc = runScript(dir, "leave", leave, "--kiosk " + data);
    INFO(slurp(dir / "leave.log"));
    // The app closed itself before the script's end: the step after the PIN never finished.
    CHECK(rc == 0);
    std::string log = slurp(dir / "leave.log");
    CHECK(log.find("script failed") == std::string::npos);
}
