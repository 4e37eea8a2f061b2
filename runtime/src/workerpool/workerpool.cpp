#include "workerpool/workerpool.h"

#include "sessions/sessionids.h"
#include "workerpool/localworker.h"
#include "workerpool/workerconnection.h"
#include "workerpool/workerstats.h"
#include "rpc/completionqueuethread.h"

#include <sm/logger.h>
#include <sm/metrics.h>
#include <sm/streamhub.h>

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>

#include <algorithm>

namespace sm {

namespace v1 = worker::v1;

namespace {

constexpr int kFirstRelaunchDelayMs = 100;
constexpr int kMaxRelaunchDelayMs = 5000;
// A worker that stayed up this long has its relaunch backoff forgiven.
constexpr qint64 kStableAfterMs = 10000;
constexpr qint64 kStartupTimeoutMs = 15000;
constexpr int kLocalIdMax = 256;

QString localId(int slot)
{
    return QStringLiteral("local-%1").arg(slot);
}

QByteArray bytesOf(const std::string &bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

Error replyError(const v1::Reply &reply)
{
    const QString message = QString::fromStdString(reply.error_message());
    if (reply.error_code() == "bad_request")
        return makeError(ErrorCode::BadRequest, message);
    // "not_found": the worker does not hold the session, which the pool never intends.
    if (reply.error_code() == "not_found")
        return makeError(ErrorCode::Unavailable, QStringLiteral("the session's worker lost it; retry"));
    return makeError(ErrorCode::Internal, message);
}

void answerLater(QObject *context, Callback<QJsonObject> done, Error error)
{
    QMetaObject::invokeMethod(context, [done = std::move(done), error = std::move(error)] { done(error); },
                              Qt::QueuedConnection);
}

} // namespace

struct WorkerPool::Worker {
    QString id;
    QString address;
    bool local = false;
    WorkerStatus::State state = WorkerStatus::State::Starting;
    bool retiring = false; // scaled away: stopped once its sessions have moved
    bool drained = false;  // kept out of the ring on an operator's request
    bool restarting = false; // an operator's restart: stopped once its sessions are handed over
    std::unique_ptr<LocalWorker> process;
    std::unique_ptr<WorkerConnection> connection;
    std::unique_ptr<WorkerStats> stats;
    qint64 pid = 0;
    int restarts = 0;
    int relaunchAttempt = 0;
    qint64 startedAtMs = 0;
    qint64 liveSinceMs = 0;

    bool isConnected() const { return connection && connection->isWelcomed() && state != WorkerStatus::State::Dead; }
};

struct WorkerPool::PoolSession {
    enum class Phase { Parked, Assigning, Active, Releasing };

