// The model-free arithmetic of the BlazePose pipeline, checked against hand-computed values.
#include <cmath>

#include "ptcoach/vision/detail/blazepose_math.h"
#include "test_support.h"

using namespace ptcoach::vision;
using namespace ptcoach::vision::detail;

TEST_CASE("the detector has 2254 anchors in MediaPipe's order") {
    auto a = poseDetectorAnchors();
    REQUIRE(a.size() == 2254);
    // Stride 8: a 28x28 grid, two anchors per cell, row-major.
    CHECK(a[0].cx == Approx(0.5f / 28));
    CHECK(a[0].cy == Approx(0.5f / 28));
    CHECK(a[1].cx == a[0].cx);
    CHECK(a[2].cx == Approx(1.5f / 28));
    CHECK(a[2 * 28].cy == Approx(1.5f / 28));
    // Stride 16 starts at 1568 on a 14x14 grid.
    CHECK(a[1568].cx == Approx(0.5f / 14));
    CHECK(a[1567].cx == Approx(27.5f / 28));
    // Strides 32 (three layers) share a 7x7 grid with six anchors per cell.
    CHECK(a[1960].cx == Approx(0.5f / 7));
    CHECK(a[1965].cx == Approx(0.5f / 7));
    CHECK(a[1966].cx == Approx(1.5f / 7));
    CHECK(a[2253].cx == Approx(6.5f / 7));
    CHECK(a[2253].cy == Approx(6.5f / 7));
}

TEST_CASE("detections decode against their anchor and keep only confident scores") {
    std::vector<Anchor> anchors = {{0.25f, 0.5f}, {0.75f, 0.5f}};
    float boxes[24] = {};
    // Anchor 0: box centred 22.4 px right of the anchor, 44.8 x 22.4 px; keypoint 0 at the anchor.
    boxes[0] = 22.4f;
    boxes[2] = 44.8f;
    boxes[3] = 22.4f;
    boxes[6] = -22.4f;
    boxes[7] = 44.8f;
    float scores[2] = {2.0f, -3.0f};  // sigmoid: 0.881, 0.047
    auto d = decodeDetections(boxes, scores, anchors, 0.5f);
    REQUIRE(d.size() == 1);
    CHECK(d[0].score == Approx(1.0 / (1.0 + std::exp(-2.0))));
    CHECK(d[0].xmin == Approx(0.35 - 0.1));
    CHECK(d[0].xmax == Approx(0.35 + 0.1));
    CHECK(d[0].ymin == Approx(0.5 - 0.05));
    CHECK(d[0].keypoints[0].x == Approx(0.25));
    CHECK(d[0].keypoints[1].x == Approx(0.15));
    CHECK(d[0].keypoints[1].y == Approx(0.7));
    // Huge logits are clipped, not overflowed.
    float big[2] = {1e6f, -1e6f};
    auto d2 = decodeDetections(boxes, big, anchors, 0.5f);
    REQUIRE(d2.size() == 1);
    CHECK(d2[0].score == Approx(1.0));
}

TEST_CASE("weighted NMS averages overlapping boxes by score and keeps separate ones") {
    Detection a;
    a.score = 0.9f;
    a.xmin = 0.0f, a.ymin = 0.0f, a.xmax = 1.0f, a.ymax = 1.0f;
    a.keypoints[0] = {0.5f, 0.5f};
    Detection b = a;
    b.score = 0.3f;
    b.xmin = 0.1f, b.xmax = 1.1f;  // IoU 0.9/1.1 = 0.82
    b.keypoints[0] = {0.9f, 0.5f};
    Detection c = a;
    c.score = 0.6f;
    c.xmin = 5.0f, c.xmax = 6.0f;  // far away
    auto out = weightedNms({b, c, a});
    REQUIRE(out.size() == 2);
    CHECK(out[0].score == Approx(0.9f));  // the top's own score
    CHECK(out[0].xmin == Approx((0.9 * 0.0 + 0.3 * 0.1) / 1.2));
    CHECK(out[0].xmax == Approx((0.9 * 1.0 + 0.3 * 1.1) / 1.2));
    CHECK(out[0].keypoints[0].x == Approx((0.9 * 0.5 + 0.3 * 0.9) / 1.2));
    CHECK(out[1].xmin == Approx(5.0f));
}

