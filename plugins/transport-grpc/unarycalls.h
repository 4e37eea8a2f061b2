#pragma once

#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace grpc {
class CallbackServerContext;
class ServerUnaryReactor;
} // namespace grpc

namespace smgrpc {

class GrpcMetrics;
class HostThread;
class UnaryCall;

// Every unary call in flight. A call arrives on a gRPC thread and is handled on the host
// thread; stop() ends the calls still waiting there, because the server's shutdown waits
// for every call to finish and their answers could otherwise never come.
class UnaryCalls {
public:
    using Handler = std::function<void(const std::shared_ptr<UnaryCall> &call)>;

    UnaryCalls(HostThread &host, GrpcMetrics &metrics);
    ~UnaryCalls();

    // On a gRPC thread: tracks the call and runs `handler` on the host thread, unless the
    // client has given up by then (cancelled, deadline passed) or the plugin is stopping.
    grpc::ServerUnaryReactor *start(grpc::CallbackServerContext *context, const char *method,
                                    Handler handler);
    // On the host thread: every unfinished call ends UNAVAILABLE, and so do later ones.
    void stop();

    // For UnaryCall::finish (any thread).
    void finished(UnaryCall *call, const grpc::Status &status, double seconds);

private:
    HostThread &m_host;
    GrpcMetrics &m_metrics;
    std::mutex m_mutex;
    bool m_stopping = false;
    std::unordered_map<UnaryCall *, std::shared_ptr<UnaryCall>> m_calls;
};

} // namespace smgrpc
