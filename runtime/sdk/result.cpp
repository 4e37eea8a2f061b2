#include <sm/result.h>

namespace sm {

const char *errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest: return "bad_request";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::VersionConflict: return "version_conflict";
    case ErrorCode::IllegalTransition: return "illegal_transition";
    case ErrorCode::AlreadyExists: return "already_exists";
    case ErrorCode::Unauthenticated: return "unauthenticated";
    case ErrorCode::PermissionDenied: return "permission_denied";
    case ErrorCode::PayloadTooLarge: return "payload_too_large";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Internal: return "internal";
    }
    return "internal";
}

} // namespace sm
