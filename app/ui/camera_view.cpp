#include <SDL2/SDL_opengl.h>

#include <opencv2/imgproc.hpp>

#include "ui_state.h"

namespace ptcoach::ui {

bool screenUsesCamera(Screen s) { return s == Screen::Camera || s == Screen::Session; }

void releaseCamera(UiState& state) {
    state.camera.worker.reset();
    if (state.camera.texture) {
        GLuint t = state.camera.texture;
        glDeleteTextures(1, &t);
        state.camera.texture = 0;
    }
    state.camera.width = state.camera.height = 0;
    state.camera.framesShown = 0;
}

// The camera runs (and shows it is on) only while it is needed: the camera check (not on a kiosk)
// and a guided session from its check-in to its last question, not its summary or the picker.
bool cameraWanted(const UiState& st) {
    if (st.screen == Screen::Camera) return !st.options.kiosk;
    if (st.screen != Screen::Session || !st.session.session) return false;
    engine::Stage stage = st.session.session->stage();
    return stage != engine::Stage::Summary && stage != engine::Stage::Stopped;
}

void updateCamera(UiState& state) {
    if (!cameraWanted(state)) {
        if (state.camera.worker) releaseCamera(state);
        return;
    }
    if (!state.camera.worker) {
        vision::SourceOptions so;
        if (state.options.video) {
            // --exit-after-video: the session runs once through the video, every frame in order.
            so = vision::sourceForPath(*state.options.video, /*loop=*/!state.options.exitAfterVideo);
        } else {
            so.kind = vision::SourceKind::Camera;
            so.cameraIndex = state.options.camera;
        }
        // Pose estimation runs on the worker thread; the estimator is created there on the first
        // frame (loading the models takes a moment) and lives as long as the worker.
        vision::PoseEstimatorOptions po;
        po.model = state.options.poseModel;
        auto estimator = std::make_shared<std::unique_ptr<vision::PoseEstimator>>();
        auto loadError = std::make_shared<std::string>();
        // Every frame's landmarks also go, in order, to the guided session (it counts from all of
        // them even when the screen shows only the newest picture).
        auto sessionFrames = state.session.frames;
        auto process = [estimator, loadError, po, sessionFrames](vision::CapturedFrame& cf) {
            if (!*estimator && loadError->empty()) {
                auto e = vision::PoseEstimator::create(po);
                if (e) *estimator = std::move(e).value();
                else *loadError = e.error().message;
            }
            if (*estimator) {
                auto pose = (*estimator)->detectForVideo(cf.frame.image, cf.frame.tMs);
                if (pose) {
                    cf.pose = *pose;
                    cf.hasPose = true;
                    auto lf = toLandmarkFrame(cf.pose, cf.frame.tMs, cf.frame.image.cols, cf.frame.image.rows);
                    lf.minVisibility = analysis::visibilityCutoff(po.model);  // the heavy model's legs read 0.3-0.5
                    sessionFrames->push(std::move(lf));
                } else {
                    cf.processError = pose.error().message;  // shown, never taken for "nobody there"
                }
            } else {
                cf.processError = *loadError;
            }
        };
        state.camera.worker =
            std::make_unique<vision::CaptureWorker>(so, process, /*paceToFps=*/!state.options.exitAfterVideo);
    }
    auto cf = state.camera.worker->frames().take();
    if (!cf) return;
    cv::Mat rgba;
    cv::cvtColor(cf->frame.image, rgba, cv::COLOR_BGR2RGBA);
    if (!state.camera.texture) {
        GLuint t = 0;
        glGenTextures(1, &t);
        state.camera.texture = t;
    }
    glBindTexture(GL_TEXTURE_2D, state.camera.texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, rgba.cols, rgba.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    state.camera.width = rgba.cols;
    state.camera.height = rgba.rows;
    state.camera.sourceTimeMs = static_cast<double>(cf->frame.tMs);
    state.camera.hasPose = cf->hasPose;
    state.camera.pose = cf->pose;
    state.camera.poseMs = cf->processMs;
    state.camera.poseError = cf->processError;
    state.camera.readAt = cf->readAt;
    ++state.camera.framesShown;
}

bool cameraSettled(const UiState& state) {
    if (!cameraWanted(state)) return true;
    if (!state.camera.worker) return false;
    auto s = state.camera.worker->state();
    return state.camera.framesShown > 0 || s == vision::WorkerState::Failed || s == vision::WorkerState::Ended;
}

}  // namespace ptcoach::ui
