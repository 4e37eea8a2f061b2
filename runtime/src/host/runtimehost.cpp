#include "host/runtimehost.h"

#include "auth/jwtauthenticator.h"
#include "host/bootstrap.h"
#include "http/httplistener.h"
#include "metrics/metricsregistry.h"
#include "plugins/pluginspec.h"
#include "sessions/expirysweeper.h"
#include "sessions/inprocessbackends.h"
#include "sessions/sessionservicecore.h"
#include "sessions/storeexecutor.h"
#include "streams/sessionstreamhub.h"

#include <sm/plugin.h>
#include <sm/store.h>

namespace sm {

namespace {
constexpr int kStorePingMs = 2000;
}

RuntimeHost::RuntimeHost(Bootstrap &bootstrap)
    : m_bootstrap(bootstrap)
    , m_logger(bootstrap.log(), QStringLiteral("runtime"))
    , m_httpLogger(bootstrap.log(), QStringLiteral("http"))
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

    m_services = PluginHostContext::Services{&config, &m_bootstrap.log(), m_metrics.get(), nullptr,
                                             m_streams.get(), m_http.get(), m_auth.get()};
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
    plugins.startPlugins();

    if (Result<void> listening = m_http->listen(); !listening.ok())
        return listening;
    // The line tools and tests wait for: the listener is up, on this (maybe ephemeral) port.
    m_httpLogger.info("listening", {{"address", m_http->address().toString()}, {"port", m_http->port()}});
    connect(&m_storePing, &QTimer::timeout, this, &RuntimeHost::pingStore);
    m_storePing.start(kStorePingMs);
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
    m_storeReachable = true;
    return {};
}

// Back-ends run in this process. Worker processes (WORKER_COUNT > 0) plug in here as
// another BackendDispatcher.
void RuntimeHost::createBackends()
{
    const Config &config = m_bootstrap.config();
    const QString id = config.string("backend");
    Plugin *plugin = id.isEmpty() ? nullptr : m_bootstrap.plugins().plugin(id);
    BackendFactory *factory = plugin ? plugin->backendFactory() : nullptr;
    if (!id.isEmpty() && !factory)
        m_logger.warning("back-end plugin not available; session requests will answer 503",
                         {{"backend", id}});
    if (config.integer("worker_count") > 0)
        m_logger.warning("worker processes are not available yet; running back-ends in process",
                         {{"worker_count", config.integer("worker_count")}});
    auto backends = std::make_unique<InProcessBackends>(factory, *m_streams, m_logger, *m_metrics,
                                                        std::chrono::seconds(config.integer("idle_timeout")));
    m_sessions->setBackendDispatcher(backends.get());
    m_backends = std::move(backends);
}

HealthRoutes::Readiness RuntimeHost::readiness() const
{
    const bool backendRequired = !m_bootstrap.config().string("backend").isEmpty();
    return HealthRoutes::Readiness{m_storeReachable,
                                   !backendRequired || (m_backends && m_backends->isAvailable()),
                                   m_draining};
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
    m_backends.reset();
    if (m_store)
        m_store->stop();
    m_sessions.reset();
    m_store.reset();
    m_bootstrap.plugins().unloadPlugins();
    if (m_started)
        m_logger.info("runtime stopped");
    m_started = false;
}

} // namespace sm
