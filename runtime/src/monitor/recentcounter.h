#pragma once

#include <QtGlobal>

#include <deque>
#include <utility>

namespace sm {

// Turns a cumulative count (drops so far, reconnects so far) into "how many in the last
// window": observe() the running total now and then, recent() counts the increments
// seen within the window. Time is passed in, so tests drive it with their own clock.
class RecentCounter {
public:
    explicit RecentCounter(qint64 windowMs = 60000) : m_windowMs(windowMs) {}

    void observe(quint64 total, qint64 nowMs);
    // Counts only what the total grows by beyond `total` (history from before we looked).
    void setBaseline(quint64 total) { m_lastTotal = total; }
    quint64 recent(qint64 nowMs) const;
    // Nothing counted within the window: safe to forget.
    bool isQuiet(qint64 nowMs) const { return recent(nowMs) == 0; }

private:
    void prune(qint64 nowMs);

    qint64 m_windowMs;
    quint64 m_lastTotal = 0;
    std::deque<std::pair<qint64, quint64>> m_increments; // (time, how many)
};

} // namespace sm
