#pragma once

#include "pluginmetadata.h"

#include <sm/result.h>

#include <QJsonObject>
#include <QPluginLoader>
#include <QString>

#include <memory>
#include <optional>

namespace sm {

class HostContext;
class Plugin;

// One plugin library found on disk: its metadata, read before the library is mapped,
// and where it stands in its lifecycle. PluginManager drives the transitions:
//   Read -> Resolved -> Loaded -> Configured -> Started -> Stopped
// and any step may end in Refused (with the reason in errorString()). Disabled means
// the operator listed the id in disabled_plugins; its library is never loaded.
class PluginSpec {
public:
    enum class State { Read, Resolved, Loaded, Configured, Started, Stopped, Disabled, Refused };
    static const char *stateName(State state);

    explicit PluginSpec(const QString &filePath);
    ~PluginSpec();
    PluginSpec(const PluginSpec &) = delete;
    PluginSpec &operator=(const PluginSpec &) = delete;

    QString filePath() const { return m_filePath; }
    State state() const { return m_state; }
    // Why the plugin is Refused or Disabled; empty otherwise.
    QString errorString() const { return m_errorString; }

    // False when the file's metadata was refused; metadata() is valid only when true.
    bool hasMetadata() const { return m_metadata.has_value(); }
    const PluginMetadata &metadata() const { return *m_metadata; }
    // The "id", "version" and "kind" strings as written in the file, also when its
    // metadata was refused (for listings); empty when absent.
    QString id() const;
    QString versionString() const;
    QString kindName() const;

    // The plugin's root object from Loaded until the library is unloaded.
    Plugin *plugin() const { return m_plugin; }
    // The context the plugin was configured with, until the library is unloaded.
    HostContext *hostContext() const { return m_context.get(); }

private:
    friend class PluginManager;

    Result<void> read();
    void markResolved();
    Result<void> loadLibrary();
    Result<void> configure(std::unique_ptr<HostContext> context);
    Result<void> start();
    void stop();
    void unload();
    void refuse(const QString &reason);
    void disable(const QString &reason);

    QString m_filePath;
    QPluginLoader m_loader;
    QJsonObject m_rawMetadata;
    std::optional<PluginMetadata> m_metadata;
    State m_state = State::Read;
    QString m_errorString;
    Plugin *m_plugin = nullptr;
    std::unique_ptr<HostContext> m_context;
};

} // namespace sm
