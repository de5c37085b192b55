// ptcoach-pose: BlazePose landmarks for an image, a video or a folder of images, as JSON, with an
// optional overlay and a benchmark.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ptcoach/core/args.h"
#include "ptcoach/vision/frame_source.h"
#include "ptcoach/vision/pose_draw.h"
#include "ptcoach/vision/pose_estimator.h"

namespace fs = std::filesystem;
using namespace ptcoach;
using namespace ptcoach::vision;

namespace {

const char* kUsage =
    "Usage: ptcoach-pose --model lite|full|heavy|PATH --input IMAGE|VIDEO|DIR --json OUT.json\n"
    "                    [--overlay OUT.png|OUT.mp4] [--static] [--no-smoothing] [--bench N] [--threads N]\n\n"
    "Finds a person's 33 BlazePose landmarks in every frame.\n"
    "  --model      landmark model: lite, full (default) or heavy, or a .tflite/.onnx file\n"
    "  --input      an image, a video, or a folder of images (read in name order)\n"
    "  --json       where to write the landmarks (x, y normalised to the image, BlazePose order)\n"
    "  --overlay    draw the skeleton: OUT.png (one image; for several frames OUT_<n>.png) or OUT.mp4\n"
    "  --static     every frame on its own (detector each time, no smoothing); single images always are\n"
    "  --no-smoothing  no landmark smoothing in video\n"
    "  --bench N    run N frames and print median and p95 times (tracked video and single image)\n"
    "  --threads N  OpenCV worker threads\n"
    "  --resize WxH scale every frame to WxH first (e.g. to benchmark at 640x480)\n"
    "  --model-dir DIR  where the .tflite files are (default: PREFIX/share/ptcoach/models beside bin/)\n";

struct Args {
    std::string model = "full";
    fs::path input, json, overlay, modelDir;
    bool staticMode = false, noSmoothing = false;
    int bench = 0, threads = 0;
    cv::Size resize;  // 0x0: keep
};

int usageError(const std::string& msg) {
    std::cerr << "ptcoach-pose: " << msg << "\n(see ptcoach-pose --help)\n";
    return 2;
}

struct Stats {
    std::vector<double> v;
    void add(double x) { v.push_back(x); }
    double pct(double p) {
        if (v.empty()) return 0;
        std::sort(v.begin(), v.end());
        size_t i = static_cast<size_t>(std::ceil(p * v.size())) - 1;
        return v[std::min(i, v.size() - 1)];
    }
};

nlohmann::json frameJson(const PoseResult& r, const std::string& source, int64_t tMs) {
    nlohmann::json f;
    f["source"] = source;
    f["t_ms"] = tMs;
    f["image_width"] = r.imageWidth;
    f["image_height"] = r.imageHeight;
    f["person"] = r.person;
    f["score"] = r.score;
    nlohmann::json lm = nlohmann::json::array(), world = nlohmann::json::array();
    if (r.person) {
        for (const auto& l : r.landmarks) lm.push_back({l.x, l.y, l.z, l.visibility, l.presence});
        for (const auto& w : r.world) world.push_back({w.x, w.y, w.z});
    }
    f["landmarks"] = std::move(lm);
    f["world"] = std::move(world);
    f["detector_ran"] = r.ranDetector;
    f["ms"] = std::round(r.totalMs * 100) / 100;
    return f;
}

// Reads every frame of the input up front for --bench (so decoding is not timed).
void maybeResize(Frame& f, cv::Size size) {
    if (size.area() > 0 && f.image.size() != size) cv::resize(f.image, f.image, size, 0, 0, cv::INTER_AREA);
}

Expected<std::vector<Frame>> readAll(const SourceOptions& so, size_t limit, cv::Size resize) {
    auto src = openFrameSource(so);
    if (!src) return src.error();
    std::vector<Frame> frames;
    Frame f;
    while (frames.size() < limit) {
        ReadResult r = (*src)->read(f);
        if (r == ReadResult::End) break;
        if (r == ReadResult::Error) return makeError((*src)->lastError());
        maybeResize(f, resize);
        frames.push_back(f);
        f = Frame{};
    }
    if (frames.empty()) return makeError("no frames in " + so.path.string());
    return frames;
}

int runBench(PoseEstimator& est, const std::vector<Frame>& frames, int n, bool staticOnly) {
    auto report = [&](const char* title, bool tracked) {
        Stats det, lm, total;
        int detRuns = 0, people = 0;
        est.reset();
        // Warm-up: the first runs allocate.
        for (int i = 0; i < 3; ++i)
            tracked ? est.detectForVideo(frames[0].image, -1000 + i) : est.detectImage(frames[0].image);
        est.reset();
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < n; ++i) {
            const Frame& f = frames[i % frames.size()];
            // Looping a clip: keep timestamps rising.
            int64_t t = static_cast<int64_t>(i) * 100;
            PoseResult r = tracked ? est.detectForVideo(f.image, t) : est.detectImage(f.image);
            if (r.ranDetector) {
                det.add(r.detectorMs);
                ++detRuns;
            }
            if (r.landmarksMs > 0) lm.add(r.landmarksMs);
            total.add(r.totalMs);
            people += r.person;
        }
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout << std::fixed << std::setprecision(2);
        std::cout << title << " (" << n << " frames of " << frames[0].image.cols << "x" << frames[0].image.rows
                  << ", model " << est.modelName() << ", " << cv::getNumThreads() << " threads)\n";
        std::cout << "  detector   median " << det.pct(0.5) << " ms  p95 " << det.pct(0.95) << " ms  (ran on "
                  << detRuns << " frames)\n";
        std::cout << "  landmarks  median " << lm.pct(0.5) << " ms  p95 " << lm.pct(0.95) << " ms\n";
        std::cout << "  pipeline   median " << total.pct(0.5) << " ms  p95 " << total.pct(0.95) << " ms  "
                  << (n / secs) << " frames/s  (person in " << people << " of " << n << ")\n";
    };
    if (!staticOnly) report("tracked video frames", true);
    report("single images (detector every frame)", false);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto next = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc) return std::nullopt;
            return std::string(argv[++i]);
        };
        if (s == "--help" || s == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (s == "--static") {
            a.staticMode = true;
        } else if (s == "--no-smoothing") {
            a.noSmoothing = true;
        } else if (s == "--resize") {
            auto v = next();
            auto size = v ? parseSize(*v) : std::nullopt;
            if (!size || size->first < 16 || size->second < 16 || size->first > 8192 || size->second > 8192)
                return usageError("--resize needs WIDTHxHEIGHT, e.g. 640x480");
            a.resize = cv::Size(size->first, size->second);
        } else if (s == "--model" || s == "--input" || s == "--json" || s == "--overlay" || s == "--model-dir" ||
                   s == "--bench" || s == "--threads") {
            auto v = next();
            if (!v || v->empty()) return usageError(s + " needs a value");
            if (s == "--model") a.model = *v;
            else if (s == "--input") a.input = *v;
            else if (s == "--json") a.json = *v;
            else if (s == "--overlay") a.overlay = *v;
            else if (s == "--model-dir") a.modelDir = *v;
            else {
                auto n = parseInt(*v);
                if (!n || *n < 1 || *n > 1000000) return usageError(s + ": '" + *v + "' is not a positive number");
                (s == "--bench" ? a.bench : a.threads) = *n;
            }
        } else {
            return usageError("unknown option '" + s + "'");
        }
    }
    if (a.input.empty()) return usageError("--input is required");
    if (a.json.empty() && a.bench == 0) return usageError("--json is required (or --bench N)");
    if (!a.overlay.empty() && a.overlay.extension() != ".png" && a.overlay.extension() != ".mp4")
        return usageError("--overlay must end in .png or .mp4");

    SourceOptions so = sourceForPath(a.input);
    const bool singleImage = so.kind == SourceKind::Image;
    PoseEstimatorOptions po;
    po.model = a.model;
    po.modelDir = a.modelDir;
    po.staticImages = a.staticMode || singleImage;
    po.smoothing = !a.noSmoothing;
    po.threads = a.threads;
    auto est = PoseEstimator::create(po);
    if (!est) {
        std::cerr << "ptcoach-pose: " << est.error().message << "\n";
        return 1;
    }

    if (a.bench > 0) {
        auto frames = readAll(so, 300, a.resize);
        if (!frames) {
            std::cerr << "ptcoach-pose: " << frames.error().message << "\n";
            return 1;
        }
        runBench(**est, *frames, a.bench, po.staticImages && !singleImage);
        if (a.json.empty()) return 0;
        (*est)->reset();
    }

    auto src = openFrameSource(so);
    if (!src) {
        std::cerr << "ptcoach-pose: " << src.error().message << "\n";
        return 1;
    }
    nlohmann::json out;
    out["model"] = (*est)->modelName();
    out["input"] = a.input.string();
    out["static"] = po.staticImages;
    out["smoothing"] = po.smoothing && !po.staticImages;
    out["frames"] = nlohmann::json::array();
    cv::VideoWriter video;
    std::vector<std::pair<std::string, cv::Mat>> overlays;
    Frame f;
    int people = 0, count = 0;
    while (true) {
        ReadResult r = (*src)->read(f);
        if (r == ReadResult::End) break;
        if (r == ReadResult::Error) {
            std::cerr << "ptcoach-pose: " << (*src)->lastError() << "\n";
            return 1;
        }
        maybeResize(f, a.resize);
        PoseResult pose = po.staticImages ? (*est)->detectImage(f.image) : (*est)->detectForVideo(f.image, f.tMs);
        std::string source = so.kind == SourceKind::Video ? std::to_string(f.index) : f.source;
        out["frames"].push_back(frameJson(pose, source, f.tMs));
        people += pose.person;
        ++count;
        if (!a.overlay.empty()) {
            cv::Mat canvas = f.image.clone();
            drawPose(canvas, pose);
            if (a.overlay.extension() == ".mp4") {
                if (!video.isOpened()) {
                    double fps = (*src)->fps() > 0 ? (*src)->fps() : 10.0;
                    if (!video.open(a.overlay.string(), cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps,
                                    canvas.size())) {
                        std::cerr << "ptcoach-pose: cannot write video " << a.overlay << "\n";
                        return 1;
                    }
                }
                video.write(canvas);
            } else {
                overlays.emplace_back(fs::path(f.source).stem().string(), canvas);
            }
        }
    }
    std::ofstream js(a.json);
    js << out.dump(1) << "\n";
    js.close();
    if (!js) {
        std::cerr << "ptcoach-pose: cannot write " << a.json << " (disk full or no permission?)\n";
        return 1;
    }
    for (const auto& [stem, img] : overlays) {
        fs::path p = overlays.size() == 1 ? a.overlay
                                          : a.overlay.parent_path() / (a.overlay.stem().string() + "_" + stem + ".png");
        if (!cv::imwrite(p.string(), img)) {
            std::cerr << "ptcoach-pose: cannot write " << p << "\n";
            return 1;
        }
    }
    std::cerr << "ptcoach-pose: " << count << " frame(s), person found in " << people << "; wrote " << a.json.string()
              << "\n";
    return 0;
}
