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

// StreamEvents on gRPC's threads: hands the request to the host thread, where a
// StreamConnection subscribes to the hub and pushes events into this call's queue; writes
// them one at a time. Deletes itself when gRPC is done with the call.
class EventStreamReactor : public grpc::ServerWriteReactor<sm::v1::Event>, private StreamWriter {
public:
    EventStreamReactor(grpc::CallbackServerContext *context, const sm::v1::StreamEventsRequest &request,
                       HostThread &host, StreamRegistry &registry, int maxQueue, bool stopping);

    void OnWriteDone(bool ok) override;
    void OnCancel() override;
    void OnDone() override;

private:
    void startWrite(const google::protobuf::Message &message) override;
    void finishCall(const grpc::Status &status) override;

    grpc::CallbackServerContext *m_context;
    HostThread &m_host;
    StreamRegistry &m_registry;
    std::shared_ptr<OutboundQueue> m_queue;
};

} // namespace smgrpc
