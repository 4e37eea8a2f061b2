#include "writekicker.h"

#include "outboundqueue.h"

namespace smgrpc {

WriteKicker::WriteKicker() : m_thread([this] { run(); }) {}

WriteKicker::~WriteKicker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void WriteKicker::kick(std::shared_ptr<OutboundQueue> queue)
{
    bool wasIdle = false;
    {
        std::lock_guard lock(m_mutex);
        wasIdle = m_pending.empty();
        m_pending.push_back(std::move(queue));
    }
    if (wasIdle)
        m_wake.notify_one();
}

void WriteKicker::run()
{
    std::vector<std::shared_ptr<OutboundQueue>> batch;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_pending.empty(); });
            if (m_stopping)
                return;
            batch.swap(m_pending);
        }
        for (const auto &queue : batch)
            queue->startKickedWrite();
        batch.clear();
    }
}

} // namespace smgrpc
