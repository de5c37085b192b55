#include "ptcoach/core/clock.h"

#include <atomic>

namespace ptcoach {

namespace {
std::atomic<long long> g_offsetS{0};
}

std::chrono::system_clock::time_point wallNow() {
    return std::chrono::system_clock::now() + std::chrono::seconds(g_offsetS.load(std::memory_order_relaxed));
}

void setWallClockOffset(std::chrono::seconds offset) { g_offsetS.store(offset.count(), std::memory_order_relaxed); }

std::chrono::seconds wallClockOffset() { return std::chrono::seconds(g_offsetS.load(std::memory_order_relaxed)); }

}  // namespace ptcoach
