#include "ptcoach/vision/capture_worker.h"

#include <chrono>

namespace ptcoach::vision {

CaptureWorker::CaptureWorker(SourceOptions options, Process process, bool paceToFps)
    : m_options(std::move(options)), m_process(std::move(process)), m_pace(paceToFps) {
    m_thread = std::thread([this] { run(); });
}

CaptureWorker::~CaptureWorker() { stop(); }

void CaptureWorker::stop() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    WorkerState s = m_state.load();
    if (s == WorkerState::Starting || s == WorkerState::Running) m_state = WorkerState::Stopped;
}

std::string CaptureWorker::error() const {
    std::lock_guard lock(m_infoMutex);
    return m_error;
}

std::string CaptureWorker::description() const {
    std::lock_guard lock(m_infoMutex);
    return m_description;
}

void CaptureWorker::run() {
    using clock = std::chrono::steady_clock;
    auto opened = openFrameSource(m_options);
    if (!opened) {
        std::lock_guard lock(m_infoMutex);
        m_error = opened.error().message;
        m_state = WorkerState::Failed;
        return;
    }
    std::unique_ptr<FrameSource> source = std::move(opened).value();
    {
        std::lock_guard lock(m_infoMutex);
        m_description = source->describe();
    }
    m_state = WorkerState::Running;
    const bool pace = m_pace && m_options.kind != SourceKind::Camera;
    auto start = clock::now();
    while (!m_stop) {
        CapturedFrame cf;
        ReadResult r = source->read(cf.frame);
        if (r == ReadResult::End) {
            m_state = WorkerState::Ended;
            return;
        }
        if (r == ReadResult::Error) {
            std::lock_guard lock(m_infoMutex);
            m_error = source->lastError();
            m_state = WorkerState::Failed;
            return;
        }
        if (pace) {
            auto due = start + std::chrono::milliseconds(cf.frame.tMs);
            while (!m_stop && clock::now() < due) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        cf.readAt = clock::now();  // when a camera would have handed it over (after the pacing)
        if (m_process) {
            auto t0 = clock::now();
            m_process(cf);
            cf.processMs = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        }
        m_frames.post(std::move(cf));
    }
}

}  // namespace ptcoach::vision