    QString id;
    quint64 seed = 0;
    Phase phase = Phase::Parked;
    QString worker; // the worker holding it, unless parked
    ReleaseIntent intent = ReleaseIntent::Move;
    SessionJournal journal;
    std::deque<quint64> waiting;  // calls not sent yet, in arrival order
    std::deque<quint64> inFlight; // sent to `worker`, no reply yet
    qint64 lastUsedMs = 0;
};

struct WorkerPool::Call {
    QString sessionId;
    QByteArray body;
    QString requestId;
    Callback<QJsonObject> done;
    qint64 startedNs = 0;
    qint64 deadlineMs = 0;
    bool answered = false;
};

WorkerPool::WorkerPool(Options options, StreamHub &streams, Logger &logger, Metrics &metrics)
    : m_options(std::move(options))
    , m_streams(streams)
    , m_logger(logger)
    , m_metrics(metrics)
    , m_router(m_options.loadFactor)
    , m_linkQueue(std::make_unique<CompletionQueueThread>(std::make_unique<grpc::CompletionQueue>(), "sm-link-cq"))
    , m_failoverCounter(metrics.counter("sm_worker_failovers_total", "Workers lost with their sessions moved"))
    , m_moveCounter(metrics.counter("sm_worker_moved_sessions_total", "Sessions moved to another worker"))
{
    m_linkQueue->start();
    m_clock.start();
    m_heartbeatTimer.setInterval(m_options.heartbeatIntervalMs);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &WorkerPool::checkHeartbeats);
    m_expiryTimer.setInterval(std::clamp(m_options.requestTimeoutMs / 4, 10, 250));
    connect(&m_expiryTimer, &QTimer::timeout, this, &WorkerPool::expireCalls);
    m_idleTimer.setInterval(int(std::clamp<qint64>(m_options.idleTimeoutMs / 4, 250, 60000)));
    connect(&m_idleTimer, &QTimer::timeout, this, &WorkerPool::deactivateIdle);
}

WorkerPool::~WorkerPool()
{
    m_accepting = false;
    for (auto &[id, worker] : m_workers) {
        if (worker->connection)
            worker->connection->disconnect(this);
        if (worker->process)
            worker->process->disconnect(this);
    }
}

void WorkerPool::start()
{
    for (int slot = 1; slot <= m_options.localWorkers; ++slot)
        launch(addWorker(localId(slot), QString(), true));
    for (const QString &address : std::as_const(m_options.remoteAddresses))
        connectTo(addWorker(address, address, false), address);
    m_heartbeatTimer.start();
    m_expiryTimer.start();
    if (m_options.idleTimeoutMs > 0)
        m_idleTimer.start();
}

// ---- Workers ----------------------------------------------------------------------

WorkerPool::Worker &WorkerPool::addWorker(const QString &id, const QString &address, bool local)
{
    auto worker = std::make_unique<Worker>();
    worker->id = id;
    worker->address = address;
    worker->local = local;
    worker->stats = std::make_unique<WorkerStats>(m_metrics, id);
    return *m_workers.insert_or_assign(id, std::move(worker)).first->second;
}

void WorkerPool::launch(Worker &worker)
{
    const QString id = worker.id;
    worker.state = WorkerStatus::State::Starting;
    worker.startedAtMs = m_clock.elapsed();
    LocalWorker::Options options;
    options.program = m_options.program;
    options.arguments = QStringList{QStringLiteral("worker"), QStringLiteral("--listen"),
                                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--backend"),
                                    m_options.backend}
        + m_options.forwardedArguments
        + QStringList{QStringLiteral("--set"), QStringLiteral("log_level=") + m_options.workerLogLevel};
    discardProcess(worker);
    worker.process = std::make_unique<LocalWorker>(id, options, m_logger);
    connect(worker.process.get(), &LocalWorker::listening, this, [this, id](quint16 port) {
        if (auto found = m_workers.find(id); found != m_workers.end())
            connectTo(*found->second, QStringLiteral("127.0.0.1:%1").arg(port));
    });
    connect(worker.process.get(), &LocalWorker::exited, this, [this, id](const QString &reason) {
        onWorkerLost(id, reason);
        auto found = m_workers.find(id);
        if (found != m_workers.end() && found->second->retiring) {
            discardProcess(*found->second); // we are inside its signal
            m_workers.erase(found);
            m_logger.info("worker stopped", {{"worker", id}});
        }
    });
    worker.process->start();
}

void WorkerPool::connectTo(Worker &worker, const QString &address)
{
    const QString id = worker.id;
    worker.address = address;
    WorkerConnection::Options options;
    options.address = address;
    options.runtimeId = m_options.runtimeId;
    options.heartbeatIntervalMs = m_options.heartbeatIntervalMs;
    options.snapshotIntervalMs = m_options.snapshotIntervalMs;
    worker.connection = std::make_unique<WorkerConnection>(options, *m_linkQueue);
    WorkerConnection *connection = worker.connection.get();
    connect(connection, &WorkerConnection::welcomed, this, [this, id] {
        if (auto found = m_workers.find(id); found != m_workers.end())
            onWelcomed(*found->second);
    });
    connect(connection, &WorkerConnection::received, this,
            [this, id](const std::shared_ptr<const v1::WorkerMessage> &message) { onMessage(id, *message); });
    connect(connection, &WorkerConnection::closed, this, [this, id](const QString &reason) {
        onWorkerLost(id, QStringLiteral("stream closed: ") + reason);
    });
    connection->open();
}

void WorkerPool::onWelcomed(Worker &worker)
{
    worker.state = worker.drained || worker.retiring ? WorkerStatus::State::Draining : WorkerStatus::State::Live;
    worker.liveSinceMs = m_clock.elapsed();
    worker.pid = worker.local && worker.process ? worker.process->pid() : 0;
    m_logger.info("worker live", {{"worker", worker.id},
                                  {"address", worker.address},
                                  {"pid", worker.pid},
                                  {"backend", QString::fromStdString(worker.connection->welcome().backend())}});
    updateRing();
}

// Process exit, a closed stream or missed heartbeats: whichever comes first.
void WorkerPool::onWorkerLost(const QString &workerId, const QString &reason)
{
    auto found = m_workers.find(workerId);
    if (found == m_workers.end() || found->second->state == WorkerStatus::State::Dead)
        return;
    Worker &worker = *found->second;
    const bool wasUp = worker.liveSinceMs > 0 && worker.state != WorkerStatus::State::Starting;
    worker.state = WorkerStatus::State::Dead;
    if (worker.restarting) { // the loss did what the operator asked for
        worker.restarting = false;
        worker.drained = false;
    }
    if (worker.connection) {
        worker.connection->disconnect(this);
        worker.connection->close();
        worker.connection.release()->deleteLater(); // we may be inside its signal
    }
    if (worker.process)
        worker.process->kill(); // a hung worker: it must not come back to life
    if (!m_accepting)
        return;
    m_logger.warning("worker lost", {{"worker", workerId}, {"reason", reason}});
    if (wasUp && m_clock.elapsed() - worker.liveSinceMs > kStableAfterMs)
        worker.relaunchAttempt = 0;
    worker.liveSinceMs = 0;

    QStringList orphans;
    qsizetype droppedEvents = 0;
    for (auto &[id, session] : m_sessions) {
        if (session.worker != workerId || session.phase == PoolSession::Phase::Parked)
            continue;
        // Unanswered requests were not acknowledged: they go first on the next worker.
        droppedEvents += session.journal.dropHeld();
        for (auto call = session.inFlight.rbegin(); call != session.inFlight.rend(); ++call) {
            if (m_calls.at(*call).answered)
                m_calls.erase(*call); // its caller already had a 503
            else
                session.waiting.push_front(*call);
        }
        session.inFlight.clear();
        const bool idleRelease = session.phase == PoolSession::Phase::Releasing
            && session.intent == ReleaseIntent::Idle;
        session.phase = PoolSession::Phase::Parked;
        session.worker.clear();
        if (!idleRelease)
            orphans.append(id);
    }
    if (!orphans.isEmpty()) {
        ++m_failovers;
        m_failoverCounter.increment();
    }
    if (droppedEvents > 0) // never published: their operations run again on the next worker
        m_logger.info("events of incomplete operations dropped",
                      {{"worker", workerId}, {"events", qint64(droppedEvents)}});
    updateRing();
    for (const QString &id : std::as_const(orphans)) {
        auto session = m_sessions.find(id);
        if (session == m_sessions.end() || session->second.phase != PoolSession::Phase::Parked)
            continue;
        ++m_moves;
        m_moveCounter.increment();
        place(session->second);
    }
    if (!worker.retiring)
        scheduleRelaunch(worker);
}

// A stream that refuses writes is broken; its loss is handled from the event loop, not
// in the middle of whatever was sending.
void WorkerPool::loseLater(const QString &workerId)
{
    QMetaObject::invokeMethod(this, [this, workerId] { onWorkerLost(workerId, QStringLiteral("stream not writable")); },
                              Qt::QueuedConnection);
}

void WorkerPool::discardProcess(Worker &worker)
{
    if (!worker.process)
        return;
    worker.process->disconnect(this); // a late exit must not be taken for the next incarnation's
    worker.process.release()->deleteLater();
}

void WorkerPool::scheduleRelaunch(Worker &worker)
{
    const int delay = std::min(kMaxRelaunchDelayMs, kFirstRelaunchDelayMs << std::min(worker.relaunchAttempt, 10));
    ++worker.relaunchAttempt;
    const QString id = worker.id;
    QTimer::singleShot(delay, this, [this, id] {
        auto found = m_workers.find(id);
        if (!m_accepting || found == m_workers.end() || found->second->state != WorkerStatus::State::Dead
            || found->second->retiring)
            return;
        Worker &worker = *found->second;
        ++worker.restarts;
        worker.stats->recordRestart();
        m_logger.info("worker restarting", {{"worker", id}, {"restarts", worker.restarts}});
        if (worker.local) {
            launch(worker);
        } else {
            worker.state = WorkerStatus::State::Starting;
            worker.startedAtMs = m_clock.elapsed();
            connectTo(worker, worker.address);
        }
    });
}

// A worker scaled away (retiring) or restarted by an operator is stopped once its last
// session has been handed over. A restarting one then comes back through its loss handling
// (relaunch, or reconnect for a remote one), which gives it back its share of the ring.
void WorkerPool::stopIfEmpty(Worker &worker)
{
    const bool leaving = worker.retiring || worker.restarting;
    if (!leaving || worker.state == WorkerStatus::State::Dead || sessionsOn(worker.id) > 0)
        return;
    if (worker.restarting) {
        worker.relaunchAttempt = 0;
        const QString id = worker.id;
        // Not from inside updateRing()'s walk over the workers.
        QMetaObject::invokeMethod(this, [this, id] { onWorkerLost(id, QStringLiteral("restart requested")); },
                                  Qt::QueuedConnection);
        return;
    }
    worker.state = WorkerStatus::State::Dead;
    if (worker.connection) {
        worker.connection->disconnect(this);
        worker.connection->close();
        worker.connection.release()->deleteLater();
    }
    if (worker.process)
        worker.process->stop(); // its exit removes it
}

void WorkerPool::checkHeartbeats()
{
    const qint64 limitMs = qint64(m_options.heartbeatIntervalMs) * m_options.heartbeatMisses;
    QStringList hung;
    for (auto &[id, worker] : m_workers) {
        const qint64 age = worker->isConnected() ? worker->connection->heartbeatAgeMs() : 0;
        worker->stats->setHeartbeatAgeMs(age);
        worker->stats->setSessions(m_router.load(id));
        worker->stats->setRingShare(m_router.share(id));
        const bool starving = worker->isConnected() && age > limitMs;
        const bool stuckStarting = worker->state == WorkerStatus::State::Starting
            && m_clock.elapsed() - worker->startedAtMs > kStartupTimeoutMs;
        if (starving || stuckStarting)
            hung.append(id);
    }
    for (const QString &id : std::as_const(hung))
        onWorkerLost(id, QStringLiteral("no heartbeat"));
}

WorkerPool::Worker *WorkerPool::liveWorker(const QString &id) const
{
    auto found = m_workers.find(id);
    return found != m_workers.end() && found->second->isConnected() ? found->second.get() : nullptr;
}

QStringList WorkerPool::ringMembers() const
{
    QStringList members;
    for (const auto &[id, worker] : m_workers) {
        if (worker->state == WorkerStatus::State::Live && worker->isConnected())
            members.append(id);
    }
    return members;
}

// Applies the live set to the router and moves what it says must move.
void WorkerPool::updateRing()
{
    const QList<SessionMove> moves = m_router.setWorkers(ringMembers());
    for (const SessionMove &move : moves) {
        auto session = m_sessions.find(move.sessionId);
        if (session != m_sessions.end())
            reconcile(session->second);
    }
    for (auto &[id, session] : m_sessions) {
        if (session.phase == PoolSession::Phase::Parked && !session.waiting.empty())
            place(session);
    }
    for (auto &[id, worker] : m_workers)
        stopIfEmpty(*worker);
}

int WorkerPool::sessionsOn(const QString &workerId) const
{
    return int(std::count_if(m_sessions.begin(), m_sessions.end(), [&workerId](const auto &entry) {
        return entry.second.worker == workerId && entry.second.phase != PoolSession::Phase::Parked;
    }));
}

// ---- Messages from workers ----------------------------------------------------------

void WorkerPool::onMessage(const QString &workerId, const v1::WorkerMessage &message)
{
    switch (message.body_case()) {
    case v1::WorkerMessage::kReply:
        return onReply(workerId, message.reply());
    case v1::WorkerMessage::kEvent:
        return onEvent(workerId, message.event());
    case v1::WorkerMessage::kEventBatch:
        for (const v1::Event &event : message.event_batch().events())
            onEvent(workerId, event);
        return;
    case v1::WorkerMessage::kSnapshot:
        return onSnapshot(workerId, message.snapshot());
    case v1::WorkerMessage::kAssigned:
        return onAssigned(workerId, message.assigned());
    case v1::WorkerMessage::kReleased:
        return onReleased(workerId, message.released());
    default:
        return;
    }
}

void WorkerPool::onReply(const QString &workerId, const v1::Reply &reply)
{
    auto found = m_calls.find(reply.call_id());
    if (found == m_calls.end())
        return;
    Call call = std::move(found->second);
    m_calls.erase(found);
    PoolSession *session = sessionOn(workerId, reply.session_id());
    if (session) {
        std::erase(session->inFlight, reply.call_id());
        if (reply.op_seq() > 0)
            publish(*session, session->journal.recordReply(reply.op_seq(), call.body));
    }
    if (Worker *worker = liveWorker(workerId)) {
        const qint64 now = m_clock.elapsed();
        worker->stats->recordRequest(double(m_clock.nsecsElapsed() - call.startedNs) / 1e6, now);
    }
    if (call.answered)
        return;
    if (!reply.ok())
        return call.done(replyError(reply));
    call.done(QJsonDocument::fromJson(bytesOf(reply.body_json())).object());
}

void WorkerPool::onEvent(const QString &workerId, const v1::Event &event)
{
    PoolSession *session = sessionOn(workerId, event.session_id());
    if (!session)
        return;
    publish(*session, session->journal.recordEvent(event.op_seq(), bytesOf(event.type()), bytesOf(event.data_json()),
                                                   event.last_of_op(), !session->inFlight.empty()));
}

void WorkerPool::onSnapshot(const QString &workerId, const v1::Snapshot &snapshot)
{
    if (PoolSession *session = sessionOn(workerId, snapshot.session_id()))
        publish(*session, session->journal.recordSnapshot(bytesOf(snapshot.snapshot()), snapshot.op_seq(),
                                                          !session->inFlight.empty()));
}

void WorkerPool::onAssigned(const QString &workerId, const v1::Assigned &assigned)
{
    PoolSession *session = sessionOn(workerId, assigned.session_id());
    if (!session || session->phase != PoolSession::Phase::Assigning)
        return;
    if (assigned.ok()) {
        session->phase = PoolSession::Phase::Active;
        pump(*session);
        reconcile(*session); // the ring may have changed meanwhile
        return;
    }
    const QString why = QString::fromStdString(assigned.error_message());
    m_logger.error("worker refused a session", {{"worker", workerId}, {"session_id", session->id}, {"error", why}});
    session->phase = PoolSession::Phase::Parked;
    session->worker.clear();
    m_router.forget(session->id);
    for (quint64 id : std::exchange(session->waiting, {})) {
        answer(m_calls.at(id), makeError(ErrorCode::Internal, QStringLiteral("the back-end could not be activated: ") + why));
        m_calls.erase(id);
    }
}

void WorkerPool::onReleased(const QString &workerId, const v1::Released &released)
{
    PoolSession *session = sessionOn(workerId, released.session_id());
    if (!session || session->phase != PoolSession::Phase::Releasing)
        return;
    publish(*session, session->journal.recordReleased(bytesOf(released.snapshot()), released.op_seq()));
    session->phase = PoolSession::Phase::Parked;
    session->worker.clear();
    if (session->intent == ReleaseIntent::Move || !session->waiting.empty())
        place(*session);
    if (auto worker = m_workers.find(workerId); worker != m_workers.end())
        stopIfEmpty(*worker->second);
}

void WorkerPool::publish(const PoolSession &session, const QList<SessionJournal::HeldEvent> &events)
{
    for (const SessionJournal::HeldEvent &event : events)
        m_streams.publish(session.id, event.type, event.data);
}

// ---- Sessions -------------------------------------------------------------------------

WorkerPool::PoolSession *WorkerPool::sessionOn(const QString &workerId, const std::string &sessionId)
{
    auto found = m_sessions.find(QString::fromStdString(sessionId));
    if (found == m_sessions.end() || found->second.worker != workerId
        || found->second.phase == PoolSession::Phase::Parked)
        return nullptr;
    return &found->second;
}

void WorkerPool::place(PoolSession &session)
{
    Worker *worker = liveWorker(m_router.route(session.id));
    if (worker) // else it waits for a worker to come up (its requests time out meanwhile)
        assignTo(session, *worker);
}

void WorkerPool::assignTo(PoolSession &session, Worker &worker)
{
    session.phase = PoolSession::Phase::Assigning;
    session.worker = worker.id;
    v1::RuntimeMessage message;
    *message.mutable_assign() = session.journal.assignMessage(session.id, session.seed);
    if (!worker.connection->send(message))
        loseLater(worker.id);
}

void WorkerPool::releaseFrom(PoolSession &session, ReleaseIntent intent)
{
    Worker *worker = liveWorker(session.worker);
    session.phase = PoolSession::Phase::Releasing;
    session.intent = intent;
    if (!worker)
        return; // its death handling moves the session
    v1::RuntimeMessage message;
    message.mutable_release()->set_session_id(session.id.toStdString());
    message.mutable_release()->set_discard(intent == ReleaseIntent::Discard);
    if (!worker->connection->send(message))
        loseLater(worker->id);
}

// Brings a session to where the router now places it: an active one is drained from
// its worker (Release → Released → Assign), a parked one with requests is assigned.
void WorkerPool::reconcile(PoolSession &session)
{
    const QString target = m_router.workerOf(session.id);
    if (target.isEmpty())
        return;
    if (session.phase == PoolSession::Phase::Active && session.worker != target) {
        ++m_moves;
        m_moveCounter.increment();
        releaseFrom(session, ReleaseIntent::Move);
    } else if (session.phase == PoolSession::Phase::Parked && !session.waiting.empty()) {
        place(session);
    }
}

void WorkerPool::pump(PoolSession &session)
{
    Worker *worker = session.phase == PoolSession::Phase::Active ? liveWorker(session.worker) : nullptr;
    while (worker && !session.waiting.empty()) {
        const quint64 callId = session.waiting.front();
        session.waiting.pop_front();
        const Call &call = m_calls.at(callId);
        v1::RuntimeMessage message;
        v1::Request *request = message.mutable_request();
        request->set_call_id(callId);
        request->set_session_id(session.id.toStdString());
        request->set_body_json(call.body.constData(), size_t(call.body.size()));
        request->set_request_id(call.requestId.toStdString());
        session.inFlight.push_back(callId);
        if (!worker->connection->send(message)) {
            loseLater(worker->id); // sent or not, it is in flight: the loss requeues it
            return;
        }
    }
}

void WorkerPool::deactivateIdle()
{
    const qint64 cutoff = m_clock.elapsed() - m_options.idleTimeoutMs;
    for (auto &[id, session] : m_sessions) {
        if (session.phase != PoolSession::Phase::Active || session.lastUsedMs >= cutoff
            || !session.waiting.empty() || !session.inFlight.empty())
            continue;
        if (m_options.isWatched && m_options.isWatched(id)) {
            session.lastUsedMs = m_clock.elapsed();
            continue;
        }
        ++m_parked;
        m_router.forget(id);
        releaseFrom(session, ReleaseIntent::Idle);
    }
}

void WorkerPool::request(const Session &session, const QJsonObject &body, const QString &requestId,
                         Callback<QJsonObject> done)
{
    if (!m_accepting)
        return answerLater(this, std::move(done), makeError(ErrorCode::Unavailable, "the runtime is shutting down"));
    auto [entry, created] = m_sessions.try_emplace(session.id);
    PoolSession &pooled = entry->second;
    if (created) {
        pooled.id = session.id;
        pooled.seed = SessionIds::seedFor(session.id);
    }
    if (qsizetype(pooled.waiting.size()) >= m_options.maxWaitingPerSession)
        return answerLater(this, std::move(done),
                           makeError(ErrorCode::Unavailable, "too many requests wait for this session's worker"));
    const quint64 callId = m_nextCallId++;
    Call call;
    call.sessionId = session.id;
    call.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call.requestId = requestId;
    call.done = std::move(done);
    call.startedNs = m_clock.nsecsElapsed();
    call.deadlineMs = m_clock.elapsed() + m_options.requestTimeoutMs;
    m_calls.emplace(callId, std::move(call));
    pooled.waiting.push_back(callId);
    pooled.lastUsedMs = m_clock.elapsed();
    if (pooled.phase == PoolSession::Phase::Parked)
        place(pooled);
    else
        pump(pooled);
}

void WorkerPool::release(const QString &sessionId)
{
    auto found = m_sessions.find(sessionId);
    if (found == m_sessions.end())
        return;
    PoolSession &session = found->second;
    for (quint64 id : session.waiting) {
        Call &call = m_calls.at(id);
        answerLater(this, std::move(call.done), makeError(ErrorCode::NotFound, "the session has ended"));
        m_calls.erase(id);
    }
    session.waiting.clear();
    if (session.phase != PoolSession::Phase::Parked)
        releaseFrom(session, ReleaseIntent::Discard);
    const QString workerId = session.worker;
    m_router.forget(sessionId);
    m_sessions.erase(found);
    if (auto worker = m_workers.find(workerId); worker != m_workers.end())
        stopIfEmpty(*worker->second);
}

bool WorkerPool::isAvailable() const
{
    return std::any_of(m_workers.begin(), m_workers.end(), [](const auto &entry) {
        return entry.second->state == WorkerStatus::State::Live;
    });
}

// ---- Calls ----------------------------------------------------------------------------

void WorkerPool::answer(Call &call, Result<QJsonObject> result)
{
    if (call.answered)
        return;
    call.answered = true;
    call.done(std::move(result));
}

// Calls carry equal timeouts, so deadlines follow call ids: stop at the first one not due.
void WorkerPool::expireCalls()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_calls.begin(); it != m_calls.end() && it->second.deadlineMs <= now;) {
        Call &call = it->second;
        if (call.answered) {
            ++it;
            continue;
        }
        answer(call, makeError(ErrorCode::Unavailable, "the session's worker did not answer in time"));
        auto session = m_sessions.find(call.sessionId);
        const bool waiting = session != m_sessions.end()
            && std::find(session->second.waiting.begin(), session->second.waiting.end(), it->first)
                != session->second.waiting.end();
        if (waiting) { // never sent: it will not be
            std::erase(session->second.waiting, it->first);
            it = m_calls.erase(it);
        } else {
            ++it; // sent: its reply, if any, must still be journaled
        }
    }
}

