#include "workerprocess/workerserver.h"

#include "rpc/completionqueuethread.h"

#include <sm/backend.h>
#include <sm/logger.h>

#include <QCoreApplication>

#include <grpcpp/grpcpp.h>

namespace sm {

namespace {
// Assign messages carry a snapshot and a journal: allow far more than gRPC's 4 MiB default.
constexpr int kMaxReceiveBytes = 256 << 20;
}

WorkerServer::WorkerServer(BackendFactory &factory, Options options, Logger &logger)
    : m_factory(factory)
    , m_options(std::move(options))
    , m_logger(logger)
{
    m_tickTimer.setTimerType(Qt::PreciseTimer);
    m_tickTimer.callOnTimeout(this, &WorkerServer::tickNextSlice);
}

WorkerServer::~WorkerServer()
{
    shutdown(std::chrono::milliseconds(0));
}

Result<quint16> WorkerServer::start()
{
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(m_options.listenAddress.toStdString(), grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&m_service);
    builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
    std::unique_ptr<grpc::ServerCompletionQueue> queue = builder.AddCompletionQueue();
    grpc::ServerCompletionQueue &serverQueue = *queue;
    m_server = builder.BuildAndStart();
    m_queueThread = std::make_unique<CompletionQueueThread>(std::move(queue), "sm-worker-cq");
    if (!m_server || port == 0) {
        m_server.reset();
        m_queueThread.reset();
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("cannot listen on %1 (address in use or invalid)").arg(m_options.listenAddress));
    }
    const QString host = m_options.listenAddress.left(m_options.listenAddress.lastIndexOf(QLatin1Char(':')));
    m_identity = RuntimeLink::Identity{QStringLiteral("%1:%2/%3").arg(host).arg(port).arg(QCoreApplication::applicationPid()),
                                       m_options.backendId, quint32(QCoreApplication::applicationPid()),
                                       quint32(std::max(0, m_factory.tickIntervalMs()))};
    m_queueThread->start();
    m_endpoint.reset(new AttachStream::Endpoint{m_service, serverQueue, *m_queueThread, this, *this,
                                                m_options.maxQueuedBytes});
    AttachStream::acceptNext(*m_endpoint);
    if (m_factory.tickIntervalMs() > 0) {
        m_tickSlices.emplace(m_factory.tickIntervalMs());
        m_tickTimer.start(m_tickSlices->slicePeriodMs());
    }
    return quint16(port);
}

void WorkerServer::shutdown(std::chrono::milliseconds deadline)
{
    m_tickTimer.stop();
    if (!m_server)
        return;
    for (auto &entry : m_links)
        entry.second->close(QStringLiteral("worker shutting down"));
    // Calls still running after the deadline are cancelled, so every stream ends.
    m_server->Shutdown(std::chrono::system_clock::now() + deadline);
    m_queueThread->stop();
    // The streams' last reports (streamDone, which deletes them) are queued for this thread.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    m_links.clear();
    m_server.reset();
    m_endpoint.reset();
    m_queueThread.reset();
}

void WorkerServer::streamOpened(AttachStream *stream)
{
    m_links.emplace(stream, std::make_unique<RuntimeLink>(*stream, m_factory, m_identity, m_totals, m_logger));
}

void WorkerServer::messageReceived(AttachStream *stream, const worker::v1::RuntimeMessage &message)
{
    if (const auto found = m_links.find(stream); found != m_links.end())
        found->second->handle(message);
}

void WorkerServer::readsEnded(AttachStream *stream)
{
    if (const auto found = m_links.find(stream); found != m_links.end()) {
        found->second->runtimeClosed();
        m_logger.info(QStringLiteral("runtime detached; its sessions were dropped"));
    }
}

void WorkerServer::streamDone(AttachStream *stream)
{
    m_links.erase(stream);
}

void WorkerServer::tickNextSlice()
{
    const int slice = m_tickSlices->advance();
    for (auto &entry : m_links)
        entry.second->tickSlice(*m_tickSlices, slice);
}

} // namespace sm
