#pragma once

#include <QObject>

#include <functional>

namespace smgrpc {

// The way from gRPC's threads to the host (Qt) thread, where the session service and the
// stream hub live. post() may be called from any thread; tasks run in order on the thread
// this object lives on. Tasks still queued when it is destroyed are dropped.
class HostThread : public QObject {
public:
    explicit HostThread(QObject *parent = nullptr);

    void post(std::function<void()> task);
};

} // namespace smgrpc
