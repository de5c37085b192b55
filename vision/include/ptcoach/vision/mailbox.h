#pragma once
// A single-slot mailbox: the producer overwrites, the consumer takes the newest value. Neither side
// ever waits for the other's work, only for the short lock.
#include <mutex>
#include <optional>
#include <utility>

namespace ptcoach::vision {

template <typename T>
class Mailbox {
public:
    void post(T value) {
        std::lock_guard lock(m_mutex);
        if (m_slot) ++m_dropped;  // the consumer never took the one before
        m_slot = std::move(value);
        ++m_posted;
    }
    // Takes the newest value if one arrived since the last take.
    std::optional<T> take() {
        std::lock_guard lock(m_mutex);
        std::optional<T> out = std::move(m_slot);
        m_slot.reset();
        return out;
    }
    unsigned long long posted() const {
        std::lock_guard lock(m_mutex);
        return m_posted;
    }
    // Values overwritten before the consumer took them (frames the screen never showed).
    unsigned long long dropped() const {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }

private:
    mutable std::mutex m_mutex;
    std::optional<T> m_slot;
    unsigned long long m_posted = 0;
    unsigned long long m_dropped = 0;
};

}  // namespace ptcoach::vision
