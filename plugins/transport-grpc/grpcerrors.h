#pragma once

#include <sm/result.h>

#include <grpcpp/support/status.h>

namespace grpc {
class ServerContextBase;
}

namespace smgrpc {

// How the SDK's errors look on the wire: the gRPC code for each ErrorCode, an
// `sm.v1.ErrorStatus` (google.rpc.Status-compatible) with an `sm.v1.ErrorInfo` in the
// status details, and the same code string in the `sm-error-code` trailer.
class GrpcErrors {
public:
    static grpc::StatusCode codeFor(sm::ErrorCode code);
    // "OK", "NOT_FOUND", ...: the label of the calls metric.
    static const char *codeName(grpc::StatusCode code);

    static grpc::Status status(const sm::Error &error);
    // A status with an error code string that has no ErrorCode (e.g. "slow_consumer").
    static grpc::Status status(grpc::StatusCode code, const char *errorCode, const QString &message);
    // Copies the ErrorInfo code of a failed status into the `sm-error-code` trailer; called
    // right before Finish, while the call's context is alive.
    static void addErrorTrailer(grpc::ServerContextBase &context, const grpc::Status &status);
};

} // namespace smgrpc
