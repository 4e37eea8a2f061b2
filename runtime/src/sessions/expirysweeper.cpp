#include "sessions/expirysweeper.h"

#include "sessions/sessionservicecore.h"
#include "sessions/storeexecutor.h"

#include <sm/logger.h>

#include <QPointer>

namespace sm {

ExpirySweeper::ExpirySweeper(Options options, SessionServiceCore &sessions, StoreExecutor &store,
                             Logger &logger)
    : m_options(options), m_sessions(sessions), m_store(store), m_logger(logger)
{
    m_timer.setInterval(m_options.interval);
    connect(&m_timer, &QTimer::timeout, this, [this] { sweepNow(); });
}

void ExpirySweeper::start()
{
    m_timer.start();
}

void ExpirySweeper::sweepNow(std::function<void()> done)
{
    if (m_running) {
        if (done)
            QTimer::singleShot(0, this, [done] { done(); });
        return;
    }
    m_running = true;
    QPointer<ExpirySweeper> self(this);
    m_store.expireDue(m_sessions.now(), m_options.batch,
                      [self, done = std::move(done)](Result<QList<Session>> expired) mutable {
        if (!self)
            return;
        if (!expired.ok()) {
            self->m_logger.warning("expiry sweep failed", {{"error", expired.error().message}});
            self->m_running = false;
            if (done)
                done();
            return;
        }
        self->m_sessions.announceExpired(expired.value());
        const bool full = expired->size() >= self->m_options.batch;
        self->purge([self, full, done = std::move(done)]() mutable {
            if (!self)
                return;
            self->m_running = false;
            if (full)
                return self->sweepNow(std::move(done));
            if (done)
                done();
        });
    });
}

void ExpirySweeper::purge(std::function<void()> done)
{
    const QDateTime before = m_sessions.now().addSecs(-m_options.retention.count());
    QPointer<ExpirySweeper> self(this);
    m_store.purgeFinal(before, m_options.batch, [self, done = std::move(done)](Result<int> purged) {
        if (self && !purged.ok())
            self->m_logger.warning("purge of ended sessions failed", {{"error", purged.error().message}});
        done();
    });
}

} // namespace sm
