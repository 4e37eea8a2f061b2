#include "connectionregistry.h"

#include "eventstream.h"

#include <sm/hostcontext.h>
#include <sm/http.h>
#include <sm/logger.h>
#include <sm/metrics.h>

#include <QJsonObject>

namespace sse {

namespace {
// Reconnect counts outlive connections (a reconnect happens while none is open), so
// they are dropped when the session ends, and the counts of sessions with no open
// connection are pruned once there are this many.
constexpr int kMaxTrackedSessions = 65536;
} // namespace

ConnectionRegistry::ConnectionRegistry(sm::HostContext &host, Options options, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_options(options)
    , m_metrics(host.metrics())
    , m_flushes(m_metrics.flushSeconds)
{
    m_heartbeat.setInterval(m_options.heartbeatSecs * 1000);
    connect(&m_heartbeat, &QTimer::timeout, this, &ConnectionRegistry::heartbeat);
    m_monitor = host.connectionMonitor();
    if (m_monitor)
        m_monitor->addSource(QStringLiteral("sse"), this);
}

// The plugin's stop() has ended every connection by now (the host calls it after a
// successful start); nothing here may touch host services, which may be gone.
ConnectionRegistry::~ConnectionRegistry() = default;

/*!
 * Registers a new connection for \a stats.sessionId and starts it: the `retry:` field,
 * then the replay after \a after (a resume, counted as a reconnect), then live events.
 */
void ConnectionRegistry::open(std::shared_ptr<sm::HttpStream> stream, const sm::Caller &caller,
                              ConnectionStats stats, qint64 idleTimeoutSecs,
                              std::optional<sm::EventId> after)
{
    stats.connectionId = m_nextConnectionId++;
    stats.connectedAt = QDateTime::currentDateTimeUtc();
    stats.resumed = after.has_value();
    stats.socketDescriptor = stream->socketDescriptor();
    if (after) {
        stats.sessionReconnects = countReconnect(stats.sessionId);
        m_metrics.reconnects.increment();
    }
    auto *eventStream = new EventStream(*this, std::move(stream), caller, stats, idleTimeoutSecs);
    eventStream->setParent(this); // deleted with the registry if the event loop is already gone
    m_streams.insert(eventStream);
    m_byId.insert(stats.connectionId, eventStream);
    ++m_openPerSession[stats.sessionId];
    m_metrics.connections.add(1);
    if (!m_heartbeat.isActive())
        m_heartbeat.start();
    eventStream->start(m_options.retryMs, after);
}

void ConnectionRegistry::closeAll()
{
    if (m_monitor)
        m_monitor->removeSource(this);
    m_monitor = nullptr;
    const QList<EventStream *> streams = m_streams.values();
    for (EventStream *stream : streams) {
        if (m_streams.contains(stream))
            stream->shutdown();
    }
}

QList<ConnectionStats> ConnectionRegistry::connections() const
{
    QList<ConnectionStats> all;
    all.reserve(m_streams.size());
    for (const EventStream *stream : m_streams)
        all << stream->stats();
    return all;
}

QList<sm::ConnectionSample> ConnectionRegistry::sample() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<sm::ConnectionSample> samples;
    samples.reserve(m_streams.size());
    for (const EventStream *stream : m_streams) {
        const ConnectionStats stats = stream->stats();
        sm::ConnectionSample sample;
        sample.id = stats.connectionId;
        sample.sessionId = stats.sessionId;
        sample.userId = stats.userId;
        sample.peer = stats.peerAddress;
        sample.rttMs = stats.readRttMs();
        sample.backlogBytes = stats.bytesQueued;
        sample.flushMs = stats.lastFlushMs;
        sample.drops = stats.eventsDropped;
        sample.reconnects = stats.sessionReconnects;
        sample.connectedMs = stats.connectedAt.msecsTo(now);
        samples << sample;
    }
    return samples;
}

void ConnectionRegistry::advise(quint64 connectionId, const QByteArray &type, const QByteArray &jsonData)
{
    if (EventStream *stream = m_byId.value(connectionId))
        stream->advise(type, jsonData);
}

void ConnectionRegistry::closeConnection(quint64 connectionId)
{
    if (EventStream *stream = m_byId.value(connectionId))
        stream->end();
}

void ConnectionRegistry::closed(EventStream *stream)
{
    if (!m_streams.remove(stream))
        return;
    m_byId.remove(stream->stats().connectionId);
    m_flushes.forget(stream);
    m_metrics.connections.add(-1);
    const QString sessionId = stream->stats().sessionId;
    if (--m_openPerSession[sessionId] <= 0)
        m_openPerSession.remove(sessionId);
    if (m_streams.isEmpty())
        m_heartbeat.stop();
}

void ConnectionRegistry::sessionEnded(const QString &sessionId)
{
    m_reconnectsPerSession.remove(sessionId);
}

void ConnectionRegistry::slowConsumerCutOff(const ConnectionStats &stats)
{
    m_metrics.slowConsumerDisconnects.increment();
    m_host.logger().warning(
        QStringLiteral("SSE client cut off: its backlog exceeded stream_max_backlog (slow consumer)"),
        {{"session_id", stats.sessionId},
         {"request_id", stats.requestId},
         {"reason", QStringLiteral("slow_consumer")},
         {"peer", stats.peerAddress},
         {"bytes_queued", stats.bytesQueued},
         {"events_sent", qint64(stats.eventsSent)},
         {"last_event_id", QString::fromLatin1(stats.lastEventId.toString())},
         {"connected_ms", stats.connectedAt.msecsTo(QDateTime::currentDateTimeUtc())}});
}

sm::StreamHub &ConnectionRegistry::streams()
{
    return m_host.streams();
}

sm::SessionService &ConnectionRegistry::sessions()
{
    return m_host.sessions();
}

void ConnectionRegistry::heartbeat()
{
    const QList<EventStream *> streams = m_streams.values();
    for (EventStream *stream : streams) {
        if (m_streams.contains(stream))
            stream->heartbeat();
    }
}

quint64 ConnectionRegistry::countReconnect(const QString &sessionId)
{
    if (m_reconnectsPerSession.size() >= kMaxTrackedSessions) {
        for (auto it = m_reconnectsPerSession.begin(); it != m_reconnectsPerSession.end();) {
            it = m_openPerSession.contains(it.key()) ? std::next(it) : m_reconnectsPerSession.erase(it);
        }
    }
    return ++m_reconnectsPerSession[sessionId];
}

} // namespace sse
