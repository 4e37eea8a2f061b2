#include "unarycalls.h"

#include "grpcerrors.h"
#include "grpcmetrics.h"
#include "hostthread.h"
#include "unarycall.h"

#include <grpcpp/server_context.h>

#include <vector>

namespace smgrpc {

namespace {
const grpc::Status &shuttingDown()
{
    static const grpc::Status status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
    return status;
}
} // namespace

UnaryCalls::UnaryCalls(HostThread &host, GrpcMetrics &metrics) : m_host(host), m_metrics(metrics) {}

UnaryCalls::~UnaryCalls() = default;

grpc::ServerUnaryReactor *UnaryCalls::start(grpc::CallbackServerContext *context, const char *method,
                                            Handler handler)
{
    auto call = std::make_shared<UnaryCall>(*this, context, method);
    grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
    bool tracked = false;
    {
        std::lock_guard lock(m_mutex);
        tracked = !m_stopping;
        if (tracked)
            m_calls.emplace(call.get(), call);
    }
    if (!tracked) {
        call->finish(shuttingDown());
        return reactor;
    }
    m_host.post([call, handler = std::move(handler)] {
        if (call->isFinished())
            return;
        if (call->isCancelled()) {
            call->finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client cancelled the call"));
            return;
        }
        handler(call);
    });
    return reactor;
}

void UnaryCalls::stop()
{
    std::vector<std::shared_ptr<UnaryCall>> pending;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (const auto &[key, call] : m_calls)
            pending.push_back(call);
    }
    for (const auto &call : pending)
        call->finish(shuttingDown());
}

void UnaryCalls::finished(UnaryCall *call, const grpc::Status &status, double seconds)
{
    m_metrics.callFinished(call->method(), GrpcErrors::codeName(status.error_code()), seconds);
    std::lock_guard lock(m_mutex);
    m_calls.erase(call);
}

} // namespace smgrpc
