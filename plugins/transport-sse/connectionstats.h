#pragma once

#include <sm/event.h>

#include <QDateTime>
#include <QString>

namespace sse {

// What one SSE connection has seen, kept per connection for the connection monitor
// (quality score, reconnect advice) and for the log line when a client is cut off.
struct ConnectionStats {
    quint64 connectionId = 0;
    QString sessionId;
    QString userId;
    QString peerAddress;
    QString requestId;
    QDateTime connectedAt;
    bool resumed = false;           // subscribed with a Last-Event-ID
    quint64 sessionReconnects = 0;  // resumes of this session so far, this one included
    sm::EventId lastEventId;        // last event written, {0,0} before the first
    quint64 eventsSent = 0;
    quint64 eventsDropped = 0;      // delivered by the hub after the connection had gone
    quint64 resets = 0;             // `reset` events: history the client asked for was gone
    qint64 bytesWritten = 0;
    qint64 bytesQueued = 0;         // not yet handed to the kernel (sampled when read)
    double lastFlushMs = 0;         // time from a write until the queue was empty again
    double maxFlushMs = 0;
    qintptr socketDescriptor = -1;  // the connection's TCP socket, read for kernel figures only

    // The kernel's smoothed round-trip time of the connection (TCP_INFO tcpi_rtt), in ms,
    // as of now; -1 when unknown: no socket, not TCP, or no round trip measured yet.
    double readRttMs() const;
};

} // namespace sse
