// The animations: the counter pops once per change, a set's particles fly out and fade, the level-up
// moment grows, glows and goes; and nothing flashes faster than 3 times a second (WCAG 2.3.1), even
// with a rep every 0.3 s.
#include <cmath>

#include <catch2/catch.hpp>

#include "ptcoach/game/juice.h"

using namespace ptcoach::game;

TEST_CASE("the flash counter counts a 5 Hz square wave as 5 flashes a second, a slow fade as none") {
    auto square5 = [](double t) { return std::fmod(t * 5, 1.0) < 0.5 ? 1.0 : 0.0; };
    CHECK(maxFlashesPerSecond(square5, 0, 3) == Approx(5).margin(0.5));
    auto fade = [](double t) { return std::max(0.0, 1 - t / 2); };
    CHECK(maxFlashesPerSecond(fade, 0, 3) == 0);
}

TEST_CASE("the counter eases to its new value and pops once per change") {
    CounterAnim c;
    c.set(3, 10.0);
    CHECK(c.shown(10.0) == Approx(0));
    CHECK(c.shown(10.5) == Approx(3));
    CHECK(c.scale(10.0) == Approx(1.0).margin(0.01));
    CHECK(c.scale(10.08) > 1.3);
    CHECK(c.scale(11.6) == 1.0);
    // Reps as fast as anyone can do them (one every 0.3 s): the pop is still under 3 flashes a second.
    CounterAnim fast;
    for (int i = 1; i <= 20; ++i) fast.set(i, 0.3 * i);
    auto brightness = [&](double t) {
        CounterAnim a;
        for (int i = 1; i <= 20 && 0.3 * i <= t; ++i) a.set(i, 0.3 * i);
        return (a.scale(t) - 1.0) / 0.35;
    };
    CHECK(maxFlashesPerSecond(brightness, 0, 7) <= kMaxFlashHz);
}

TEST_CASE("a set's particles fly out, fall and fade, the same for the same seed") {
    ParticleBurst a(1.0, 7), b(1.0, 7), c(1.0, 8);
    CHECK(a.alive(1.5));
    CHECK_FALSE(a.alive(3.0));
    auto p0 = a.at(1.05), p1 = a.at(2.0), q1 = b.at(2.0), r1 = c.at(2.0);
    REQUIRE(p0.size() == 60);
    CHECK(p1[0].x == q1[0].x);
    CHECK(p1[0].x != r1[0].x);
    double spread0 = 0, spread1 = 0;
    for (size_t i = 0; i < p0.size(); ++i) {
        spread0 += std::hypot(p0[i].x, p0[i].y);
        spread1 += std::hypot(p1[i].x, p1[i].y);
        CHECK(p1[i].alpha <= p0[i].alpha);
    }
    CHECK(spread1 > spread0 * 3);
    // It appears once and fades: at most one flash, once.
    CHECK(maxFlashesPerSecond([&](double t) { return a.brightness(t); }, 0, 4) <= 1);
}

TEST_CASE("the level-up moment grows, glows slowly and goes") {
    LevelUpMoment m;
    CHECK_FALSE(m.active(0));
    m.start(5.0, 3);
    CHECK(m.active(5.1));
    CHECK(m.level() == 3);
    CHECK(m.scale(5.3) > 0.9);
    CHECK(m.scale(6.0) == Approx(1.0));
    CHECK(m.alpha(6.0) == Approx(1.0));
    CHECK_FALSE(m.active(5.0 + LevelUpMoment::kDurationS));
    CHECK(maxFlashesPerSecond([&](double t) { return m.glow(t); }, 4, 10) <= kMaxFlashHz);
    CHECK(maxFlashesPerSecond([&](double t) { return m.alpha(t); }, 4, 10) <= kMaxFlashHz);
}
