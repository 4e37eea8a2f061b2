#include "sessiongrpcservice.h"

#include "connectreactor.h"
#include "eventstreamreactor.h"
#include "sessioncalls.h"
#include "unarycall.h"
#include "unarycalls.h"

namespace smgrpc {

SessionGrpcService::SessionGrpcService(HostThread &host, UnaryCalls &calls, SessionCalls &handlers,
                                       StreamRegistry &streams, WriteKicker &kicker, int maxStreamQueue)
    : m_host(host)
    , m_calls(calls)
    , m_handlers(handlers)
    , m_streams(streams)
    , m_kicker(kicker)
    , m_maxStreamQueue(maxStreamQueue)
{
}

grpc::ServerUnaryReactor *SessionGrpcService::CreateSession(grpc::CallbackServerContext *context,
                                                            const sm::v1::CreateSessionRequest *request,
                                                            sm::v1::CreateSessionResponse *response)
{
    return m_calls.start(context, "CreateSession", [this, request, response](const auto &call) {
        m_handlers.createSession(call, *request, response);
    });
}

grpc::ServerUnaryReactor *SessionGrpcService::GetSession(grpc::CallbackServerContext *context,
                                                         const sm::v1::GetSessionRequest *request,
                                                         sm::v1::Session *response)
{
    return m_calls.start(context, "GetSession", [this, request, response](const auto &call) {
        m_handlers.getSession(call, *request, response);
    });
}

grpc::ServerUnaryReactor *SessionGrpcService::UpdateSession(grpc::CallbackServerContext *context,
                                                            const sm::v1::UpdateSessionRequest *request,
                                                            sm::v1::Session *response)
{
    return m_calls.start(context, "UpdateSession", [this, request, response](const auto &call) {
        m_handlers.updateSession(call, *request, response);
    });
}

grpc::ServerUnaryReactor *SessionGrpcService::DeleteSession(grpc::CallbackServerContext *context,
                                                            const sm::v1::DeleteSessionRequest *request,
                                                            sm::v1::DeleteSessionResponse *)
{
    return m_calls.start(context, "DeleteSession",
                         [this, request](const auto &call) { m_handlers.deleteSession(call, *request); });
}

grpc::ServerUnaryReactor *SessionGrpcService::ListSessions(grpc::CallbackServerContext *context,
                                                           const sm::v1::ListSessionsRequest *request,
                                                           sm::v1::ListSessionsResponse *response)
{
    return m_calls.start(context, "ListSessions", [this, request, response](const auto &call) {
        m_handlers.listSessions(call, *request, response);
    });
}

grpc::ServerUnaryReactor *SessionGrpcService::SubmitRequest(grpc::CallbackServerContext *context,
                                                            const sm::v1::SubmitRequestRequest *request,
                                                            sm::v1::SubmitRequestResponse *response)
{
    return m_calls.start(context, "SubmitRequest", [this, request, response](const auto &call) {
        m_handlers.submitRequest(call, *request, response);
    });
}

grpc::ServerWriteReactor<grpc::ByteBuffer> *SessionGrpcService::StreamEvents(grpc::CallbackServerContext *context,
                                                                             const grpc::ByteBuffer *request)
{
    return new EventStreamReactor(context, *request, m_host, m_streams, m_maxStreamQueue, m_kicker, stopping());
}

grpc::ServerBidiReactor<sm::v1::ConnectRequest, sm::v1::ConnectResponse> *SessionGrpcService::Connect(
    grpc::CallbackServerContext *context)
{
    return new ConnectReactor(context, m_host, m_streams, m_maxStreamQueue, m_kicker, stopping());
}

} // namespace smgrpc
