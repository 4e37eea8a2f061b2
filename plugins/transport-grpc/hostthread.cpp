#include "hostthread.h"

namespace smgrpc {

HostThread::HostThread(QObject *parent) : QObject(parent) {}

// Never BlockingQueuedConnection: a reactor that waited for the host thread could
// deadlock against a host thread shutting the server down.
void HostThread::post(std::function<void()> task)
{
    QMetaObject::invokeMethod(this, std::move(task), Qt::QueuedConnection);
}

} // namespace smgrpc
