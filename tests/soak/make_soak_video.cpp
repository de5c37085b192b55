// Writes the soak run's 1280x720 video: a recording scaled up to 720p (its aspect ratio kept, the
// rest padded with black), played forwards `repeats` times in one file.
//   ptcoach_soak_video IN.mp4 OUT.mp4 [REPEATS]
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: ptcoach_soak_video IN.mp4 OUT.mp4 [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 3 ? std::atoi(argv[3]) : 1;
    if (repeats < 1 || repeats > 100) {
        std::fprintf(stderr, "ptcoach_soak_video: REPEATS must be 1-100\n");
        return 2;
    }
    cv::VideoCapture in(argv[1]);
    if (!in.isOpened()) {
        std::fprintf(stderr, "ptcoach_soak_video: cannot read %s\n", argv[1]);
        return 1;
    }
    double fps = in.get(cv::CAP_PROP_FPS);
    if (!(fps > 0)) fps = 30;
    std::vector<cv::Mat> frames;
    const cv::Size out(1280, 720);
    for (cv::Mat f; in.read(f);) {
        double s = std::min(out.width / double(f.cols), out.height / double(f.rows));
        cv::Mat scaled;
        cv::resize(f, scaled, cv::Size(int(f.cols * s), int(f.rows * s)), 0, 0, cv::INTER_CUBIC);
        cv::Mat canvas(out, CV_8UC3, cv::Scalar(0, 0, 0));
        scaled.copyTo(canvas(cv::Rect((out.width - scaled.cols) / 2, (out.height - scaled.rows) / 2, scaled.cols,
                                      scaled.rows)));
        frames.push_back(canvas);
    }
    if (frames.empty()) {
        std::fprintf(stderr, "ptcoach_soak_video: %s has no frames\n", argv[1]);
        return 1;
    }
    cv::VideoWriter w(argv[2], cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, out);
    if (!w.isOpened()) {
        std::fprintf(stderr, "ptcoach_soak_video: cannot write %s\n", argv[2]);
        return 1;
    }
    for (int r = 0; r < repeats; ++r)
        for (const auto& f : frames) w.write(f);
    std::printf("ptcoach_soak_video: %s: %zu frames at 1280x720, %.1f fps\n", argv[2], frames.size() * repeats, fps);
    return 0;
}
