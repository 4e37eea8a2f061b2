#pragma once

#include <sm/callback.h>
#include <sm/store.h>

#include <QMutex>
#include <QObject>
#include <QThread>

#include <memory>
#include <vector>

namespace sm {

class Logger;

// Runs a SessionStore on a thread of its own and gives the host thread an asynchronous
// API. Writes are group-committed: every write that arrives while the store is busy
// joins the next batch, one transaction for all of them, and each caller hears back
// only after that commit. Reads are batched the same way (one thread hop each way per
// batch, not per call). Callbacks run on the thread that owns this object.
class StoreExecutor : public QObject {
    Q_OBJECT
public:
    StoreExecutor(std::unique_ptr<SessionStore> store, Logger &logger, int maxBatch = 2048);
    ~StoreExecutor() override;

    // Starts the thread and opens the store there. Blocks until open() returns: it is
    // called once at start-up, before the runtime serves anything.
    Result<void> start();
    // Closes the store after the work already queued, and joins the thread. Calls made
    // afterwards are answered Unavailable.
    void stop();
    // Asks the store whether it is reachable and blocks for the answer: for start-up only,
    // when a store may open before its server is there and nothing is served yet.
    Result<void> pingNow();

    void write(StoreWrite write, Callback<Session> done);
    void get(const QString &id, Callback<Session> done);
    void list(ListSessionsQuery query, Callback<SessionPage> done);
    void expireDue(const QDateTime &now, int limit, Callback<QList<Session>> done);
    void purgeFinal(const QDateTime &before, int limit, Callback<int> done);
    void ping(Callback<void> done);

    // Called on the host thread when another process changed a session.
    void setChangeHandler(std::function<void(const StoreChange &)> handler);

private:
    // A read runs on the store thread and returns what to run back on the host thread.
    using Completion = std::function<void()>;
    using Job = std::function<Completion(SessionStore &)>;

    // Queues `work` for the store thread; `done(result)` runs back on this object's thread.
    template <typename T, typename Work>
    void run(Work work, Callback<T> done);
    // After stop(): answers `done` with Unavailable and returns true.
    template <typename T>
    bool refuseWhenStopped(Callback<T> &done);
    void scheduleReads();
    void drainWrites();
    void drainReads();
    // Runs `answerAll` on this object's thread: one hop back per batch, not per call.
    void deliver(Completion answerAll);

    std::unique_ptr<SessionStore> m_store;
    Logger &m_logger;
    const int m_maxBatch;
    QThread m_thread;
    QObject *m_storeContext = nullptr; // lives on m_thread; target of queued work
    bool m_stopped = false;            // host thread only

    // Queued work, guarded by m_mutex. Writes and gets, the bulk of the traffic, are kept
    // as plain values beside their callbacks, so queueing one costs no allocation of its
    // own and a batch is handed over by swapping containers.
    QMutex m_mutex;
    QList<StoreWrite> m_pendingWrites;
    std::vector<Callback<Session>> m_pendingWriteDones;
    bool m_drainScheduled = false;
    QList<QString> m_pendingGets;
    std::vector<Callback<Session>> m_pendingGetDones;
    std::vector<Job> m_jobs; // every other read
    bool m_readsScheduled = false;
    std::function<void(const StoreChange &)> m_changeHandler;
};

} // namespace sm
