#include "sessions/sessionservicecore.h"

#include "sessions/backenddispatcher.h"
#include "sessions/sessionids.h"
#include "sessions/storeexecutor.h"

#include <sm/logger.h>
#include <sm/metrics.h>
#include <sm/streamhub.h>

#include <QJsonDocument>
#include <QPointer>

#include <algorithm>

namespace sm {

namespace {

constexpr int kMaxUserIdLength = 128;
constexpr int kMaxListLimit = 500;
constexpr int kUpdateAttempts = 3;

Error notFound(const QString &id)
{
    return makeError(ErrorCode::NotFound, QStringLiteral("session %1 not found").arg(id));
}

// Ids we issue are base64url; anything else cannot exist, so it never reaches the store.
// A plain loop rather than a regular expression: it runs on every get.
bool plausibleId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    return std::all_of(id.begin(), id.end(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '_' || u == '-';
    });
}

bool mayAccess(const Caller &caller, const Session &session)
{
    if (!caller.sessionScope.isEmpty() && caller.sessionScope != session.id)
        return false;
    return caller.isPrivileged() || session.userId == caller.userId;
}

QByteArray sessionJson(const Session &session)
{
    return QJsonDocument(sessionToJson(session)).toJson(QJsonDocument::Compact);
}

Error endedError(const Session &session)
{
    return makeError(ErrorCode::IllegalTransition,
                     QStringLiteral("session %1 is %2").arg(session.id,
                                                            QLatin1String(sessionStateName(session.state))));
}

} // namespace

SessionServiceCore::SessionServiceCore(Options options, StoreExecutor &store, StreamHub &streams,
                                       Logger &logger, Metrics &metrics, Clock clock)
    : m_options(options)
    , m_store(store)
    , m_streams(streams)
    , m_logger(logger)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
    , m_created(metrics.counter("sm_sessions_created_total", "Sessions created"))
    , m_terminated(metrics.counter("sm_sessions_terminated_total", "Sessions terminated by a client"))
    , m_expired(metrics.counter("sm_sessions_expired_total", "Sessions expired by idle or absolute timeout"))
{
}

SessionServiceCore::~SessionServiceCore() = default;

// Every answer goes through the event loop, so a callback never runs before the call
// that received it has returned (the SDK's promise), even for errors found at once.
template <typename T>
void SessionServiceCore::answer(Callback<T> done, Result<T> result)
{
    QMetaObject::invokeMethod(this, [done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
    }, Qt::QueuedConnection);
}

Result<void> SessionServiceCore::validateCreate(const Caller &caller, const CreateSessionRequest &request) const
{
    if (!caller.sessionScope.isEmpty())
        return makeError(ErrorCode::PermissionDenied, "a session token cannot create sessions");
    if (request.userId) {
        if (request.userId->isEmpty() || request.userId->size() > kMaxUserIdLength)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("user_id must be 1 to %1 characters").arg(kMaxUserIdLength));
        if (!caller.isPrivileged() && *request.userId != caller.userId)
            return makeError(ErrorCode::PermissionDenied, "users may create sessions only for themselves");
    }
    if (request.ttlSecs && (*request.ttlSecs < 1 || *request.ttlSecs > m_options.maxTtlSecs))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("ttl must be between 1 and %1 seconds").arg(m_options.maxTtlSecs));
    if (request.idleTimeoutSecs
        && (*request.idleTimeoutSecs < 0 || *request.idleTimeoutSecs > m_options.maxTtlSecs))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("idle_timeout must be between 0 and %1 seconds").arg(m_options.maxTtlSecs));
    return {};
}

void SessionServiceCore::create(const Caller &caller, CreateSessionRequest request,
                                Callback<CreatedSession> done)
{
    if (Result<void> valid = validateCreate(caller, request); !valid.ok())
        return answer<CreatedSession>(std::move(done), valid.error());

    const QDateTime now = m_clock();
    QString token = SessionIds::newToken();
    Session session;
    session.id = SessionIds::newSessionId();
    session.userId = request.userId.value_or(caller.userId);
    session.createdAt = session.lastUpdated = session.lastActivity = now;
    session.absoluteExpiresAt = now.addSecs(request.ttlSecs.value_or(m_options.defaultTtlSecs));
    session.idleTimeoutSecs = request.idleTimeoutSecs.value_or(m_options.idleTimeoutSecs);
    session.metadata = std::move(request.metadata);
    session.tokenHash = SessionIds::hashToken(token);

    QPointer<SessionServiceCore> self(this);
    m_store.write(StoreWrite{StoreWrite::Kind::Insert, std::move(session), 0},
                  [self, token = std::move(token), done = std::move(done),
                   requestId = caller.requestId](Result<Session> stored) mutable {
        if (!stored.ok())
            return done(stored.error());
        if (self) {
            self->m_created.increment();
            // Building the fields allocates: only do it when the line is written.
            if (self->m_logger.enabled(LogLevel::Info)) {
                self->m_logger.info("session created", {{"session_id", stored->id},
                                                        {"user_id", stored->userId},
                                                        {"request_id", requestId}});
            }
        }
        done(CreatedSession{std::move(stored).value(), std::move(token)});
    });
}

