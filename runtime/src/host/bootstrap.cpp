#include "host/bootstrap.h"

#include "plugins/pluginspec.h"

#include <QPluginLoader>
#include <QProcessEnvironment>

namespace sm {

Bootstrap::Bootstrap()
    : m_pluginLogger(m_log, QStringLiteral("plugins"))
    , m_plugins(std::make_unique<PluginManager>(m_pluginLogger))
{
}

Bootstrap::~Bootstrap() = default;

Result<void> Bootstrap::loadConfig(const Options &options)
{
    if (!options.configFile.isEmpty()) {
        if (Result<void> loaded = m_config.loadFile(options.configFile); !loaded.ok())
            return loaded;
    }
    m_config.loadEnvironment(QProcessEnvironment::systemEnvironment());
    if (Result<void> set = m_config.loadSetArguments(options.settings); !set.ok())
        return set;
    if (Result<void> host = m_config.resolveHost(); !host.ok())
        return host;
    m_log.setLevel(JsonLogger::parseLevel(m_config.string("log_level")).value_or(LogLevel::Info));
    return {};
}

Result<void> Bootstrap::loadPlugins(const Options &options)
{
    QStringList paths = options.pluginPaths;
    paths << m_config.list("plugin_path") << PluginManager::defaultPluginDir();
    m_plugins->setSearchPaths(paths);
    m_plugins->setDisabledPlugins(m_config.list("disabled_plugins"));
    m_plugins->setLoadedKinds(options.pluginKinds);
    m_plugins->setSelectedStore(QStringLiteral("store-") + m_config.string("store"));
    m_plugins->loadPlugins();
    for (const PluginSpec *spec : m_plugins->specs()) {
        // Only the first library of an id is the plugin; a duplicate was refused.
        if (!spec->hasMetadata() || m_plugins->spec(spec->id()) != spec)
            continue;
        const QJsonObject schema = QPluginLoader(spec->filePath()).metaData()
                                       .value("MetaData").toObject().value("config").toObject();
        if (Result<void> registered = m_config.registerPlugin(spec->id(), schema); !registered.ok())
            return registered;
    }
    return m_config.resolve();
}

} // namespace sm
