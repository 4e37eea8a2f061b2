#pragma once

#include "callinfo.h"
#include "connectionfigures.h"
#include "grpcoptions.h"

#include "session.pb.h"

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
// the plugin stops. Keeps the per-connection figures the connection monitor reads.
class StreamRegistry : public QObject {
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

    // Ends every stream with reconnect advice and UNAVAILABLE (the plugin is stopping).
    void closeAll();
    QList<ConnectionFigures> connections() const;

    // For StreamConnection.
    sm::HostContext &host() { return m_host; }
    GrpcMetrics &metrics() { return m_metrics; }
    const GrpcOptions &options() const { return m_options; }
    quint64 countReconnect(const QString &sessionId);
    void sessionEnded(const QString &sessionId);
    void slowConsumer(const ConnectionFigures &figures, const QString &reason);

private:
    StreamConnection *add(const std::shared_ptr<OutboundQueue> &queue, bool connect, const CallInfo &info);
    void tick();

    sm::HostContext &m_host;
    GrpcMetrics &m_metrics;
    GrpcOptions m_options;
    QHash<const OutboundQueue *, StreamConnection *> m_connections;
    QHash<QString, quint64> m_reconnectsPerSession;
    quint64 m_nextConnectionId = 1;
    QTimer m_ticker;
};

} // namespace smgrpc
