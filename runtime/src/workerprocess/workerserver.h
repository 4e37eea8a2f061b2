#pragma once

#include "workerprocess/attachreactor.h"
#include "workerprocess/runtimelink.h"
#include "workerprocess/workertotals.h"

#include <sm/result.h>

#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>
#include <unordered_map>

namespace grpc {
class Server;
}

namespace sm {

class BackendFactory;
class Logger;

// The gRPC side of a worker process: serves sm.worker.v1.Worker on gRPC's own threads
// and keeps every back-end instance on the Qt thread (one RuntimeLink per Attach stream).
// One timer ticks every instance of every link at the back-end's tick interval.
class WorkerServer : public QObject, private AttachReactor::Listener {
    Q_OBJECT
public:
    struct Options {
        QString listenAddress;                   // host:port; port 0 picks a free one
        QString backendId;                       // reported in Welcome
        qint64 maxQueuedBytes = qint64(64) << 20; // per stream, see AttachReactor
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
    class Service;

    void streamOpened(AttachReactor *stream) override;
    void messageReceived(AttachReactor *stream, const worker::v1::RuntimeMessage &message) override;
    void readsEnded(AttachReactor *stream) override;
    void streamDone(AttachReactor *stream) override;
    void tickAll();

    BackendFactory &m_factory;
    const Options m_options;
    Logger &m_logger;
    RuntimeLink::Identity m_identity;
    WorkerTotals m_totals;
    std::unique_ptr<Service> m_service;
    std::unique_ptr<grpc::Server> m_server;
    std::unordered_map<AttachReactor *, std::unique_ptr<RuntimeLink>> m_links;
    QTimer m_tickTimer;
};

} // namespace sm
