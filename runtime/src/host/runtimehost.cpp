#include "host/runtimehost.h"

#include "auth/jwtauthenticator.h"
#include "dashboard/dashboardfeed.h"
#include "dashboard/dashboardroutes.h"
#include "dashboard/sessionliveview.h"
#include "host/bootstrap.h"
#include "http/httplistener.h"
#include "metrics/metricsregistry.h"
#include "monitor/connectionmonitorcore.h"
#include "monitor/httptrafficmeter.h"
#include "plugins/pluginspec.h"
#include "sessions/expirysweeper.h"
#include "sessions/inprocessbackends.h"
#include "sessions/sessionservicecore.h"
#include "sessions/storeexecutor.h"
#include "streams/sessionstreamhub.h"
#include "workerpool/localworker.h"
#include "workerpool/workeradminroutes.h"
#include "workerpool/workerpool.h"

#include <sm/plugin.h>
#include <sm/store.h>

#include <QCoreApplication>
#include <QSysInfo>

namespace sm {

namespace {
constexpr int kStorePingMs = 2000;
// On shutdown: how long in-flight worker requests may take, and workers to exit.
constexpr std::chrono::milliseconds kWorkerDrainTime(2000);
// While the store is unreachable: how soon a store that is back is noticed (the store's
// own reconnect backoff decides how often it really tries).
constexpr int kStoreRetryPingMs = 500;
constexpr int kDrainLingerMs = 200;
}

RuntimeHost::RuntimeHost(Bootstrap &bootstrap)
    : m_bootstrap(bootstrap)
    , m_logger(bootstrap.log(), QStringLiteral("runtime"))
    , m_httpLogger(bootstrap.log(), QStringLiteral("http"))
    , m_workerLogger(bootstrap.log(), QStringLiteral("workerpool"))
{
}

RuntimeHost::~RuntimeHost()
{
    stop();
}

Result<void> RuntimeHost::start()
{
    Config &config = m_bootstrap.config();
    m_metrics = std::make_unique<MetricsRegistry>();

    SessionStreamHub::Options streamOptions;
    streamOptions.historyPerSession = int(config.integer("stream_history"));
    streamOptions.maxBacklogBytes = config.integer("stream_max_backlog");
    m_streams = std::make_unique<SessionStreamHub>(streamOptions, m_logger, *m_metrics);

    auto auth = JwtAuthenticator::fromConfig(config);
    if (!auth.ok())
        return auth.error();
    m_auth = std::move(auth).value();

    HttpListenerOptions httpOptions;
    httpOptions.listenAddress = config.string("http_listen");
    httpOptions.maxBodyBytes = config.integer("http_max_body");
    httpOptions.idleTimeout = std::chrono::seconds(config.integer("http_idle_timeout"));
    httpOptions.corsOrigins = config.list("cors_origins");
    m_http = std::make_unique<HttpListener>(httpOptions, m_httpLogger);
    m_traffic = std::make_unique<HttpTrafficMeter>(*m_metrics);
    m_http->setCompletionObserver([this](int status, qint64 durationNs) { m_traffic->record(status, durationNs); });
    ConnectionMonitorCore::Options monitorOptions;
    monitorOptions.threshold = int(config.integer("quality_threshold"));
    m_connectionMonitor = std::make_unique<ConnectionMonitorCore>(monitorOptions, *m_metrics);

    m_services = PluginHostContext::Services{&config, &m_bootstrap.log(), m_metrics.get(), nullptr,
                                             m_streams.get(), m_http.get(), m_auth.get()};
    m_services.connectionMonitor = m_connectionMonitor.get();
    m_services.isReady = [this] { return readiness().ready(); };
    PluginManager &plugins = m_bootstrap.plugins();
    plugins.setHostContextFactory([this](const PluginSpec &spec) {
        return std::make_unique<PluginHostContext>(spec.id(), m_services);
    });
    plugins.configurePlugins();

    if (Result<void> store = openStore(); !store.ok())
        return store;

    SessionServiceCore::Options sessionOptions{config.integer("session_ttl"), config.integer("max_ttl"),
                                               config.integer("idle_timeout")};
    m_sessions = std::make_unique<SessionServiceCore>(sessionOptions, *m_store, *m_streams, m_logger,
                                                      *m_metrics);
    m_services.sessions = m_sessions.get();
    createBackends();

    ExpirySweeper::Options sweepOptions;
    sweepOptions.interval = std::chrono::seconds(config.integer("sweep_interval"));
    sweepOptions.retention = std::chrono::seconds(config.integer("session_retention"));
    m_sweeper = std::make_unique<ExpirySweeper>(sweepOptions, *m_sessions, *m_store, m_logger);
    m_sweeper->start();

    HealthRoutes::install(*m_http, *m_metrics, [this] { return readiness(); });
    createOpsSurface();
    plugins.startPlugins();

    if (Result<void> listening = m_http->listen(); !listening.ok())
        return listening;
    // The line tools and tests wait for: the listener is up, on this (maybe ephemeral) port.
    m_httpLogger.info("listening", {{"address", m_http->address().toString()}, {"port", m_http->port()}});
    connect(&m_storePing, &QTimer::timeout, this, &RuntimeHost::pingStore);
    m_storePing.start(m_storeReachable ? kStorePingMs : kStoreRetryPingMs);
    m_started = true;
    m_logger.info("runtime started", {{"store", config.string("store")},
                                       {"backend", config.string("backend")}});
    return {};
}

// The store is the one required plugin: without it there is nothing to serve.
Result<void> RuntimeHost::openStore()
{
    const QString id = QStringLiteral("store-") + m_bootstrap.config().string("store");
    const PluginSpec *spec = m_bootstrap.plugins().spec(id);
    Plugin *plugin = m_bootstrap.plugins().plugin(id);
    if (!spec || !plugin || !plugin->storeFactory() || spec->state() != PluginSpec::State::Configured) {
        const QString why = !spec ? QStringLiteral("no plugin with that id was found")
                                  : spec->errorString().isEmpty() ? QStringLiteral("it is not a store plugin")
                                                                  : spec->errorString();
        return makeError(ErrorCode::Unavailable, QStringLiteral("store plugin %1 is not available: %2").arg(id, why));
    }
    std::unique_ptr<SessionStore> store = plugin->storeFactory()->createStore();
    if (!store)
        return makeError(ErrorCode::Internal, QStringLiteral("store plugin %1 created no store").arg(id));
    m_store = std::make_unique<StoreExecutor>(std::move(store), m_logger);
    if (Result<void> opened = m_store->start(); !opened.ok())
        return makeError(opened.error().code,
                         QStringLiteral("store %1 could not be opened: %2").arg(id, opened.error().message));
    // A store may open before its server is reachable (store-postgres waits for its
    // database): the runtime then starts not ready, and pingStore() notices the recovery.
    Result<void> reachable = m_store->pingNow();
    m_storeReachable = reachable.ok();
    if (!reachable.ok())
        m_logger.warning("store not reachable yet; not ready until it is", {{"error", reachable.error().message}});
    return {};
}

// Back-ends run in worker processes (WORKER_COUNT > 0 or SM_WORKERS), else in this process.
void RuntimeHost::createBackends()
{
    const Config &config = m_bootstrap.config();
    if (config.integer("worker_count") > 0 || !config.list("workers").isEmpty())
        return createWorkerPool();
    const QString id = config.string("backend");
    Plugin *plugin = id.isEmpty() ? nullptr : m_bootstrap.plugins().plugin(id);
    BackendFactory *factory = plugin ? plugin->backendFactory() : nullptr;
    if (!id.isEmpty() && !factory)
        m_logger.warning("back-end plugin not available; session requests will answer 503",
                         {{"backend", id}});
    auto backends = std::make_unique<InProcessBackends>(factory, *m_streams, m_logger, *m_metrics,
                                                        std::chrono::seconds(config.integer("idle_timeout")));
    m_sessions->setBackendDispatcher(backends.get());
    m_backends = std::move(backends);
}

void RuntimeHost::createWorkerPool()
{
    const Config &config = m_bootstrap.config();
    WorkerPool::Options options;
    options.backend = config.string("backend");
    options.localWorkers = int(config.integer("worker_count"));
    options.remoteAddresses = config.list("workers");
    options.program = QCoreApplication::applicationFilePath();
    options.forwardedArguments = LocalWorker::forwardedArguments(QCoreApplication::arguments());
    if (config.string("log_level") == QLatin1String("debug"))
        options.workerLogLevel = QStringLiteral("debug");
    options.runtimeId = QStringLiteral("%1/%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    options.heartbeatIntervalMs = int(config.integer("worker_heartbeat_interval"));
    options.heartbeatMisses = int(config.integer("worker_heartbeat_misses"));
    options.loadFactor = double(config.integer("worker_load_factor")) / 100.0;
    options.snapshotIntervalMs = int(config.integer("worker_snapshot_interval"));
    options.requestTimeoutMs = int(config.integer("worker_request_timeout"));
    options.idleTimeoutMs = config.integer("worker_idle_timeout") * 1000;
    options.isWatched = [streams = m_streams.get()](const QString &sessionId) {
        return streams->subscriberCount(sessionId) > 0;
    };
    auto pool = std::make_unique<WorkerPool>(options, *m_streams, m_workerLogger, *m_metrics);
    WorkerAdminRoutes::install(*m_http, *m_auth, *pool);
    m_sessions->setBackendDispatcher(pool.get());
    pool->start();
    m_workerPool = pool.get();
    m_backends = std::move(pool);
}

// The connection monitor and the dashboard (page, live feed, admin actions).
void RuntimeHost::createOpsSurface()
{
    DashboardFeed::Sources sources;
    sources.metrics = m_metrics.get();
    sources.traffic = m_traffic.get();
    sources.connections = m_connectionMonitor.get();
    sources.plugins = &m_bootstrap.plugins();
    sources.workers = m_workerPool;
    sources.draining = [this] { return m_drainRequested || m_draining; };
    m_dashboard = std::make_unique<DashboardFeed>(std::move(sources));
    DashboardRoutes::Actions actions;
    actions.workers = m_workerPool;
    actions.drainNode = [this] { drain(); };
    actions.drainWindowSecs = [this] { return int(m_bootstrap.config().integer("drain_window")); };
    actions.sessionView = std::make_shared<SessionLiveView>(*m_streams, *m_connectionMonitor);
    DashboardRoutes::install(*m_http, *m_auth, *m_dashboard, actions);
    m_connectionMonitor->start();
    m_dashboard->start();
}

/*!
 * Not ready first, so load balancers stop sending new clients; then every open stream is
 * advised to reconnect (and ended), spread over drain_window so the other nodes are not
 * hit by all of them at once; then drained(). Requests keep being served meanwhile, and
 * stop() commits every acknowledged write before the store closes.
 */
void RuntimeHost::drain()
{
    if (!m_started || m_drainRequested)
        return;
    m_drainRequested = true;
    const std::chrono::seconds window(m_bootstrap.config().integer("drain_window"));
    m_logger.info("draining", {{"window_s", qint64(window.count())},
                               {"connections", m_connectionMonitor->summary().connections}});
    connect(m_connectionMonitor.get(), &ConnectionMonitorCore::drainAdviceDone, this, [this] {
        // Lets the last advice and any reply to POST /admin/drain leave before stop()
        // closes the listener (this may run inside that very request's handler).
        QTimer::singleShot(kDrainLingerMs, this, &RuntimeHost::drained);
    }, Qt::SingleShotConnection);
    m_connectionMonitor->adviseReconnectAll(window);
}

HealthRoutes::Readiness RuntimeHost::readiness() const
{
    const bool backendRequired = !m_bootstrap.config().string("backend").isEmpty();
    return HealthRoutes::Readiness{m_storeReachable,
                                   !backendRequired || (m_backends && m_backends->isAvailable()),
                                   m_draining || m_drainRequested};
}

void RuntimeHost::pingStore()
{
    m_store->ping([this](Result<void> pong) {
        if (pong.ok() != m_storeReachable) {
            m_logger.log(pong.ok() ? LogLevel::Info : LogLevel::Error,
                         pong.ok() ? QStringLiteral("store reachable again") : QStringLiteral("store unreachable"),
                         pong.ok() ? QJsonObject() : QJsonObject{{"error", pong.error().message}});
        }
        m_storeReachable = pong.ok();
        m_storePing.setInterval(m_storeReachable ? kStorePingMs : kStoreRetryPingMs);
    });
}

void RuntimeHost::stop()
{
    if (m_draining)
        return;
    m_draining = true;
    m_storePing.stop();
    if (m_started)
        m_logger.info("runtime stopping");
    m_dashboard.reset();
    // Before the listener closes, so that replies still in flight reach their clients.
    if (m_workerPool)
        m_workerPool->shutdown(kWorkerDrainTime);
    if (m_http)
        m_http->close();
    if (m_streams)
        m_streams->closeAll();
    m_bootstrap.plugins().stopPlugins();
    // Route handlers and stores hold code from plugin libraries: destroy them before the
    // libraries are unloaded.
    m_http.reset();
    m_sweeper.reset();
    if (m_sessions)
        m_sessions->setBackendDispatcher(nullptr);
    m_workerPool = nullptr;
    m_backends.reset();
    if (m_store)
        m_store->stop();
    m_sessions.reset();
    m_store.reset();
    m_bootstrap.plugins().unloadPlugins();
    m_connectionMonitor.reset(); // after the transports have left it
    if (m_started)
        m_logger.info("runtime stopped");
    m_started = false;
}

} // namespace sm
