#pragma once
// Reads a FrameSource on its own thread, optionally runs a processing step on each frame (the pose
// pipeline), and posts the newest result to a single-slot mailbox for the UI. Videos and image
// folders are paced to their frame rate so they play like a camera.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "ptcoach/vision/frame_source.h"
#include "ptcoach/vision/mailbox.h"
#include "ptcoach/vision/pose_estimator.h"

namespace ptcoach::vision {

struct CapturedFrame {
    Frame frame;
    std::chrono::steady_clock::time_point readAt;  // when the source gave the frame (for latency)
    double processMs = 0;  // time the processing step took
    bool hasPose = false;  // the processing step ran pose estimation
    PoseResult pose;
    std::string processError;  // e.g. the pose models could not be loaded
};

enum class WorkerState { Starting, Running, Ended, Failed, Stopped };

class CaptureWorker {
public:
    using Process = std::function<void(CapturedFrame&)>;

    // Opens the source on the worker thread (opening a camera can take a second).
    CaptureWorker(SourceOptions options, Process process = {}, bool paceToFps = true);
    ~CaptureWorker();
    CaptureWorker(const CaptureWorker&) = delete;
    CaptureWorker& operator=(const CaptureWorker&) = delete;

    Mailbox<CapturedFrame>& frames() { return m_frames; }
    WorkerState state() const { return m_state.load(); }
    std::string error() const;  // set when state() == Failed
    std::string description() const;
    void stop();

private:
    void run();
    SourceOptions m_options;
    Process m_process;
    bool m_pace;
    Mailbox<CapturedFrame> m_frames;
    std::atomic<WorkerState> m_state{WorkerState::Starting};
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_infoMutex;
    std::string m_error;
    std::string m_description;
    std::thread m_thread;
};

}  // namespace ptcoach::vision