void SessionServiceCore::fetchOwned(const Caller &caller, const QString &id, Callback<Session> done)
{
    if (!plausibleId(id))
        return answer<Session>(std::move(done), notFound(id));
    m_store.get(id, [caller, id, done = std::move(done)](Result<Session> found) {
        if (found.ok() && !mayAccess(caller, found.value()))
            return done(notFound(id));
        done(std::move(found));
    });
}

void SessionServiceCore::get(const Caller &caller, const QString &id, Callback<Session> done)
{
    fetchOwned(caller, id, std::move(done));
}

void SessionServiceCore::update(const Caller &caller, const QString &id, UpdateSessionRequest request,
                                Callback<Session> done)
{
    QPointer<SessionServiceCore> self(this);
    fetchOwned(caller, id, [self, caller, request = std::move(request),
                            done = std::move(done)](Result<Session> current) mutable {
        if (!current.ok())
            return done(current.error());
        if (self)
            self->writeUpdate(caller, std::move(current).value(), std::move(request), kUpdateAttempts,
                              std::move(done));
    });
}

// Applies `request` on top of `current`. Without an explicit expected version (no
// If-Match) a conflict with a concurrent writer is retried on a fresh read, so the
// request behaves as "last write wins" without ever losing the other write.
void SessionServiceCore::writeUpdate(const Caller &caller, Session current, UpdateSessionRequest request,
                                     int attemptsLeft, Callback<Session> done)
{
    if (request.expectedVersion && *request.expectedVersion != current.version)
        return done(makeError(ErrorCode::VersionConflict,
                              QStringLiteral("version %1 does not match the current version %2")
                                  .arg(*request.expectedVersion).arg(current.version)));
    if (isFinal(current.state))
        return done(endedError(current));
    if (request.state == SessionState::Expired)
        return done(makeError(ErrorCode::IllegalTransition, "sessions expire only by time"));
    if (request.state && *request.state != current.state && !isLegalTransition(current.state, *request.state))
        return done(makeError(ErrorCode::IllegalTransition,
                              QStringLiteral("cannot change state from %1 to %2")
                                  .arg(QLatin1String(sessionStateName(current.state)),
                                       QLatin1String(sessionStateName(*request.state)))));

    Session next = current;
    if (request.state)
        next.state = *request.state;
    if (request.metadata)
        next.metadata = *request.metadata;
    next.lastUpdated = m_clock();

    QPointer<SessionServiceCore> self(this);
    m_store.write(StoreWrite{StoreWrite::Kind::Update, next, current.version},
                  [self, caller, request, attemptsLeft, id = next.id,
                   done = std::move(done)](Result<Session> stored) mutable {
        if (!self)
            return done(std::move(stored));
        const bool retry = !stored.ok() && stored.error().code == ErrorCode::VersionConflict
            && !request.expectedVersion && attemptsLeft > 1;
        if (retry) {
            return self->fetchOwned(caller, id, [self, caller, request, attemptsLeft,
                                                 done = std::move(done)](Result<Session> fresh) mutable {
                if (!fresh.ok() || !self)
                    return done(std::move(fresh));
                self->writeUpdate(caller, std::move(fresh).value(), std::move(request), attemptsLeft - 1,
                                  std::move(done));
            });
        }
        if (stored.ok())
            self->afterStateChange(stored.value());
        done(std::move(stored));
    });
}

void SessionServiceCore::afterStateChange(const Session &session)
{
    const QByteArray json = sessionJson(session);
    if (!isFinal(session.state)) {
        m_streams.publish(session.id, "session.updated", json);
        return;
    }
    if (m_backends)
        m_backends->release(session.id);
    m_streams.closeSession(session.id, "session.terminated", json);
}

