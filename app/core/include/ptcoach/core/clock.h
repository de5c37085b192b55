#pragma once
// The wall clock the app and its libraries read for "now": the system clock, shifted by a fixed
// offset that tests set (ptcoach --clock-offset S) to see what the app does hours or days later
// without waiting. Time differences keep their real length; only "now" moves.
#include <chrono>

namespace ptcoach {

std::chrono::system_clock::time_point wallNow();
void setWallClockOffset(std::chrono::seconds offset);
std::chrono::seconds wallClockOffset();

}  // namespace ptcoach
