#include "app_options.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "ptcoach/core/args.h"
#include "ptcoach/core/ids.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/game/catalog.h"
#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::ui {

const std::vector<std::string>& screenNames() {
    static const std::vector<std::string> names = {"home", "session", "programs", "recovery", "progress",
                                                   "therapist", "camera", "settings"};
    return names;
}

std::string appUsage() {
    std::string screens;
    for (const auto& s : screenNames()) screens += (screens.empty() ? "" : "|") + s;
    return "Usage: ptcoach [options]\n"
           "PT Coach: a game-like coach for recovery from back spasms and low-back pain.\n\n"
           "Options:\n"
           "  --data-dir DIR        where your data is kept (default: $XDG_DATA_HOME/ptcoach)\n"
           "  --camera N            webcam index (default 0)\n"
           "  --video FILE          use a video file in place of the webcam (looped)\n"
           "  --pose-model NAME     pose model: lite, full (default) or heavy\n"
           "  --kiosk               clinic kiosk mode: full screen, locked down\n"
           "  --screen NAME         open a screen directly: " + screens + "\n"
           "  --screenshot FILE.png render --frames N frames, save the window as PNG, exit\n"
           "  --frames N            frames to render before the screenshot (default 3)\n"
           "  --window-size WxH     window size (default 1280x720)\n"
           "  --export-csv DIR      write every record of your history as CSV files into DIR, exit\n"
           "  --report FILE.pdf     write a printable PDF report with your charts, exit\n"
           "  --program ID          the program the guided session runs (see --list-programs)\n"
           "  --exercise ID         start the session at this exercise (with --program), or practise it alone\n"
           "  --exit-after-video    with --video: run the session to the video's end (not looped), save it, exit\n"
           "  --mute                no spoken cues or tones\n"
           "  --list-programs       print the program ids, one per line, and exit\n"
           "  --list-sessions       print your saved sessions, newest first, and exit\n"
           "  --import FILE         take in an assignment or program file from your therapist, exit\n"
           "  --profile NAME|CODE   the patient --list-sessions, --export-csv, --report and --import are about\n"
           "  --pin PIN             that patient's PIN, or on a clinic's database the therapist's (without it,\n"
           "                        the PIN is asked for on the terminal; one on the command line can be seen\n"
           "                        by other users of this computer)\n"
           "  --therapist NAME      on a clinic's database: the therapist who signs in for those commands\n"
           "  --db CONNECTION       the database: a SQLite file (default DATA-DIR/ptcoach.db) or a PostgreSQL\n"
           "                        connection (postgresql://... or 'host=... dbname=...'); also $PTCOACH_DATABASE\n"
           "  --idle-timeout S      sign a patient out after S seconds without input (kiosk default 120)\n"
           "  --away-timeout S      sign a patient out after S seconds out of the camera's view (default 60)\n"
           "  --script FILE         drive the app from a script of clicks and keys (end-to-end tests)\n"
           "  --clock-offset S      run as if the clock were S seconds later (tests: what happens an hour later)\n"
           "  --stats FILE          append memory use and frame times to FILE every minute (soak runs)\n"
           "  --game ID             play a game (see --list-games) on its exercise, or on --exercise ID (with\n"
           "                        --program: that program's dose); with --video and --exit-after-video, play the\n"
           "                        recording, save and print 'GAME <id>: score S, reps N of M, good N, faults ...'\n"
           "  --list-games          print the game ids, one per line, and exit\n"
           "  --font-size SIZE      text size: normal, large or largest (default: the saved setting)\n"
           "  --high-contrast       high-contrast colours\n"
           "  --bench-ui N          time N frames (the UI frame, the pose estimation, the camera-to-screen\n"
           "                        age), print median and p95, CPU use and dropped frames, exit\n"
           "  --help                show this help\n";
}

