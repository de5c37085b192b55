#pragma once
// Where an episode stands in recovery, derived from its onset (see shared clinical notes):
// acute (days 0-3), subacute (days 3-14), recovery (weeks 2-12), chronic (12 weeks or more).
#include <chrono>
#include <string_view>

namespace ptcoach::recovery {

enum class Phase { Acute, Subacute, Recovery, Chronic };

using Clock = std::chrono::system_clock;

Phase phaseAt(Clock::time_point onset, Clock::time_point now);
std::string_view phaseName(Phase p);  // "acute", "subacute", "recovery", "chronic"

// Ice first, then heat: the switch is time-based from onset (default 48 h, a therapist may set
// 24-72 h; values outside that range are clamped into it).
enum class Thermal { Ice, Heat };
Thermal thermalPhaseAt(Clock::time_point onset, Clock::time_point now,
                       std::chrono::hours iceDuration = std::chrono::hours(48));

}  // namespace ptcoach::recovery
