#include "frame_stats.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <string>

#include "ui_state.h"

namespace ptcoach::ui {

long residentKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

namespace {
double quantile(std::vector<double>& v, double q) {
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}
}  // namespace

FrameStats::FrameStats(const std::optional<std::filesystem::path>& file, std::chrono::seconds interval)
    : m_interval(interval) {
    if (!file) return;
    m_out.open(*file, std::ios::app);
    m_out << "# minute\telapsed_s\trss_kb\tui_frames\tui_ms_median\tui_ms_p95\tpose_frames\tpose_ms_median\t"
             "pose_ms_p95\tsessions_saved\n"
          << std::flush;
}

void FrameStats::frame(const UiState& st) {
    if (!m_out.is_open()) return;
    auto now = std::chrono::steady_clock::now();
    if (!m_started) {
        m_started = true;
        m_start = m_intervalStart = m_lastFrame = now;
        return;
    }
    m_ui.push_back(std::chrono::duration<double, std::milli>(now - m_lastFrame).count());
    m_lastFrame = now;
    if (st.camera.framesShown != m_lastPoseFrame) {
        if (m_lastPoseFrame >= 0 && st.camera.hasPose) m_pose.push_back(st.camera.poseMs);
        m_lastPoseFrame = st.camera.framesShown;
    }
    if (st.session.saved && st.session.savedId != m_lastSavedId) {
        m_lastSavedId = st.session.savedId;
        ++m_sessionsSaved;
    }
    if (now - m_intervalStart >= m_interval) flush(now, st);
}

void FrameStats::flush(std::chrono::steady_clock::time_point now, const UiState&) {
    ++m_minute;
    size_t uiFrames = m_ui.size(), poseFrames = m_pose.size();
    double uiMed = quantile(m_ui, 0.5), uiP95 = quantile(m_ui, 0.95);
    double poseMed = quantile(m_pose, 0.5), poseP95 = quantile(m_pose, 0.95);
    m_out << m_minute << '\t' << std::chrono::duration_cast<std::chrono::seconds>(now - m_start).count() << '\t'
          << residentKb() << '\t' << uiFrames << '\t' << std::fixed << std::setprecision(2) << uiMed << '\t' << uiP95
          << '\t' << poseFrames << '\t' << poseMed << '\t' << poseP95 << '\t' << m_sessionsSaved << '\n'
          << std::flush;
    m_ui.clear();
    m_pose.clear();
    m_intervalStart = now;
}

}  // namespace ptcoach::ui
