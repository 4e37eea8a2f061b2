#pragma once

#include "session.grpc.pb.h"

#include <atomic>

namespace smgrpc {

class HostThread;
class SessionCalls;
class StreamRegistry;
class UnaryCalls;
class WriteKicker;

// sm.v1.SessionService on gRPC's threads: each method only hands its call over to the
// host thread (unary calls through UnaryCalls to SessionCalls, streams through their
// reactors to the StreamRegistry). Nothing here touches the session service or the hub.
// StreamEvents is raw (bytes in and out) so that events are written as shared encodings.
class SessionGrpcService
    : public sm::v1::SessionService::WithRawCallbackMethod_StreamEvents<sm::v1::SessionService::CallbackService> {
public:
    SessionGrpcService(HostThread &host, UnaryCalls &calls, SessionCalls &handlers, StreamRegistry &streams,
                       WriteKicker &kicker, int maxStreamQueue);

    // New streams are refused with UNAVAILABLE from now on (the plugin is stopping).
    void stopAccepting() { m_stopping.store(true, std::memory_order_release); }

    grpc::ServerUnaryReactor *CreateSession(grpc::CallbackServerContext *context,
                                            const sm::v1::CreateSessionRequest *request,
                                            sm::v1::CreateSessionResponse *response) override;
    grpc::ServerUnaryReactor *GetSession(grpc::CallbackServerContext *context,
                                         const sm::v1::GetSessionRequest *request,
                                         sm::v1::Session *response) override;
    grpc::ServerUnaryReactor *UpdateSession(grpc::CallbackServerContext *context,
                                            const sm::v1::UpdateSessionRequest *request,
                                            sm::v1::Session *response) override;
    grpc::ServerUnaryReactor *DeleteSession(grpc::CallbackServerContext *context,
                                            const sm::v1::DeleteSessionRequest *request,
                                            sm::v1::DeleteSessionResponse *response) override;
    grpc::ServerUnaryReactor *ListSessions(grpc::CallbackServerContext *context,
                                           const sm::v1::ListSessionsRequest *request,
                                           sm::v1::ListSessionsResponse *response) override;
    grpc::ServerUnaryReactor *SubmitRequest(grpc::CallbackServerContext *context,
                                            const sm::v1::SubmitRequestRequest *request,
                                            sm::v1::SubmitRequestResponse *response) override;
    grpc::ServerWriteReactor<grpc::ByteBuffer> *StreamEvents(grpc::CallbackServerContext *context,
                                                             const grpc::ByteBuffer *request) override;
    grpc::ServerBidiReactor<sm::v1::ConnectRequest, sm::v1::ConnectResponse> *Connect(
        grpc::CallbackServerContext *context) override;

private:
    bool stopping() const { return m_stopping.load(std::memory_order_acquire); }

    HostThread &m_host;
    UnaryCalls &m_calls;
    SessionCalls &m_handlers;
    StreamRegistry &m_streams;
    WriteKicker &m_kicker;
    const int m_maxStreamQueue;
    std::atomic<bool> m_stopping{false};
};

} // namespace smgrpc
