#pragma once

#include <grpcpp/completion_queue.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace sm {

// The one thread of a process that drains a grpc++ completion queue and completes the
// CompletionTags it returns. The worker link uses grpc's async API on such a queue rather
// than the callback API, whose shared queue (grpc++ 1.51 with epoll1) is polled by two or
// more grpc-owned threads that all wake for every message.
//
// Starting an operation on a queue that is shut down aborts the process, so everything
// that may still start operations (a call, a pending accept) holds the queue open with
// acquire()/release(), and stop() shuts the queue down only once nothing holds it.
class CompletionQueueThread {
public:
    // `name` shows in ps/perf (at most 15 characters).
    CompletionQueueThread(std::unique_ptr<grpc::CompletionQueue> queue, const char *name);
    ~CompletionQueueThread(); // stop()
    CompletionQueueThread(const CompletionQueueThread &) = delete;
    CompletionQueueThread &operator=(const CompletionQueueThread &) = delete;

    grpc::CompletionQueue &queue() { return *m_queue; }
    void start();
    // Waits until nothing holds the queue open (callers first make sure their calls end,
    // e.g. by cancelling them), then shuts the queue down, drains it and joins the thread.
    void stop();

    // Any thread. A holder releases once its last operation has completed.
    void acquire();
    void release();

private:
    void run();

    std::unique_ptr<grpc::CompletionQueue> m_queue;
    const char *m_name;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_released;
    int m_holders = 0;
    bool m_stopped = false;
};

} // namespace sm
