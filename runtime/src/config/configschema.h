#pragma once

#include "config/configkey.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>

namespace sm {

// Every key the configuration may hold: the host's own keys (one table, in
// configschema.cpp) and the keys plugins declare in their metadata, registered as the
// plugins are found.
class ConfigSchema {
public:
    ConfigSchema();

    // The host keys as a Markdown table (key, env var, default, type, description): the
    // README's configuration table is generated from this.
    static QString hostKeysMarkdown();

    // Adds "<pluginId>.<key>" for each entry of the metadata "config" object. All or
    // nothing: on error no key of the plugin is added and the plugin stays unknown.
    Result<void> registerPlugin(const QString &pluginId, const QJsonObject &config);

    bool hasPlugin(const QString &pluginId) const { return m_plugins.contains(pluginId); }
    const ConfigKey *find(const QString &name) const;
    const QMap<QString, ConfigKey> &hostKeys() const { return m_hostKeys; }
    const QMap<QString, ConfigKey> &pluginKeys() const { return m_pluginKeys; }

private:
    const ConfigKey *findByEnvName(const QString &envName) const;

    QMap<QString, ConfigKey> m_hostKeys;
    QMap<QString, ConfigKey> m_pluginKeys;
    QSet<QString> m_plugins;
};

} // namespace sm
