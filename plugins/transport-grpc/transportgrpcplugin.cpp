#include "transportgrpcplugin.h"

#include "grpcmetrics.h"
#include "grpcserver.h"
#include "hostthread.h"
#include "sessioncalls.h"
#include "sessiongrpcservice.h"
#include "streamregistry.h"
#include "unarycalls.h"
#include "writekicker.h"

#include <sm/hostcontext.h>
#include <sm/logger.h>

namespace smgrpc {

namespace {
// How soon health follows a change of readiness (draining, the store going away or
// coming back): well within a load balancer's health-check period.
constexpr int kReadinessPollMs = 250;
} // namespace

TransportGrpcPlugin::TransportGrpcPlugin()
{
    m_readinessPoll.setInterval(kReadinessPollMs);
    connect(&m_readinessPoll, &QTimer::timeout, this, &TransportGrpcPlugin::followReadiness);
}

TransportGrpcPlugin::~TransportGrpcPlugin()
{
    release();
}

sm::Result<void> TransportGrpcPlugin::configure(sm::HostContext &host)
{
    m_host = &host;
    auto options = GrpcOptions::fromHost(host);
    if (!options)
        return options.error();
    m_options = std::move(options).value();
    return {};
}

sm::Result<void> TransportGrpcPlugin::start()
{
    m_hostThread = std::make_unique<HostThread>();
    m_metrics = std::make_unique<GrpcMetrics>(m_host->metrics());
    m_calls = std::make_unique<UnaryCalls>(*m_hostThread, *m_metrics);
    m_handlers = std::make_unique<SessionCalls>(*m_host);
    m_streams = std::make_unique<StreamRegistry>(*m_host, *m_metrics, m_options);
    m_kicker = std::make_unique<WriteKicker>();
    m_service = std::make_unique<SessionGrpcService>(*m_hostThread, *m_calls, *m_handlers, *m_streams, *m_kicker,
                                                     m_options.maxStreamQueue);
    m_server = std::make_unique<GrpcServer>(m_options, *m_service);
    auto port = m_server->start();
    if (!port) {
        release();
        return port.error();
    }
    // The line tools and tests wait for, like the HTTP listener's.
    m_host->logger().info("listening", {{"address", m_options.listenAddress},
                                        {"port", port.value()},
                                        {"tls", m_options.tlsEnabled()}});
    m_serving = false;
    followReadiness();
    m_readinessPoll.start();
    return {};
}

// Health says SERVING exactly when /readyz would answer 200.
void TransportGrpcPlugin::followReadiness()
{
    const bool ready = m_host->isReady();
    if (ready == m_serving)
        return;
    m_serving = ready;
    m_server->setServing(ready);
    m_host->logger().info("health", {{"serving", ready}});
}

/*!
 * Graceful shutdown: health turns NOT_SERVING, unary calls still waiting for the host
 * thread end UNAVAILABLE, streams get reconnect advice and end UNAVAILABLE once it is
 * written, and the server waits for all of that until shutdown_deadline_ms, then cancels
 * what is left. Blocks the host thread for at most about that deadline.
 */
void TransportGrpcPlugin::stop()
{
    if (!m_server)
        return;
    m_readinessPoll.stop();
    m_server->setServing(false);
    m_service->stopAccepting();
    m_calls->stop();
    m_streams->closeAll();
    m_server->shutdown(std::chrono::milliseconds(m_options.shutdownDeadlineMs));
    release();
}

QList<ConnectionFigures> TransportGrpcPlugin::connections() const
{
    return m_streams ? m_streams->connections() : QList<ConnectionFigures>();
}

// The server first (its threads call into everything else), then the write kicker (no
// call is left to write to), the host-thread queue (dropping what finished calls posted),
// then the rest.
void TransportGrpcPlugin::release()
{
    m_server.reset();
    m_kicker.reset();
    m_hostThread.reset();
    m_service.reset();
    m_streams.reset();
    m_handlers.reset();
    m_calls.reset();
    m_metrics.reset();
}

} // namespace smgrpc
