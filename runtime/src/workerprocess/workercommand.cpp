#include "workerprocess/workercommand.h"

#include "host/bootstrap.h"
#include "host/pluginhostcontext.h"
#include "host/shutdownsignals.h"
#include "metrics/metricsregistry.h"
#include "plugins/pluginspec.h"
#include "workerprocess/workerserver.h"

#include <sm/plugin.h>

#include <QCoreApplication>

namespace sm {

namespace {

// How long runtimes get to read what is already queued for them on SIGTERM.
constexpr std::chrono::milliseconds kShutdownDeadline(2000);

Result<BackendFactory *> configuredBackend(PluginManager &plugins, const QString &id)
{
    const PluginSpec *spec = plugins.spec(id);
    Plugin *plugin = plugins.plugin(id);
    BackendFactory *factory = plugin && spec->state() == PluginSpec::State::Started ? plugin->backendFactory() : nullptr;
    if (factory)
        return factory;
    const QString why = !spec ? QStringLiteral("no plugin with that id was found")
                      : !spec->errorString().isEmpty() ? spec->errorString()
                                                       : QStringLiteral("it is not a back-end plugin");
    return makeError(ErrorCode::Unavailable, QStringLiteral("back-end plugin %1 is not available: %2").arg(id, why));
}

} // namespace

Result<void> WorkerCommand::run(Bootstrap &bootstrap, const Options &options)
{
    const QString backendId = options.backendId.isEmpty() ? bootstrap.config().string("backend") : options.backendId;
    JsonLogger::Component logger(bootstrap.log(), QStringLiteral("worker"));
    // Back-end plugins may register metrics; a worker does not serve them (yet).
    MetricsRegistry metrics;
    // A worker has no session service, stream hub, HTTP listener or authenticator: back-end
    // plugins must not reach for them.
    PluginHostContext::Services services;
    services.config = &bootstrap.config();
    services.log = &bootstrap.log();
    services.metrics = &metrics;
    PluginManager &plugins = bootstrap.plugins();
    plugins.setHostContextFactory([&services](const PluginSpec &spec) {
        return std::make_unique<PluginHostContext>(spec.id(), services);
    });
    plugins.configurePlugins();
    plugins.startPlugins();

    Result<void> outcome;
    if (Result<BackendFactory *> factory = configuredBackend(plugins, backendId); !factory.ok()) {
        outcome = factory.error();
    } else {
        WorkerServer server(*factory.value(), {options.listenAddress, backendId}, logger);
        if (Result<quint16> port = server.start(); !port.ok()) {
            outcome = port.error();
        } else {
            // Before the "listening" line: a parent may send SIGTERM as soon as it reads it.
            ShutdownSignals shutdownSignals;
            QObject::connect(&shutdownSignals, &ShutdownSignals::shutdownRequested, &server, [&server, &logger] {
                logger.info(QStringLiteral("worker stopping"));
                server.shutdown(kShutdownDeadline);
                QCoreApplication::quit();
            });
            // The line a parent process waits for: bound, on this (maybe ephemeral) port.
            logger.info(QStringLiteral("listening"), {{"port", port.value()},
                                                      {"pid", QCoreApplication::applicationPid()},
                                                      {"worker_id", server.workerId()},
                                                      {"backend", backendId}});
            QCoreApplication::exec();
        }
    } // instances hold plugin code: gone before the libraries are unloaded
    plugins.stopPlugins();
    plugins.unloadPlugins();
    return outcome;
}

} // namespace sm
