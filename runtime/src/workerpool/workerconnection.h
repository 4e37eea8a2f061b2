#pragma once

#include "worker.pb.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace sm {

class CompletionQueueThread;

// The runtime's end of one worker's `Attach` stream, on grpc++'s async API: its
// operations complete on the pool's CompletionQueueThread (shared by all connections),
// it has its own bounded write queue with one write in flight, and everything the worker
// sends arrives here as Qt signals on the host thread. Sends a
// Hello first, then a Ping every heartbeat interval, and measures RTT and heartbeat age
// from the Pongs. Host thread only.
class WorkerConnection : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString address;              // host:port
        QString runtimeId;
        int heartbeatIntervalMs = 200;
        int snapshotIntervalMs = 1000;
        int maxQueuedWrites = 65536;  // beyond it send() refuses: the worker is not reading
    };

    // `queueThread` outlives the connection's call (see CompletionQueueThread::stop()).
    WorkerConnection(Options options, CompletionQueueThread &queueThread, QObject *parent = nullptr);
    ~WorkerConnection() override;

    void open();
    // Queues one message; false when the stream is closed or its queue is full.
    bool send(const worker::v1::RuntimeMessage &message);
    // Ends the stream; `closed` follows.
    void close();

    bool isWelcomed() const { return m_welcomed; }
    const worker::v1::Welcome &welcome() const { return m_welcome; }
    // Since the last Pong (or since open() before the first one).
    qint64 heartbeatAgeMs() const;
    double rttMs() const { return m_rttMs; }
    const QString &address() const { return m_options.address; }

signals:
    void welcomed();
    // Every message after the Welcome, in stream order (Pongs are consumed here).
    void received(const std::shared_ptr<const worker::v1::WorkerMessage> &message);
    void closed(const QString &reason);

private:
    class Call;
    class Bridge;

    void deliver(const std::shared_ptr<const worker::v1::WorkerMessage> &message);
    void onCallDone(const QString &reason);
    void sendPing();

    Options m_options;
    CompletionQueueThread &m_queueThread;
    std::shared_ptr<Bridge> m_bridge;
    std::shared_ptr<Call> m_call;
    QTimer m_pingTimer;
    worker::v1::Welcome m_welcome;
    bool m_welcomed = false;
    bool m_closedSignalled = false;
    quint64 m_pingSeq = 0;
    qint64 m_lastPongMs = 0;
    double m_rttMs = 0;
};

} // namespace sm
