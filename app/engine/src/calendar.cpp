#include "ptcoach/engine/calendar.h"

#include <cstdio>
#include <ctime>
#include <set>

namespace ptcoach::engine {

namespace {
// Howard Hinnant's days_from_civil.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
}  // namespace

std::string isoUtc(SystemClock::time_point t) {
    std::time_t tt = SystemClock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<SystemClock::time_point> parseIsoUtc(const std::string& s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    char z = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return SystemClock::time_point(std::chrono::seconds(days * 86400 + h * 3600 + mi * 60 + se));
}

int64_t localDay(SystemClock::time_point t) {
    std::time_t tt = SystemClock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    return daysFromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
}

int weekdayOfDay(int64_t day) {
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

std::string dayText(int64_t day) {
    // civil_from_days
    day += 719468;
    const int64_t era = (day >= 0 ? day : day - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(day - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    return buf;
}

int streakDays(const std::vector<int64_t>& sessionDays, int64_t today, const std::function<bool(int64_t)>& isRestDay) {
    std::set<int64_t> days(sessionDays.begin(), sessionDays.end());
    int streak = 0;
    for (int64_t d = today; d > today - 3660; --d) {
        if (days.count(d)) {
            ++streak;
        } else if (d == today || (isRestDay && isRestDay(d))) {
            continue;  // not yet today, or a planned rest day
        } else {
            break;
        }
    }
    return streak;
}

}  // namespace ptcoach::engine