bool WorkerPool::hasUnansweredCalls() const
{
    return std::any_of(m_calls.begin(), m_calls.end(), [](const auto &entry) { return !entry.second.answered; });
}

// ---- Directory and scaling --------------------------------------------------------------

QList<WorkerStatus> WorkerPool::workers() const
{
    const qint64 now = m_clock.elapsed();
    QList<WorkerStatus> statuses;
    for (const auto &[id, worker] : m_workers) {
        WorkerStatus status;
        status.id = id;
        status.address = worker->address;
        status.pid = worker->local ? worker->pid : 0;
        status.state = worker->state;
        status.sessions = sessionsOn(id);
        status.requestsPerSecond = worker->stats->requestsPerSecond(now);
        status.p99RequestMs = worker->stats->p99RequestMs(now);
        status.heartbeatAgeMs = worker->isConnected() ? worker->connection->heartbeatAgeMs() : 0;
        status.restarts = worker->restarts;
        status.ringShare = m_router.share(id);
        statuses.append(status);
    }
    return statuses;
}

Result<void> WorkerPool::drain(const QString &workerId)
{
    auto found = m_workers.find(workerId);
    if (found == m_workers.end())
        return makeError(ErrorCode::NotFound, QStringLiteral("no worker %1").arg(workerId));
    Worker &worker = *found->second;
    worker.drained = true;
    if (worker.state == WorkerStatus::State::Live)
        worker.state = WorkerStatus::State::Draining;
    updateRing();
    return {};
}

