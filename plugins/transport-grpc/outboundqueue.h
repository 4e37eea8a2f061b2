#pragma once

#include <grpcpp/support/status.h>

#include <google/protobuf/message.h>

#include <QtGlobal>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace smgrpc {

class EncodedEvent;
class StreamWriter;
class WriteKicker;

// The bounded write queue of one stream, shared by the host thread (which pushes) and
// gRPC's threads (which report finished writes). grpc++ allows one write in flight per
// stream, so messages wait here; past the bound a push is refused and the stream's owner
// ends it (a slow client must not grow memory). Events are queued as their shared
// encoding (one per event for all streams) and written from it, off the host thread when
// the stream is busy; a client that accepts batches gets every queued event (up to its
// max_batch) in one message. finish() ends the call once the queued messages are
// written, or at once when they are to be dropped. The reactor detaches itself when gRPC
// is done with the call; later pushes are refused.
class OutboundQueue : public std::enable_shared_from_this<OutboundQueue> {
public:
    enum class Push { Queued, Full, Closed };

    // Without a kicker a push into an idle queue starts the write on the pushing thread.
    OutboundQueue(StreamWriter *writer, int maxMessages, WriteKicker *kicker = nullptr);

    // How many events one write may carry (1 = no batching); set when the stream opens.
    void setMaxBatch(int events);
    // `bounded` false lets a replay burst through: the hub's history already bounds it.
    Push push(std::unique_ptr<google::protobuf::Message> message, bool bounded = true);
    Push pushEvent(std::shared_ptr<const EncodedEvent> event, bool bounded = true);
    void finish(const grpc::Status &status, bool dropQueued = false);
    // True once finish() was called or the reactor went away: nothing more will be sent.
    bool isClosed() const;

    // Messages and events not yet written (those being written included) and their size
    // in bytes; how long the last completed write had waited in the queue.
    int depth() const { return m_depth.load(std::memory_order_relaxed); }
    qint64 bytes() const { return m_bytes.load(std::memory_order_relaxed); }
    double lastFlushMs() const { return m_lastFlushMs.load(std::memory_order_relaxed); }

    // For the reactor.
    void writeDone(bool ok);
    // Runs `action` under the queue's lock unless the call is finishing: how a bidi reactor
    // starts its next read without racing a finish from another thread.
    bool ifOpen(const std::function<void()> &action);
    void detach();
    // For the WriteKicker.
    void startKickedWrite();

private:
    using Clock = std::chrono::steady_clock;
    struct Item {
        std::shared_ptr<const EncodedEvent> event; // when `message` is null
        std::unique_ptr<google::protobuf::Message> message;
        qint64 bytes = 0;
        Clock::time_point queuedAt;
    };

    Push append(Item item, bool bounded);
    void writeNextLocked();
    void dropLocked(size_t keep);
    void publishSizesLocked();

    mutable std::mutex m_mutex;
    StreamWriter *m_writer;
    const int m_maxMessages;
    WriteKicker *const m_kicker;
    bool m_kicked = false; // a kick is pending: the kicker will start the next write
    int m_maxBatch = 1;
    std::deque<Item> m_items;
    size_t m_writing = 0; // items the write in flight carries (0 = none in flight)
    std::vector<const EncodedEvent *> m_batch;
    qint64 m_queuedBytes = 0;
    std::optional<grpc::Status> m_finishStatus;
    bool m_finishSent = false;
    std::atomic<int> m_depth{0};
    std::atomic<qint64> m_bytes{0};
    std::atomic<double> m_lastFlushMs{0};
};

} // namespace smgrpc
