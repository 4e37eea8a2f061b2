#pragma once

#include <sm/callback.h>
#include <sm/caller.h>
#include <sm/session.h>

#include <QJsonObject>
#include <QList>

#include <optional>

namespace sm {

struct CreateSessionRequest {
    std::optional<QString> userId;       // only service/admin may create for another user
    QJsonObject metadata;
    std::optional<qint64> ttlSecs;       // absolute lifetime; default SESSION_TTL
    std::optional<qint64> idleTimeoutSecs; // default from config
};

struct CreatedSession {
    Session session;
    QString token; // the session token, returned once and never again
};

struct UpdateSessionRequest {
    std::optional<SessionState> state;
    std::optional<QJsonObject> metadata; // replaces the whole object
    std::optional<qint64> expectedVersion; // optimistic lock (If-Match); none = last write wins
};

struct ListSessionsQuery {
    std::optional<QString> userId;
    std::optional<SessionState> state;
    int limit = 50;  // 1..500
    QString cursor;  // opaque, from the previous page
};

struct SessionPage {
    QList<Session> sessions;
    QString nextCursor; // empty on the last page
};

// The one place that creates, reads, updates, touches, expires and terminates sessions
// and enforces ownership: a User caller reaches only its own sessions, and another
// user's id is reported as NotFound (never PermissionDenied, so ids cannot be probed).
// All methods are called on the host thread and never block it.
class SessionService {
public:
    virtual ~SessionService() = default;

    virtual void create(const Caller &caller, CreateSessionRequest request,
                        Callback<CreatedSession> done) = 0;
    virtual void get(const Caller &caller, const QString &id, Callback<Session> done) = 0;
    virtual void update(const Caller &caller, const QString &id, UpdateSessionRequest request,
                        Callback<Session> done) = 0;
    // Terminates the session: its streams get `session.terminated` and close.
    virtual void remove(const Caller &caller, const QString &id, Callback<void> done) = 0;
    virtual void list(const Caller &caller, ListSessionsQuery query, Callback<SessionPage> done) = 0;
    // Records activity, pushing the idle deadline out. Does not change `version`.
    virtual void touch(const Caller &caller, const QString &id, Callback<Session> done) = 0;
    // Routes a back-end request to the session's back-end and answers with its reply.
    virtual void request(const Caller &caller, const QString &id, QJsonObject body,
                         Callback<QJsonObject> done) = 0;
    // Checks a session token (from `?token=`) and answers with a Caller scoped to it.
    virtual void authenticateSessionToken(const QString &id, const QString &token,
                                          Callback<Caller> done) = 0;
};

} // namespace sm
