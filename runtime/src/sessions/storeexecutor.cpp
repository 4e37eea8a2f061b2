#include "sessions/storeexecutor.h"

#include <sm/logger.h>

#include <QPointer>

#include <future>

namespace sm {

StoreExecutor::StoreExecutor(std::unique_ptr<SessionStore> store, Logger &logger, int maxBatch)
    : m_store(std::move(store)), m_logger(logger), m_maxBatch(maxBatch)
{
    m_thread.setObjectName(QStringLiteral("store"));
    m_storeContext = new QObject;
    m_storeContext->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_storeContext, &QObject::deleteLater);
}

StoreExecutor::~StoreExecutor()
{
    stop();
}

Result<void> StoreExecutor::start()
{
    m_thread.start();
    std::promise<Result<void>> opened;
    auto future = opened.get_future();
    QMetaObject::invokeMethod(m_storeContext, [this, &opened] {
        m_store->setChangeHandler([this](const StoreChange &change) {
            QMetaObject::invokeMethod(this, [this, change] {
                if (m_changeHandler)
                    m_changeHandler(change);
            }, Qt::QueuedConnection);
        });
        opened.set_value(m_store->open());
    }, Qt::QueuedConnection);
    Result<void> result = future.get();
    if (!result.ok()) {
        m_thread.quit();
        m_thread.wait();
    }
    return result;
}

void StoreExecutor::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_storeContext, [this] { m_store->close(); }, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void StoreExecutor::setChangeHandler(std::function<void(const StoreChange &)> handler)
{
    m_changeHandler = std::move(handler);
}

template <typename T, typename Work>
void StoreExecutor::run(Work work, Callback<T> done)
{
    Job job = [work = std::move(work), done = std::move(done)](SessionStore &store) mutable -> Completion {
        return [done = std::move(done), result = work(store)]() mutable { done(std::move(result)); };
    };
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        m_jobs.push_back(std::move(job));
        schedule = !m_jobsScheduled;
        m_jobsScheduled = true;
    }
    if (schedule)
        QMetaObject::invokeMethod(m_storeContext, [this] { drainJobs(); }, Qt::QueuedConnection);
}

// On the store thread: runs every queued read and answers them all in one hop back.
void StoreExecutor::drainJobs()
{
    std::vector<Job> jobs;
    {
        QMutexLocker lock(&m_mutex);
        jobs.swap(m_jobs);
        m_jobsScheduled = false;
    }
    std::vector<Completion> completions;
    completions.reserve(jobs.size());
    for (Job &job : jobs)
        completions.push_back(job(*m_store));
    deliver(std::move(completions));
}

// Hands completions to this object's thread. `self` guards the hop: at shutdown the
// executor may be gone by the time they would run.
void StoreExecutor::deliver(std::vector<Completion> completions)
{
    QPointer<StoreExecutor> self(this);
    QMetaObject::invokeMethod(this, [self, completions = std::move(completions)] {
        if (!self)
            return;
        for (const Completion &completion : completions)
            completion();
    }, Qt::QueuedConnection);
}

void StoreExecutor::write(StoreWrite write, Callback<Session> done)
{
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        m_pending.push_back(PendingWrite{std::move(write), std::move(done)});
        schedule = !m_drainScheduled;
        m_drainScheduled = true;
    }
    if (schedule)
        QMetaObject::invokeMethod(m_storeContext, [this] { drainWrites(); }, Qt::QueuedConnection);
}

// On the store thread: takes everything queued (up to the batch bound), commits it as
// one batch, answers every caller in one hop back, and reschedules itself if more
// writes arrived meanwhile.
void StoreExecutor::drainWrites()
{
    std::vector<PendingWrite> batch;
    {
        QMutexLocker lock(&m_mutex);
        if (int(m_pending.size()) <= m_maxBatch) {
            batch.swap(m_pending);
        } else {
            auto split = m_pending.begin() + m_maxBatch;
            batch.assign(std::make_move_iterator(m_pending.begin()), std::make_move_iterator(split));
            m_pending.erase(m_pending.begin(), split);
        }
    }
    QList<StoreWrite> writes;
    writes.reserve(qsizetype(batch.size()));
    for (PendingWrite &pending : batch)
        writes.append(std::move(pending.write));
    QList<Result<Session>> results = m_store->write(writes);
    if (results.size() != writes.size()) {
        m_logger.error("store answered a batch with the wrong number of results",
                       {{"writes", int(writes.size())}, {"results", int(results.size())}});
        results = QList<Result<Session>>(writes.size(),
                                         makeError(ErrorCode::Internal, "store returned a malformed batch"));
    }
    std::vector<Completion> completions;
    completions.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        completions.push_back([done = std::move(batch[i].done), result = std::move(results[qsizetype(i)])]() mutable {
            done(std::move(result));
        });
    }
    deliver(std::move(completions));

    QMutexLocker lock(&m_mutex);
    if (m_pending.empty()) {
        m_drainScheduled = false;
        return;
    }
    lock.unlock();
    QMetaObject::invokeMethod(m_storeContext, [this] { drainWrites(); }, Qt::QueuedConnection);
}

void StoreExecutor::get(const QString &id, Callback<Session> done)
{
    run<Session>([id](SessionStore &store) { return store.get(id); }, std::move(done));
}

void StoreExecutor::list(ListSessionsQuery query, Callback<SessionPage> done)
{
    run<SessionPage>([query = std::move(query)](SessionStore &store) { return store.list(query); },
                     std::move(done));
}

void StoreExecutor::expireDue(const QDateTime &now, int limit, Callback<QList<Session>> done)
{
    run<QList<Session>>([now, limit](SessionStore &store) { return store.expireDue(now, limit); },
                        std::move(done));
}

void StoreExecutor::purgeFinal(const QDateTime &before, int limit, Callback<int> done)
{
    run<int>([before, limit](SessionStore &store) { return store.purgeFinal(before, limit); },
             std::move(done));
}

void StoreExecutor::ping(Callback<void> done)
{
    run<void>([](SessionStore &store) { return store.ping(); }, std::move(done));
}

} // namespace sm
