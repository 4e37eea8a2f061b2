#pragma once

#include "connectionstats.h"
#include "flushtracker.h"
#include "sseframecache.h"
#include "ssemetrics.h"

#include <sm/caller.h>
#include <sm/connectionmonitor.h>
#include <sm/event.h>

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>

namespace sm {
class HostContext;
class HttpStream;
class SessionService;
class StreamHub;
} // namespace sm

namespace sse {

class EventStream;

// Every open SSE connection of the plugin: opens and owns them, drives the shared
// heartbeat, counts reconnects per session and keeps the per-connection figures. It is
// the plugin's source for the host's connection monitor (registered while the plugin
// runs): the monitor samples those figures and sends advice to one connection by id.
class ConnectionRegistry : public QObject, public sm::ConnectionSource {
public:
    struct Options {
        int heartbeatSecs = 15;
        int retryMs = 2000;
    };

    ConnectionRegistry(sm::HostContext &host, Options options, QObject *parent = nullptr);
    ~ConnectionRegistry() override;

    // Takes over a started response and subscribes it from just after `after`.
    void open(std::shared_ptr<sm::HttpStream> stream, const sm::Caller &caller,
              ConnectionStats stats, qint64 idleTimeoutSecs, std::optional<sm::EventId> after);
    // Ends every connection with reconnect advice and leaves the monitor (the plugin is
    // stopping).
    void closeAll();

    QList<ConnectionStats> connections() const;

    // sm::ConnectionSource. SSE itself has no round trip to time: rttMs is the kernel's
    // TCP estimate for the connection's socket (ConnectionStats::readRttMs).
    QList<sm::ConnectionSample> sample() const override;
    void advise(quint64 connectionId, const QByteArray &type, const QByteArray &jsonData) override;
    void closeConnection(quint64 connectionId) override;
    int connectionCount() const { return int(m_streams.size()); }

    // For EventStream.
    void closed(EventStream *stream);
    void sessionEnded(const QString &sessionId);
    void slowConsumerCutOff(const ConnectionStats &stats);
    SseFrameCache &frames() { return m_frames; }
    FlushTracker &flushes() { return m_flushes; }
    SseMetrics &metrics() { return m_metrics; }
    sm::StreamHub &streams();
    sm::SessionService &sessions();

private:
    void heartbeat();
    quint64 countReconnect(const QString &sessionId);

    sm::HostContext &m_host;
    Options m_options;
    SseMetrics m_metrics;
    SseFrameCache m_frames;
    FlushTracker m_flushes;
    QSet<EventStream *> m_streams;
    QHash<quint64, EventStream *> m_byId;
    sm::ConnectionMonitor *m_monitor = nullptr;
    QHash<QString, int> m_openPerSession;
    QHash<QString, quint64> m_reconnectsPerSession;
    quint64 m_nextConnectionId = 1;
    QTimer m_heartbeat;
};

} // namespace sse
