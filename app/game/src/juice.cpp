#include "ptcoach/game/juice.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ptcoach::game {

namespace {
constexpr double kPi = 3.14159265358979;
double smooth(double x) {
    x = std::clamp(x, 0.0, 1.0);
    return x * x * (3 - 2 * x);
}
}  // namespace

void CounterAnim::set(double value, double nowS) {
    if (value == m_to) return;
    m_from = shown(nowS);
    m_to = value;
    m_changedS = nowS;
    // A new pop at most every 1/kMaxFlashHz s: faster changes keep the swell going instead.
    if (nowS - m_popS >= 1.0 / kMaxFlashHz) m_popS = nowS;
}

double CounterAnim::shown(double nowS) const {
    double k = smooth((nowS - m_changedS) / 0.35);
    return m_from + (m_to - m_from) * k;
}

double CounterAnim::scale(double nowS) const {
    double t = nowS - m_popS;
    if (t < 0 || t > 1.5) return 1.0;
    // A quick rise (0.08 s) and a smooth settle: one swell per change, never a flicker.
    double rise = smooth(t / 0.08);
    return 1.0 + 0.35 * rise * std::exp(-std::max(0.0, t - 0.08) * 5.0);
}

ParticleBurst::ParticleBurst(double startS, uint32_t seed, int count, double lifeS) : m_start(startS), m_life(lifeS) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> angle(0.0f, static_cast<float>(2 * kPi)), speed(0.6f, 1.6f), size(0.02f, 0.06f),
        fade(0.75f, 1.0f);
    std::uniform_int_distribution<int> colour(0, 3);
    for (int i = 0; i < count; ++i) {
        float a = angle(rng), v = speed(rng);
        m_seeds.push_back({v * std::cos(a), v * std::sin(a) - 0.6f, size(rng), colour(rng), fade(rng)});
    }
}

std::vector<Particle> ParticleBurst::at(double nowS) const {
    std::vector<Particle> out;
    double t = nowS - m_start;
    if (t < 0 || t >= m_life) return out;
    double u = t / m_life;
    for (const auto& s : m_seeds) {
        Particle p;
        // Thrown out fast, slowing (drag), falling (gravity, +y is down).
        double d = (1 - std::exp(-3.0 * t)) / 3.0;
        p.x = static_cast<float>(s.vx * d * 2.2);
        p.y = static_cast<float>(s.vy * d * 2.2 + 0.9 * t * t);
        p.size = s.size;
        p.alpha = static_cast<float>(std::clamp(1.0 - u / s.fade, 0.0, 1.0));
        p.colour = s.colour;
        out.push_back(p);
    }
    return out;
}

double ParticleBurst::brightness(double nowS) const {
    double t = nowS - m_start;
    if (t < 0 || t >= m_life) return 0;
    return 1.0 - t / m_life;
}

double LevelUpMoment::scale(double nowS) const {
    double t = nowS - m_start;
    if (t < 0) return 0;
    if (t < 0.35) return 1.1 * smooth(t / 0.35);
    if (t < 0.6) return 1.1 - 0.1 * smooth((t - 0.35) / 0.25);
    return 1.0;
}

double LevelUpMoment::alpha(double nowS) const {
    double t = nowS - m_start;
    if (t < 0 || t >= kDurationS) return 0;
    if (t < 0.25) return smooth(t / 0.25);
    if (t > kDurationS - 0.6) return smooth((kDurationS - t) / 0.6);
    return 1.0;
}

double LevelUpMoment::glow(double nowS) const {
    double t = nowS - m_start;
    if (t < 0 || t >= kDurationS) return 0;
    return alpha(nowS) * (0.5 - 0.5 * std::cos(2 * kPi * kPulseHz * t));
}

double maxFlashesPerSecond(const std::function<double(double)>& brightness, double fromS, double toS, double minChange) {
    // Turning points with hysteresis: a peak once the curve has fallen minChange below its high, a
    // trough once it has risen minChange above its low. A flash is a peak and a trough.
    const double dt = 0.002;
    std::vector<double> turns;
    int dir = 0;
    double ext = brightness(fromS), extAt = fromS, start = ext;
    for (double t = fromS + dt; t < toS; t += dt) {
        double v = brightness(t);
        if (dir == 0) {
            if (v - start >= minChange) dir = 1, ext = v, extAt = t;
            else if (start - v >= minChange) dir = -1, ext = v, extAt = t;
        } else if (dir == 1) {
            if (v > ext) ext = v, extAt = t;
            else if (ext - v >= minChange) turns.push_back(extAt), dir = -1, ext = v, extAt = t;
        } else {
            if (v < ext) ext = v, extAt = t;
            else if (v - ext >= minChange) turns.push_back(extAt), dir = 1, ext = v, extAt = t;
        }
    }
    double worst = 0;
    for (size_t i = 0; i < turns.size(); ++i) {
        size_t j = i;
        while (j < turns.size() && turns[j] < turns[i] + 1.0) ++j;
        worst = std::max(worst, (j - i) / 2.0);
    }
    return worst;
}

}  // namespace ptcoach::game
