#include "workerpool/workerconnection.h"

#include "worker.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QMutex>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>

namespace sm {

namespace v1 = worker::v1;

namespace {
// The runtime's clock for Ping/Pong round trips; only ever compared with itself.
qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}
// grpc++ 1.51 runs callback-API calls on a completion queue shared by all channels that
// made one, torn down when the last of them is destroyed. Destroying that last channel
// while the queue's thread is still finishing an OnDone aborts the process (seen on
// shutdown and on worker churn). One channel that made a call is therefore kept for the
// life of the process (deliberately never freed: static destructors run too late).
void keepCallbackQueueAlive(const std::shared_ptr<grpc::Channel> &channel)
{
    static std::once_flag once;
    std::call_once(once, [&channel] { new std::shared_ptr<grpc::Channel>(channel); });
}

} // namespace

// Lets gRPC threads post to the connection without racing its destruction: posting and
// detaching happen under one mutex, and Qt drops events still queued for a deleted object.
class WorkerConnection::Bridge {
public:
    explicit Bridge(WorkerConnection *target) : m_target(target) {}

    void post(std::function<void(WorkerConnection *)> function)
    {
        QMutexLocker lock(&m_mutex);
        if (!m_target)
            return;
        WorkerConnection *target = m_target;
        QMetaObject::invokeMethod(target, [target, function = std::move(function)] { function(target); },
                                  Qt::QueuedConnection);
    }
    void detach()
    {
        QMutexLocker lock(&m_mutex);
        m_target = nullptr;
    }

private:
    QMutex m_mutex;
    WorkerConnection *m_target;
};

// The Attach call. A hold keeps OnDone away while the host thread may still start writes;
// it is removed once reading has ended and no write is in flight. Owned jointly by the
// connection and, until OnDone, by itself; its last reference is dropped on the host
// thread, since a channel should not be destroyed inside one of its own callbacks.
class WorkerConnection::Call : public grpc::ClientBidiReactor<v1::RuntimeMessage, v1::WorkerMessage> {
public:
    Call(const QString &address, std::shared_ptr<Bridge> bridge, int maxQueued)
        : m_channel(grpc::CreateChannel(address.toStdString(), grpc::InsecureChannelCredentials()))
        , m_stub(v1::Worker::NewStub(m_channel))
        , m_bridge(std::move(bridge))
        , m_maxQueued(size_t(maxQueued))
    {
    }

    void start(std::shared_ptr<Call> self)
    {
        m_self = std::move(self);
        m_stub->async()->Attach(&m_context, this);
        keepCallbackQueueAlive(m_channel);
        AddHold();
        StartRead(&m_incoming);
        StartCall();
    }

    bool write(const v1::RuntimeMessage &message)
    {
        const v1::RuntimeMessage *next = nullptr;
        {
            QMutexLocker lock(&m_mutex);
            if (m_readingEnded || m_queue.size() >= m_maxQueued)
                return false;
            m_queue.push_back(message);
            next = takeNextWrite();
        }
        if (next)
            StartWrite(next); // outside the lock: a reaction may run before it returns
        return true;
    }

    void cancel() { m_context.TryCancel(); }

    void OnReadDone(bool ok) override
    {
        if (!ok) {
            bool idle = false;
            {
                QMutexLocker lock(&m_mutex);
                m_readingEnded = true;
                idle = !m_writing;
            }
            if (idle)
                releaseHold();
            return;
        }
        auto message = std::make_shared<const v1::WorkerMessage>(std::move(m_incoming));
        m_incoming.Clear();
        // Posted before the next read starts: that read may complete on another gRPC thread
        // at once, and posting after it would let its message overtake this one (seen:
        // replies journaled out of op_seq order, sessions then refused on failover).
        m_bridge->post([message](WorkerConnection *connection) { connection->deliver(message); });
        StartRead(&m_incoming);
    }

    void OnWriteDone(bool ok) override
    {
        const v1::RuntimeMessage *next = nullptr;
        bool idle = false;
        {
            QMutexLocker lock(&m_mutex);
            m_queue.pop_front();
            m_writing = false;
            if (!ok)
                m_readingEnded = true; // the stream is broken: accept no more writes
            if (m_readingEnded)
                m_queue.clear();
            next = takeNextWrite();
            idle = m_readingEnded && !m_writing;
        }
        if (next)
            StartWrite(next);
        if (idle)
            releaseHold();
    }

