#pragma once

#include "routing/consistenthashrouter.h"
#include "sessions/backenddispatcher.h"
#include "workerpool/sessionjournal.h"
#include "workerpool/workerdirectory.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace sm {

class CompletionQueueThread;
class Counter;
class LocalWorker;
class Logger;
class Metrics;
class StreamHub;
class WorkerConnection;
class WorkerStats;

// Back-ends in worker processes: local ones it spawns (`<runtime> worker ...`) and remote
// ones it connects to. Each session is placed by the consistent-hash router and activated
// on its worker at its first request. The pool keeps what it needs to rebuild any session
// elsewhere (SessionJournal: last snapshot + journal of answered requests); a request is
// answered only after the worker's reply arrived and was journaled.
//
// Workers die by process exit or by missing `heartbeatMisses` heartbeats (a hung local
// one is then killed). Their sessions are assigned to the workers the router now picks,
// with snapshot, journal and resume_op_seq, and their unanswered requests are sent again
// there once `Assigned` arrives (see SessionJournal for why that is safe). Local workers
// are respawned with exponential backoff under the same id, so the ring gives a respawned
// worker back exactly its share; those sessions move by drain and hand-over: new requests
// wait, Release, Released snapshot, Assign on the new worker, then the waiting requests.
// An operator's drain and restart (WorkerDirectory) and scaling down use the same hand-over;
// a restarted worker is stopped only once it holds no session. A session idle for
// `idleTimeoutMs` is parked the same way (Release, final snapshot) and assigned again from
// that snapshot by its next request.
// Host thread only.
class WorkerPool : public QObject, public BackendDispatcher, public WorkerDirectory {
    Q_OBJECT
public:
    struct Options {
        QString backend;                  // back-end plugin id the workers run
        int localWorkers = 0;
        QStringList remoteAddresses;      // host:port
        QString program;                  // this executable
        QStringList forwardedArguments;   // config file, plugin paths, --set values
        // At most "info": a worker announces its port in an info line (its other lines
        // are filtered again by the runtime's own level).
        QString workerLogLevel = QStringLiteral("info");
        QString runtimeId;
        int heartbeatIntervalMs = 200;
        int heartbeatMisses = 3;
        double loadFactor = 1.25;
        int snapshotIntervalMs = 1000;
        int requestTimeoutMs = 5000;
        // A session's back-end is parked (released with a final snapshot, restored on its
        // next request) after this long without requests, unless `isWatched` says a stream
        // of it is open: its market data is what its watchers came for. 0 = never.
        qint64 idleTimeoutMs = 0;
        std::function<bool(const QString &sessionId)> isWatched;
        int maxWaitingPerSession = 1024;  // requests queued while a session moves; beyond: 503
    };

    WorkerPool(Options options, StreamHub &streams, Logger &logger, Metrics &metrics);
    ~WorkerPool() override;

    // Spawns the local workers and connects to the remote ones.
    void start();
    // Graceful: refuses new requests, lets in-flight ones finish (at most `grace`), then
    // stops the workers (SIGTERM, SIGKILL after the grace). Runs a local event loop.
    void shutdown(std::chrono::milliseconds grace);

    // BackendDispatcher
    void request(const Session &session, const QJsonObject &body, const QString &requestId,
                 Callback<QJsonObject> done) override;
    void release(const QString &sessionId) override;
    bool isAvailable() const override;

    // WorkerDirectory
    QList<WorkerStatus> workers() const override;
    Result<void> drain(const QString &workerId) override;
    Result<void> restart(const QString &workerId) override;

    // Scales the local workers while running: new ones join the ring when up; removed ones
    // (the highest numbered) are drained first, then stopped.
    Result<void> setLocalWorkerCount(int count);
    int localWorkerCount() const;
    quint64 failoversTotal() const { return m_failovers; }
    quint64 movedSessionsTotal() const { return m_moves; }
    int sessionCount() const { return int(m_sessions.size()); }
    // The worker holding the session's back-end now; empty while it is parked.
    QString workerOf(const QString &sessionId) const;
    // Sessions parked for being idle since start (their back-ends released to a snapshot).
    quint64 parkedTotal() const { return m_parked; }

private:
    struct Worker;
    struct PoolSession;
    struct Call;
    enum class ReleaseIntent { Move, Idle, Discard };

    // Workers
    Worker &addWorker(const QString &id, const QString &address, bool local);
    void launch(Worker &worker);
    void connectTo(Worker &worker, const QString &address);
    void onWelcomed(Worker &worker);
    void onWorkerLost(const QString &workerId, const QString &reason);
    void loseLater(const QString &workerId);
    void discardProcess(Worker &worker);
    void scheduleRelaunch(Worker &worker);
    void stopIfEmpty(Worker &worker);
    void checkHeartbeats();
    Worker *liveWorker(const QString &id) const;
    QStringList ringMembers() const;
    void updateRing();
    int sessionsOn(const QString &workerId) const;

    // Messages from workers
    void onMessage(const QString &workerId, const worker::v1::WorkerMessage &message);
    void onReply(const QString &workerId, const worker::v1::Reply &reply);
    void onEvent(const QString &workerId, const worker::v1::Event &event);
    void onSnapshot(const QString &workerId, const worker::v1::Snapshot &snapshot);
    void onAssigned(const QString &workerId, const worker::v1::Assigned &assigned);
    void onReleased(const QString &workerId, const worker::v1::Released &released);
    // Events of operations the journal found complete, in the order they happened.
    void publish(const PoolSession &session, const QList<SessionJournal::HeldEvent> &events);

    // Sessions
    PoolSession *sessionOn(const QString &workerId, const std::string &sessionId);
    void place(PoolSession &session);
    void assignTo(PoolSession &session, Worker &worker);
    void releaseFrom(PoolSession &session, ReleaseIntent intent);
    void reconcile(PoolSession &session);
    void pump(PoolSession &session);
    void deactivateIdle();

    // Calls
    void answer(Call &call, Result<QJsonObject> result);
    void expireCalls();
    bool hasUnansweredCalls() const;
    void spinUntil(const std::function<bool()> &done, std::chrono::milliseconds limit);

    Options m_options;
    StreamHub &m_streams;
    Logger &m_logger;
    Metrics &m_metrics;
    ConsistentHashRouter m_router;
    // Runs every worker connection's stream; declared before m_workers so that it stops
    // only after their calls were cancelled.
    std::unique_ptr<CompletionQueueThread> m_linkQueue;
    std::map<QString, std::unique_ptr<Worker>> m_workers;
    std::unordered_map<QString, PoolSession> m_sessions;
    std::map<quint64, Call> m_calls; // by id, i.e. in arrival order
    quint64 m_nextCallId = 1;
    QTimer m_heartbeatTimer;
    QTimer m_expiryTimer;
    QTimer m_idleTimer;
    QElapsedTimer m_clock;
    bool m_accepting = true;
    quint64 m_failovers = 0;
    quint64 m_moves = 0;
    quint64 m_parked = 0;
    Counter &m_failoverCounter;
    Counter &m_moveCounter;
};

} // namespace sm
