#include "connectreactor.h"

#include "callinfo.h"
#include "encodedevent.h"
#include "grpcerrors.h"
#include "hostthread.h"
#include "outboundqueue.h"
#include "protomapping.h"
#include "streamregistry.h"

#include <grpcpp/server_context.h>

namespace smgrpc {

ConnectReactor::ConnectReactor(grpc::CallbackServerContext *context, HostThread &host,
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
    m_host.post([registry = &m_registry, queue = m_queue, info = CallInfo::from(*context)] {
        registry->openConnect(queue, info);
    });
    m_queue->ifOpen([this] { StartRead(&m_incoming); });
}

void ConnectReactor::OnReadDone(bool ok)
{
    if (!ok) {
        // Half-close (or a broken call): no more requests will come.
        m_host.post([registry = &m_registry, queue = m_queue] { registry->connectHalfClosed(queue.get()); });
        return;
    }
    m_host.post([registry = &m_registry, queue = m_queue, message = std::move(m_incoming)] {
        registry->connectMessage(queue.get(), message);
    });
    m_incoming.Clear();
    m_queue->ifOpen([this] { StartRead(&m_incoming); });
}

void ConnectReactor::OnWriteDone(bool ok)
{
    m_queue->writeDone(ok);
}

void ConnectReactor::OnCancel()
{
    m_queue->finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled"), true);
}

void ConnectReactor::OnDone()
{
    m_queue->detach();
    m_host.post([registry = &m_registry, queue = m_queue] { registry->streamDone(queue.get()); });
    delete this;
}

void ConnectReactor::startWrite(const google::protobuf::Message &message)
{
    StartWrite(static_cast<const sm::v1::ConnectResponse *>(&message));
}

// The event inside a ConnectResponse: built from the hub's event, as the encoding shared
// with StreamEvents streams is of a bare Event.
void ConnectReactor::startEventsWrite(const std::vector<const EncodedEvent *> &events)
{
    sm::v1::Event *event = m_events.mutable_event();
    event->Clear();
    if (events.size() == 1) {
        ProtoMapping::toProto(events.front()->event(), event);
    } else {
        event->mutable_batch()->Reserve(int(events.size()));
        for (const EncodedEvent *queued : events)
            ProtoMapping::toProto(queued->event(), event->add_batch());
    }
    StartWrite(&m_events);
}

void ConnectReactor::finishCall(const grpc::Status &status)
{
    GrpcErrors::addErrorTrailer(*m_context, status);
    Finish(status);
}

} // namespace smgrpc
