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

// StreamEvents on gRPC's threads: hands the request to the host thread, where a
// StreamConnection subscribes to the hub and pushes events into this call's queue; writes
// them one at a time. Deletes itself when gRPC is done with the call.
class EventStreamReactor : public grpc::ServerWriteReactor<sm::v1::Event>, private StreamWriter {
public:
    EventStreamReactor(grpc::CallbackServerContext *context, const sm::v1::StreamEventsRequest &request,
                       HostThread &host, StreamRegistry &registry, int maxQueue, WriteKicker &kicker, bool stopping);

    void OnWriteDone(bool ok) override;
    void OnCancel() override;
    void OnDone() override;

private:
    void startWrite(const google::protobuf::Message &message) override;
    void startEventsWrite(const std::vector<const sm::Event *> &events) override;
    void finishCall(const grpc::Status &status) override;

    grpc::CallbackServerContext *m_context;
    HostThread &m_host;
    StreamRegistry &m_registry;
    std::shared_ptr<OutboundQueue> m_queue;
    sm::v1::Event m_events; // the events write in flight; reused, so its buffers are too
};

} // namespace smgrpc
