#include "hostthread.h"

#include <QPointer>

namespace smgrpc {

HostThread::HostThread(QObject *parent) : QObject(parent) {}

// Never BlockingQueuedConnection: a reactor that waited for the host thread could
// deadlock against a host thread shutting the server down.
void HostThread::post(std::function<void()> task)
{
    bool first = false;
    {
        std::lock_guard lock(m_mutex);
        first = m_pending.empty();
        m_pending.push_back(std::move(task));
    }
    if (first)
        QMetaObject::invokeMethod(this, [this] { runPending(); }, Qt::QueuedConnection);
}

// Tasks posted meanwhile go into the emptied list and schedule the next run. The batch is
// local: a task may end the plugin, and this object with it; the tasks after it are then
// dropped, as queued tasks are when this object is destroyed.
void HostThread::runPending()
{
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard lock(m_mutex);
        tasks.swap(m_pending);
    }
    const QPointer<HostThread> alive(this);
    for (auto &task : tasks) {
        if (!alive)
            return;
        task();
    }
}

} // namespace smgrpc
