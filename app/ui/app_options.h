#pragma once
// Command-line options of the ptcoach app.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/database.h"

namespace ptcoach::ui {

struct AppOptions {
    std::filesystem::path dataDir;          // default: XDG data directory
    int camera = 0;
    std::optional<std::filesystem::path> video;  // used in place of the webcam, looped
    std::string poseModel = "full";  // lite, full or heavy
    bool kiosk = false;
    std::string screen = "home";
    std::optional<std::filesystem::path> screenshot;
    int frames = 3;
    int width = 1280;
    int height = 720;
    bool help = false;
    std::string program;        // --program ID: the program the session runs
    std::string exercise;       // --exercise ID: start at it (with --program) or practise it alone
    bool listPrograms = false;  // --list-programs: print the program ids, exit
    bool listSessions = false;  // --list-sessions: print the saved sessions, exit
    bool exitAfterVideo = false;  // --exit-after-video: run the session to the video's end, save, exit
    bool mute = false;          // --mute: no spoken cues or tones
    std::optional<std::filesystem::path> exportCsv;  // --export-csv DIR: write CSVs, no window
    std::optional<std::filesystem::path> report;     // --report FILE.pdf: write the PDF report, no window
    std::optional<std::filesystem::path> importFile;  // --import FILE: take in a therapist's program, no window
    std::string profile;        // --profile NAME|CODE: the patient --list-sessions, --export-csv and --report use
    std::optional<std::string> pin;  // --pin PIN: the PIN those commands need (else asked on a terminal)
    std::string therapist;      // --therapist NAME: on a clinic's database, who signs in for them
    std::string database;       // --db CONNECTION (or $PTCOACH_DATABASE): PostgreSQL or a SQLite file
    std::optional<std::filesystem::path> script;     // --script FILE: scripted input (end-to-end tests)
    std::optional<int> idleTimeoutS;   // --idle-timeout S: sign out after S seconds without input
    std::optional<int> awayTimeoutS;   // --away-timeout S: sign out after S seconds out of the camera's view
    long long clockOffsetS = 0;        // --clock-offset S: run as if it were S seconds later (tests)
    std::optional<std::filesystem::path> statsFile;  // --stats FILE: memory and frame times every minute (soak runs)
    std::string game;           // --game ID: play a game (its exercise: --exercise, else the game's own)
    bool listGames = false;     // --list-games: print the game ids, exit
    std::string fontSize;       // --font-size normal|large|largest (else the saved setting)
    bool highContrast = false;  // --high-contrast
    int benchUiFrames = 0;      // --bench-ui N: time N frames, print the figures, exit
};

// The screens --screen accepts.
const std::vector<std::string>& screenNames();

// Parses argv. A bad flag or value is an Error whose message says which and why (exit code 2).
Expected<AppOptions> parseAppOptions(int argc, char** argv);

std::string appUsage();

// The patient the headless commands (--list-sessions, --export-csv, --report, --import) are
// about, once whoever runs them has signed in: --profile (a patient's name or sign-in code; codes
// are rate-limited like PINs), else the only patient (created on first use at home); several
// patients and no --profile is an error (that names nobody). A patient with a PIN needs it (--pin,
// or typed when asked on a terminal; wrong PINs count towards the lock-out as at the kiosk). On a
// clinic's database (one with a therapist) a therapist signs in instead (--therapist NAME and
// their PIN), and only their own patients can be chosen.
Expected<storage::Id> headlessPatient(storage::Database& db, const AppOptions& options);

// The database the options name: --db / $PTCOACH_DATABASE, else DATA-DIR/ptcoach.db.
Expected<std::unique_ptr<storage::Database>> openDatabase(const AppOptions& options);

}  // namespace ptcoach::ui
