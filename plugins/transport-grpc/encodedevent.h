#pragma once

#include <sm/event.h>

#include <grpcpp/support/slice.h>

#include <memory>

namespace smgrpc {

// One hub event with its sm.v1.Event encoding, made once and shared by every stream that
// writes it: a StreamEvents stream sends the bytes as they are (several of them as one
// Event.batch), so N subscribers of a session cost one encoding, not N. The bytes are a
// refcounted gRPC slice: a write takes a reference, never a copy. A Connect stream wraps
// the event in a ConnectResponse and uses event() instead.
class EncodedEvent {
public:
    static std::shared_ptr<const EncodedEvent> encode(const sm::Event &event);

    const sm::Event &event() const { return m_event; }
    // The event as a message of its own.
    grpc::Slice message() const;
    // The same bytes as one element of Event.batch: field tag and length, then the message.
    const grpc::Slice &batchElement() const { return m_batchElement; }
    // True when `event` would encode to these very bytes: same id and type, and the same
    // shared data buffer (this object holds a reference, so an equal address means equal
    // bytes), which is how the hub hands one event to every subscriber.
    bool encodes(const sm::Event &event) const;

    EncodedEvent(const sm::Event &event, grpc::Slice batchElement, size_t headerBytes);

private:
    sm::Event m_event;
    grpc::Slice m_batchElement;
    size_t m_headerBytes;
};

} // namespace smgrpc
