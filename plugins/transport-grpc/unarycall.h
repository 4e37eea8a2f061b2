#pragma once

#include "callinfo.h"

#include <sm/result.h>

#include <grpcpp/support/status.h>

#include <QElapsedTimer>

#include <atomic>

namespace grpc {
class CallbackServerContext;
class ServerUnaryReactor;
} // namespace grpc

namespace smgrpc {

class UnaryCalls;

// One unary call between its arrival on a gRPC thread and its answer from the host
// thread. It ends exactly once, whichever comes first: the handler's answer, or the
// plugin stopping. The request and response messages stay valid until then.
class UnaryCall {
public:
    UnaryCall(UnaryCalls &calls, grpc::CallbackServerContext *context, const char *method);

    const CallInfo &info() const { return m_info; }
    const char *method() const { return m_method; }
    bool isCancelled() const;
    bool isFinished() const { return m_finished.load(std::memory_order_acquire); }

    void succeed() { finish(grpc::Status::OK); }
    void fail(const sm::Error &error);
    // False when the call had already ended.
    bool finish(const grpc::Status &status);

private:
    UnaryCalls &m_calls;
    grpc::CallbackServerContext *m_context;
    grpc::ServerUnaryReactor *m_reactor;
    const char *m_method;
    CallInfo m_info;
    QElapsedTimer m_age;
    std::atomic<bool> m_finished{false};
};

} // namespace smgrpc
