#pragma once
// Camera, video file or folder of images behind one interface, delivering timestamped frames.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "ptcoach/core/expected.h"

namespace ptcoach::vision {

struct Frame {
    cv::Mat image;        // BGR, 8-bit
    int64_t tMs = 0;      // timestamp in milliseconds, strictly increasing within a source
    int64_t index = 0;    // 0-based frame number since the source was opened
    std::string source;   // file name for images, "camera:N" or the video path
};

enum class SourceKind { Camera, Video, ImageFolder, Image };

struct SourceOptions {
    SourceKind kind = SourceKind::Camera;
    int cameraIndex = 0;
    std::filesystem::path path;  // video file, image file or folder
    bool loop = false;           // video/folder: start again at the end (timestamps keep rising)
    double folderFps = 30.0;     // timestamps for image folders
    int requestWidth = 640;      // camera capture size asked for (the camera may pick another)
    int requestHeight = 480;
};

enum class ReadResult { Frame, End, Error };

class FrameSource {
public:
    virtual ~FrameSource() = default;
    // Reads the next frame. End: a finite source is exhausted. Error: see lastError().
    virtual ReadResult read(Frame& out) = 0;
    virtual std::string describe() const = 0;
    virtual double fps() const = 0;          // nominal rate (0 when unknown)
    virtual int64_t frameCount() const = 0;  // -1 for cameras
    const std::string& lastError() const { return m_lastError; }

protected:
    std::string m_lastError;
};

// Opens a source; a missing camera, an unreadable file or an empty folder is an Error that says
// what and where.
Expected<std::unique_ptr<FrameSource>> openFrameSource(const SourceOptions& options);

// Picks the kind from a path: a directory is an ImageFolder, a file with an image extension an
// Image, anything else a Video.
SourceOptions sourceForPath(const std::filesystem::path& path, bool loop = false);

bool isImageFile(const std::filesystem::path& path);

}  // namespace ptcoach::vision
