#include "rpc/completionqueuethread.h"

#include "rpc/completiontag.h"

#include <pthread.h>

namespace sm {

CompletionQueueThread::CompletionQueueThread(std::unique_ptr<grpc::CompletionQueue> queue, const char *name)
    : m_queue(std::move(queue))
    , m_name(name)
{
}

CompletionQueueThread::~CompletionQueueThread()
{
    stop();
}

void CompletionQueueThread::start()
{
    m_thread = std::thread([this] {
        pthread_setname_np(pthread_self(), m_name);
        run();
    });
}

void CompletionQueueThread::stop()
{
    {
        std::unique_lock lock(m_mutex);
        if (m_stopped)
            return;
        m_released.wait(lock, [this] { return m_holders == 0; });
        m_stopped = true;
    }
    m_queue->Shutdown();
    if (m_thread.joinable())
        m_thread.join();
    else
        run(); // never started: drain here
}

void CompletionQueueThread::acquire()
{
    std::lock_guard lock(m_mutex);
    ++m_holders;
}

void CompletionQueueThread::release()
{
    std::lock_guard lock(m_mutex);
    if (--m_holders == 0)
        m_released.notify_all();
}

void CompletionQueueThread::run()
{
    void *tag = nullptr;
    bool ok = false;
    while (m_queue->Next(&tag, &ok))
        static_cast<CompletionTag *>(tag)->complete(ok);
}

} // namespace sm
