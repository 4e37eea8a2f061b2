#pragma once

#include "callinfo.h"
#include "connectionfigures.h"
#include "encodedeventcache.h"
#include "grpcoptions.h"

#include "session.pb.h"

#include <sm/connectionmonitor.h>

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace sm {
class HostContext;
}

namespace smgrpc {

class GrpcMetrics;
class OutboundQueue;
class StreamConnection;

// Every open StreamEvents and Connect stream, on the host thread: creates the
// StreamConnection of each call when its reactor reports it, forwards what the reactors
// post, drives the periodic server pings and session touches, and ends every stream when
// the plugin stops. It is the plugin's source for the host's connection monitor
// (registered while the plugin runs): the monitor samples the per-connection figures
// (ping round trip, queue, drops, reconnects) and sends advice to one stream by id.
class StreamRegistry : public QObject, public sm::ConnectionSource {
public:
    StreamRegistry(sm::HostContext &host, GrpcMetrics &metrics, const GrpcOptions &options,
                   QObject *parent = nullptr);
    ~StreamRegistry() override;

    // From the reactors (posted to the host thread).
    void openEventStream(const std::shared_ptr<OutboundQueue> &queue, const CallInfo &info,
                         const sm::v1::StreamEventsRequest &request);
    void openConnect(const std::shared_ptr<OutboundQueue> &queue, const CallInfo &info);
    void connectMessage(const OutboundQueue *queue, const sm::v1::ConnectRequest &message);
    void connectHalfClosed(const OutboundQueue *queue);
    void streamDone(const OutboundQueue *queue);

    // Leaves the monitor and ends every stream with reconnect advice and UNAVAILABLE (the
    // plugin is stopping).
    void closeAll();
    QList<ConnectionFigures> connections() const;

    // sm::ConnectionSource.
    QList<sm::ConnectionSample> sample() const override;
    void advise(quint64 connectionId, const QByteArray &type, const QByteArray &jsonData) override;
    void closeConnection(quint64 connectionId) override;

    // For StreamConnection.
    sm::HostContext &host() { return m_host; }
    GrpcMetrics &metrics() { return m_metrics; }
    const GrpcOptions &options() const { return m_options; }
    EncodedEventCache &encodedEvents() { return m_encodedEvents; }
    quint64 countReconnect(const QString &sessionId);
    void sessionEnded(const QString &sessionId);
    void slowConsumer(const ConnectionFigures &figures, const QString &reason);

private:
    StreamConnection *add(const std::shared_ptr<OutboundQueue> &queue, bool connect, const CallInfo &info);
    void tick();
    void leaveMonitor();

    sm::HostContext &m_host;
    GrpcMetrics &m_metrics;
    GrpcOptions m_options;
    EncodedEventCache m_encodedEvents;
    QHash<const OutboundQueue *, StreamConnection *> m_connections;
    QHash<quint64, StreamConnection *> m_byId;
    sm::ConnectionMonitor *m_monitor = nullptr;
    QHash<QString, quint64> m_reconnectsPerSession;
    quint64 m_nextConnectionId = 1;
    QTimer m_ticker;
};

} // namespace smgrpc
