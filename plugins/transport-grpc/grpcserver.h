#pragma once

#include "grpcoptions.h"

#include <sm/result.h>

#include <chrono>
#include <memory>

namespace grpc {
class Server;
class Service;
} // namespace grpc

namespace smgrpc {

// The grpc++ server: listener (plain or TLS), keepalive and message-size settings, the
// session service and grpc.health.v1.Health (grpc++'s default health service, reporting
// "" and "sm.v1.SessionService").
class GrpcServer {
public:
    static constexpr const char *kServiceName = "sm.v1.SessionService";

    GrpcServer(GrpcOptions options, grpc::Service &service);
    ~GrpcServer();

    // Binds and starts; the bound port (the real one when the address asks for port 0).
    // Health reports NOT_SERVING until setServing(true).
    sm::Result<int> start();
    // The health status of both "" and sm.v1.SessionService.
    void setServing(bool serving);
    // Stops accepting calls, lets running ones finish until `deadline`, then cancels them.
    void shutdown(std::chrono::milliseconds deadline);

private:
    GrpcOptions m_options;
    grpc::Service &m_service;
    std::unique_ptr<grpc::Server> m_server;
};

} // namespace smgrpc
