#pragma once

#include "session.pb.h"

#include <memory>

namespace sm {
class HostContext;
}

namespace smgrpc {

class UnaryCall;

// The unary RPCs on the host thread, with the REST routes' semantics: authenticate,
// validate the whole request, call the session service, answer from its callback.
// Callbacks hold only the call, which knows whether it has already ended (the plugin
// stopping ends it), so a late answer never touches a released response.
class SessionCalls {
public:
    using CallPtr = std::shared_ptr<UnaryCall>;

    explicit SessionCalls(sm::HostContext &host);

    void createSession(const CallPtr &call, const sm::v1::CreateSessionRequest &request,
                       sm::v1::CreateSessionResponse *response);
    void getSession(const CallPtr &call, const sm::v1::GetSessionRequest &request, sm::v1::Session *response);
    void updateSession(const CallPtr &call, const sm::v1::UpdateSessionRequest &request,
                       sm::v1::Session *response);
    void deleteSession(const CallPtr &call, const sm::v1::DeleteSessionRequest &request);
    void listSessions(const CallPtr &call, const sm::v1::ListSessionsRequest &request,
                      sm::v1::ListSessionsResponse *response);
    void submitRequest(const CallPtr &call, const sm::v1::SubmitRequestRequest &request,
                       sm::v1::SubmitRequestResponse *response);

private:
    sm::HostContext &m_host;
};

} // namespace smgrpc
