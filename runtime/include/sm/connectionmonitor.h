#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace sm {

// What a transport knows about one open connection when the monitor samples it.
struct ConnectionSample {
    quint64 id = 0;           // unique among the source's open connections
    QString sessionId;
    QString userId;
    QString peer;             // client address as the transport resolved it
    double rttMs = -1;        // round-trip time; negative when the transport cannot measure it
    qint64 backlogBytes = 0;  // written by the transport, not yet handed to the kernel
    double flushMs = 0;       // how long the last write took to leave the queue
    quint64 drops = 0;        // events this connection missed (gone, cut off), so far
    quint64 reconnects = 0;   // resumes of this session so far (reconnect frequency)
    qint64 connectedMs = 0;   // age of the connection
};

// A transport's open connections. The monitor polls sample() about once a second and
// sends advice to one connection through advise(). Host thread only.
class ConnectionSource {
public:
    virtual ~ConnectionSource() = default;

    virtual QList<ConnectionSample> sample() const = 0;
    // Delivers an out-of-band event to that connection only (not into the session's
    // stream: it takes no event id and is never replayed): `quality` with the score and
    // its reasons, or `reconnect` when the client should open a fresh connection (poor
    // quality, or the node is draining). Ignored for a connection that has gone.
    virtual void advise(quint64 connectionId, const QByteArray &type, const QByteArray &jsonData) = 0;
    // Ends the connection once its queued bytes are sent (after `reconnect` advice while
    // the node drains: clients that ignore the advice still reconnect, with their resume
    // position, and a load balancer sends them elsewhere).
    virtual void closeConnection(quint64 connectionId) = 0;
};

// The host's connection monitor: scores every connection's quality (0-100) from what
// its transport reports, exports the figures and advises degraded clients. A transport
// registers its source in Plugin::start() and removes it in Plugin::stop().
class ConnectionMonitor {
public:
    virtual ~ConnectionMonitor() = default;

    // `transport` names it in metrics and on the dashboard ("sse", "grpc").
    virtual void addSource(const QString &transport, ConnectionSource *source) = 0;
    virtual void removeSource(ConnectionSource *source) = 0;
};

} // namespace sm
