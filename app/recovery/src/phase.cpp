#include "ptcoach/recovery/phase.h"

#include <algorithm>

namespace ptcoach::recovery {

Phase phaseAt(Clock::time_point onset, Clock::time_point now) {
    using namespace std::chrono;
    auto since = now - onset;
    if (since < hours(24 * 3)) return Phase::Acute;  // an onset in the future counts as acute
    if (since < hours(24 * 14)) return Phase::Subacute;
    if (since < hours(24 * 7 * 12)) return Phase::Recovery;
    return Phase::Chronic;
}

std::string_view phaseName(Phase p) {
    switch (p) {
    case Phase::Acute: return "acute";
    case Phase::Subacute: return "subacute";
    case Phase::Recovery: return "recovery";
    case Phase::Chronic: return "chronic";
    }
    return "unknown";
}

Thermal thermalPhaseAt(Clock::time_point onset, Clock::time_point now, std::chrono::hours iceDuration) {
    iceDuration = std::clamp(iceDuration, std::chrono::hours(24), std::chrono::hours(72));
    return (now - onset) < iceDuration ? Thermal::Ice : Thermal::Heat;
}

}  // namespace ptcoach::recovery