Expected<AppOptions> parseAppOptions(int argc, char** argv) {
    AppOptions o;
    o.dataDir = defaultDataDir();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](const char* what) -> std::optional<std::string> {
            if (i + 1 >= argc) return std::nullopt;
            (void)what;
            return std::string(argv[++i]);
        };
        auto missing = [&](const std::string& flag, const char* what) {
            return makeError(flag + " needs a value (" + what + ")");
        };
        if (a == "--help" || a == "-h") {
            o.help = true;
        } else if (a == "--kiosk") {
            o.kiosk = true;
        } else if (a == "--data-dir") {
            auto v = value("DIR");
            if (!v || v->empty()) return missing(a, "a directory");
            o.dataDir = *v;
        } else if (a == "--camera") {
            auto v = value("N");
            if (!v) return missing(a, "a camera index, 0 or more");
            auto n = parseInt(*v);
            if (!n || *n < 0 || *n > 63) return makeError("--camera: '" + *v + "' is not a camera index (0-63)");
            o.camera = *n;
        } else if (a == "--video") {
            auto v = value("FILE");
            if (!v || v->empty()) return missing(a, "a video file");
            o.video = *v;
        } else if (a == "--pose-model") {
            auto v = value("NAME");
            if (!v) return missing(a, "lite, full or heavy");
            if (*v != "lite" && *v != "full" && *v != "heavy")
                return makeError("--pose-model: '" + *v + "' is not one of lite, full, heavy");
            o.poseModel = *v;
        } else if (a == "--screen") {
            auto v = value("NAME");
            if (!v) return missing(a, "a screen name");
            const auto& names = screenNames();
            if (std::find(names.begin(), names.end(), *v) == names.end()) {
                std::string list;
                for (const auto& s : names) list += (list.empty() ? "" : ", ") + s;
                return makeError("--screen: unknown screen '" + *v + "' (one of: " + list + ")");
            }
            o.screen = *v;
        } else if (a == "--screenshot") {
            auto v = value("FILE.png");
            if (!v || v->empty()) return missing(a, "a .png file");
            std::filesystem::path p(*v);
            if (p.extension() != ".png") return makeError("--screenshot: '" + *v + "' must end in .png");
            o.screenshot = p;
        } else if (a == "--frames") {
            auto v = value("N");
            if (!v) return missing(a, "a number of frames");
            auto n = parseInt(*v);
            if (!n || *n < 1 || *n > 100000) return makeError("--frames: '" + *v + "' is not a frame count (1-100000)");
            o.frames = *n;
        } else if (a == "--window-size") {
            auto v = value("WxH");
            if (!v) return missing(a, "WIDTHxHEIGHT");
            auto size = parseSize(*v);
            if (!size || size->first < 320 || size->second < 240 || size->first > 7680 || size->second > 4320)
                return makeError("--window-size: '" + *v + "' is not WIDTHxHEIGHT (from 320x240 to 7680x4320)");
            o.width = size->first;
            o.height = size->second;
        } else if (a == "--program" || a == "--exercise") {
            auto v = value("ID");
            if (!v || v->empty()) return missing(a, a == "--program" ? "a program id" : "an exercise id");
            if (!isValidId(*v)) return makeError(a + ": " + idProblem(*v, a == "--program" ? "a program id" : "an exercise id"));
            (a == "--program" ? o.program : o.exercise) = *v;
        } else if (a == "--list-programs") {
            o.listPrograms = true;
        } else if (a == "--list-sessions") {
            o.listSessions = true;
        } else if (a == "--exit-after-video") {
            o.exitAfterVideo = true;
        } else if (a == "--mute") {
            o.mute = true;
        } else if (a == "--export-csv") {
            auto v = value("DIR");
            if (!v || v->empty()) return missing(a, "a directory for the CSV files");
            o.exportCsv = *v;
        } else if (a == "--report") {
            auto v = value("FILE.pdf");
            if (!v || v->empty()) return missing(a, "a .pdf file");
            std::filesystem::path p(*v);
            if (p.extension() != ".pdf") return makeError("--report: '" + *v + "' must end in .pdf");
            o.report = p;
        } else if (a == "--import") {
            auto v = value("FILE");
            if (!v || v->empty()) return missing(a, "an assignment or program file");
            o.importFile = *v;
        } else if (a == "--profile") {
            auto v = value("NAME");
            if (!v || v->empty()) return missing(a, "a patient's name or sign-in code");
            o.profile = *v;
        } else if (a == "--pin") {
            auto v = value("PIN");
            if (!v || v->empty()) return missing(a, "a PIN");
            o.pin = *v;
        } else if (a == "--therapist") {
            auto v = value("NAME");
            if (!v || v->empty()) return missing(a, "a therapist's name");
            o.therapist = *v;
        } else if (a == "--db") {
            auto v = value("CONNECTION");
            if (!v || v->empty()) return missing(a, "a SQLite file or a PostgreSQL connection");
            o.database = *v;
        } else if (a == "--script") {
            auto v = value("FILE");
            if (!v || v->empty()) return missing(a, "a script file");
            o.script = *v;
        } else if (a == "--stats") {
            auto v = value("FILE");
            if (!v || v->empty()) return missing(a, "a file for the figures");
            o.statsFile = *v;
        } else if (a == "--idle-timeout" || a == "--away-timeout") {
            auto v = value("S");
            if (!v) return missing(a, "seconds");
            auto n = parseInt(*v);
            if (!n || *n < 2 || *n > 86400) return makeError(a + ": '" + *v + "' is not a number of seconds (2-86400)");
            (a == "--idle-timeout" ? o.idleTimeoutS : o.awayTimeoutS) = *n;
        } else if (a == "--clock-offset") {
            auto v = value("S");
            if (!v) return missing(a, "seconds");
            auto n = parseInt(*v);
            if (!n || *n < -315360000 || *n > 315360000)
                return makeError("--clock-offset: '" + *v + "' is not a number of seconds (at most ten years either way)");
            o.clockOffsetS = *n;
        } else if (a == "--game") {
            auto v = value("ID");
            if (!v || v->empty()) return missing(a, "a game id (see --list-games)");
            if (!game::findGame(*v)) {
                std::string list;
                for (const auto& g : game::games()) list += (list.empty() ? "" : ", ") + g.id;
                return makeError("--game: unknown game '" + *v + "' (one of: " + list + ")");
            }
            o.game = *v;
        } else if (a == "--list-games") {
            o.listGames = true;
        } else if (a == "--font-size") {
            auto v = value("SIZE");
            if (!v) return missing(a, "normal, large or largest");
            if (*v != "normal" && *v != "large" && *v != "largest")
                return makeError("--font-size: '" + *v + "' is not one of normal, large, largest");
            o.fontSize = *v;
        } else if (a == "--high-contrast") {
            o.highContrast = true;
        } else if (a == "--bench-ui") {
            auto v = value("N");
            if (!v) return missing(a, "a number of frames");
            auto n = parseInt(*v);
            if (!n || *n < 10 || *n > 100000) return makeError("--bench-ui: '" + *v + "' is not a frame count (10-100000)");
            o.benchUiFrames = *n;
        } else {
            return makeError("unknown option '" + a + "' (see ptcoach --help)");
        }
    }
    if (!o.game.empty()) {
        const game::GameInfo* g = game::findGame(o.game);
        if (o.exercise.empty()) {
            o.exercise = g->defaultExercise();
        } else if (!g->plays(o.exercise)) {
            std::string list;
            for (const auto& e : g->exercises) list += (list.empty() ? "" : ", ") + e;
            return makeError("--game " + o.game + ": it does not play '" + o.exercise + "' (it plays " + list + ")");
        }
    }
    if (o.database.empty())
        if (const char* env = std::getenv("PTCOACH_DATABASE"); env && *env) o.database = env;
    if (o.exitAfterVideo && !o.video) return makeError("--exit-after-video needs --video FILE");
    return o;
}

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// --pin, else the PIN typed on the terminal (not echoed); an error without a terminal.
Expected<std::string> pinFor(const AppOptions& o, const std::string& who) {
    if (o.pin) return *o.pin;
    if (!isatty(STDIN_FILENO))
        return makeError(who + " has a PIN: give it with --pin PIN (there is no terminal to ask on)");
    std::cerr << "PIN for " << who << ": " << std::flush;
    termios old{};
    bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        termios quiet = old;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string pin;
    std::getline(std::cin, pin);
    if (restore) tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return pin;
}

