#include "workerpool/workerconnection.h"

#include "rpc/completionqueuethread.h"
#include "rpc/completiontag.h"

#include "worker.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QMutex>

#include <chrono>
#include <deque>
#include <functional>

namespace sm {

namespace v1 = worker::v1;

namespace {
// The runtime's clock for Ping/Pong round trips; only ever compared with itself.
qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
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

// The Attach call on the pool's completion queue. Reads, writes and Finish() complete on
// the queue's thread; writes are started by whichever thread finds none in flight. Once
// reading has ended (the worker finished, the stream broke, or it was cancelled) and no
// write is in flight, Finish() collects the status; its completion is the call's last
// operation. Owned jointly by the connection and, until then, by itself; its last
// reference is dropped on the host thread.
class WorkerConnection::Call {
public:
    Call(const QString &address, std::shared_ptr<Bridge> bridge, int maxQueued, CompletionQueueThread &queueThread)
        : m_channel(grpc::CreateChannel(address.toStdString(), grpc::InsecureChannelCredentials()))
        , m_stub(v1::Worker::NewStub(m_channel))
        , m_bridge(std::move(bridge))
        , m_maxQueued(size_t(maxQueued))
        , m_queueThread(queueThread)
        , m_startTag([this](bool ok) { started(ok); })
        , m_readTag([this](bool ok) { readDone(ok); })
        , m_writeTag([this](bool ok) { writeDone(ok); })
        , m_finishTag([this](bool) { finished(); })
    {
    }

    void start(std::shared_ptr<Call> self)
    {
        m_self = std::move(self);
        m_queueThread.acquire();
        m_stream = m_stub->PrepareAsyncAttach(&m_context, &m_queueThread.queue());
        m_stream->StartCall(m_startTag.tag());
    }

    bool write(const v1::RuntimeMessage &message)
    {
        const v1::RuntimeMessage *next = nullptr;
        {
            QMutexLocker lock(&m_mutex);
            if (m_closed || m_queue.size() >= m_maxQueued)
                return false;
            m_queue.push_back(message);
            next = takeNextWrite();
        }
        if (next)
            m_stream->Write(*next, m_writeTag.tag()); // outside the lock: it may complete at once
        return true;
    }

    void cancel() { m_context.TryCancel(); }

private:
    void started(bool ok)
    {
        const v1::RuntimeMessage *next = nullptr;
        bool finish = false;
        {
            QMutexLocker lock(&m_mutex);
            m_started = true;
            if (ok) {
                next = takeNextWrite();
            } else {
                endReading();
                finish = takeFinish();
            }
        }
        if (!ok) {
            if (finish)
                startFinish();
            return;
        }
        m_stream->Read(&m_incoming, m_readTag.tag());
        if (next)
            m_stream->Write(*next, m_writeTag.tag());
    }

    void readDone(bool ok)
    {
        if (!ok) {
            bool finish = false;
            {
                QMutexLocker lock(&m_mutex);
                endReading();
                finish = takeFinish();
            }
            if (finish)
                startFinish();
            return;
        }
        auto message = std::make_shared<const v1::WorkerMessage>(std::move(m_incoming));
        m_incoming.Clear();
        // Posted before the next read starts, so messages reach the host thread in order.
        m_bridge->post([message](WorkerConnection *connection) { connection->deliver(message); });
        m_stream->Read(&m_incoming, m_readTag.tag());
    }

    void writeDone(bool ok)
    {
        const v1::RuntimeMessage *next = nullptr;
        bool finish = false;
        {
            QMutexLocker lock(&m_mutex);
            m_queue.pop_front();
            m_writing = false;
            if (!ok)
                m_closed = true; // the stream is broken: accept no more writes
            if (m_closed)
                m_queue.clear();
            next = takeNextWrite();
            finish = takeFinish();
        }
        if (next)
            m_stream->Write(*next, m_writeTag.tag());
        if (finish)
            startFinish();
    }

    void startFinish() { m_stream->Finish(&m_status, m_finishTag.tag()); }

    void finished()
    {
        const QString reason = m_status.ok() ? QStringLiteral("stream ended")
                                             : QString::fromStdString(m_status.error_message());
        m_bridge->post([reason](WorkerConnection *connection) { connection->onCallDone(reason); });
        CompletionQueueThread &queueThread = m_queueThread;
        std::shared_ptr<Call> last = std::move(m_self);
        if (QCoreApplication *app = QCoreApplication::instance())
            QMetaObject::invokeMethod(app, [last = std::move(last)] {}, Qt::QueuedConnection);
        queueThread.release(); // this call starts no more operations; it may be gone already
    }

    // Under m_mutex.
    void endReading()
    {
        m_readingEnded = true;
        m_closed = true;
        if (!m_writing)
            m_queue.clear();
    }
    // The message to write next, if the call has started and no write is in flight; under
    // m_mutex. Deque elements stay where they are while others are added behind them.
    const v1::RuntimeMessage *takeNextWrite()
    {
        if (!m_started || m_writing || m_queue.empty())
            return nullptr;
        m_writing = true;
        return &m_queue.front();
    }
    // Whether to call Finish() now; under m_mutex.
    bool takeFinish()
    {
        if (!m_readingEnded || m_writing || m_finishCalled)
            return false;
        m_finishCalled = true;
        return true;
    }

    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<v1::Worker::Stub> m_stub;
    grpc::ClientContext m_context;
    std::unique_ptr<grpc::ClientAsyncReaderWriter<v1::RuntimeMessage, v1::WorkerMessage>> m_stream;
    std::shared_ptr<Bridge> m_bridge;
    std::shared_ptr<Call> m_self;
    const size_t m_maxQueued;
    CompletionQueueThread &m_queueThread;
    CompletionTag m_startTag;
    CompletionTag m_readTag;
    CompletionTag m_writeTag;
    CompletionTag m_finishTag;
    grpc::Status m_status;
    v1::WorkerMessage m_incoming; // only touched on the queue's thread
    QMutex m_mutex;               // guards everything below
    std::deque<v1::RuntimeMessage> m_queue; // front = the write in flight
    bool m_started = false;
    bool m_writing = false;
    bool m_closed = false;
    bool m_readingEnded = false;
    bool m_finishCalled = false;
};

WorkerConnection::WorkerConnection(Options options, CompletionQueueThread &queueThread, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_queueThread(queueThread)
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
    m_call = std::make_shared<Call>(m_options.address, m_bridge, m_options.maxQueuedWrites, m_queueThread);
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
