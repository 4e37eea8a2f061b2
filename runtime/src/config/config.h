#pragma once

#include "config/configschema.h"

#include <QHash>
#include <QJsonValue>
#include <QProcessEnvironment>
#include <QStringList>

namespace sm {

// The runtime's configuration: defaults < JSON config file < environment < --set.
//
// Plugin keys are only known once plugins are found, and finding them needs host keys
// (plugin_path, disabled_plugins), so the layers are loaded raw and validated later:
//   loadFile() / loadEnvironment() / loadSetArguments()   raw layers, JSON syntax only
//   resolveHost()        host keys valid and readable; unknown plain keys reported
//   registerPlugin()     for every plugin whose metadata was read
//   resolve()            everything valid: values, unknown keys, unknown plugins
// A key "<id>.<key>" for a plugin that was not registered is an error unless <id> is in
// disabled_plugins: disabling a plugin must not force deleting its settings.
class Config {
public:
    struct Entry {
        QString key;
        QString value; // as displayed: secrets that are set read "<redacted>"
        QString source; // "default", "file <path>", "env <NAME>", "--set"
    };

    Result<void> loadFile(const QString &path);
    // Only the environment names of known keys are read, at resolve time; an empty
    // variable counts as unset. Other SM_* variables are ignored: the environment is shared.
    void loadEnvironment(const QProcessEnvironment &environment);
    // "key=value" each; the last assignment of a key wins.
    Result<void> loadSetArguments(const QStringList &assignments);

    Result<void> registerPlugin(const QString &pluginId, const QJsonObject &configSchema);
    Result<void> resolveHost();
    Result<void> resolve();

    // Effective values after a resolve; a null value for a key not resolved or unknown.
    QJsonValue value(const QString &key) const;
    QString string(const QString &key) const { return value(key).toString(); }
    qint64 integer(const QString &key) const { return value(key).toInteger(); }
    bool boolean(const QString &key) const { return value(key).toBool(); }
    QStringList list(const QString &key) const;
    QString source(const QString &key) const { return m_effective.value(key).source; }

    // Host keys, then plugin keys, each sorted by name.
    QList<Entry> entries() const;
    // One line per key: key, value, source, in aligned columns (`session-manager config`).
    QString table() const;
    const ConfigSchema &schema() const { return m_schema; }

private:
    struct Effective {
        QJsonValue value;
        QString source;
    };
    enum class Scope { HostKeys, AllKeys };

    Result<void> resolveKeys(Scope scope);
    Effective resolveKey(const ConfigKey &key, QStringList &errors) const;
    void checkKnown(
        const QString &name, const QString &layer, Scope scope, QStringList &errors) const;
    Result<void> addFileValue(const QString &key, const QJsonValue &value);
    QString fileLayer() const;

    ConfigSchema m_schema;
    QString m_filePath;
    QHash<QString, QJsonValue> m_fileValues;
    QProcessEnvironment m_environment;
    QHash<QString, QString> m_setValues;
    QHash<QString, Effective> m_effective;
};

} // namespace sm