void SessionServiceCore::remove(const Caller &caller, const QString &id, Callback<void> done)
{
    QPointer<SessionServiceCore> self(this);
    fetchOwned(caller, id, [self, caller, done = std::move(done)](Result<Session> current) mutable {
        if (!current.ok())
            return done(current.error());
        if (isFinal(current->state) || !self)
            return done(Result<void>()); // already ended: DELETE is idempotent
        Session session = std::move(current).value();
        const QString id = session.id;
        UpdateSessionRequest terminate;
        terminate.state = SessionState::Terminated;
        self->writeUpdate(caller, std::move(session), terminate, kUpdateAttempts,
                          [self, id, requestId = caller.requestId,
                           done = std::move(done)](Result<Session> ended) {
            if (!ended.ok())
                return done(ended.error());
            if (self) {
                self->m_terminated.increment();
                self->m_logger.info("session terminated", {{"session_id", id}, {"request_id", requestId}});
            }
            done(Result<void>());
        });
    });
}

void SessionServiceCore::list(const Caller &caller, ListSessionsQuery query, Callback<SessionPage> done)
{
    if (!caller.sessionScope.isEmpty())
        return answer<SessionPage>(std::move(done),
                                   makeError(ErrorCode::PermissionDenied, "a session token cannot list sessions"));
    if (query.limit < 1 || query.limit > kMaxListLimit)
        return answer<SessionPage>(std::move(done),
                                   makeError(ErrorCode::BadRequest,
                                             QStringLiteral("limit must be between 1 and %1").arg(kMaxListLimit)));
    if (!caller.isPrivileged()) {
        if (query.userId && *query.userId != caller.userId)
            return answer<SessionPage>(std::move(done), SessionPage{});
        query.userId = caller.userId;
    }
    m_store.list(std::move(query), std::move(done));
}

void SessionServiceCore::touch(const Caller &caller, const QString &id, Callback<Session> done)
{
    QPointer<SessionServiceCore> self(this);
    fetchOwned(caller, id, [self, done = std::move(done)](Result<Session> current) mutable {
        if (!current.ok())
            return done(current.error());
        if (isFinal(current->state))
            return done(endedError(current.value()));
        if (!self)
            return done(makeError(ErrorCode::Unavailable, "shutting down"));
        Session next = std::move(current).value();
        next.lastActivity = self->m_clock();
        self->m_store.write(StoreWrite{StoreWrite::Kind::Touch, next, next.version}, std::move(done));
    });
}

void SessionServiceCore::request(const Caller &caller, const QString &id, QJsonObject body,
                                 Callback<QJsonObject> done)
{
    QPointer<SessionServiceCore> self(this);
    fetchOwned(caller, id, [self, caller, body = std::move(body),
                            done = std::move(done)](Result<Session> current) mutable {
        if (!current.ok())
            return done(current.error());
        if (isFinal(current->state))
            return done(endedError(current.value()));
        if (!self || !self->m_backends)
            return done(makeError(ErrorCode::Unavailable, "no back-end is available"));
        self->m_backends->request(current.value(), body, caller.requestId, std::move(done));
        self->touchIfDue(current.value());
    });
}

// Activity moves the idle deadline. Recording it on every request would cost a write per
// request, so it is recorded at most once per 1/60 of the idle timeout (at least 1 s).
void SessionServiceCore::touchIfDue(const Session &session)
{
    const QDateTime now = m_clock();
    const qint64 granularity = std::max<qint64>(1, session.idleTimeoutSecs / 60);
    if (session.lastActivity.secsTo(now) < granularity)
        return;
    Session next = session;
    next.lastActivity = now;
    QPointer<SessionServiceCore> self(this);
    m_store.write(StoreWrite{StoreWrite::Kind::Touch, next, next.version},
                  [self, id = session.id](Result<Session> touched) {
        if (!touched.ok() && self)
            self->m_logger.debug("activity not recorded", {{"session_id", id},
                                                            {"error", touched.error().message}});
    });
}

void SessionServiceCore::authenticateSessionToken(const QString &id, const QString &token,
                                                  Callback<Caller> done)
{
    if (token.isEmpty() || !plausibleId(id))
        return answer<Caller>(std::move(done), makeError(ErrorCode::Unauthenticated, "invalid session token"));
    m_store.get(id, [token, done = std::move(done)](Result<Session> found) {
        if (!found.ok() && found.error().code != ErrorCode::NotFound)
            return done(found.error());
        if (!found.ok() || !SessionIds::equalHashes(found->tokenHash, SessionIds::hashToken(token)))
            return done(makeError(ErrorCode::Unauthenticated, "invalid session token"));
        if (isFinal(found->state))
            return done(endedError(found.value()));
        done(Caller{found->userId, Role::User, QString(), found->id});
    });
}

void SessionServiceCore::announceExpired(const QList<Session> &sessions)
{
    for (const Session &session : sessions) {
        m_expired.increment();
        m_logger.info("session expired", {{"session_id", session.id}, {"user_id", session.userId}});
        if (m_backends)
            m_backends->release(session.id);
        m_streams.closeSession(session.id, "session.expired", sessionJson(session));
    }
}

} // namespace sm