Result<void> WorkerPool::restart(const QString &workerId)
{
    auto found = m_workers.find(workerId);
    if (found == m_workers.end())
        return makeError(ErrorCode::NotFound, QStringLiteral("no worker %1").arg(workerId));
    Worker &worker = *found->second;
    if (worker.retiring)
        return makeError(ErrorCode::IllegalTransition, QStringLiteral("worker %1 is being removed").arg(workerId));
    worker.relaunchAttempt = 0;
    if (worker.isConnected()) { // hand its sessions over first, as a drain does
        worker.restarting = true;
        worker.state = WorkerStatus::State::Draining;
        updateRing();
        return {};
    }
    worker.drained = false;
    if (worker.process)
        worker.process->kill(); // its exit moves the sessions and relaunches it
    else
        onWorkerLost(workerId, QStringLiteral("restart requested"));
    return {};
}

QString WorkerPool::workerOf(const QString &sessionId) const
{
    auto found = m_sessions.find(sessionId);
    return found == m_sessions.end() ? QString() : found->second.worker;
}

int WorkerPool::localWorkerCount() const
{
    return int(std::count_if(m_workers.begin(), m_workers.end(), [](const auto &entry) {
        return entry.second->local && !entry.second->retiring;
    }));
}

Result<void> WorkerPool::setLocalWorkerCount(int count)
{
    if (count < 0 || count > kLocalIdMax)
        return makeError(ErrorCode::BadRequest, QStringLiteral("count must be between 0 and %1").arg(kLocalIdMax));
    if (!m_accepting)
        return makeError(ErrorCode::Unavailable, "the runtime is shutting down");
    int current = localWorkerCount();
    for (int slot = 1; current < count && slot <= kLocalIdMax; ++slot) {
        if (m_workers.count(localId(slot)))
            continue;
        launch(addWorker(localId(slot), QString(), true));
        ++current;
    }
    for (int slot = kLocalIdMax; current > count && slot >= 1; --slot) {
        auto found = m_workers.find(localId(slot));
        if (found == m_workers.end() || found->second->retiring)
            continue;
        Worker &worker = *found->second;
        worker.retiring = true;
        --current;
        if (worker.state == WorkerStatus::State::Live || worker.state == WorkerStatus::State::Draining) {
            worker.state = WorkerStatus::State::Draining;
        } else if (worker.process && worker.process->isRunning()) {
            worker.process->kill(); // never came up: nothing to drain; its exit removes it
        } else {
            discardProcess(worker); // down, waiting to be relaunched
            m_workers.erase(found);
        }
    }
    m_logger.info("local worker count changed", {{"count", count}});
    updateRing();
    return {};
}

