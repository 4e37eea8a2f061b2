#include "workerprocess/attachstream.h"

#include "rpc/completionqueuethread.h"

#include <utility>

namespace sm {

using worker::v1::RuntimeMessage;
using worker::v1::WorkerMessage;

void AttachStream::acceptNext(Endpoint &endpoint)
{
    auto *stream = new AttachStream(endpoint); // deleted on the Qt thread once grpc is done with it
    endpoint.queueThread.acquire();
    endpoint.service.RequestAttach(&stream->m_rpc->context, &stream->m_rpc->stream, &endpoint.queue, &endpoint.queue,
                                   stream->m_acceptTag.tag());
}

AttachStream::AttachStream(Endpoint &endpoint)
    : m_endpoint(endpoint)
    , m_rpc(std::make_unique<Rpc>())
    , m_acceptTag([this](bool ok) { accepted(ok); })
    , m_readTag([this](bool ok) { readDone(ok); })
    , m_writeTag([this](bool ok) { writeDone(ok); })
    , m_finishTag([this](bool ok) { finished(ok); })
{
}

// Queued to the Qt thread: calls from one stream arrive in the order they were posted.
template <typename Call>
void AttachStream::post(Call &&call)
{
    QMetaObject::invokeMethod(m_endpoint.qtContext, std::forward<Call>(call), Qt::QueuedConnection);
}

void AttachStream::accepted(bool ok)
{
    CompletionQueueThread &queueThread = m_endpoint.queueThread;
    if (!ok) {
        // The server is shutting down: this call never started.
        m_rpc.reset();
        post([this] { delete this; });
        queueThread.release(); // after the post: the queue's owner delivers what was posted once it is released
        return;
    }
    acceptNext(m_endpoint);
    post([this] { m_endpoint.listener.streamOpened(this); });
    {
        std::lock_guard lock(m_mutex);
        m_reading = true;
    }
    m_rpc->stream.Read(&m_incoming, m_readTag.tag());
}

void AttachStream::readDone(bool ok)
{
    if (!ok) {
        post([this] { m_endpoint.listener.readsEnded(this); });
        std::unique_lock lock(m_mutex);
        m_reading = false;
        finishWith(grpc::Status::OK, lock);
        endIfDone(lock);
        return;
    }
    auto message = std::make_shared<RuntimeMessage>(std::move(m_incoming));
    m_incoming.Clear();
    post([this, message] { m_endpoint.listener.messageReceived(this, *message); });
    m_rpc->stream.Read(&m_incoming, m_readTag.tag());
}

void AttachStream::send(WorkerMessage &&message)
{
    std::unique_lock lock(m_mutex);
    if (m_finishing)
        return;
    const qint64 size = qint64(message.ByteSizeLong());
    if (m_queuedBytes + size > m_endpoint.maxQueuedBytes) {
        // What is queued is stale anyway: the runtime will reassign from its snapshots.
        m_queue.resize(m_writing ? 1 : 0);
        m_queuedBytes = m_writing ? qint64(m_queue.front().ByteSizeLong()) : 0;
        finishWith(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the runtime reads slower than the worker writes"),
                   lock);
        return;
    }
    m_queuedBytes += size;
    m_queue.push_back(std::move(message));
    writeFrontOrFinish(lock);
}

bool AttachStream::allWritten()
{
    std::lock_guard lock(m_mutex);
    return m_queue.empty() && !m_writing;
}

void AttachStream::finish(const grpc::Status &status)
{
    std::unique_lock lock(m_mutex);
    finishWith(status, lock);
}

// The first status wins; Finish() follows once the queue is written.
void AttachStream::finishWith(const grpc::Status &status, std::unique_lock<std::mutex> &lock)
{
    if (m_finishing)
        return;
    m_finishing = true;
    m_finishStatus = status;
    writeFrontOrFinish(lock);
}

// Starts the next write, or Finish() when the queue is empty and the stream is finishing.
// grpc is called without the lock held; m_writing / m_finishCalled keep anyone else from
// starting the same operation.
void AttachStream::writeFrontOrFinish(std::unique_lock<std::mutex> &lock)
{
    if (m_writing)
        return;
    if (!m_queue.empty()) {
        m_writing = true;
        batchQueuedEvents();
        const WorkerMessage *front = &m_queue.front(); // deque elements do not move on push_back
        lock.unlock();
        m_rpc->stream.Write(*front, m_writeTag.tag());
        lock.lock();
        return;
    }
    if (m_finishing && !m_finishCalled) {
        m_finishCalled = true;
        const grpc::Status status = m_finishStatus;
        lock.unlock();
        m_rpc->stream.Finish(status, m_finishTag.tag());
        lock.lock();
    }
}

// Under m_mutex, no write in flight. Events that queued up behind the previous write go
// out as one EventBatch: a tick's burst of events then costs a few writes (and a few
// wake-ups of the runtime's threads), not one per event.
void AttachStream::batchQueuedEvents()
{
    constexpr size_t kMaxBatchEvents = 512;
    size_t count = 0;
    while (count < m_queue.size() && count < kMaxBatchEvents && m_queue[count].has_event())
        ++count;
    if (count < 2)
        return;
    WorkerMessage batch;
    auto *events = batch.mutable_event_batch()->mutable_events();
    events->Reserve(int(count));
    for (size_t i = 0; i < count; ++i) {
        m_queuedBytes -= qint64(m_queue[i].ByteSizeLong()); // as counted in send()
        events->AddAllocated(m_queue[i].release_event());
    }
    m_queuedBytes += qint64(batch.ByteSizeLong());
    m_queue.erase(m_queue.begin(), m_queue.begin() + qsizetype(count));
    m_queue.push_front(std::move(batch));
}

void AttachStream::writeDone(bool ok)
{
    std::unique_lock lock(m_mutex);
    m_queuedBytes -= qint64(m_queue.front().GetCachedSize()); // sized in send()
    m_queue.pop_front();
    m_writing = false;
    if (!ok) {
        // The stream is broken: nothing more can be written.
        m_queue.clear();
        m_queuedBytes = 0;
        finishWith(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"), lock);
        return;
    }
    writeFrontOrFinish(lock);
}

void AttachStream::finished(bool)
{
    std::unique_lock lock(m_mutex);
    m_finishDone = true;
    endIfDone(lock);
}

// Once Finish() and the last read have completed, no operation is pending or can start.
void AttachStream::endIfDone(std::unique_lock<std::mutex> &lock)
{
    if (!m_finishDone || m_reading || m_writing)
        return;
    std::unique_ptr<Rpc> rpc = std::move(m_rpc);
    lock.unlock();
    rpc.reset();
    CompletionQueueThread &queueThread = m_endpoint.queueThread;
    post([this] {
        m_endpoint.listener.streamDone(this);
        delete this;
    });
    queueThread.release();
}

} // namespace sm
