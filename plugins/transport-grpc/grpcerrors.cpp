#include "grpcerrors.h"

#include "session.pb.h"

#include <grpcpp/server_context.h>

namespace smgrpc {

grpc::StatusCode GrpcErrors::codeFor(sm::ErrorCode code)
{
    switch (code) {
    case sm::ErrorCode::BadRequest: return grpc::StatusCode::INVALID_ARGUMENT;
    case sm::ErrorCode::NotFound: return grpc::StatusCode::NOT_FOUND;
    // Both are "the session is not in the state this call requires"; the details'
    // code (version_conflict / illegal_transition) tells them apart, as 412/409 do in REST.
    case sm::ErrorCode::VersionConflict:
    case sm::ErrorCode::IllegalTransition: return grpc::StatusCode::FAILED_PRECONDITION;
    case sm::ErrorCode::AlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    case sm::ErrorCode::Unauthenticated: return grpc::StatusCode::UNAUTHENTICATED;
    case sm::ErrorCode::PermissionDenied: return grpc::StatusCode::PERMISSION_DENIED;
    case sm::ErrorCode::PayloadTooLarge: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case sm::ErrorCode::Unavailable: return grpc::StatusCode::UNAVAILABLE;
    case sm::ErrorCode::Internal: return grpc::StatusCode::INTERNAL;
    }
    return grpc::StatusCode::INTERNAL;
}

const char *GrpcErrors::codeName(grpc::StatusCode code)
{
    switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    default: return "UNKNOWN";
    }
}

grpc::Status GrpcErrors::status(const sm::Error &error)
{
    return status(codeFor(error.code), sm::errorCodeName(error.code), error.message);
}

grpc::Status GrpcErrors::status(grpc::StatusCode code, const char *errorCode, const QString &message)
{
    const std::string text = message.toStdString();
    sm::v1::ErrorInfo info;
    info.set_code(errorCode);
    info.set_message(text);
    sm::v1::ErrorStatus details;
    details.set_code(int(code));
    details.set_message(text);
    details.add_details()->PackFrom(info);
    return grpc::Status(code, text, details.SerializeAsString());
}

void GrpcErrors::addErrorTrailer(grpc::ServerContextBase &context, const grpc::Status &status)
{
    if (status.ok() || status.error_details().empty())
        return;
    sm::v1::ErrorStatus details;
    sm::v1::ErrorInfo info;
    if (details.ParseFromString(status.error_details()) && details.details_size() > 0
        && details.details(0).UnpackTo(&info)) {
        context.AddTrailingMetadata("sm-error-code", info.code());
    }
}

} // namespace smgrpc
