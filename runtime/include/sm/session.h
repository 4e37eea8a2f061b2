#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace sm {

// Lifecycle: active <-> idle, and either of them -> terminated | expired (final).
enum class SessionState { Active, Idle, Terminated, Expired };

const char *sessionStateName(SessionState state);
std::optional<SessionState> parseSessionState(const QString &name);
// True when `to` may follow `from`; staying in the same state is not a transition.
bool isLegalTransition(SessionState from, SessionState to);
inline bool isFinal(SessionState state)
{
    return state == SessionState::Terminated || state == SessionState::Expired;
}

// One session as the store keeps it. Timestamps are UTC.
struct Session {
    QString id;                 // 128-bit random, base64url, 22 characters
    QString userId;
    SessionState state = SessionState::Active;
    qint64 version = 1;         // +1 on every write of state, metadata or context
    QDateTime createdAt;
    QDateTime lastUpdated;      // last write of state, metadata or context
    QDateTime lastActivity;     // last request or stream activity (touch)
    QDateTime absoluteExpiresAt; // createdAt + ttl; never moves
    qint64 idleTimeoutSecs = 0; // idle expiry: lastActivity + idleTimeoutSecs
    QJsonObject metadata;       // client-supplied, e.g. ip_address, client_version
    QJsonObject context;        // owned by the back-end
    QString worker;             // worker the session is bound to, empty if none
    QByteArray tokenHash;       // SHA-256 of the session token; the token itself is never stored

    // The earlier of the idle and the absolute deadline.
    QDateTime expiresAt() const;
};

// The public JSON form (RFC 3339 timestamps, no token hash).
QJsonObject sessionToJson(const Session &session);

} // namespace sm
