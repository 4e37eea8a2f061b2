#include "monitor/recentcounter.h"

namespace sm {

namespace {
// Bursts are merged into the newest entry past this many, so a counter that moves on
// every observation cannot grow without bound.
constexpr size_t kMaxEntries = 64;
} // namespace

/*!
 * Records the running \a total as of \a nowMs; what it grew by since the last call
 * counts as having happened now. Totals start at zero (a new connection has dropped
 * nothing; the transport counts a session's reconnects from its own start, as the
 * monitor does), so the first observation counts too.
 */
void RecentCounter::observe(quint64 total, qint64 nowMs)
{
    if (total > m_lastTotal) {
        if (m_increments.size() >= kMaxEntries)
            m_increments.back().second += total - m_lastTotal;
        else
            m_increments.emplace_back(nowMs, total - m_lastTotal);
    }
    m_lastTotal = std::max(m_lastTotal, total);
    prune(nowMs);
}

quint64 RecentCounter::recent(qint64 nowMs) const
{
    quint64 count = 0;
    for (const auto &[at, howMany] : m_increments) {
        if (nowMs - at < m_windowMs)
            count += howMany;
    }
    return count;
}

void RecentCounter::prune(qint64 nowMs)
{
    while (!m_increments.empty() && nowMs - m_increments.front().first >= m_windowMs)
        m_increments.pop_front();
}

} // namespace sm
