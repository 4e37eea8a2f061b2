#pragma once

#include <grpcpp/support/status.h>

#include <vector>

namespace google::protobuf {
class Message;
}

namespace smgrpc {

class EncodedEvent;

// The writing side of a stream reactor as its OutboundQueue drives it: one write at a
// time, then one finish. Called with the queue's lock held, from any thread.
class StreamWriter {
public:
    virtual ~StreamWriter() = default;

    virtual void startWrite(const google::protobuf::Message &message) = 0;
    // Writes the events as one message of the call's type: a plain event when there is one,
    // a batch otherwise. The pointers are valid only during the call (the events' bytes,
    // shared slices, may be referenced for as long as the write needs them).
    virtual void startEventsWrite(const std::vector<const EncodedEvent *> &events) = 0;
    virtual void finishCall(const grpc::Status &status) = 0;
};

} // namespace smgrpc