TEST_CASE("a region from two keypoints is square, scaled and rotated so the body points up") {
    // Upright: full-body point straight above the hips -> no rotation.
    PoseRoi up = roiFromPoints({100, 200}, {100, 120});
    CHECK(up.cx == 100);
    CHECK(up.cy == 200);
    CHECK(up.size == Approx(2 * 80 * 1.25));
    CHECK(up.rotation == Approx(0).margin(1e-6));
    // Lying with the head to the right: body point to the right of the hips -> +90 degrees.
    PoseRoi right = roiFromPoints({100, 200}, {180, 200});
    CHECK(right.rotation == Approx(CV_PI / 2));
    PoseRoi left = roiFromPoints({100, 200}, {20, 200});
    CHECK(left.rotation == Approx(-CV_PI / 2));
    // Upside down: +-pi, normalised into [-pi, pi).
    PoseRoi down = roiFromPoints({100, 200}, {100, 280});
    CHECK(std::abs(down.rotation) == Approx(CV_PI));
    CHECK(normalizeRadians(3 * CV_PI / 2) == Approx(-CV_PI / 2));
}

TEST_CASE("the crop transform samples pixel centres of the rotated rectangle") {
    // Unrotated 100x100 region centred at (50, 50) into 100x100: identity.
    cv::Matx23d m = cropTransform(50, 50, 100, 100, 0, 100, 100);
    CHECK(m(0, 0) == Approx(1));
    CHECK(m(0, 1) == Approx(0).margin(1e-12));
    CHECK(m(0, 2) == Approx(0).margin(1e-9));
    CHECK(m(1, 2) == Approx(0).margin(1e-9));
    // Rotated by 90 degrees: the output's x axis runs down the source.
    cv::Matx23d r = cropTransform(50, 50, 100, 100, static_cast<float>(CV_PI / 2), 100, 100);
    CHECK(r(0, 0) == Approx(0).margin(1e-6));
    CHECK(r(1, 0) == Approx(1));
    CHECK(r(0, 1) == Approx(-1));

    // cropToTensor on a gradient image: values mapped into [-1, 1], zero border outside.
    cv::Mat img(10, 10, CV_8UC3, cv::Scalar(255, 0, 0));
    cv::Mat t = cropToTensor(img, 5, 5, 20, 20, 0, 20, 20, -1, 1, true);
    REQUIRE(t.type() == CV_32FC3);
    CHECK(t.at<cv::Vec3f>(10, 10)[0] == Approx(1));
    CHECK(t.at<cv::Vec3f>(10, 10)[1] == Approx(-1));
    CHECK(t.at<cv::Vec3f>(0, 0)[0] == Approx(-1));  // outside: value 0 -> -1
    cv::Mat rep = cropToTensor(img, 5, 5, 20, 20, 0, 20, 20, 0, 1, false);
    CHECK(rep.at<cv::Vec3f>(0, 0)[0] == Approx(1));  // outside: the nearest edge
}

TEST_CASE("heatmap refinement moves a landmark to the confident peak") {
    const int H = 8, W = 8, C = 2;
    std::vector<float> hm(H * W * C, -10.0f);  // sigmoid ~0
    // Channel 0: a confident peak at (col 5, row 2).
    hm[(2 * W + 5) * C + 0] = 10.0f;
    // Channel 1: nothing confident.
    std::vector<cv::Point2f> xy = {{5.3f / W, 2.6f / H}, {0.5f, 0.5f}};
    refineFromHeatmap(xy, hm.data(), H, W, C, 3, 0.5f);
    // Weighted mean of integer cell indices (the peak dominates the near-zero rest).
    CHECK(xy[0].x == Approx(5.0f / W).margin(0.01));
    CHECK(xy[0].y == Approx(2.0f / H).margin(0.01));
    CHECK(xy[1].x == 0.5f);
    CHECK(xy[1].y == 0.5f);
    // Outside the heatmap: unchanged.
    std::vector<cv::Point2f> out = {{1.5f, 0.5f}};
    refineFromHeatmap(out, hm.data(), H, W, C, 3, 0.5f);
    CHECK(out[0].x == 1.5f);
}

TEST_CASE("the One Euro filter smooths jitter and follows fast moves") {
    OneEuroFilter f(0.05, 80.0, 1.0);
    // First sample passes through.
    CHECK(f.apply(1000, 1.0, 10.0) == 10.0);
    // Jitter around 10 is damped hard.
    double y = 0;
    for (int i = 1; i <= 30; ++i) y = f.apply(1000 + i * 33333, 1.0, 10.0 + ((i % 2) ? 0.01 : -0.01));
    CHECK(std::abs(y - 10.0) < 0.005);
    // A step of 1 unit at high speed is followed within a few frames.
    for (int i = 31; i <= 36; ++i) y = f.apply(1000 + i * 33333, 1.0, 11.0);
    CHECK(y > 10.9);
    // A timestamp that does not increase changes nothing.
    OneEuroFilter g;
    g.apply(5000, 1.0, 1.0);
    CHECK(g.apply(5000, 1.0, 7.0) == 7.0);
}
