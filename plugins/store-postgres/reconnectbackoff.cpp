#include "reconnectbackoff.h"

#include <QRandomGenerator>

#include <algorithm>

namespace smpg {

void ReconnectBackoff::failed()
{
    const qint64 ceiling = std::min(kMaxDelayMs, kFirstDelayMs << std::min(m_failures, 10));
    ++m_failures;
    // "Equal jitter": at least half the ceiling, so the delay still grows.
    const qint64 delay = ceiling / 2 + QRandomGenerator::global()->bounded(ceiling / 2 + 1);
    m_next.setRemainingTime(delay);
}

void ReconnectBackoff::succeeded()
{
    m_failures = 0;
    m_next.setRemainingTime(0);
}

} // namespace smpg
