#pragma once

#include <sm/event.h>

#include <QDateTime>
#include <QString>

namespace smgrpc {

// What one gRPC stream has seen, kept per connection for the connection monitor (quality
// score, reconnect advice) and for the log line when a client is cut off.
struct ConnectionFigures {
    quint64 connectionId = 0;
    QString kind;                   // "stream_events" or "connect"
    QString sessionId;              // empty until a Connect stream has opened
    QString userId;
    QString peer;
    QString requestId;
    QDateTime connectedAt;
    bool resumed = false;           // subscribed after a last event id
    quint64 sessionReconnects = 0;  // resumes of this session so far, this one included
    sm::EventId lastEventId;        // last event queued, {0,0} before the first
    quint64 eventsSent = 0;         // events queued for writing
    quint64 messagesDropped = 0;    // messages the stream could not take
    quint64 resets = 0;             // `reset` events: history the client asked for was gone
    int queueDepth = 0;             // messages waiting to be written (sampled when read)
    int maxQueueDepth = 0;
    qint64 queuedBytes = 0;
    double lastRttMs = -1;          // last server ping round trip (Connect); -1 before the first
    quint64 requests = 0;           // Connect requests received
    quint64 replies = 0;            // Connect replies queued
};

} // namespace smgrpc
