#pragma once

#include <grpcpp/support/status.h>

namespace google::protobuf {
class Message;
}

namespace smgrpc {

// The writing side of a stream reactor as its OutboundQueue drives it: one write at a
// time, then one finish. Called with the queue's lock held, from any thread.
class StreamWriter {
public:
    virtual ~StreamWriter() = default;

    virtual void startWrite(const google::protobuf::Message &message) = 0;
    virtual void finishCall(const grpc::Status &status) = 0;
};

} // namespace smgrpc