void WorkerPool::shutdown(std::chrono::milliseconds grace)
{
    m_accepting = false;
    m_idleTimer.stop();
    spinUntil([this] { return !hasUnansweredCalls(); }, grace);
    for (auto &[id, call] : m_calls)
        answer(call, makeError(ErrorCode::Unavailable, "the runtime is shutting down"));
    m_calls.clear();
    m_heartbeatTimer.stop();
    m_expiryTimer.stop();
    for (auto &[id, worker] : m_workers) {
        worker->state = WorkerStatus::State::Dead;
        if (worker->connection)
            worker->connection->close();
        if (worker->process)
            worker->process->stop(); // SIGTERM, SIGKILL after its grace
    }
    spinUntil([this] {
        return std::none_of(m_workers.begin(), m_workers.end(), [](const auto &entry) {
            return entry.second->process && entry.second->process->isRunning();
        });
    }, grace + std::chrono::milliseconds(500));
}

// Shutdown only: the host is stopping, yet replies and process exits still arrive
// through the event loop, so it keeps running here (bounded) instead of blocking.
void WorkerPool::spinUntil(const std::function<bool()> &done, std::chrono::milliseconds limit)
{
    if (done())
        return;
    QEventLoop loop;
    QTimer poll;
    const QDeadlineTimer deadline(limit);
    connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || deadline.hasExpired())
            loop.quit();
    });
    poll.start(10);
    loop.exec();
}

} // namespace sm
