#pragma once

#include "rpc/completiontag.h"

#include "worker.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QObject>

#include <deque>
#include <memory>
#include <mutex>

namespace sm {

class CompletionQueueThread;

// One runtime's `Attach` stream on grpc++'s async API. Its operations complete on the
// worker's CompletionQueueThread; every message read is handed to the Listener on the Qt
// thread, in order (the next read starts only once the message is posted). send() may be
// called from the Qt thread at any time and writes one message at a time from its own
// queue. When grpc is done with the stream the Listener hears it and the stream is
// deleted, both on the Qt thread, so the Qt side never sees a dangling stream.
//
// When reading ends (the runtime cancelled or vanished, or the server is shutting down)
// the stream finishes by itself once what is queued is written: it must end even when
// the Qt thread is not there to answer (server shutdown), and the runtime never
// half-closes a stream it still reads, so nothing it waits for is lost.
class AttachStream {
public:
    // Called on the Qt thread of Endpoint::qtContext.
    class Listener {
    public:
        virtual ~Listener() = default;
        virtual void streamOpened(AttachStream *stream) = 0;
        virtual void messageReceived(AttachStream *stream, const worker::v1::RuntimeMessage &message) = 0;
        // The runtime closed its side or the stream broke: no more messages.
        virtual void readsEnded(AttachStream *stream) = 0;
        // Last call: the stream is deleted right after.
        virtual void streamDone(AttachStream *stream) = 0;
    };

    // What all the streams of one server share; the server owns it, it outlives them.
    struct Endpoint {
        worker::v1::Worker::AsyncService &service;
        grpc::ServerCompletionQueue &queue;
        CompletionQueueThread &queueThread; // drains `queue`
        QObject *qtContext;
        Listener &listener;
        // Bounds what waits to be written: a runtime that reads slower than the worker
        // produces gets its stream ended with RESOURCE_EXHAUSTED, not unbounded memory.
        qint64 maxQueuedBytes;
    };

    // Waits for the next Attach call; once it arrives, a new stream waits for the one
    // after, until the server shuts down.
    static void acceptNext(Endpoint &endpoint);

    // Queues a message; dropped once the stream is finishing.
    void send(worker::v1::WorkerMessage &&message);
    // Whether every message queued so far has been written (for a test hook).
    bool allWritten();
    // Ends the stream with `status` once the messages already queued are written (the
    // first call wins). Any thread.
    void finish(const grpc::Status &status);

private:
    struct Rpc {
        grpc::ServerContext context;
        grpc::ServerAsyncReaderWriter<worker::v1::WorkerMessage, worker::v1::RuntimeMessage> stream{&context};
    };

    explicit AttachStream(Endpoint &endpoint);

    void accepted(bool ok);
    void readDone(bool ok);
    void writeDone(bool ok);
    void finished(bool ok);
    template <typename Call>
    void post(Call &&call);
    void finishWith(const grpc::Status &status, std::unique_lock<std::mutex> &lock);
    void writeFrontOrFinish(std::unique_lock<std::mutex> &lock);
    void batchQueuedEvents();
    void endIfDone(std::unique_lock<std::mutex> &lock);

    Endpoint &m_endpoint;
    // The call itself: released on the queue's thread right after its last operation,
    // since a server's shutdown waits for its calls to be gone.
    std::unique_ptr<Rpc> m_rpc;
    CompletionTag m_acceptTag;
    CompletionTag m_readTag;
    CompletionTag m_writeTag;
    CompletionTag m_finishTag;
    worker::v1::RuntimeMessage m_incoming; // only touched on the queue's thread

    std::mutex m_mutex; // guards everything below
    std::deque<worker::v1::WorkerMessage> m_queue; // front is being written while m_writing
    qint64 m_queuedBytes = 0;
    bool m_reading = false;
    bool m_writing = false;
    bool m_finishing = false;
    bool m_finishCalled = false;
    bool m_finishDone = false;
    grpc::Status m_finishStatus;
};

} // namespace sm
