#include "workerprocess/attachreactor.h"

#include <utility>

namespace sm {

using worker::v1::RuntimeMessage;
using worker::v1::WorkerMessage;

AttachReactor::AttachReactor(QObject *qtContext, Listener &listener, qint64 maxQueuedBytes)
    : m_qtContext(qtContext)
    , m_listener(listener)
    , m_maxQueuedBytes(maxQueuedBytes)
{
    post([this] { m_listener.streamOpened(this); });
    StartRead(&m_incoming);
}

// Queued to the Qt thread: calls from one reactor arrive in the order they were posted.
template <typename Call>
void AttachReactor::post(Call &&call)
{
    QMetaObject::invokeMethod(m_qtContext, std::forward<Call>(call), Qt::QueuedConnection);
}

void AttachReactor::OnReadDone(bool ok)
{
    if (!ok) {
        post([this] { m_listener.readsEnded(this); });
        return;
    }
    auto message = std::make_shared<RuntimeMessage>(std::move(m_incoming));
    m_incoming.Clear();
    post([this, message] { m_listener.messageReceived(this, *message); });
    StartRead(&m_incoming);
}

void AttachReactor::send(WorkerMessage &&message)
{
    std::unique_lock lock(m_mutex);
    if (m_finishing)
        return;
    const qint64 size = qint64(message.ByteSizeLong());
    if (m_queuedBytes + size > m_maxQueuedBytes) {
        // What is queued is stale anyway: the runtime will reassign from its snapshots.
        m_queue.resize(m_writing ? 1 : 0);
        m_queuedBytes = m_writing ? qint64(m_queue.front().ByteSizeLong()) : 0;
        m_finishing = true;
        m_finishStatus = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                      "the runtime reads slower than the worker writes");
        writeFrontOrFinish(lock);
        return;
    }
    m_queuedBytes += size;
    m_queue.push_back(std::move(message));
    if (!m_writing)
        writeFrontOrFinish(lock);
}

bool AttachReactor::allWritten()
{
    std::lock_guard lock(m_mutex);
    return m_queue.empty() && !m_writing;
}

void AttachReactor::finish(const grpc::Status &status)
{
    std::unique_lock lock(m_mutex);
    if (m_finishing)
        return;
    m_finishing = true;
    m_finishStatus = status;
    if (!m_writing)
        writeFrontOrFinish(lock);
}

// Starts the next write, or Finish() when the queue is empty and the stream is finishing.
// gRPC is called without the lock held; m_writing keeps anyone else from starting a write.
void AttachReactor::writeFrontOrFinish(std::unique_lock<std::mutex> &lock)
{
    if (m_writing)
        return;
    if (!m_queue.empty()) {
        m_writing = true;
        const WorkerMessage *front = &m_queue.front(); // deque elements do not move on push_back
        lock.unlock();
        StartWrite(front);
        return;
    }
    if (m_finishing && !m_finishCalled) {
        m_finishCalled = true;
        const grpc::Status status = m_finishStatus;
        lock.unlock();
        Finish(status);
    }
}

void AttachReactor::OnWriteDone(bool ok)
{
    std::unique_lock lock(m_mutex);
    m_queuedBytes -= qint64(m_queue.front().GetCachedSize()); // sized in send()
    m_queue.pop_front();
    m_writing = false;
    if (!ok) {
        // The stream is broken: nothing more can be written.
        m_queue.clear();
        m_queuedBytes = 0;
        if (!m_finishing) {
            m_finishing = true;
            m_finishStatus = grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed");
        }
    }
    writeFrontOrFinish(lock);
}

// The runtime went away or the server is shutting down: Finish() must still be called
// for OnDone() to follow, and the Qt thread may no longer be there to do it.
void AttachReactor::OnCancel()
{
    finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
}

void AttachReactor::OnDone()
{
    post([this] {
        m_listener.streamDone(this);
        delete this;
    });
}

} // namespace sm
