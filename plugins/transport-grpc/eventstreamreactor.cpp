#include "eventstreamreactor.h"

#include "callinfo.h"
#include "grpcerrors.h"
#include "hostthread.h"
#include "outboundqueue.h"
#include "protomapping.h"
#include "streamregistry.h"

#include <grpcpp/server_context.h>

namespace smgrpc {

EventStreamReactor::EventStreamReactor(grpc::CallbackServerContext *context,
                                       const sm::v1::StreamEventsRequest &request, HostThread &host,
                                       StreamRegistry &registry, int maxQueue, WriteKicker &kicker, bool stopping)
    : m_context(context)
    , m_host(host)
    , m_registry(registry)
    , m_queue(std::make_shared<OutboundQueue>(static_cast<StreamWriter *>(this), maxQueue, &kicker))
{
    if (stopping) {
        m_queue->finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
        return;
    }
    m_host.post([registry = &m_registry, queue = m_queue, info = CallInfo::from(*context), request] {
        registry->openEventStream(queue, info, request);
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

void EventStreamReactor::startWrite(const google::protobuf::Message &message)
{
    StartWrite(static_cast<const sm::v1::Event *>(&message));
}

void EventStreamReactor::startEventsWrite(const std::vector<const sm::Event *> &events)
{
    m_events.Clear();
    ProtoMapping::toProto(events, &m_events);
    StartWrite(&m_events);
}

void EventStreamReactor::finishCall(const grpc::Status &status)
{
    GrpcErrors::addErrorTrailer(*m_context, status);
    Finish(status);
}

} // namespace smgrpc
