#include <sm/caller.h>
#include <sm/session.h>

#include <QJsonValue>

namespace sm {

namespace {
QString rfc3339(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}
} // namespace

const char *sessionStateName(SessionState state)
{
    switch (state) {
    case SessionState::Active: return "active";
    case SessionState::Idle: return "idle";
    case SessionState::Terminated: return "terminated";
    case SessionState::Expired: return "expired";
    }
    return "active";
}

std::optional<SessionState> parseSessionState(const QString &name)
{
    for (auto state : {SessionState::Active, SessionState::Idle, SessionState::Terminated,
                       SessionState::Expired}) {
        if (name == QLatin1String(sessionStateName(state)))
            return state;
    }
    return std::nullopt;
}

bool isLegalTransition(SessionState from, SessionState to)
{
    if (from == to || isFinal(from))
        return false;
    return true; // active <-> idle, and active|idle -> terminated|expired
}

QDateTime Session::expiresAt() const
{
    if (idleTimeoutSecs <= 0 || !lastActivity.isValid())
        return absoluteExpiresAt;
    return std::min(absoluteExpiresAt, lastActivity.addSecs(idleTimeoutSecs));
}

QJsonObject sessionToJson(const Session &session)
{
    return QJsonObject{
        {"session_id", session.id},
        {"user_id", session.userId},
        {"state", QLatin1String(sessionStateName(session.state))},
        {"version", session.version},
        {"created_at", rfc3339(session.createdAt)},
        {"last_updated", rfc3339(session.lastUpdated)},
        {"last_activity", rfc3339(session.lastActivity)},
        {"expires_at", rfc3339(session.expiresAt())},
        {"idle_timeout", session.idleTimeoutSecs},
        {"metadata", session.metadata},
        {"context", session.context},
        {"worker", session.worker.isEmpty() ? QJsonValue() : QJsonValue(session.worker)},
    };
}

const char *roleName(Role role)
{
    switch (role) {
    case Role::User: return "user";
    case Role::Service: return "service";
    case Role::Admin: return "admin";
    }
    return "user";
}

} // namespace sm
