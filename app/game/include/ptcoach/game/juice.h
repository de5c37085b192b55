#pragma once
// The feel of play, as plain numbers the screens draw: the counter that pops when it changes, the
// burst of particles when a set is done, and the level-up moment. Kept UI-free so tests can check
// the rule that nothing flashes faster than 3 times a second (WCAG 2.3.1): every brightness change
// here is a smooth decay or a pulse of at most kMaxFlashHz.
#include <cstdint>
#include <functional>
#include <vector>

namespace ptcoach::game {

inline constexpr double kMaxFlashHz = 3.0;
inline constexpr double kPulseHz = 1.25;  // the slow glow of a level-up or a new best

// A number that eases to its new value and pops (grows, then settles) when it changes.
class CounterAnim {
public:
    void set(double value, double nowS);
    double shown(double nowS) const;  // the value on screen (eases over 0.35 s)
    double scale(double nowS) const;  // 1 at rest; up to 1.35 just after a change, decaying
private:
    double m_from = 0, m_to = 0, m_changedS = -100, m_popS = -100;
};

struct Particle {
    float x = 0, y = 0;      // relative to the burst's centre, in units of the burst's radius
    float size = 0;          // relative to the radius
    float alpha = 0;         // 0..1, only ever falling over a particle's life
    int colour = 0;          // index into the screen's palette
};

// A burst of particles from a point: deterministic for a seed, thrown out and falling under gravity,
// fading out over its life.
class ParticleBurst {
public:
    ParticleBurst() = default;
    ParticleBurst(double startS, uint32_t seed, int count = 60, double lifeS = 1.4);
    bool alive(double nowS) const { return nowS - m_start < m_life && !m_seeds.empty(); }
    std::vector<Particle> at(double nowS) const;
    double brightness(double nowS) const;  // the burst's overall alpha: 1 at the start, then falling

private:
    struct Seed {
        float vx, vy, size;
        int colour;
        float fade;
    };
    double m_start = 0, m_life = 0;
    std::vector<Seed> m_seeds;
};

// The level-up moment: a banner that grows in, glows gently (kPulseHz) and fades after 3 s.
class LevelUpMoment {
public:
    void start(double nowS, int level) { m_start = nowS, m_level = level; }
    bool active(double nowS) const { return m_level > 0 && nowS - m_start >= 0 && nowS - m_start < kDurationS; }
    int level() const { return m_level; }
    double scale(double nowS) const;       // the banner's size, 0 -> 1.1 -> 1
    double alpha(double nowS) const;       // fades in, holds, fades out
    double glow(double nowS) const;        // 0..1, a slow pulse
    static constexpr double kDurationS = 3.5;

private:
    double m_start = -100;
    int m_level = 0;
};

// How many times a second a brightness curve flashes at most over [fromS, toS): a flash is a pair of
// opposing changes of at least `minChange` (on a 0..1 scale), counted in every 1 s window. Used by
// the tests on every animation above.
double maxFlashesPerSecond(const std::function<double(double)>& brightness, double fromS, double toS,
                           double minChange = 0.1);

}  // namespace ptcoach::game
