#pragma once

#include <functional>
#include <utility>

namespace sm {

// One kind of pending operation of grpc++'s async API (a read, a write, a finish...),
// passed to grpc as the `void *tag` of the operation. The thread draining the completion
// queue calls complete() with grpc's `ok` when the operation is over. A tag is reused for
// the next operation of its kind once the previous one has completed.
class CompletionTag {
public:
    explicit CompletionTag(std::function<void(bool ok)> handler) : m_handler(std::move(handler)) {}
    CompletionTag(const CompletionTag &) = delete;
    CompletionTag &operator=(const CompletionTag &) = delete;

    void *tag() { return this; }
    void complete(bool ok) { m_handler(ok); }

private:
    std::function<void(bool ok)> m_handler;
};

} // namespace sm
