#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace smgrpc {

class OutboundQueue;

// Starts the first write of idle streams on a thread of its own. A write started by the
// host thread would run gRPC's write path (transport, syscalls, wake-ups) there, once per
// event and stream, and the hub's fan-out would wait for it; here the host thread only
// queues the event, and a stream that was idle is handed over to this thread. Writes
// after the first are started by gRPC's threads when the previous one completes, with
// whatever has queued meanwhile (as one batch when the client accepts batches).
class WriteKicker {
public:
    WriteKicker();
    ~WriteKicker();

    // Any thread, with the queue's lock held: start the queue's next write soon.
    void kick(std::shared_ptr<OutboundQueue> queue);

private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<std::shared_ptr<OutboundQueue>> m_pending;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace smgrpc
