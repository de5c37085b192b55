#pragma once
// A small expected-like result: a value or an Error that says what went wrong and where.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ptcoach {

struct Error {
    std::string message;  // what went wrong, with where (file, line, JSON path, tensor...)
};

template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(m_v); }
    const T& value() const& { assert(ok()); return std::get<0>(m_v); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

// For operations that return nothing but may fail.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error e) : m_error(std::move(e.message)), m_failed(true) {}
    static Status success() { return {}; }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const std::string& message() const { return m_error; }

private:
    std::string m_error;
    bool m_failed = false;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }

}  // namespace ptcoach
