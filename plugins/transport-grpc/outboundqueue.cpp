#include "outboundqueue.h"

#include "streamwriter.h"

namespace smgrpc {

OutboundQueue::OutboundQueue(StreamWriter *writer, int maxMessages)
    : m_writer(writer), m_maxMessages(maxMessages)
{
}

OutboundQueue::Push OutboundQueue::push(std::unique_ptr<google::protobuf::Message> message, bool bounded)
{
    std::lock_guard lock(m_mutex);
    if (!m_writer || m_finishStatus)
        return Push::Closed;
    if (bounded && int(m_messages.size()) >= m_maxMessages)
        return Push::Full;
    m_bytes.fetch_add(qint64(message->ByteSizeLong()), std::memory_order_relaxed);
    m_messages.push_back(std::move(message));
    m_depth.store(int(m_messages.size()), std::memory_order_relaxed);
    if (!m_writing)
        writeNextLocked();
    return Push::Queued;
}

void OutboundQueue::finish(const grpc::Status &status, bool dropQueued)
{
    std::lock_guard lock(m_mutex);
    if (m_finishStatus || !m_writer)
        return;
    m_finishStatus = status;
    if (dropQueued) {
        // The message being written must stay alive until its write completes.
        while (m_messages.size() > (m_writing ? 1u : 0u)) {
            m_bytes.fetch_sub(qint64(m_messages.back()->ByteSizeLong()), std::memory_order_relaxed);
            m_messages.pop_back();
        }
        m_depth.store(int(m_messages.size()), std::memory_order_relaxed);
    }
    if (!m_writing)
        writeNextLocked();
}

bool OutboundQueue::isClosed() const
{
    std::lock_guard lock(m_mutex);
    return !m_writer || m_finishStatus.has_value();
}

void OutboundQueue::writeDone(bool ok)
{
    std::lock_guard lock(m_mutex);
    m_writing = false;
    if (!m_messages.empty()) {
        m_bytes.fetch_sub(qint64(m_messages.front()->ByteSizeLong()), std::memory_order_relaxed);
        m_messages.pop_front();
    }
    if (!ok) {
        // The client has gone: nothing more can be written.
        m_messages.clear();
        m_bytes.store(0, std::memory_order_relaxed);
        if (!m_finishStatus)
            m_finishStatus = grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    }
    m_depth.store(int(m_messages.size()), std::memory_order_relaxed);
    writeNextLocked();
}

bool OutboundQueue::ifOpen(const std::function<void()> &action)
{
    std::lock_guard lock(m_mutex);
    if (!m_writer || m_finishStatus)
        return false;
    action();
    return true;
}

void OutboundQueue::detach()
{
    std::lock_guard lock(m_mutex);
    m_writer = nullptr;
    m_messages.clear();
    m_depth.store(0, std::memory_order_relaxed);
    m_bytes.store(0, std::memory_order_relaxed);
}

// Starts the next write, or, with nothing left to write, the finish that was asked for.
void OutboundQueue::writeNextLocked()
{
    if (!m_writer || m_writing || m_finishSent)
        return;
    if (!m_messages.empty()) {
        m_writing = true;
        m_writer->startWrite(*m_messages.front());
    } else if (m_finishStatus) {
        m_finishSent = true;
        m_writer->finishCall(*m_finishStatus);
    }
}

} // namespace smgrpc
