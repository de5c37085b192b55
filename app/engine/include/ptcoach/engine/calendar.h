#pragma once
// Calendar days for streaks and the program week: ISO 8601 UTC text as stored, local days as the
// person lives them.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ptcoach::engine {

using SystemClock = std::chrono::system_clock;

// "2026-11-21T09:30:00Z"
std::string isoUtc(SystemClock::time_point t);
std::optional<SystemClock::time_point> parseIsoUtc(const std::string& s);

// Days since 1970-01-01 of the local calendar date of `t`.
int64_t localDay(SystemClock::time_point t);
// 0 = Monday ... 6 = Sunday.
int weekdayOfDay(int64_t day);
// "2026-11-21" for a day number.
std::string dayText(int64_t day);

// Days in a row "on plan" up to today: a day with a completed session counts; a rest day of the
// program neither counts nor breaks the streak; any other day without a session breaks it. Today
// without a session (yet) does not break it.
int streakDays(const std::vector<int64_t>& sessionDays, int64_t today, const std::function<bool(int64_t)>& isRestDay);

}  // namespace ptcoach::engine