    void OnDone(const grpc::Status &status) override
    {
        const QString reason = status.ok() ? QStringLiteral("stream ended")
                                           : QString::fromStdString(status.error_message());
        m_bridge->post([reason](WorkerConnection *connection) { connection->onCallDone(reason); });
        std::shared_ptr<Call> last = std::move(m_self);
        if (QCoreApplication *app = QCoreApplication::instance())
            QMetaObject::invokeMethod(app, [last = std::move(last)] {}, Qt::QueuedConnection);
    }

private:
    // The message to write next, if no write is in flight; under m_mutex. Deque elements
    // stay where they are while others are added behind them.
    const v1::RuntimeMessage *takeNextWrite()
    {
        if (m_writing || m_queue.empty())
            return nullptr;
        m_writing = true;
        return &m_queue.front();
    }
    void releaseHold()
    {
        if (!m_holdReleased.exchange(true))
            RemoveHold();
    }

    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<v1::Worker::Stub> m_stub;
    grpc::ClientContext m_context;
    std::shared_ptr<Bridge> m_bridge;
    std::shared_ptr<Call> m_self;
    const size_t m_maxQueued;
    QMutex m_mutex;
    std::deque<v1::RuntimeMessage> m_queue; // front = the write in flight
    bool m_writing = false;
    bool m_readingEnded = false;
    std::atomic_bool m_holdReleased = false;
    v1::WorkerMessage m_incoming;
};

WorkerConnection::WorkerConnection(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_bridge(std::make_shared<Bridge>(this))
{
    m_pingTimer.setInterval(m_options.heartbeatIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, &WorkerConnection::sendPing);
}

WorkerConnection::~WorkerConnection()
{
    m_bridge->detach();
    if (m_call)
        m_call->cancel();
}

void WorkerConnection::open()
{
    m_call = std::make_shared<Call>(m_options.address, m_bridge, m_options.maxQueuedWrites);
    m_call->start(m_call);
    m_lastPongMs = QDateTime::currentMSecsSinceEpoch();
    v1::RuntimeMessage hello;
    hello.mutable_hello()->set_runtime_id(m_options.runtimeId.toStdString());
    hello.mutable_hello()->set_heartbeat_interval_ms(uint32_t(m_options.heartbeatIntervalMs));
    hello.mutable_hello()->set_snapshot_interval_ms(uint32_t(m_options.snapshotIntervalMs));
    send(hello);
    m_pingTimer.start();
}

bool WorkerConnection::send(const v1::RuntimeMessage &message)
{
    return m_call && m_call->write(message);
}

void WorkerConnection::close()
{
    m_pingTimer.stop();
    if (m_call)
        m_call->cancel();
}

qint64 WorkerConnection::heartbeatAgeMs() const
{
    return QDateTime::currentMSecsSinceEpoch() - m_lastPongMs;
}

void WorkerConnection::deliver(const std::shared_ptr<const v1::WorkerMessage> &message)
{
    switch (message->body_case()) {
    case v1::WorkerMessage::kWelcome:
        m_welcome = message->welcome();
        m_welcomed = true;
        emit welcomed();
        return;
    case v1::WorkerMessage::kPong:
        m_lastPongMs = QDateTime::currentMSecsSinceEpoch();
        m_rttMs = double(nowUs() - message->pong().sent_at_us()) / 1000.0;
        return;
    default:
        emit received(message);
    }
}

void WorkerConnection::onCallDone(const QString &reason)
{
    m_pingTimer.stop();
    m_call.reset();
    if (m_closedSignalled)
        return;
    m_closedSignalled = true;
    emit closed(reason);
}

void WorkerConnection::sendPing()
{
    v1::RuntimeMessage ping;
    ping.mutable_ping()->set_seq(++m_pingSeq);
    ping.mutable_ping()->set_sent_at_us(nowUs());
    send(ping);
}

} // namespace sm
