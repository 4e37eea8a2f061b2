#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace sm {

// The closed set of failure kinds every transport maps to its own status codes
// (HTTP status, gRPC code). The wire name is errorCodeName().
enum class ErrorCode {
    BadRequest,        // malformed input, wrong types, missing fields
    NotFound,          // unknown id, or an id the caller may not see
    VersionConflict,   // optimistic-locking failure (stale version / If-Match)
    IllegalTransition, // state change the session state machine forbids
    AlreadyExists,     // duplicate id
    Unauthenticated,   // missing, expired or forged credentials
    PermissionDenied,  // authenticated but not allowed
    PayloadTooLarge,   // body above the configured limit
    Unavailable,       // dependency down (store, worker); retry later
    Internal,          // a bug or an unexpected failure
};

const char *errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;
};

// A value or an Error. Expected failures travel as values; exceptions are not used.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

inline Error makeError(ErrorCode code, QString message) { return Error{code, std::move(message)}; }

} // namespace sm
