#pragma once

#include <QObject>

#include <functional>
#include <mutex>
#include <vector>

namespace smgrpc {

// The way from gRPC's threads to the host (Qt) thread, where the session service and the
// stream hub live. post() may be called from any thread; tasks run in order on the thread
// this object lives on. Tasks still queued when it is destroyed are dropped.
//
// Tasks wait in one list and the host thread runs every task listed in one go: only the
// first task posted into an empty list costs a Qt event (an allocation, the thread
// data's lock, a wake-up of the event loop), not every call and stream message.
class HostThread : public QObject {
public:
    explicit HostThread(QObject *parent = nullptr);

    void post(std::function<void()> task);

private:
    void runPending();

    std::mutex m_mutex;
    std::vector<std::function<void()>> m_pending;
};

} // namespace smgrpc
