#pragma once

#include "worker.pb.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace sm {

// The runtime's end of one worker's `Attach` stream. grpc++ runs the stream on its own
// threads (a client bidi reactor with its own bounded write queue, one write in flight);
// everything the worker sends arrives here as Qt signals on the host thread. Sends a
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

    explicit WorkerConnection(Options options, QObject *parent = nullptr);
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
