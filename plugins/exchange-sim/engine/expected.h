#pragma once

#include <utility>
#include <variant>

namespace sm::exchange {

// A value or the error explaining its absence (std::expected is C++23). Errors are values
// throughout the engine; nothing throws.
template <typename T, typename E>
class [[nodiscard]] Expected {
public:
    Expected(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }

    Expected(E error)
        : m_data(std::in_place_index<1>, std::move(error))
    {
    }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    T &value() { return *std::get_if<0>(&m_data); }
    const T &value() const { return *std::get_if<0>(&m_data); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    // Precondition: !ok().
    const E &error() const { return *std::get_if<1>(&m_data); }

private:
    std::variant<T, E> m_data;
};

} // namespace sm::exchange
