#pragma once

#include <sm/caller.h>
#include <sm/result.h>

#include <QByteArrayView>

namespace sm {

// Checks credentials the host is configured for: HS256 JWTs (sub, role, exp, nbf, with
// clock skew) and API keys. Session tokens are checked by SessionService.
class Authenticator {
public:
    virtual ~Authenticator() = default;

    // `authorization` is the whole header value ("Bearer <token>"). Unauthenticated
    // with a reason when missing, malformed, expired, not yet valid or forged.
    virtual Result<Caller> authenticate(QByteArrayView authorization) const = 0;
};

} // namespace sm
