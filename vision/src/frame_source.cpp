#include "ptcoach/vision/frame_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <system_error>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace ptcoach::vision {
namespace fs = std::filesystem;

bool isImageFile(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".webp" ||
           ext == ".tif" || ext == ".tiff" || ext == ".ppm" || ext == ".pgm";
}

SourceOptions sourceForPath(const fs::path& path, bool loop) {
    SourceOptions o;
    o.path = path;
    o.loop = loop;
    std::error_code ec;
    if (fs::is_directory(path, ec)) o.kind = SourceKind::ImageFolder;
    else if (isImageFile(path)) o.kind = SourceKind::Image;
    else o.kind = SourceKind::Video;
    return o;
}

namespace {

cv::Mat toBgr(const cv::Mat& m) {
    if (m.channels() == 3) return m;
    cv::Mat out;
    if (m.channels() == 1) cv::cvtColor(m, out, cv::COLOR_GRAY2BGR);
    else if (m.channels() == 4) cv::cvtColor(m, out, cv::COLOR_BGRA2BGR);
    else return m;
    return out;
}

class CameraSource final : public FrameSource {
public:
    CameraSource(cv::VideoCapture cap, int index) : m_cap(std::move(cap)), m_index(index) {
        m_start = std::chrono::steady_clock::now();
    }
    ReadResult read(Frame& out) override {
        cv::Mat img;
        if (!m_cap.read(img) || img.empty()) {
            m_lastError = "camera " + std::to_string(m_index) +
                          " stopped delivering frames (unplugged or in use by another program?)";
            return ReadResult::Error;
        }
        auto now = std::chrono::steady_clock::now();
        int64_t t = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_start).count();
        if (t <= m_lastT) t = m_lastT + 1;
        m_lastT = t;
        out.image = toBgr(img);
        out.tMs = t;
        out.index = m_count++;
        out.source = describe();
        return ReadResult::Frame;
    }
    std::string describe() const override { return "camera:" + std::to_string(m_index); }
    double fps() const override { return m_cap.get(cv::CAP_PROP_FPS); }
    int64_t frameCount() const override { return -1; }

private:
    mutable cv::VideoCapture m_cap;
    int m_index;
    std::chrono::steady_clock::time_point m_start;
    int64_t m_lastT = -1;
    int64_t m_count = 0;
};

class VideoSource final : public FrameSource {
public:
    VideoSource(cv::VideoCapture cap, fs::path path, bool loop)
        : m_cap(std::move(cap)), m_path(std::move(path)), m_loop(loop) {
        m_fps = m_cap.get(cv::CAP_PROP_FPS);
        if (!(m_fps > 0 && m_fps < 1000)) m_fps = 30.0;
        m_frames = static_cast<int64_t>(m_cap.get(cv::CAP_PROP_FRAME_COUNT));
    }
    ReadResult read(Frame& out) override {
        cv::Mat img;
        if (!m_cap.read(img) || img.empty()) {
            if (m_count == 0) {
                m_lastError = "video " + m_path.string() + " has no decodable frames";
                return ReadResult::Error;
            }
            if (!m_loop) return ReadResult::End;
            // Loop: reopen from the start; timestamps keep rising.
            m_cap.set(cv::CAP_PROP_POS_FRAMES, 0);
            m_offsetMs = m_lastT + static_cast<int64_t>(std::llround(1000.0 / m_fps));
            m_inPass = 0;
            if (!m_cap.read(img) || img.empty()) {
                m_lastError = "video " + m_path.string() + " could not be rewound";
                return ReadResult::Error;
            }
        }
        // Frame-number based timestamps are exact and monotonic (POS_MSEC is not always).
        int64_t t = m_offsetMs + static_cast<int64_t>(std::llround(m_inPass * 1000.0 / m_fps));
        if (t <= m_lastT) t = m_lastT + 1;
        m_lastT = t;
        ++m_inPass;
        out.image = toBgr(img);
        out.tMs = t;
        out.index = m_count++;
        out.source = m_path.string();
        return ReadResult::Frame;
    }
    std::string describe() const override { return m_path.string(); }
    double fps() const override { return m_fps; }
    int64_t frameCount() const override { return m_frames; }

private:
    cv::VideoCapture m_cap;
    fs::path m_path;
    bool m_loop;
    double m_fps = 30.0;
    int64_t m_frames = -1;
    int64_t m_count = 0;
    int64_t m_inPass = 0;
    int64_t m_offsetMs = 0;
    int64_t m_lastT = -1;
};

