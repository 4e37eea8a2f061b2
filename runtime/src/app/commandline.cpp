#include "app/commandline.h"

#include "auth/jwtauthenticator.h"
#include "host/runtimehost.h"
#include "host/shutdownsignals.h"
#include "plugins/pluginspec.h"
#include "workerprocess/workercommand.h"

#include <sm/version.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <csignal>
#include <cstdio>

namespace sm {

namespace {

const char *kDescription =
    "Session Manager: sessions, streams and simulated back-ends behind one runtime.\n\n"
    "Commands:\n"
    "  run        start the runtime (default plugins, SQLite store unless configured)\n"
    "  worker     host back-end instances for a runtime: worker --listen HOST:PORT [--backend ID]\n"
    "  plugins    list every plugin found: loaded, disabled or refused, and why\n"
    "  config     print the effective configuration and where each value came from\n"
    "  token      print a development JWT: token --user alice [--role admin] [--ttl 3600]";

// One line on stderr for errors the user must act on; logs are for the rest.
int fail(const QString &message)
{
    QTextStream(stderr) << "session-manager: " << message << Qt::endl;
    return 1;
}

std::optional<Role> parseRole(const QString &name)
{
    for (Role role : {Role::User, Role::Service, Role::Admin}) {
        if (name == QLatin1String(roleName(role)))
            return role;
    }
    return std::nullopt;
}

} // namespace

int CommandLine::exec(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromLatin1(kDescription));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("command", "run | worker | plugins | config | token");
    const QCommandLineOption configOption("config", "JSON configuration file.", "file");
    const QCommandLineOption pluginPathOption("plugin-path", "Also search this directory for plugins.", "dir");
    const QCommandLineOption setOption("set", "Set a configuration key (repeatable).", "key=value");
    const QCommandLineOption userOption("user", "token: the user (JWT sub).", "user");
    const QCommandLineOption roleOption("role", "token: user | service | admin.", "role", "user");
    const QCommandLineOption ttlOption("ttl", "token: lifetime in seconds.", "seconds", "3600");
    const QCommandLineOption listenOption("listen", "worker: gRPC address to serve (port 0: any free port).",
                                          "host:port");
    const QCommandLineOption backendOption("backend", "worker: the back-end plugin (default: config key backend).",
                                           "id");
    parser.addOptions({configOption, pluginPathOption, setOption, userOption, roleOption, ttlOption, listenOption,
                       backendOption});
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet("help")) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.isSet("version")) {
        QTextStream(stdout) << "session-manager " << SM_VERSION << " (plugin SDK " << kSdkVersionString << ")\n";
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0, QStringLiteral("run"));
    if (positional.size() > 1)
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(positional.at(1)));

    Bootstrap bootstrap;
    const bool worker = command == QLatin1String("worker");
    const Bootstrap::Options options{parser.value(configOption), parser.values(pluginPathOption),
                                     parser.values(setOption),
                                     worker ? QList<PluginKind>{PluginKind::Backend} : QList<PluginKind>{}};
    if (Result<void> loaded = bootstrap.loadConfig(options); !loaded.ok())
        return fail(loaded.error().message);

    if (command == QLatin1String("token")) {
        bool ttlOk = false;
        const qint64 ttl = parser.value(ttlOption).toLongLong(&ttlOk);
        if (!parser.isSet(userOption) || parser.value(userOption).isEmpty())
            return fail(QStringLiteral("token needs --user <name>"));
        if (!ttlOk || ttl < 1)
            return fail(QStringLiteral("--ttl must be a positive number of seconds"));
        return issueToken(bootstrap, parser.value(userOption), parser.value(roleOption), ttl);
    }
    if (worker && !parser.isSet(listenOption))
        return fail(QStringLiteral("worker needs --listen <host:port>"));
    if (command != QLatin1String("run") && command != QLatin1String("plugins")
        && command != QLatin1String("config") && !worker)
        return fail(QStringLiteral("unknown command \"%1\" (try --help)").arg(command));

    const Result<void> plugins = bootstrap.loadPlugins(options);
    if (command == QLatin1String("plugins"))
        return listPlugins(bootstrap);
    if (!plugins.ok())
        return fail(plugins.error().message);
    if (command == QLatin1String("config"))
        return printConfig(bootstrap);
    if (worker) {
        const Result<void> served = WorkerCommand::run(bootstrap, {parser.value(listenOption), parser.value(backendOption)});
        return served.ok() ? 0 : fail(served.error().message);
    }
    return run(bootstrap);
}

int CommandLine::run(Bootstrap &bootstrap)
{
    RuntimeHost host(bootstrap);
    ShutdownSignals shutdownSignals;
    const auto stopNow = [&host] {
        host.stop();
        QCoreApplication::quit();
    };
    // SIGTERM drains (readiness first, reconnect advice over drain_window); SIGINT, or a
    // second SIGTERM while draining, stops at once.
    QObject::connect(&shutdownSignals, &ShutdownSignals::shutdownRequested, &host,
                     [&host, stopNow](int signalNumber) {
                         if (signalNumber == SIGTERM && !host.isDrainRequested())
                             return host.drain();
                         stopNow();
                     });
    QObject::connect(&host, &RuntimeHost::drained, &host, stopNow);
    if (Result<void> started = host.start(); !started.ok()) {
        host.stop();
        return fail(started.error().message);
    }
    const int code = QCoreApplication::exec();
    host.stop();
    return code;
}

int CommandLine::listPlugins(Bootstrap &bootstrap)
{
    QTextStream out(stdout);
    for (const PluginSpec *spec : bootstrap.plugins().specs()) {
        const bool refused = spec->state() == PluginSpec::State::Refused;
        const bool disabled = spec->state() == PluginSpec::State::Disabled;
        out << (spec->hasMetadata() ? spec->id() : QStringLiteral("-")) << ' '
            << (spec->hasMetadata() ? spec->versionString() : QStringLiteral("-")) << ' '
            << (spec->hasMetadata() ? spec->kindName() : QStringLiteral("-")) << ' '
            << (refused ? "refused" : disabled ? "disabled" : "loaded") << ' ' << spec->filePath();
        if (!spec->errorString().isEmpty())
            out << ' ' << spec->errorString();
        out << '\n';
    }
    return 0;
}

int CommandLine::printConfig(Bootstrap &bootstrap)
{
    QTextStream(stdout) << bootstrap.config().table();
    return 0;
}

int CommandLine::issueToken(Bootstrap &bootstrap, const QString &user, const QString &roleName,
                            qint64 ttlSecs)
{
    const std::optional<Role> role = parseRole(roleName);
    if (!role)
        return fail(QStringLiteral("--role must be user, service or admin"));
    auto auth = JwtAuthenticator::fromConfig(bootstrap.config());
    if (!auth.ok())
        return fail(auth.error().message);
    Result<QByteArray> token = auth.value()->issueToken(user, *role, std::chrono::seconds(ttlSecs));
    if (!token.ok())
        return fail(token.error().message);
    QTextStream(stdout) << token.value() << '\n';
    return 0;
}

} // namespace sm
