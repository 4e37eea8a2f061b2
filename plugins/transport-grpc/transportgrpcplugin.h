#pragma once

#include "connectionfigures.h"
#include "grpcoptions.h"

#include <sm/plugin.h>

#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

namespace smgrpc {

class GrpcMetrics;
class GrpcServer;
class HostThread;
class SessionCalls;
class SessionGrpcService;
class StreamRegistry;
class UnaryCalls;
class WriteKicker;

// The transport-grpc plugin: serves sm.v1.SessionService and grpc.health.v1.Health on
// `grpc_listen`, on grpc++'s callback threads, with the session service and stream hub
// used only on the host thread. Health follows the runtime's readiness (/readyz).
// stop() drains with a deadline.
class TransportGrpcPlugin : public QObject, public sm::Plugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "transportgrpcplugin.json")
    Q_INTERFACES(sm::Plugin)

public:
    TransportGrpcPlugin();
    ~TransportGrpcPlugin() override;

    sm::Result<void> configure(sm::HostContext &host) override;
    sm::Result<void> start() override;
    void stop() override;

    // Per-stream figures for the connection monitor (host thread).
    QList<ConnectionFigures> connections() const;

private:
    void followReadiness();
    void release();

    sm::HostContext *m_host = nullptr;
    GrpcOptions m_options;
    std::unique_ptr<HostThread> m_hostThread;
    std::unique_ptr<GrpcMetrics> m_metrics;
    std::unique_ptr<UnaryCalls> m_calls;
    std::unique_ptr<SessionCalls> m_handlers;
    std::unique_ptr<StreamRegistry> m_streams;
    std::unique_ptr<WriteKicker> m_kicker;
    std::unique_ptr<SessionGrpcService> m_service;
    std::unique_ptr<GrpcServer> m_server;
    QTimer m_readinessPoll;
    bool m_serving = false;
};

} // namespace smgrpc
