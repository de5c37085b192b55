#pragma once
// Command-line options of the ptcoach app.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"

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
};

// The screens --screen accepts.
const std::vector<std::string>& screenNames();

// Parses argv. A bad flag or value is an Error whose message says which and why (exit code 2).
Expected<AppOptions> parseAppOptions(int argc, char** argv);

std::string appUsage();

}  // namespace ptcoach::ui
