#pragma once

#include <sm/result.h>

#include <QString>

namespace sm {
class HostContext;
}

namespace smgrpc {

// The plugin's settings (its own keys in transportgrpcplugin.json plus the host's
// `grpc_listen`), validated once in configure().
struct GrpcOptions {
    QString listenAddress = QStringLiteral("127.0.0.1:50051");
    int keepaliveTimeSecs = 30;
    int keepaliveTimeoutSecs = 10;
    int maxMessageBytes = 1048576;
    int maxStreamQueue = 4096;      // messages waiting to be written, per stream
    int maxPendingRequests = 256;   // Connect requests awaiting a reply, per stream
    int pingIntervalSecs = 10;      // server pings on Connect streams (round-trip time)
    int shutdownDeadlineMs = 5000;
    QString tlsCertFile;
    QString tlsKeyFile;

    bool tlsEnabled() const { return !tlsCertFile.isEmpty(); }

    static sm::Result<GrpcOptions> fromHost(const sm::HostContext &host);
};

} // namespace smgrpc
