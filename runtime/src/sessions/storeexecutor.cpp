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
    m_stopped = true;
    if (!m_thread.isRunning())
        return;
    // close() and quit() from the store thread, after the work queued before them:
    // quitting from here could end the thread's loop with close() still queued, and the
    // store would then be closed on the wrong thread by its destructor.
    QMetaObject::invokeMethod(m_storeContext, [this] {
        m_store->close();
        m_thread.quit();
    }, Qt::QueuedConnection);
    m_thread.wait();
}

Result<void> StoreExecutor::pingNow()
{
    std::promise<Result<void>> answered;
    auto future = answered.get_future();
    QMetaObject::invokeMethod(m_storeContext, [this, &answered] { answered.set_value(m_store->ping()); },
                              Qt::QueuedConnection);
    return future.get();
}

void StoreExecutor::setChangeHandler(std::function<void(const StoreChange &)> handler)
{
    m_changeHandler = std::move(handler);
}

template <typename T>
bool StoreExecutor::refuseWhenStopped(Callback<T> &done)
{
    if (!m_stopped)
        return false;
    // Answered from the event loop like every other call, never from inside the call.
    deliver([done = std::move(done)] {
        done(makeError(ErrorCode::Unavailable, QStringLiteral("the session store is stopped")));
    });
    return true;
}

template <typename T, typename Work>
void StoreExecutor::run(Work work, Callback<T> done)
{
    if (refuseWhenStopped(done))
        return;
    Job job = [work = std::move(work), done = std::move(done)](SessionStore &store) mutable -> Completion {
        return [done = std::move(done), result = work(store)]() mutable { done(std::move(result)); };
    };
    QMutexLocker lock(&m_mutex);
    m_jobs.push_back(std::move(job));
    scheduleReads();
}

// With m_mutex held: makes sure one drainReads() is on its way for what is queued.
void StoreExecutor::scheduleReads()
{
    if (m_readsScheduled)
        return;
    m_readsScheduled = true;
    QMetaObject::invokeMethod(m_storeContext, [this] { drainReads(); }, Qt::QueuedConnection);
}

// On the store thread: runs every queued read and answers them all in one hop back.
void StoreExecutor::drainReads()
{
    QList<QString> ids;
    std::vector<Callback<Session>> getDones;
    std::vector<Job> jobs;
    {
        QMutexLocker lock(&m_mutex);
        ids.swap(m_pendingGets);
        getDones.swap(m_pendingGetDones);
        jobs.swap(m_jobs);
        m_readsScheduled = false;
        // The next batch is likely as large: growing the queues call by call would move
        // every queued call several times.
        m_pendingGets.reserve(ids.size());
        m_pendingGetDones.reserve(getDones.size());
    }
    QList<Result<Session>> found;
    found.reserve(ids.size());
    for (const QString &id : std::as_const(ids))
        found.append(m_store->get(id));
    std::vector<Completion> completions;
    completions.reserve(jobs.size());
    for (Job &job : jobs)
        completions.push_back(job(*m_store));
    deliver([getDones = std::move(getDones), found = std::move(found),
             completions = std::move(completions)]() mutable {
        for (size_t i = 0; i < getDones.size(); ++i)
            getDones[i](std::move(found[qsizetype(i)]));
        for (const Completion &completion : completions)
            completion();
    });
}

// `self` guards the hop: at shutdown the executor may be gone by the time it would run.
void StoreExecutor::deliver(Completion answerAll)
{
    QPointer<StoreExecutor> self(this);
    QMetaObject::invokeMethod(this, [self, answerAll = std::move(answerAll)] {
        if (self)
            answerAll();
    }, Qt::QueuedConnection);
}

void StoreExecutor::write(StoreWrite write, Callback<Session> done)
{
    if (refuseWhenStopped(done))
        return;
    QMutexLocker lock(&m_mutex);
    m_pendingWrites.append(std::move(write));
    m_pendingWriteDones.push_back(std::move(done));
    if (m_drainScheduled)
        return;
    m_drainScheduled = true;
    QMetaObject::invokeMethod(m_storeContext, [this] { drainWrites(); }, Qt::QueuedConnection);
}

// On the store thread: takes everything queued (up to the batch bound), commits it as
// one batch, answers every caller in one hop back, and reschedules itself if more
// writes arrived meanwhile.
void StoreExecutor::drainWrites()
{
    QList<StoreWrite> writes;
    std::vector<Callback<Session>> dones;
    {
        QMutexLocker lock(&m_mutex);
        if (m_pendingWrites.size() <= m_maxBatch) {
            writes.swap(m_pendingWrites);
            dones.swap(m_pendingWriteDones);
            m_pendingWrites.reserve(writes.size()); // as in drainReads()
            m_pendingWriteDones.reserve(dones.size());
        } else {
            writes = m_pendingWrites.first(m_maxBatch);
            m_pendingWrites.remove(0, m_maxBatch);
            const auto split = m_pendingWriteDones.begin() + m_maxBatch;
            dones.assign(std::make_move_iterator(m_pendingWriteDones.begin()), std::make_move_iterator(split));
            m_pendingWriteDones.erase(m_pendingWriteDones.begin(), split);
        }
    }
    QList<Result<Session>> results = m_store->write(writes);
    if (results.size() != writes.size()) {
        m_logger.error("store answered a batch with the wrong number of results",
                       {{"writes", int(writes.size())}, {"results", int(results.size())}});
        results = QList<Result<Session>>(writes.size(),
                                         makeError(ErrorCode::Internal, "store returned a malformed batch"));
    }
    deliver([dones = std::move(dones), results = std::move(results)]() mutable {
        for (size_t i = 0; i < dones.size(); ++i)
            dones[i](std::move(results[qsizetype(i)]));
    });

    QMutexLocker lock(&m_mutex);
    if (m_pendingWrites.isEmpty()) {
        m_drainScheduled = false;
        return;
    }
    lock.unlock();
    QMetaObject::invokeMethod(m_storeContext, [this] { drainWrites(); }, Qt::QueuedConnection);
}

void StoreExecutor::get(const QString &id, Callback<Session> done)
{
    if (refuseWhenStopped(done))
        return;
    QMutexLocker lock(&m_mutex);
    m_pendingGets.append(id);
    m_pendingGetDones.push_back(std::move(done));
    scheduleReads();
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
