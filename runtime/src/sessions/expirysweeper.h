#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>

namespace sm {

class Logger;
class SessionServiceCore;
class StoreExecutor;

// Periodically asks the store to expire sessions past their idle or absolute deadline,
// announces each (session.expired on its stream, back-end released) and purges final
// sessions older than the retention period. One sweep at a time; a full batch sweeps
// again at once.
class ExpirySweeper : public QObject {
    Q_OBJECT
public:
    struct Options {
        std::chrono::milliseconds interval{5000};
        std::chrono::seconds retention{86400};
        int batch = 500;
    };

    ExpirySweeper(Options options, SessionServiceCore &sessions, StoreExecutor &store, Logger &logger);

    void start();
    // Runs one sweep now (tests use it with an injected clock); `done` runs after it.
    void sweepNow(std::function<void()> done = {});

private:
    void purge(std::function<void()> done);

    Options m_options;
    SessionServiceCore &m_sessions;
    StoreExecutor &m_store;
    Logger &m_logger;
    QTimer m_timer;
    bool m_running = false;
};

} // namespace sm