class ImageListSource final : public FrameSource {
public:
    ImageListSource(std::vector<fs::path> files, bool loop, double fps, std::string name)
        : m_files(std::move(files)), m_loop(loop), m_fps(fps > 0 ? fps : 30.0), m_name(std::move(name)) {}
    ReadResult read(Frame& out) override {
        if (m_pos >= m_files.size()) {
            if (!m_loop) return ReadResult::End;
            m_pos = 0;
        }
        const fs::path& p = m_files[m_pos++];
        cv::Mat img = cv::imread(p.string(), cv::IMREAD_COLOR);
        if (img.empty()) {
            m_lastError = "image " + p.string() + " could not be read (missing, or not an image)";
            return ReadResult::Error;
        }
        out.image = img;
        out.tMs = static_cast<int64_t>(std::llround(m_count * 1000.0 / m_fps));
        out.index = m_count++;
        out.source = p.filename().string();
        return ReadResult::Frame;
    }
    std::string describe() const override { return m_name; }
    double fps() const override { return m_fps; }
    int64_t frameCount() const override { return static_cast<int64_t>(m_files.size()); }

private:
    std::vector<fs::path> m_files;
    bool m_loop;
    double m_fps;
    std::string m_name;
    size_t m_pos = 0;
    int64_t m_count = 0;
};

}  // namespace

Expected<std::unique_ptr<FrameSource>> openFrameSource(const SourceOptions& o) {
    std::error_code ec;
    switch (o.kind) {
    case SourceKind::Camera: {
        cv::VideoCapture cap;
        if (o.cameraIndex < 0) return makeError("camera index must be 0 or more, got " + std::to_string(o.cameraIndex));
        // V4L2 directly: CAP_ANY first probes every backend, gPhoto2's among them, which scans the
        // USB bus (slowly, and leaking what it found) before it gets to /dev/videoN.
        if (!cap.open(o.cameraIndex, cv::CAP_V4L2) || !cap.isOpened())
            return makeError("camera " + std::to_string(o.cameraIndex) +
                             " could not be opened (/dev/video" + std::to_string(o.cameraIndex) +
                             "): is it plugged in and not used by another program?");
        cap.set(cv::CAP_PROP_FRAME_WIDTH, o.requestWidth);
        cap.set(cv::CAP_PROP_FRAME_HEIGHT, o.requestHeight);
        return std::unique_ptr<FrameSource>(new CameraSource(std::move(cap), o.cameraIndex));
    }
    case SourceKind::Video: {
        if (!fs::exists(o.path, ec)) return makeError("video file " + o.path.string() + " does not exist");
        if (!fs::is_regular_file(o.path, ec)) return makeError(o.path.string() + " is not a regular file");
        cv::VideoCapture cap;
        // FFmpeg directly (it reads every container the app is given), not every backend in turn.
        if (!cap.open(o.path.string(), cv::CAP_FFMPEG) || !cap.isOpened())
            return makeError("video file " + o.path.string() + " could not be opened (unsupported or corrupt)");
        return std::unique_ptr<FrameSource>(new VideoSource(std::move(cap), o.path, o.loop));
    }
    case SourceKind::Image: {
        if (!fs::exists(o.path, ec)) return makeError("image " + o.path.string() + " does not exist");
        return std::unique_ptr<FrameSource>(new ImageListSource({o.path}, o.loop, o.folderFps, o.path.string()));
    }
    case SourceKind::ImageFolder: {
        if (!fs::is_directory(o.path, ec)) return makeError("image folder " + o.path.string() + " does not exist");
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(o.path, ec))
            if (e.is_regular_file() && isImageFile(e.path())) files.push_back(e.path());
        if (ec) return makeError("image folder " + o.path.string() + " could not be listed: " + ec.message());
        if (files.empty()) return makeError("image folder " + o.path.string() + " holds no images (.png, .jpg, ...)");
        std::sort(files.begin(), files.end());
        return std::unique_ptr<FrameSource>(new ImageListSource(std::move(files), o.loop, o.folderFps, o.path.string()));
    }
    }
    return makeError("unknown source kind");
}

}  // namespace ptcoach::vision
