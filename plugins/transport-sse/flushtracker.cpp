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
        const double ms = double(it.value().nsecsElapsed()) / 1e6;
        it.key()->recordFlush(ms);
        m_flushSeconds.observe(ms / 1000);
        it = m_pending.erase(it);
    }
    if (m_pending.isEmpty())
        m_timer.stop();
}

} // namespace sse
