#include "outboundqueue.h"

#include "encodedevent.h"
#include "streamwriter.h"
#include "writekicker.h"

namespace smgrpc {

namespace {
// A batch stops growing past this, far below any client's receive limit (4 MiB by default).
constexpr qint64 kMaxBatchBytes = 64 * 1024;
} // namespace

OutboundQueue::OutboundQueue(StreamWriter *writer, int maxMessages, WriteKicker *kicker)
    : m_writer(writer), m_maxMessages(maxMessages), m_kicker(kicker)
{
}

void OutboundQueue::setMaxBatch(int events)
{
    std::lock_guard lock(m_mutex);
    m_maxBatch = std::max(1, events);
}

OutboundQueue::Push OutboundQueue::push(std::unique_ptr<google::protobuf::Message> message, bool bounded)
{
    const qint64 bytes = qint64(message->ByteSizeLong());
    return append(Item{{}, std::move(message), bytes, Clock::now()}, bounded);
}

OutboundQueue::Push OutboundQueue::pushEvent(std::shared_ptr<const EncodedEvent> event, bool bounded)
{
    const qint64 bytes = qint64(event->batchElement().size());
    return append(Item{std::move(event), nullptr, bytes, Clock::now()}, bounded);
}

OutboundQueue::Push OutboundQueue::append(Item item, bool bounded)
{
    std::lock_guard lock(m_mutex);
    if (!m_writer || m_finishStatus)
        return Push::Closed;
    if (bounded && int(m_items.size()) >= m_maxMessages)
        return Push::Full;
    m_queuedBytes += item.bytes;
    m_items.push_back(std::move(item));
    publishSizesLocked();
    if (!m_kicker) {
        writeNextLocked();
    } else if (m_writing == 0 && !m_kicked) {
        m_kicked = true;
        m_kicker->kick(shared_from_this());
    }
    return Push::Queued;
}

void OutboundQueue::finish(const grpc::Status &status, bool dropQueued)
{
    std::lock_guard lock(m_mutex);
    if (m_finishStatus || !m_writer)
        return;
    m_finishStatus = status;
    // What is being written must stay alive until its write completes.
    if (dropQueued)
        dropLocked(m_writing);
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
    if (m_writing > 0 && !m_items.empty()) {
        const auto waited = Clock::now() - m_items.front().queuedAt;
        m_lastFlushMs.store(std::chrono::duration<double, std::milli>(waited).count(), std::memory_order_relaxed);
    }
    for (; m_writing > 0 && !m_items.empty(); --m_writing) {
        m_queuedBytes -= m_items.front().bytes;
        m_items.pop_front();
    }
    m_writing = 0;
    if (!ok) {
        // The client has gone: nothing more can be written.
        dropLocked(0);
        if (!m_finishStatus)
            m_finishStatus = grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    }
    publishSizesLocked();
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

void OutboundQueue::startKickedWrite()
{
    std::lock_guard lock(m_mutex);
    m_kicked = false;
    writeNextLocked();
}

void OutboundQueue::detach()
{
    std::lock_guard lock(m_mutex);
    m_writer = nullptr;
    dropLocked(0);
}

// Starts the next write (a control message, or the events at the front, as many as one
// message may carry), or, with nothing left to write, the finish that was asked for.
void OutboundQueue::writeNextLocked()
{
    if (!m_writer || m_writing > 0 || m_finishSent)
        return;
    if (m_items.empty()) {
        if (m_finishStatus) {
            m_finishSent = true;
            m_writer->finishCall(*m_finishStatus);
        }
        return;
    }
    if (const google::protobuf::Message *message = m_items.front().message.get()) {
        m_writing = 1;
        m_writer->startWrite(*message);
        return;
    }
    m_batch.clear();
    qint64 batchBytes = 0;
    for (auto it = m_items.cbegin(); it != m_items.cend() && !it->message && int(m_batch.size()) < m_maxBatch
         && batchBytes < kMaxBatchBytes;
         ++it) {
        m_batch.push_back(it->event.get());
        batchBytes += it->bytes;
    }
    m_writing = m_batch.size();
    m_writer->startEventsWrite(m_batch);
}

// Drops everything queued after the first `keep` items.
void OutboundQueue::dropLocked(size_t keep)
{
    while (m_items.size() > keep) {
        m_queuedBytes -= m_items.back().bytes;
        m_items.pop_back();
    }
    publishSizesLocked();
}

void OutboundQueue::publishSizesLocked()
{
    m_depth.store(int(m_items.size()), std::memory_order_relaxed);
    m_bytes.store(m_queuedBytes, std::memory_order_relaxed);
}

} // namespace smgrpc
