#pragma once

#include <grpcpp/support/status.h>

#include <google/protobuf/message.h>

#include <QtGlobal>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace smgrpc {

class StreamWriter;

// The bounded write queue of one stream, shared by the host thread (which pushes) and
// gRPC's threads (which report finished writes). grpc++ allows one write in flight per
// stream, so messages wait here; past the bound a push is refused and the stream's owner
// ends it (a slow client must not grow memory). finish() ends the call once the queued
// messages are written, or at once when they are to be dropped. The reactor detaches
// itself when gRPC is done with the call; later pushes are refused.
class OutboundQueue {
public:
    enum class Push { Queued, Full, Closed };

    OutboundQueue(StreamWriter *writer, int maxMessages);

    // `bounded` false lets a replay burst through: the hub's history already bounds it.
    Push push(std::unique_ptr<google::protobuf::Message> message, bool bounded = true);
    void finish(const grpc::Status &status, bool dropQueued = false);
    // True once finish() was called or the reactor went away: nothing more will be sent.
    bool isClosed() const;

    // Messages not yet written (the one being written included) and their size in bytes.
    int depth() const { return m_depth.load(std::memory_order_relaxed); }
    qint64 bytes() const { return m_bytes.load(std::memory_order_relaxed); }

    // For the reactor.
    void writeDone(bool ok);
    // Runs `action` under the queue's lock unless the call is finishing: how a bidi reactor
    // starts its next read without racing a finish from another thread.
    bool ifOpen(const std::function<void()> &action);
    void detach();

private:
    void writeNextLocked();

    mutable std::mutex m_mutex;
    StreamWriter *m_writer;
    const int m_maxMessages;
    std::deque<std::unique_ptr<google::protobuf::Message>> m_messages;
    bool m_writing = false;
    std::optional<grpc::Status> m_finishStatus;
    bool m_finishSent = false;
    std::atomic<int> m_depth{0};
    std::atomic<qint64> m_bytes{0};
};

} // namespace smgrpc
