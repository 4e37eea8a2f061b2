#pragma once

#include "config/config.h"
#include "logging/jsonlogger.h"
#include "plugins/pluginmanager.h"

#include <sm/result.h>

#include <QStringList>

#include <memory>

namespace sm {

// What every command needs before it acts: the configuration from all its layers and
// the plugins found (their metadata read, their config keys registered). Plugins are
// loaded but not configured; `run` takes it from there.
class Bootstrap {
public:
    struct Options {
        QString configFile;       // --config
        QStringList pluginPaths;  // --plugin-path (searched first)
        QStringList settings;     // --set key=value
        QList<PluginKind> pluginKinds; // the kinds of plugin to load; empty: every kind
    };

    Bootstrap();
    ~Bootstrap();

    // Layers, host keys, log level. Errors name the key and the layer.
    Result<void> loadConfig(const Options &options);
    // Finds and loads plugins, registers their config keys, validates the whole config.
    Result<void> loadPlugins(const Options &options);

    Config &config() { return m_config; }
    JsonLogger &log() { return m_log; }
    PluginManager &plugins() { return *m_plugins; }

private:
    Config m_config;
    JsonLogger m_log;
    JsonLogger::Component m_pluginLogger;
    std::unique_ptr<PluginManager> m_plugins;
};

} // namespace sm