Status signInAs(storage::AccountStore& acc, const storage::Account& who, const AppOptions& o) {
    auto pin = pinFor(o, who.name);
    if (!pin) return pin.error();
    auto r = acc.signIn(who.id, *pin, std::chrono::system_clock::now());
    if (!r) return makeError(r.error().message);
    if (r->outcome == storage::SignInOutcome::Ok || r->outcome == storage::SignInOutcome::NoPinSet) return {};
    return makeError("sign-in of " + who.name + " refused: " + r->message);
}

}  // namespace

Expected<storage::Id> headlessPatient(storage::Database& db, const AppOptions& options) {
    storage::AccountStore acc(db);
    auto now = std::chrono::system_clock::now();
    auto therapists = acc.accounts(storage::Role::Therapist);
    if (!therapists) return makeError(therapists.error().message);
    const bool clinic = !therapists->empty();
    std::optional<storage::Account> therapist;
    if (clinic) {
        if (options.therapist.empty())
            return makeError("this is a clinic's database: a therapist signs in for this with --therapist NAME "
                             "(and --pin PIN, or the PIN typed when asked)");
        for (const auto& t : *therapists)
            if (lower(t.name) == lower(options.therapist)) therapist = t;
        if (!therapist) return makeError("--therapist: no therapist is called '" + options.therapist + "'");
        if (Status s = signInAs(acc, *therapist, options); !s) return makeError(s.message());
    } else if (!options.therapist.empty()) {
        return makeError("--therapist: this database has no therapists");
    }

    auto patients = acc.accounts(storage::Role::Patient);
    if (!patients) return makeError(patients.error().message);
    std::optional<storage::Account> patient;
    if (!options.profile.empty()) {
        for (const auto& p : *patients)
            if (p.name == options.profile) patient = p;
        if (!patient) {
            // A sign-in code: looked up with the same rate limit as at the kiosk.
            auto byCode = acc.findByCode(options.profile, now);
            if (!byCode) return makeError(byCode.error().message);
            if (byCode->outcome == storage::SignInOutcome::LockedOut) return makeError("--profile: " + byCode->message);
            if (byCode->account && byCode->account->role == storage::Role::Patient) patient = byCode->account;
        }
        if (!patient) return makeError("--profile: no patient named or with the code '" + options.profile + "'");
    } else if (patients->size() == 1 && !clinic) {
        patient = patients->front();
    } else if (patients->empty() && !clinic) {
        return storage::RecoveryStore(db).ensureDefaultProfile();
    } else {
        return makeError(std::string(clinic ? "a clinic's database holds many patients" : "there are several patients") +
                         ": choose one with --profile NAME or CODE");
    }
    if (clinic) {
        auto sees = acc.canView(therapist->id, patient->id);
        if (!sees) return makeError(sees.error().message);
        if (!*sees) return makeError("--profile: " + options.profile + " is not a patient of " + therapist->name);
    } else if (patient->hasPin) {
        if (Status s = signInAs(acc, *patient, options); !s) return makeError(s.message());
    }
    return patient->id;
}

Expected<std::unique_ptr<storage::Database>> openDatabase(const AppOptions& options) {
    if (!options.database.empty()) return storage::Database::connect(options.database);
    return storage::Database::open(options.dataDir / "ptcoach.db");
}

}  // namespace ptcoach::ui
