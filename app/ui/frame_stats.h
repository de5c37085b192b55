#pragma once
// --stats FILE: for soak runs. Every interval (a minute) the app appends one line to FILE with its
// resident memory and the frame times of that interval, so growth and drift over hours show.
//   minute  elapsed_s  rss_kb  ui_frames  ui_ms_median  ui_ms_p95  pose_frames  pose_ms_median  pose_ms_p95  sessions_saved
// ui_ms: the time between two drawn frames of the window; pose_ms: the pose pipeline's time for
// each camera frame shown (on the worker thread). A header line starting with '#' comes first.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

namespace ptcoach::ui {

struct UiState;

// Resident memory of this process in kB (VmRSS of /proc/self/status); 0 when unknown.
long residentKb();

class FrameStats {
public:
    // Nothing is recorded without a file.
    explicit FrameStats(const std::optional<std::filesystem::path>& file,
                        std::chrono::seconds interval = std::chrono::seconds(60));
    // Once per drawn frame.
    void frame(const UiState& st);

private:
    void flush(std::chrono::steady_clock::time_point now, const UiState& st);

    std::ofstream m_out;
    std::chrono::seconds m_interval;
    std::chrono::steady_clock::time_point m_start{}, m_intervalStart{}, m_lastFrame{};
    bool m_started = false;
    long long m_lastPoseFrame = -1;
    long m_sessionsSaved = 0;
    long long m_lastSavedId = 0;
    int m_minute = 0;
    std::vector<double> m_ui, m_pose;
};

}  // namespace ptcoach::ui
