#include "eventstream.h"

#include "connectionregistry.h"
#include "flushtracker.h"
#include "sseframecache.h"
#include "ssemetrics.h"

#include <sm/http.h>
#include <sm/metrics.h>
#include <sm/sessionservice.h>

#include <QPointer>

namespace sse {

namespace {
bool endsSession(const QByteArray &reason)
{
    return reason == "session.terminated" || reason == "session.expired";
}
} // namespace

EventStream::EventStream(ConnectionRegistry &registry, std::shared_ptr<sm::HttpStream> stream,
                         sm::Caller caller, ConnectionStats stats, qint64 idleTimeoutSecs)
    : m_registry(registry)
    , m_stream(std::move(stream))
    , m_caller(std::move(caller))
    , m_stats(std::move(stats))
    , m_idleTimeoutSecs(idleTimeoutSecs)
{
    m_sinceTouch.start();
}

EventStream::~EventStream() = default;

void EventStream::start(int retryMs, std::optional<sm::EventId> after)
{
    // Runs at once if the client has already gone; guarded because the stream may also
    // report its end after this object is deleted.
    m_stream->setClosedHandler([self = QPointer<EventStream>(this)] {
        if (self)
            self->finish();
    });
    if (m_finished)
        return;
    write(SseFrameCache::retryFrame(retryMs));
    auto subscription = m_registry.streams().subscribe(m_stats.sessionId, after, this);
    // The replay inside subscribe() may already have ended this connection.
    if (!m_finished)
        m_subscription = std::move(subscription);
}

void EventStream::heartbeat()
{
    write(SseFrameCache::heartbeatFrame());
    touchIfIdleDeadlineNears();
}

void EventStream::shutdown()
{
    write(SseFrameCache::adviceFrame("reconnect", R"({"reason":"shutdown"})"));
    m_stream->close();
    finish();
}

void EventStream::advise(const QByteArray &type, const QByteArray &jsonData)
{
    if (!m_finished)
        write(SseFrameCache::adviceFrame(type, jsonData));
}

void EventStream::end()
{
    m_stream->close();
    finish();
}

void EventStream::onEvent(const sm::Event &event)
{
    if (m_finished || !write(m_registry.frames().frame(m_stats.sessionId, event))) {
        ++m_stats.eventsDropped;
        m_registry.metrics().eventsDropped.increment();
        return;
    }
    ++m_stats.eventsSent;
    m_stats.lastEventId = event.id;
    if (event.type == "reset")
        ++m_stats.resets;
    m_registry.metrics().eventsSent.increment();
}

qint64 EventStream::backlogBytes() const
{
    return bytesQueued();
}

/*!
 * The hub ended this subscription. A slow client is dropped at once: its queue is
 * already over the bound, so a farewell frame would only wait behind it. Otherwise the
 * hub has just delivered the final event (session.terminated, shutdown) and the
 * response ends after the queued bytes.
 */
void EventStream::onClosed(const QByteArray &reason)
{
    m_subscription.reset();
    if (reason == "slow_consumer") {
        m_registry.slowConsumerCutOff(stats());
        m_stream->abort();
    } else {
        m_stream->close();
    }
    const QString sessionId = m_stats.sessionId;
    finish();
    if (endsSession(reason))
        m_registry.sessionEnded(sessionId);
}

qint64 EventStream::bytesQueued() const
{
    return m_stream->isOpen() ? m_stream->bytesQueued() : 0;
}

void EventStream::recordFlush(double ms)
{
    m_stats.lastFlushMs = ms;
    m_stats.maxFlushMs = std::max(m_stats.maxFlushMs, ms);
}

ConnectionStats EventStream::stats() const
{
    ConnectionStats stats = m_stats;
    stats.bytesQueued = bytesQueued();
    return stats;
}

bool EventStream::write(const QByteArray &bytes)
{
    if (!m_stream->write(bytes))
        return false;
    m_stats.bytesWritten += bytes.size();
    m_registry.flushes().wrote(this);
    return true;
}

// An open stream is activity: without this a browser watching a quiet session would see
// it expire at its idle deadline. Touching at half the idle timeout keeps it alive with
// one store write per connection and half-period.
void EventStream::touchIfIdleDeadlineNears()
{
    if (m_finished || m_idleTimeoutSecs <= 0 || m_sinceTouch.elapsed() < m_idleTimeoutSecs * 500)
        return;
    m_sinceTouch.restart();
    m_registry.sessions().touch(m_caller, m_stats.sessionId, [](sm::Result<sm::Session>) {});
}

// Idempotent: the client leaving, the hub closing and the plugin stopping may overlap.
void EventStream::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_subscription.reset();
    m_registry.closed(this);
    deleteLater();
}

} // namespace sse
