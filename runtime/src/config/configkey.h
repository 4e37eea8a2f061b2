#pragma once

#include <sm/result.h>

#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <limits>

namespace sm {

enum class ConfigType {
    String,
    Int,
    Duration, // seconds, an integer ≥ 0
    Bool,
    Enum,
    List, // of strings
    Address, // host:port
    AddressList, // of host:port
    SubnetList, // of IP addresses or CIDR subnets
};

// One configuration key: its names, type, limits and default. Host keys come from the
// table in configschema.cpp, plugin keys from the "config" object of plugin metadata.
struct ConfigKey {
    // Where a raw value comes from decides how it is read: the config file gives JSON
    // values, the environment and --set give text (lists comma-separated).
    enum class Input { Json, Text };

    static constexpr qint64 kNoMin = std::numeric_limits<qint64>::min();
    static constexpr qint64 kNoMax = std::numeric_limits<qint64>::max();

    QString name; // "session_ttl", "store-sqlite.path"
    QString envName; // "SESSION_TTL", "SM_STORE_SQLITE_PATH"
    ConfigType type = ConfigType::String;
    QJsonValue defaultValue;
    qint64 min = kNoMin; // Int and Duration
    qint64 max = kNoMax;
    QStringList values; // Enum
    bool secret = false;
    QString description;

    static Result<ConfigKey> fromPluginMetadata(
        const QString &pluginId, const QString &key, const QJsonValue &spec);
    static QString pluginEnvName(const QString &pluginId, const QString &key);

    Result<QJsonValue> parse(const QJsonValue &raw, Input input) const;
    // The value as `session-manager config` prints it; secrets that are set are redacted.
    QString display(const QJsonValue &value) const;
    QString typeName() const;

private:
    Result<QJsonValue> parseScalar(const QJsonValue &raw, Input input) const;
    Result<QJsonValue> parseList(const QJsonValue &raw, Input input) const;
    Error mismatch(const QJsonValue &raw, Input input) const;
    QString expectation() const;
};

} // namespace sm
