#include "flushtracker.h"

#include "eventstream.h"

#include <sm/metrics.h>

namespace sse {

namespace {
// Fine enough for a histogram whose first bucket is 0.5 ms on loopback; the timer runs
// only while some connection has unsent bytes.
constexpr int kPollIntervalMs = 2;
} // namespace

FlushTracker::FlushTracker(sm::Histogram &flushSeconds, QObject *parent)
    : QObject(parent), m_flushSeconds(flushSeconds)
{
    m_timer.setInterval(kPollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &FlushTracker::poll);
}

void FlushTracker::wrote(EventStream *stream)
{
    if (m_pending.contains(stream))
        return;
    // The usual case: the stream wrote straight to the kernel. Recorded at once, without
    // an entry to poll (a fanned-out event would otherwise add one per subscriber).
    if (stream->bytesQueued() == 0) {
        record(stream, 0);
        return;
    }
    QElapsedTimer started;
    started.start();
    m_pending.insert(stream, started);
    if (!m_timer.isActive())
        m_timer.start();
}

void FlushTracker::forget(EventStream *stream)
{
    m_pending.remove(stream);
    if (m_pending.isEmpty())
        m_timer.stop();
}

void FlushTracker::poll()
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it.key()->bytesQueued() > 0) {
            ++it;
            continue;
        }
        record(it.key(), double(it.value().nsecsElapsed()) / 1e6);
        it = m_pending.erase(it);
    }
    if (m_pending.isEmpty())
        m_timer.stop();
}

void FlushTracker::record(EventStream *stream, double ms)
{
    stream->recordFlush(ms);
    m_flushSeconds.observe(ms / 1000);
}

} // namespace sse
