#pragma once

#include "connectionstats.h"

#include <sm/caller.h>
#include <sm/streamhub.h>

#include <QElapsedTimer>
#include <QObject>

#include <memory>
#include <optional>

namespace sm {
class HttpStream;
}

namespace sse {

class ConnectionRegistry;

// One SSE connection: subscribes to its session's stream in the hub and writes each
// event's shared frame to the client. Owned by the ConnectionRegistry; it deletes itself
// (later) once the client has gone, the hub closed the stream or the plugin stops.
class EventStream : public QObject, public sm::StreamSubscriber {
public:
    EventStream(ConnectionRegistry &registry, std::shared_ptr<sm::HttpStream> stream,
                sm::Caller caller, ConnectionStats stats, qint64 idleTimeoutSecs);
    ~EventStream() override;

    // Writes the `retry:` field, then subscribes from just after `after` (replay first).
    void start(int retryMs, std::optional<sm::EventId> after);
    // The periodic comment that keeps proxies from timing the stream out.
    void heartbeat();
    // The plugin is stopping: advise the client to reconnect, then end the response.
    void shutdown();
    // Connection-monitor advice (`quality`, `reconnect`): an event without an id, so it
    // is neither replayed nor moves the client's Last-Event-ID.
    void advise(const QByteArray &type, const QByteArray &jsonData);
    // Ends the response after the queued bytes (the node drains; advice went first).
    void end();

    void onEvent(const sm::Event &event) override;
    qint64 backlogBytes() const override;
    void onClosed(const QByteArray &reason) override;

    qint64 bytesQueued() const;
    void recordFlush(double ms);
    ConnectionStats stats() const;

private:
    bool write(const QByteArray &bytes);
    void touchIfIdleDeadlineNears();
    void finish();

    ConnectionRegistry &m_registry;
    std::shared_ptr<sm::HttpStream> m_stream;
    std::unique_ptr<sm::Subscription> m_subscription;
    sm::Caller m_caller;
    ConnectionStats m_stats;
    qint64 m_idleTimeoutSecs = 0;
    QElapsedTimer m_sinceTouch;
    bool m_finished = false;
};

} // namespace sse
