#include "ptcoach/recovery/phase.h"
#include "test_support.h"

using namespace ptcoach::recovery;
using namespace std::chrono;

TEST_CASE("an episode's phase follows from its onset") {
    Clock::time_point onset = Clock::time_point{} + hours(24 * 1000);
    CHECK(phaseAt(onset, onset) == Phase::Acute);
    CHECK(phaseAt(onset, onset + hours(71)) == Phase::Acute);
    CHECK(phaseAt(onset, onset + hours(72)) == Phase::Subacute);
    CHECK(phaseAt(onset, onset + hours(24 * 14) - minutes(1)) == Phase::Subacute);
    CHECK(phaseAt(onset, onset + hours(24 * 14)) == Phase::Recovery);
    CHECK(phaseAt(onset, onset + hours(24 * 7 * 12) - minutes(1)) == Phase::Recovery);
    CHECK(phaseAt(onset, onset + hours(24 * 7 * 12)) == Phase::Chronic);
    CHECK(phaseAt(onset, onset - hours(5)) == Phase::Acute);
    CHECK(phaseName(Phase::Chronic) == "chronic");
}

TEST_CASE("ice comes first, then heat, switching at the configured hour") {
    Clock::time_point onset = Clock::time_point{} + hours(24 * 1000);
    CHECK(thermalPhaseAt(onset, onset + hours(47)) == Thermal::Ice);
    CHECK(thermalPhaseAt(onset, onset + hours(48)) == Thermal::Heat);
    CHECK(thermalPhaseAt(onset, onset + hours(30), hours(24)) == Thermal::Heat);
    CHECK(thermalPhaseAt(onset, onset + hours(60), hours(72)) == Thermal::Ice);
    // Out-of-range settings are clamped to 24-72 h.
    CHECK(thermalPhaseAt(onset, onset + hours(20), hours(1)) == Thermal::Ice);
    CHECK(thermalPhaseAt(onset, onset + hours(80), hours(500)) == Thermal::Heat);
}
