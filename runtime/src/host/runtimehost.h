#pragma once

#include "host/healthroutes.h"
#include "host/pluginhostcontext.h"

#include <sm/result.h>

#include <QObject>
#include <QTimer>

#include <memory>

namespace sm {

class Bootstrap;
class BackendDispatcher;
class ConnectionMonitorCore;
class DashboardFeed;
class ExpirySweeper;
class HttpListener;
class HttpTrafficMeter;
class JwtAuthenticator;
class MetricsRegistry;
class SessionServiceCore;
class SessionStreamHub;
class StoreExecutor;
class WorkerPool;

// `session-manager run`: wires the runtime's parts and the plugins together, serves
// until asked to stop, and takes everything down in reverse order.
//   start: metrics, stream hub, auth, HTTP listener (not yet listening) -> configure
//   plugins -> open the store (required) -> session service, back-ends, sweeper ->
//   health routes -> start plugins -> listen.
//   stop:  not ready -> close listener -> close streams -> stop plugins (reverse) ->
//   back-ends -> store (pending writes are committed first) -> unload plugins.
class RuntimeHost : public QObject {
    Q_OBJECT
public:
    explicit RuntimeHost(Bootstrap &bootstrap);
    ~RuntimeHost() override;

    // A failure here is fatal: its message is the one line the user sees.
    Result<void> start();
    void stop();
    // Drains the node (SIGTERM, POST /admin/drain): /readyz answers 503 at once, clients
    // get `reconnect` advice spread over drain_window, then drained() is emitted and the
    // caller stops the runtime.
    void drain();
    bool isDrainRequested() const { return m_drainRequested; }

signals:
    void drained();

private:
    Result<void> openStore();
    void createBackends();
    void createWorkerPool();
    void createOpsSurface();
    HealthRoutes::Readiness readiness() const;
    void pingStore();

    Bootstrap &m_bootstrap;
    JsonLogger::Component m_logger;
    JsonLogger::Component m_httpLogger;
    JsonLogger::Component m_workerLogger;
    std::unique_ptr<MetricsRegistry> m_metrics;
    std::unique_ptr<SessionStreamHub> m_streams;
    std::unique_ptr<JwtAuthenticator> m_auth;
    std::unique_ptr<HttpListener> m_http;
    std::unique_ptr<StoreExecutor> m_store;
    std::unique_ptr<SessionServiceCore> m_sessions;
    std::unique_ptr<BackendDispatcher> m_backends;
    WorkerPool *m_workerPool = nullptr; // m_backends when back-ends run in worker processes
    std::unique_ptr<ExpirySweeper> m_sweeper;
    std::unique_ptr<HttpTrafficMeter> m_traffic;
    std::unique_ptr<ConnectionMonitorCore> m_connectionMonitor;
    std::unique_ptr<DashboardFeed> m_dashboard;
    PluginHostContext::Services m_services;
    QTimer m_storePing;
    bool m_storeReachable = false;
    bool m_draining = false;
    bool m_drainRequested = false;
    bool m_started = false;
};

} // namespace sm
