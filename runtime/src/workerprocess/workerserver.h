#pragma once

#include "workerprocess/attachstream.h"
#include "workerprocess/runtimelink.h"
#include "workerprocess/workertotals.h"

#include <sm/result.h>

#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>
#include <unordered_map>

namespace grpc {
class Server;
}

namespace sm {

class BackendFactory;
class CompletionQueueThread;
class Logger;

// The gRPC side of a worker process: serves sm.worker.v1.Worker with grpc++'s async API
// on one owned thread (CompletionQueueThread) and keeps every back-end instance on the Qt
// thread (one RuntimeLink per Attach stream).
// One timer ticks every instance of every link once per back-end tick interval, spread
// over the interval in slices (SliceSchedule).
class WorkerServer : public QObject, private AttachStream::Listener {
    Q_OBJECT
public:
    struct Options {
        QString listenAddress;                   // host:port; port 0 picks a free one
        QString backendId;                       // reported in Welcome
        qint64 maxQueuedBytes = qint64(64) << 20; // per stream, see AttachStream::Endpoint
    };

    WorkerServer(BackendFactory &factory, Options options, Logger &logger);
    ~WorkerServer() override;

    // Binds and starts serving; the port actually bound.
    Result<quint16> start();
    // Ends every stream (runtimes see UNAVAILABLE), drops every instance, and stops gRPC,
    // cancelling what is still running after `deadline`. Blocks the calling thread at most that long.
    void shutdown(std::chrono::milliseconds deadline);

    QString workerId() const { return m_identity.workerId; }
    const WorkerTotals &totals() const { return m_totals; }

private:

    void streamOpened(AttachStream *stream) override;
    void messageReceived(AttachStream *stream, const worker::v1::RuntimeMessage &message) override;
    void readsEnded(AttachStream *stream) override;
    void streamDone(AttachStream *stream) override;
    void tickNextSlice();

    BackendFactory &m_factory;
    const Options m_options;
    Logger &m_logger;
    RuntimeLink::Identity m_identity;
    WorkerTotals m_totals;
    worker::v1::Worker::AsyncService m_service;
    std::unique_ptr<CompletionQueueThread> m_queueThread;
    std::unique_ptr<AttachStream::Endpoint> m_endpoint;
    std::unique_ptr<grpc::Server> m_server; // destroyed before the queue, as grpc wants
    std::unordered_map<AttachStream *, std::unique_ptr<RuntimeLink>> m_links;
    std::optional<SliceSchedule> m_tickSlices;
    QTimer m_tickTimer;
};

} // namespace sm
