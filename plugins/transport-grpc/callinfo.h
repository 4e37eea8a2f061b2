#pragma once

#include <sm/caller.h>
#include <sm/result.h>

#include <QByteArray>
#include <QString>

namespace grpc {
class ServerContextBase;
}

namespace sm {
class Authenticator;
}

namespace smgrpc {

// What a call's metadata says about who is calling, copied on the gRPC thread when the
// call arrives so the host thread never reads the call's context.
struct CallInfo {
    QByteArray authorization; // the whole `authorization` value ("Bearer <token>")
    QString requestId;        // `x-request-id` when sane, else generated
    QString peer;             // e.g. "ipv4:127.0.0.1:53422"
    QString clientAddress;    // the peer's address alone, e.g. "127.0.0.1"

    static CallInfo from(const grpc::ServerContextBase &context);

    // The caller behind the `authorization` metadata, with this call's request id. On the
    // host thread (the authenticator lives there).
    sm::Result<sm::Caller> authenticate(const sm::Authenticator &auth) const;
};

} // namespace smgrpc
