#pragma once

#include <QDeadlineTimer>

namespace smpg {

// When to try connecting again after failures: exponential backoff with jitter, so that
// several runtimes do not hammer a database that is coming back up in lockstep. The
// first attempt after a success is due at once.
class ReconnectBackoff {
public:
    bool attemptDue() const { return m_next.hasExpired(); }
    qint64 remainingMs() const { return m_next.remainingTime(); }

    void failed();
    void succeeded();

private:
    static constexpr qint64 kFirstDelayMs = 100;
    static constexpr qint64 kMaxDelayMs = 5000;

    int m_failures = 0;
    QDeadlineTimer m_next{0};
};

} // namespace smpg
