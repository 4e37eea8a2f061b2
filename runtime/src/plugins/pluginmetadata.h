#pragma once

#include "config/configkey.h"
#include "pluginversion.h"

#include <sm/result.h>

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sm {

enum class PluginKind { Store, Transport, Backend };

const char *pluginKindName(PluginKind kind);
std::optional<PluginKind> parsePluginKind(const QString &name);

struct PluginDependency {
    QString id;
    PluginVersion version; // the version the dependent was built against
};

// The validated "MetaData" object of a plugin library (see docs/plugins.md).
struct PluginMetadata {
    QString id;
    QString name;
    PluginKind kind = PluginKind::Transport;
    PluginVersion version;
    PluginVersion compatVersion; // oldest version this one can stand in for
    int sdkMajor = 0;
    int sdkMinor = 0;
    QString description;
    QList<PluginDependency> dependencies;
    QList<ConfigKey> config; // named "<id>.<key>", see ConfigKey::fromPluginMetadata

    // Validates `metaData`; an error names `file` and the offending field.
    static Result<PluginMetadata> fromJson(const QJsonObject &metaData, const QString &file);

    // True when a dependent built against `wanted` can use this plugin.
    bool provides(const PluginVersion &wanted) const;
    // The config key `name`, short as in the metadata ("port", not "<id>.port").
    const ConfigKey *configKey(const QString &name) const;
};

} // namespace sm
