#include "eventstreamreactor.h"

#include "callinfo.h"
#include "encodedevent.h"
#include "grpcerrors.h"
#include "hostthread.h"
#include "outboundqueue.h"
#include "streamregistry.h"

#include "session.pb.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/server_context.h>

namespace smgrpc {

EventStreamReactor::EventStreamReactor(grpc::CallbackServerContext *context, const grpc::ByteBuffer &request,
                                       HostThread &host, StreamRegistry &registry, int maxQueue,
                                       WriteKicker &kicker, bool stopping)
    : m_context(context)
    , m_host(host)
    , m_registry(registry)
    , m_queue(std::make_shared<OutboundQueue>(static_cast<StreamWriter *>(this), maxQueue, &kicker))
{
    if (stopping) {
        m_queue->finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
        return;
    }
    sm::v1::StreamEventsRequest parsed;
    grpc::ByteBuffer bytes(request); // shares the slices; deserializing consumes them
    if (!grpc::SerializationTraits<sm::v1::StreamEventsRequest>::Deserialize(&bytes, &parsed).ok()) {
        m_queue->finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     "the request is not a valid sm.v1.StreamEventsRequest"));
        return;
    }
    m_host.post([registry = &m_registry, queue = m_queue, info = CallInfo::from(*context), parsed] {
        registry->openEventStream(queue, info, parsed);
    });
}

void EventStreamReactor::OnWriteDone(bool ok)
{
    m_queue->writeDone(ok);
}

// The client cancelled, its deadline passed, or the server is shutting down.
void EventStreamReactor::OnCancel()
{
    m_queue->finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled"), true);
}

void EventStreamReactor::OnDone()
{
    m_queue->detach();
    m_host.post([registry = &m_registry, queue = m_queue] { registry->streamDone(queue.get()); });
    delete this;
}

// Control messages (advice) are rare: serialized here, per stream.
void EventStreamReactor::startWrite(const google::protobuf::Message &message)
{
    bool ownsBuffer = false;
    m_writing.Clear(); // the serializer wants an empty buffer
    grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, &m_writing, &ownsBuffer);
    StartWrite(&m_writing);
}

void EventStreamReactor::startEventsWrite(const std::vector<const EncodedEvent *> &events)
{
    m_slices.clear();
    if (events.size() == 1) {
        m_slices.push_back(events.front()->message());
    } else {
        for (const EncodedEvent *event : events)
            m_slices.push_back(event->batchElement());
    }
    m_writing = grpc::ByteBuffer(m_slices.data(), m_slices.size());
    StartWrite(&m_writing);
}

void EventStreamReactor::finishCall(const grpc::Status &status)
{
    GrpcErrors::addErrorTrailer(*m_context, status);
    Finish(status);
}

} // namespace smgrpc
