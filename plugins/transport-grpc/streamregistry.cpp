#include "streamregistry.h"

#include "grpcmetrics.h"
#include "outboundqueue.h"
#include "streamconnection.h"

#include <sm/hostcontext.h>
#include <sm/logger.h>
#include <sm/metrics.h>

#include <QJsonObject>

namespace smgrpc {

namespace {
// Reconnect counts outlive connections (a reconnect happens while none is open), so they
// are dropped when the session ends, and pruned to the sessions with an open stream once
// there are this many.
constexpr int kMaxTrackedSessions = 65536;
} // namespace

StreamRegistry::StreamRegistry(sm::HostContext &host, GrpcMetrics &metrics, const GrpcOptions &options,
                               QObject *parent)
    : QObject(parent), m_host(host), m_metrics(metrics), m_options(options)
{
    m_ticker.setInterval(m_options.pingIntervalSecs * 1000);
    connect(&m_ticker, &QTimer::timeout, this, &StreamRegistry::tick);
    m_monitor = host.connectionMonitor();
    if (m_monitor)
        m_monitor->addSource(QStringLiteral("grpc"), this);
}

StreamRegistry::~StreamRegistry()
{
    leaveMonitor();
    qDeleteAll(m_connections);
}

void StreamRegistry::openEventStream(const std::shared_ptr<OutboundQueue> &queue, const CallInfo &info,
                                     const sm::v1::StreamEventsRequest &request)
{
    if (StreamConnection *connection = add(queue, false, info))
        connection->open(request.session_id(), request.last_event_id(), request.session_token(),
                         request.max_batch());
}

void StreamRegistry::openConnect(const std::shared_ptr<OutboundQueue> &queue, const CallInfo &info)
{
    add(queue, true, info);
}

void StreamRegistry::connectMessage(const OutboundQueue *queue, const sm::v1::ConnectRequest &message)
{
    if (StreamConnection *connection = m_connections.value(queue))
        connection->handle(message);
}

void StreamRegistry::connectHalfClosed(const OutboundQueue *queue)
{
    if (StreamConnection *connection = m_connections.value(queue))
        connection->halfClosed();
}

void StreamRegistry::streamDone(const OutboundQueue *queue)
{
    StreamConnection *connection = m_connections.take(queue);
    if (!connection)
        return;
    m_byId.remove(connection->figures().connectionId);
    m_metrics.streams.add(-1);
    delete connection;
    if (m_connections.isEmpty())
        m_ticker.stop();
}

void StreamRegistry::closeAll()
{
    leaveMonitor();
    for (StreamConnection *connection : std::as_const(m_connections))
        connection->shutdown();
}

QList<ConnectionFigures> StreamRegistry::connections() const
{
    QList<ConnectionFigures> all;
    all.reserve(m_connections.size());
    for (const StreamConnection *connection : m_connections)
        all << connection->figures();
    return all;
}

QList<sm::ConnectionSample> StreamRegistry::sample() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<sm::ConnectionSample> samples;
    samples.reserve(m_connections.size());
    for (const StreamConnection *connection : m_connections) {
        const ConnectionFigures figures = connection->figures();
        if (figures.sessionId.isEmpty())
            continue; // a Connect stream not opened yet
        sm::ConnectionSample sample;
        sample.id = figures.connectionId;
        sample.sessionId = figures.sessionId;
        sample.userId = figures.userId;
        sample.peer = connection->info().clientAddress;
        sample.rttMs = figures.lastRttMs;
        sample.backlogBytes = figures.queuedBytes;
        sample.flushMs = connection->lastFlushMs();
        sample.drops = figures.messagesDropped;
        sample.reconnects = figures.sessionReconnects;
        sample.connectedMs = figures.connectedAt.msecsTo(now);
        samples << sample;
    }
    return samples;
}

void StreamRegistry::advise(quint64 connectionId, const QByteArray &type, const QByteArray &jsonData)
{
    if (StreamConnection *connection = m_byId.value(connectionId))
        connection->advise(type, jsonData);
}

void StreamRegistry::closeConnection(quint64 connectionId)
{
    if (StreamConnection *connection = m_byId.value(connectionId))
        connection->closeForReconnect();
}

quint64 StreamRegistry::countReconnect(const QString &sessionId)
{
    if (m_reconnectsPerSession.size() >= kMaxTrackedSessions) {
        QSet<QString> open;
        for (const StreamConnection *connection : std::as_const(m_connections))
            open.insert(connection->figures().sessionId);
        for (auto it = m_reconnectsPerSession.begin(); it != m_reconnectsPerSession.end();)
            it = open.contains(it.key()) ? std::next(it) : m_reconnectsPerSession.erase(it);
    }
    return ++m_reconnectsPerSession[sessionId];
}

void StreamRegistry::sessionEnded(const QString &sessionId)
{
    m_reconnectsPerSession.remove(sessionId);
}

void StreamRegistry::slowConsumer(const ConnectionFigures &figures, const QString &reason)
{
    m_metrics.slowConsumerDisconnects.increment();
    m_host.logger().warning(QStringLiteral("gRPC stream cut off: slow consumer"),
                            {{"session_id", figures.sessionId},
                             {"request_id", figures.requestId},
                             {"reason", reason},
                             {"kind", figures.kind},
                             {"peer", figures.peer},
                             {"queue_depth", figures.queueDepth},
                             {"queued_bytes", figures.queuedBytes},
                             {"events_sent", qint64(figures.eventsSent)},
                             {"last_event_id", QString::fromLatin1(figures.lastEventId.toString())},
                             {"connected_ms", figures.connectedAt.msecsTo(QDateTime::currentDateTimeUtc())}});
}

// A stream whose reactor is already done (its post raced ahead of this one) is not added.
StreamConnection *StreamRegistry::add(const std::shared_ptr<OutboundQueue> &queue, bool connect,
                                      const CallInfo &info)
{
    if (queue->isClosed())
        return nullptr;
    ConnectionFigures figures;
    figures.connectionId = m_nextConnectionId++;
    figures.kind = connect ? QStringLiteral("connect") : QStringLiteral("stream_events");
    figures.peer = info.peer;
    figures.requestId = info.requestId;
    figures.connectedAt = QDateTime::currentDateTimeUtc();
    const auto streamKind = connect ? StreamConnection::Kind::Connect : StreamConnection::Kind::Events;
    auto *connection = new StreamConnection(*this, streamKind, queue, info, std::move(figures));
    m_connections.insert(queue.get(), connection);
    m_byId.insert(connection->figures().connectionId, connection);
    m_metrics.streams.add(1);
    if (!m_ticker.isActive())
        m_ticker.start();
    return connection;
}

void StreamRegistry::leaveMonitor()
{
    if (m_monitor)
        m_monitor->removeSource(this);
    m_monitor = nullptr;
}

void StreamRegistry::tick()
{
    int queued = 0;
    const QList<StreamConnection *> connections = m_connections.values();
    for (StreamConnection *connection : connections) {
        connection->tick();
        queued += connection->figures().queueDepth;
    }
    m_metrics.queuedMessages.set(queued);
}

} // namespace smgrpc
