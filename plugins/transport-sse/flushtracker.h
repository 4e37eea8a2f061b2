#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace sm {
class Histogram;
}

namespace sse {

class EventStream;

// Measures how long each SSE connection takes to hand what it was given to the kernel.
// HttpStream reports only its queue size, so one shared timer polls the connections that
// have bytes queued, and only while there are some: idle streams cost nothing.
class FlushTracker : public QObject {
public:
    explicit FlushTracker(sm::Histogram &flushSeconds, QObject *parent = nullptr);

    // A write went out on `stream`; starts timing unless it is already waiting.
    void wrote(EventStream *stream);
    void forget(EventStream *stream);

private:
    void poll();
    void record(EventStream *stream, double ms);

    sm::Histogram &m_flushSeconds;
    QHash<EventStream *, QElapsedTimer> m_pending;
    QTimer m_timer;
};

} // namespace sse
