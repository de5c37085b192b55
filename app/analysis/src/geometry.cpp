#include "ptcoach/analysis/geometry.h"

#include <algorithm>
#include <cmath>

#include <glm/geometric.hpp>

namespace ptcoach::analysis {

namespace {
constexpr float kRadToDeg = 57.29577951308232f;

float aspect(const LandmarkFrame& f) {
    if (f.imageWidth > 0 && f.imageHeight > 0) return static_cast<float>(f.imageWidth) / f.imageHeight;
    return 1.0f;
}
}  // namespace

glm::vec2 imagePoint(const LandmarkFrame& f, int landmark) {
    const Point& p = f.points[static_cast<size_t>(landmark)];
    return {p.x * aspect(f), p.y};
}

glm::vec2 imageMid(const LandmarkFrame& f, int a, int b) { return 0.5f * (imagePoint(f, a) + imagePoint(f, b)); }

glm::vec3 worldPoint(const LandmarkFrame& f, int landmark) {
    const WorldPoint& p = (*f.world)[static_cast<size_t>(landmark)];
    return {p.x, p.y, p.z};
}

glm::vec3 worldMid(const LandmarkFrame& f, int a, int b) { return 0.5f * (worldPoint(f, a) + worldPoint(f, b)); }

template <typename V>
static float angleBetween(V u, V v) {
    float lu = glm::length(u), lv = glm::length(v);
    if (lu < 1e-9f || lv < 1e-9f) return 180.0f;
    float c = std::clamp(glm::dot(u, v) / (lu * lv), -1.0f, 1.0f);
    return std::acos(c) * kRadToDeg;
}

float jointAngle(glm::vec2 a, glm::vec2 b, glm::vec2 c) { return angleBetween(a - b, c - b); }
float jointAngle(glm::vec3 a, glm::vec3 b, glm::vec3 c) { return angleBetween(a - b, c - b); }

float inclinationFromVertical(glm::vec2 from, glm::vec2 to) { return angleBetween(to - from, glm::vec2(0, -1)); }

float signedInclination(glm::vec2 from, glm::vec2 to) {
    glm::vec2 d = to - from;
    return std::atan2(d.x, -d.y) * kRadToDeg;
}

float tiltFromHorizontal(glm::vec2 a, glm::vec2 b) {
    glm::vec2 d = b - a;
    float deg = std::atan2(std::fabs(d.y), std::fabs(d.x)) * kRadToDeg;
    return deg;
}

float lineOffset(glm::vec2 a, glm::vec2 b, glm::vec2 p, glm::vec2 side) {
    glm::vec2 ab = b - a;
    float len = glm::length(ab);
    if (len < 1e-9f) return 0.0f;
    glm::vec2 n(-ab.y / len, ab.x / len);
    if (glm::dot(n, side) < 0) n = -n;
    return glm::dot(p - a, n) / len;
}

}  // namespace ptcoach::analysis
