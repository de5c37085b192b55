// ptcoach-pose: BlazePose landmarks for an image, a video or a folder of images, as JSON, with an
// optional overlay and a benchmark.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <thread>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ptcoach/core/args.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/vision/frame_source.h"
#include "ptcoach/vision/model_bench.h"
#include "ptcoach/vision/pose_draw.h"
#include "ptcoach/vision/pose_estimator.h"

namespace fs = std::filesystem;
using namespace ptcoach;
using namespace ptcoach::vision;

namespace {

const char* kUsage =
    "Usage: ptcoach-pose --model lite|full|heavy|PATH --input IMAGE|VIDEO|DIR --json OUT.json\n"
    "                    [--overlay OUT.png|OUT.mp4] [--static] [--no-smoothing] [--bench N] [--threads N]\n"
    "                    [--backend xnnpack|opencv] [--bench-layers N]\n\n"
    "Finds a person's 33 BlazePose landmarks in every frame.\n"
    "  --model      landmark model: lite, full (default) or heavy, or a .tflite/.onnx file\n"
    "  --input      an image, a video, or a folder of images (read in name order)\n"
    "  --json       where to write the landmarks (x, y normalised to the image, BlazePose order)\n"
    "  --overlay    draw the skeleton: OUT.png (one image; for several frames OUT_<n>.png) or OUT.mp4\n"
    "  --static     every frame on its own (detector each time, no smoothing); single images always are\n"
    "  --no-smoothing  no landmark smoothing in video\n"
    "  --bench N    run N frames and print median and p95 times (tracked video and single image)\n"
    "  --threads N  inference threads (default: half the cores, at most 4)\n"
    "  --backend B  xnnpack (default when it runs the model) or opencv (the portable fallback)\n"
    "  --bench-layers N  time the detector and landmark model layer by layer on both backends\n"
    "               (N runs each) and print the table; needs no --input\n"
    "  --cpu-time   --bench-layers: time with the process's CPU clock instead of the wall clock\n"
    "  --resize WxH scale every frame to WxH first (e.g. to benchmark at 640x480)\n"
    "  --model-dir DIR  where the .tflite files are (default: PREFIX/share/ptcoach/models beside bin/)\n";

struct Args {
    std::string model = "full";
    fs::path input, json, overlay, modelDir;
    bool staticMode = false, noSmoothing = false;
    int bench = 0, threads = 0, benchLayers = 0;
    bool cpuClock = false;
    DnnBackend backend = DnnBackend::Auto;
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

double processCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// The 1-minute load average (what else the machine is doing), or "?".
std::string loadAverage() {
    std::ifstream f("/proc/loadavg");
    std::string v;
    return f >> v ? v : "?";
}

int runBench(PoseEstimator& est, const std::vector<Frame>& frames, int n, bool staticOnly) {
    auto report = [&](const char* title, bool tracked) {
        Stats det, lm, total;
        int detRuns = 0, people = 0;
        est.reset();
        // Warm-up: the first runs allocate.
        for (int i = 0; i < 3; ++i) {
            auto warm = tracked ? est.detectForVideo(frames[0].image, -1000 + i) : est.detectImage(frames[0].image);
            if (!warm) return std::optional<std::string>(warm.error().message);
        }
        est.reset();
        auto t0 = std::chrono::steady_clock::now();
        const double cpu0 = processCpuMs();
        for (int i = 0; i < n; ++i) {
            const Frame& f = frames[i % frames.size()];
            // Looping a clip: keep timestamps rising.
            int64_t t = static_cast<int64_t>(i) * 100;
            auto pose = tracked ? est.detectForVideo(f.image, t) : est.detectImage(f.image);
            if (!pose) return std::optional<std::string>(f.source + ": " + pose.error().message);
            const PoseResult& r = *pose;
            if (r.ranDetector) {
                det.add(r.detectorMs);
                ++detRuns;
            }
            if (r.landmarksMs > 0) lm.add(r.landmarksMs);
            total.add(r.totalMs);
            people += r.person;
        }
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpuPerFrame = (processCpuMs() - cpu0) / n;
        std::cout << std::fixed << std::setprecision(2);
        std::cout << title << " (" << n << " frames of " << frames[0].image.cols << "x" << frames[0].image.rows
                  << ", model " << est.modelName() << ", " << est.backendSummary() << ")\n";
        std::cout << "  detector   median " << det.pct(0.5) << " ms  p95 " << det.pct(0.95) << " ms  (ran on "
                  << detRuns << " frames)\n";
        std::cout << "  landmarks  median " << lm.pct(0.5) << " ms  p95 " << lm.pct(0.95) << " ms\n";
        std::cout << "  pipeline   median " << total.pct(0.5) << " ms  p95 " << total.pct(0.95) << " ms  "
                  << (n / secs) << " frames/s  (person in " << people << " of " << n << ")\n";
        std::cout << "  cpu        " << cpuPerFrame << " ms per frame, all threads  (load average " << loadAverage()
                  << " before)\n";
        return std::optional<std::string>();
    };
    for (auto failed : {staticOnly ? std::optional<std::string>() : report("tracked video frames", true),
                        report("single images (detector every frame)", false)}) {
        if (failed) {
            std::cerr << "ptcoach-pose: " << *failed << "\n";
            return 1;
        }
    }
    return 0;
}

// --bench-layers: both backends, operator by operator, for the detector and the landmark model.
int runLayerBench(const Args& a) {
    const fs::path dir = a.modelDir.empty() ? modelDir() : a.modelDir;
    const bool named = a.model == "lite" || a.model == "full" || a.model == "heavy";
    const fs::path lm = named ? dir / ("pose_landmark_" + a.model + ".tflite") : fs::path(a.model);
    const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::clamp(std::thread::hardware_concurrency() / 2, 1u, 4u));
    for (const fs::path& p : {dir / "pose_detection.tflite", lm}) {
        std::vector<int> skip;  // the segmentation mask, as PoseEstimator leaves it out
        if (auto info = DnnModel::inspectTflite(p))
            for (size_t i = 0; i < info->outputs.size(); ++i) {
                const auto& sh = info->outputs[i].shape;
                if (sh.size() == 4 && sh[1] == 256 && sh[2] == 256 && sh[3] == 1) skip.push_back(static_cast<int>(i));
            }
        auto t = benchModelLayers(p, skip, a.benchLayers, threads, a.cpuClock);
        if (!t) {
            std::cerr << "ptcoach-pose: " << t.error().message << "\n";
            return 1;
        }
        std::cout << std::fixed;
        std::cout << "== " << t->model << " (" << t->threads << " threads, medians of " << a.benchLayers << " runs, "
                  << (a.cpuClock ? "process CPU" : "wall") << " ms; OpenCV: each layer inside the whole net, "
                  << "XNNPACK: each operator alone)\n";
        std::cout << std::left << std::setw(6) << "op" << std::setw(18) << "operator" << std::setw(10) << "kind"
                  << std::setw(34) << "shape" << std::right << std::setw(8) << "MMAC" << std::setw(8) << "nz"
                  << std::setw(10) << "opencv" << std::setw(10) << "xnnpack" << std::setw(8) << "ratio" << "\n";
        struct Sum { double mmacs = 0, nz = 0, cv = 0, xnn = 0; int n = 0; };
        std::map<std::string, Sum> byKind;
        for (const LayerTiming& l : t->layers) {
            std::cout << std::left << std::setw(6) << l.op << std::setw(18) << l.name << std::setw(10) << l.kind
                      << std::setw(34) << l.shape << std::right << std::setprecision(1) << std::setw(8) << l.mmacs
                      << std::setw(8) << l.nonzeroMmacs << std::setprecision(3) << std::setw(10) << l.opencvMs
                      << std::setw(10) << l.xnnpackMs << std::setprecision(2) << std::setw(8)
                      << (l.xnnpackMs > 0 ? l.opencvMs / l.xnnpackMs : 0.0) << "\n";
            std::string k = l.kind.empty() ? l.name : l.kind.rfind("dw", 0) == 0 ? "depthwise " + l.kind
                                                    : l.kind == "1x1" ? "dense 1x1" : "dense " + l.kind;
            Sum& s = byKind[k];
            s.mmacs += l.mmacs;
            s.nz += l.nonzeroMmacs;
            s.cv += l.opencvMs;
            s.xnn += l.xnnpackMs;
            ++s.n;
        }
        std::cout << "-- by kind: count, MMAC (nonzero), opencv ms, xnnpack ms, opencv/xnnpack, GMAC/s opencv vs xnnpack (nonzero)\n";
        for (const auto& [k, s] : byKind) {
            std::cout << std::left << std::setw(20) << k << std::right << std::setw(4) << s.n << std::setprecision(1)
                      << std::setw(9) << s.mmacs << std::setw(9) << s.nz << std::setprecision(3) << std::setw(9) << s.cv
                      << std::setw(9) << s.xnn << std::setprecision(2) << std::setw(7)
                      << (s.xnn > 0 ? s.cv / s.xnn : 0.0);
            if (s.mmacs > 0)
                std::cout << std::setprecision(1) << std::setw(8) << (s.cv > 0 ? s.nz / s.cv : 0.0)
                          << std::setw(8) << (s.xnn > 0 ? s.nz / s.xnn : 0.0);
            std::cout << "\n";
        }
        std::cout << std::setprecision(3) << "-- whole model: opencv " << t->opencvMs << " ms (layers of no operator "
                  << t->opencvOtherMs << " ms), xnnpack " << t->xnnpackMs << " ms, ratio " << std::setprecision(2)
                  << (t->xnnpackMs > 0 ? t->opencvMs / t->xnnpackMs : 0.0) << "\n\n";
    }
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
        } else if (s == "--cpu-time") {
            a.cpuClock = true;
        } else if (s == "--backend") {
            auto v = next();
            if (v && *v == "xnnpack") a.backend = DnnBackend::Xnnpack;
            else if (v && *v == "opencv") a.backend = DnnBackend::OpenCV;
            else return usageError("--backend needs xnnpack or opencv");
        } else if (s == "--model" || s == "--input" || s == "--json" || s == "--overlay" || s == "--model-dir" ||
                   s == "--bench" || s == "--threads" || s == "--bench-layers") {
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
                (s == "--bench" ? a.bench : s == "--threads" ? a.threads : a.benchLayers) = *n;
            }
        } else {
            return usageError("unknown option '" + s + "'");
        }
    }
    if (a.benchLayers > 0) return runLayerBench(a);
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
    po.backend = a.backend;
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
        auto estimated = po.staticImages ? (*est)->detectImage(f.image) : (*est)->detectForVideo(f.image, f.tMs);
        if (!estimated) {
            std::cerr << "ptcoach-pose: " << f.source << ": " << estimated.error().message << "\n";
            return 1;
        }
        const PoseResult& pose = *estimated;
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
