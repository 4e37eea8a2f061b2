#pragma once

#include "pluginmetadata.h"
#include "pluginspec.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace sm {

class HostContext;
class Logger;
class Plugin;

// Finds plugin libraries, refuses the ones that cannot run (with a reason per plugin),
// and drives the others through their lifecycle in dependency order:
//   loadPlugins() -> configurePlugins() -> startPlugins() ... stopPlugins() -> unloadPlugins()
// Everything runs on the host thread. Each refusal is logged once, as a warning.
class PluginManager {
public:
    // Creates the context a plugin is configured with; the manager owns it until the
    // plugin is unloaded. Returning null refuses the plugin.
    using HostContextFactory = std::function<std::unique_ptr<HostContext>(const PluginSpec &)>;

    explicit PluginManager(Logger &logger);
    ~PluginManager();
    PluginManager(const PluginManager &) = delete;
    PluginManager &operator=(const PluginManager &) = delete;

    // <dir of the executable>/SM_PLUGIN_RELATIVE_DIR: where the build and the install put plugins.
    static QString defaultPluginDir();

    // Directories searched for *.so, in order; an id found twice is taken from the first.
    void setSearchPaths(const QStringList &dirs);
    QStringList searchPaths() const { return m_searchPaths; }
    // Plugin ids whose libraries are not loaded (disabled_plugins).
    void setDisabledPlugins(const QStringList &ids);
    // Only plugins of these kinds are loaded; the others are Disabled (empty: every kind).
    // A worker process, for one, runs back-end plugins only.
    void setLoadedKinds(const QList<PluginKind> &kinds);
    // The one store plugin the runtime uses (`store-<store>`); every other store plugin is
    // Disabled, so that none is started, or shown as started, without serving (empty: all).
    void setSelectedStore(const QString &id);
    void setHostContextFactory(HostContextFactory factory);

    // Finds the plugins, reads and checks their metadata and dependencies, and loads
    // the libraries in dependency order. Call once.
    void loadPlugins();
    // configure() every loaded plugin in load order, with a context from the factory.
    void configurePlugins();
    // start() every configured plugin in load order.
    void startPlugins();
    // stop() the started plugins in exactly the reverse order of their start.
    void stopPlugins();
    // Stops what still runs, then deletes the root objects and contexts and unloads
    // the libraries. Destroy every object a plugin handed out before calling this.
    void unloadPlugins();

    // Every library found, in discovery order (search path order, then file name).
    QList<const PluginSpec *> specs() const;
    // The plugins that resolved, dependencies first (ties in id order).
    QList<const PluginSpec *> loadOrder() const;
    // The plugin that owns `id` (the first found), also when refused or disabled.
    const PluginSpec *spec(const QString &id) const;
    // The root object of a plugin from loaded until unloaded, else null.
    Plugin *plugin(const QString &id) const;
    // Started plugins of one kind, in start order.
    QList<const PluginSpec *> startedPlugins(PluginKind kind) const;

private:
    void discover();
    void readSpec(const QString &filePath);
    void claimIds();
    void resolve(PluginSpec &spec, QList<PluginSpec *> &visiting);
    void refuseCycle(const QList<PluginSpec *> &cycle);
    bool dependenciesReached(PluginSpec &spec, PluginSpec::State needed);
    void refuse(PluginSpec &spec, const QString &reason);

    Logger &m_logger;
    QStringList m_searchPaths;
    QStringList m_disabledIds;
    QList<PluginKind> m_loadedKinds;
    QString m_selectedStore;
    HostContextFactory m_contextFactory;
    std::vector<std::unique_ptr<PluginSpec>> m_specs;
    QHash<QString, PluginSpec *> m_specById;
    QList<PluginSpec *> m_loadOrder;
    QList<PluginSpec *> m_startOrder;
};

} // namespace sm
