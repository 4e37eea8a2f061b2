#pragma once

#include <sm/sessionservice.h>

#include <QObject>

#include <chrono>
#include <functional>

namespace sm {

class BackendDispatcher;
class Counter;
class Logger;
class Metrics;
class StoreExecutor;
class StreamHub;

// The runtime's SessionService: validation, ownership, the state machine, tokens and
// optimistic locking, on top of the store executor (which never blocks this thread).
class SessionServiceCore : public QObject, public SessionService {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    struct Options {
        qint64 defaultTtlSecs = 3600;
        qint64 maxTtlSecs = 86400;
        qint64 idleTimeoutSecs = 900;
    };

    SessionServiceCore(Options options, StoreExecutor &store, StreamHub &streams, Logger &logger,
                       Metrics &metrics, Clock clock = {});
    ~SessionServiceCore() override;

    // Requests go nowhere (Unavailable) until a dispatcher is set.
    void setBackendDispatcher(BackendDispatcher *dispatcher) { m_backends = dispatcher; }

    void create(const Caller &caller, CreateSessionRequest request, Callback<CreatedSession> done) override;
    void get(const Caller &caller, const QString &id, Callback<Session> done) override;
    void update(const Caller &caller, const QString &id, UpdateSessionRequest request,
                Callback<Session> done) override;
    void remove(const Caller &caller, const QString &id, Callback<void> done) override;
    void list(const Caller &caller, ListSessionsQuery query, Callback<SessionPage> done) override;
    void touch(const Caller &caller, const QString &id, Callback<Session> done) override;
    void request(const Caller &caller, const QString &id, QJsonObject body,
                 Callback<QJsonObject> done) override;
    void authenticateSessionToken(const QString &id, const QString &token, Callback<Caller> done) override;

    // The sweeper's entry: publish the end of sessions the store has just expired.
    void announceExpired(const QList<Session> &sessions);

    QDateTime now() const { return m_clock(); }

private:
    template <typename T>
    void answer(Callback<T> done, Result<T> result);
    // Reads the session and checks that `caller` may see it; NotFound otherwise.
    void fetchOwned(const Caller &caller, const QString &id, Callback<Session> done);
    void writeUpdate(const Caller &caller, Session current, UpdateSessionRequest request, int attemptsLeft,
                     Callback<Session> done);
    void afterStateChange(const Session &session);
    void touchIfDue(const Session &session);
    Result<void> validateCreate(const Caller &caller, const CreateSessionRequest &request) const;

    Options m_options;
    StoreExecutor &m_store;
    StreamHub &m_streams;
    Logger &m_logger;
    Clock m_clock;
    BackendDispatcher *m_backends = nullptr;
    Counter &m_created;
    Counter &m_terminated;
    Counter &m_expired;
};

} // namespace sm
