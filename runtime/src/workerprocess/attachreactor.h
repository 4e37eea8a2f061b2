#pragma once

#include "worker.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QObject>

#include <deque>
#include <memory>
#include <mutex>

namespace sm {

// One runtime's `Attach` stream, as seen from gRPC's threads. Every message read is
// handed to the Listener on the Qt thread (queued, in order); send() may be called from
// the Qt thread at any time and writes one message at a time from its own queue. When
// gRPC is done with the stream the Listener hears it and the reactor is deleted, both on
// the Qt thread, so the Qt side never sees a dangling reactor.
class AttachReactor : public grpc::ServerBidiReactor<worker::v1::RuntimeMessage, worker::v1::WorkerMessage> {
public:
    // Called on the Qt thread of the context object given to the constructor.
    class Listener {
    public:
        virtual ~Listener() = default;
        virtual void streamOpened(AttachReactor *stream) = 0;
        virtual void messageReceived(AttachReactor *stream, const worker::v1::RuntimeMessage &message) = 0;
        // The runtime closed its side or the stream broke: no more messages.
        virtual void readsEnded(AttachReactor *stream) = 0;
        // Last call: the reactor is deleted right after.
        virtual void streamDone(AttachReactor *stream) = 0;
    };

    // `maxQueuedBytes` bounds what waits to be written: a runtime that reads slower than
    // the worker produces gets its stream ended with RESOURCE_EXHAUSTED, not unbounded memory.
    AttachReactor(QObject *qtContext, Listener &listener, qint64 maxQueuedBytes);

    // Queues a message; dropped once the stream is finishing.
    void send(worker::v1::WorkerMessage &&message);
    // Whether every message queued so far has been written (for a test hook).
    bool allWritten();
    // Ends the stream with `status` once the messages already queued are written (the
    // first call wins). Any thread.
    void finish(const grpc::Status &status);

private:
    void OnReadDone(bool ok) override;
    void OnWriteDone(bool ok) override;
    void OnCancel() override;
    void OnDone() override;

    template <typename Call>
    void post(Call &&call);
    void writeFrontOrFinish(std::unique_lock<std::mutex> &lock);

    QObject *m_qtContext;
    Listener &m_listener;
    const qint64 m_maxQueuedBytes;
    worker::v1::RuntimeMessage m_incoming; // only touched by gRPC's read reactions

    std::mutex m_mutex; // guards everything below
    std::deque<worker::v1::WorkerMessage> m_queue; // front is being written while m_writing
    qint64 m_queuedBytes = 0;
    bool m_writing = false;
    bool m_finishing = false;
    bool m_finishCalled = false;
    grpc::Status m_finishStatus;
};

} // namespace sm
