#include "unarycall.h"

#include "grpcerrors.h"
#include "unarycalls.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

namespace smgrpc {

UnaryCall::UnaryCall(UnaryCalls &calls, grpc::CallbackServerContext *context, const char *method)
    : m_calls(calls)
    , m_context(context)
    , m_reactor(context->DefaultReactor())
    , m_method(method)
    , m_info(CallInfo::from(*context))
{
    m_age.start();
}

bool UnaryCall::isCancelled() const
{
    return m_context->IsCancelled();
}

void UnaryCall::fail(const sm::Error &error)
{
    finish(GrpcErrors::status(error));
}

bool UnaryCall::finish(const grpc::Status &status)
{
    if (m_finished.exchange(true, std::memory_order_acq_rel))
        return false;
    m_calls.finished(this, status, m_age.nsecsElapsed() / 1e9);
    GrpcErrors::addErrorTrailer(*m_context, status);
    m_reactor->Finish(status);
    return true;
}

} // namespace smgrpc
