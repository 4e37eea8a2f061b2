#pragma once

#include "streamwriter.h"

#include "session.pb.h"

#include <grpcpp/support/server_callback.h>

#include <memory>

namespace grpc {
class CallbackServerContext;
}

namespace smgrpc {

class HostThread;
class OutboundQueue;
class StreamRegistry;
class WriteKicker;

// Connect on gRPC's threads: every message read goes to the host thread in order (where
// a StreamConnection answers it), the client's half-close too; writes come from the
// call's queue one at a time. Deletes itself when gRPC is done with the call.
class ConnectReactor : public grpc::ServerBidiReactor<sm::v1::ConnectRequest, sm::v1::ConnectResponse>,
                       private StreamWriter {
public:
    ConnectReactor(grpc::CallbackServerContext *context, HostThread &host, StreamRegistry &registry,
                   int maxQueue, WriteKicker &kicker, bool stopping);

    void OnReadDone(bool ok) override;
    void OnWriteDone(bool ok) override;
    void OnCancel() override;
    void OnDone() override;

private:
    void startWrite(const google::protobuf::Message &message) override;
    void startEventsWrite(const std::vector<const EncodedEvent *> &events) override;
    void finishCall(const grpc::Status &status) override;

    grpc::CallbackServerContext *m_context;
    HostThread &m_host;
    StreamRegistry &m_registry;
    std::shared_ptr<OutboundQueue> m_queue;
    sm::v1::ConnectRequest m_incoming;
    sm::v1::ConnectResponse m_events; // the events write in flight; reused, so its buffers are too
};

} // namespace smgrpc
