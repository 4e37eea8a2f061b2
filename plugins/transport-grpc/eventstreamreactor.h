#pragma once

#include "streamwriter.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <memory>
#include <vector>

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
// them one at a time. The call is raw (sm.v1.Event messages as bytes): an event's
// encoding, made once for all the streams of its session, is written by reference, and a
// batch is the concatenation of its events' encodings as Event.batch elements, the same
// bytes protobuf would produce. Deletes itself when gRPC is done with the call.
class EventStreamReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer>, private StreamWriter {
public:
    // `request`: the serialized sm.v1.StreamEventsRequest.
    EventStreamReactor(grpc::CallbackServerContext *context, const grpc::ByteBuffer &request, HostThread &host,
                       StreamRegistry &registry, int maxQueue, WriteKicker &kicker, bool stopping);

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
    grpc::ByteBuffer m_writing;         // the write in flight
    std::vector<grpc::Slice> m_slices;  // reused to assemble a batch
};

} // namespace smgrpc
