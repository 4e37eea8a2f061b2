#include "pluginmanager.h"

#include <sm/hostcontext.h>
#include <sm/logger.h>
#include <sm/plugin.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace sm {

namespace {

QString dependencyFailure(const PluginSpec &dependency)
{
    if (dependency.state() == PluginSpec::State::Disabled)
        return QStringLiteral("dependency \"%1\" is disabled by config").arg(dependency.id());
    return QStringLiteral("dependency \"%1\" was refused: %2").arg(dependency.id(), dependency.errorString());
}

QList<PluginDependency> sortedById(QList<PluginDependency> dependencies)
{
    std::sort(dependencies.begin(), dependencies.end(),
              [](const PluginDependency &a, const PluginDependency &b) { return a.id < b.id; });
    return dependencies;
}

QJsonObject specFields(const PluginSpec &spec)
{
    QJsonObject fields{{QStringLiteral("file"), spec.filePath()}};
    if (!spec.id().isEmpty())
        fields.insert(QStringLiteral("plugin"), spec.id());
    return fields;
}

} // namespace

PluginManager::PluginManager(Logger &logger) : m_logger(logger) {}

PluginManager::~PluginManager()
{
    unloadPlugins();
}

QString PluginManager::defaultPluginDir()
{
    return QDir::cleanPath(QCoreApplication::applicationDirPath() +
                           QLatin1String("/" SM_PLUGIN_RELATIVE_DIR));
}

void PluginManager::setSearchPaths(const QStringList &dirs)
{
    m_searchPaths = dirs;
}

void PluginManager::setDisabledPlugins(const QStringList &ids)
{
    m_disabledIds = ids;
}

void PluginManager::setLoadedKinds(const QList<PluginKind> &kinds)
{
    m_loadedKinds = kinds;
}

void PluginManager::setSelectedStore(const QString &id)
{
    m_selectedStore = id;
}

void PluginManager::setHostContextFactory(HostContextFactory factory)
{
    m_contextFactory = std::move(factory);
}

/*!
    Reads every plugin in the search paths, refuses the broken, duplicate and
    unresolvable ones, and loads the libraries of the rest, dependencies first. A
    plugin whose dependency was refused or disabled is refused, naming that dependency
    and its reason.
*/
void PluginManager::loadPlugins()
{
    Q_ASSERT_X(m_specs.empty(), "PluginManager::loadPlugins", "called twice");
    discover();
    claimIds();

    QList<PluginSpec *> candidates;
    for (const auto &spec : m_specs) {
        if (spec->state() == PluginSpec::State::Read)
            candidates.append(spec.get());
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const PluginSpec *a, const PluginSpec *b) { return a->id() < b->id(); });
    QList<PluginSpec *> visiting;
    for (PluginSpec *spec : candidates)
        resolve(*spec, visiting);

    for (PluginSpec *spec : std::as_const(m_loadOrder)) {
        if (!dependenciesReached(*spec, PluginSpec::State::Loaded))
            continue;
        if (Result<void> loaded = spec->loadLibrary(); !loaded)
            refuse(*spec, loaded.error().message);
    }
}

/*!
    Configures the loaded plugins in load order. Each gets a context from the host's
    factory; a plugin whose dependency failed to configure is refused without a call.
*/
void PluginManager::configurePlugins()
{
    Q_ASSERT_X(m_contextFactory, "PluginManager::configurePlugins", "no host context factory");
    for (PluginSpec *spec : std::as_const(m_loadOrder)) {
        if (spec->state() != PluginSpec::State::Loaded)
            continue;
        if (!dependenciesReached(*spec, PluginSpec::State::Configured))
            continue;
        std::unique_ptr<HostContext> context = m_contextFactory(*spec);
        if (!context) {
            refuse(*spec, QStringLiteral("the host could not create its context"));
            continue;
        }
        if (Result<void> configured = spec->configure(std::move(context)); !configured)
            refuse(*spec, configured.error().message);
    }
}

/*!
    Starts the configured plugins in load order; a plugin whose dependency failed to
    start is refused without a call. The start order is kept for stopPlugins().
*/
void PluginManager::startPlugins()
{
    for (PluginSpec *spec : std::as_const(m_loadOrder)) {
        if (spec->state() != PluginSpec::State::Configured)
            continue;
        if (!dependenciesReached(*spec, PluginSpec::State::Started))
            continue;
        if (Result<void> started = spec->start(); !started) {
            refuse(*spec, started.error().message);
            continue;
        }
        m_startOrder.append(spec);
        m_logger.info(QStringLiteral("plugin started"), specFields(*spec));
    }
}

/*!
    Stops the started plugins, the last started first, so that a plugin never
    outlives one it depends on. Plugins whose start() failed are not stopped.
*/
void PluginManager::stopPlugins()
{
    for (auto it = m_startOrder.crbegin(); it != m_startOrder.crend(); ++it) {
        (*it)->stop();
        m_logger.info(QStringLiteral("plugin stopped"), specFields(**it));
    }
    m_startOrder.clear();
}

void PluginManager::unloadPlugins()
{
    stopPlugins();
    for (auto it = m_loadOrder.crbegin(); it != m_loadOrder.crend(); ++it)
        (*it)->unload();
}

QList<const PluginSpec *> PluginManager::specs() const
{
    QList<const PluginSpec *> all;
    for (const auto &spec : m_specs)
        all.append(spec.get());
    return all;
}

QList<const PluginSpec *> PluginManager::loadOrder() const
{
    return {m_loadOrder.cbegin(), m_loadOrder.cend()};
}

const PluginSpec *PluginManager::spec(const QString &id) const
{
    return m_specById.value(id);
}

Plugin *PluginManager::plugin(const QString &id) const
{
    const PluginSpec *found = spec(id);
    return found ? found->plugin() : nullptr;
}

QList<const PluginSpec *> PluginManager::startedPlugins(PluginKind kind) const
{
    QList<const PluginSpec *> started;
    for (const PluginSpec *spec : m_startOrder) {
        if (spec->metadata().kind == kind)
            started.append(spec);
    }
    return started;
}

// Search path order, then file name order, so that which of two files with the same
// id wins does not depend on the file system.
void PluginManager::discover()
{
    QSet<QString> seen;
    for (const QString &path : std::as_const(m_searchPaths)) {
        const QDir dir(path);
        if (!dir.exists()) {
            m_logger.warning(QStringLiteral("plugin directory does not exist"),
                             {{QStringLiteral("path"), path}});
            continue;
        }
        const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.so")}, QDir::Files, QDir::Name);
        for (const QFileInfo &file : files) {
            if (seen.contains(file.canonicalFilePath()))
                continue; // the same directory reached twice
            seen.insert(file.canonicalFilePath());
            readSpec(file.absoluteFilePath());
        }
    }
}

void PluginManager::readSpec(const QString &filePath)
{
    auto spec = std::make_unique<PluginSpec>(filePath);
    if (Result<void> read = spec->read(); !read)
        refuse(*spec, read.error().message);
    m_specs.push_back(std::move(spec));
}

// The first file found with an id owns it; the operator's disabled list applies to the owner.
void PluginManager::claimIds()
{
    for (const auto &spec : m_specs) {
        if (spec->state() == PluginSpec::State::Refused)
            continue;
        const QString id = spec->id();
        if (const PluginSpec *owner = m_specById.value(id)) {
            refuse(*spec,
                   QStringLiteral("duplicate plugin id \"%1\": %2 already provides it, so %3 is ignored")
                       .arg(id, owner->filePath(), spec->filePath()));
            continue;
        }
        m_specById.insert(id, spec.get());
        if (m_disabledIds.contains(id)) {
            spec->disable(QStringLiteral("disabled by config (disabled_plugins)"));
            m_logger.info(QStringLiteral("plugin disabled by config"), specFields(*spec));
        } else if (!m_loadedKinds.isEmpty() && !m_loadedKinds.contains(spec->metadata().kind)) {
            spec->disable(QStringLiteral("%1 plugins are not loaded by this command")
                              .arg(QLatin1String(pluginKindName(spec->metadata().kind))));
        } else if (spec->metadata().kind == PluginKind::Store && !m_selectedStore.isEmpty() && id != m_selectedStore) {
            spec->disable(QStringLiteral("not the selected store (%1)").arg(m_selectedStore));
        }
    }
}

/*!
    Depth-first walk that appends `spec` to the load order after its dependencies
    (visited in id order). `visiting` is the path from the walk's root: meeting a
    plugin on it again closes a dependency cycle, and every plugin on the cycle is
    refused with the cycle spelled out.
*/
void PluginManager::resolve(PluginSpec &spec, QList<PluginSpec *> &visiting)
{
    if (spec.state() != PluginSpec::State::Read)
        return;
    if (const qsizetype at = visiting.indexOf(&spec); at >= 0) {
        refuseCycle(visiting.mid(at));
        return;
    }
    visiting.append(&spec);
    for (const PluginDependency &dependency : sortedById(spec.metadata().dependencies)) {
        PluginSpec *provider = m_specById.value(dependency.id);
        if (!provider) {
            refuse(spec, QStringLiteral("missing dependency \"%1\" (version %2)")
                             .arg(dependency.id, dependency.version.toString()));
            break;
        }
        const PluginMetadata &provided = provider->metadata();
        if (!provided.provides(dependency.version)) {
            refuse(spec, QStringLiteral("dependency \"%1\" has version %2 (compatible down to %3), "
                                        "which does not provide the wanted version %4")
                             .arg(dependency.id, provided.version.toString(),
                                  provided.compatVersion.toString(), dependency.version.toString()));
            break;
        }
        resolve(*provider, visiting);
        if (spec.state() == PluginSpec::State::Refused)
            break; // refused as a member of a cycle just closed
        if (provider->state() != PluginSpec::State::Resolved) {
            refuse(spec, dependencyFailure(*provider));
            break;
        }
    }
    visiting.removeLast();
    if (spec.state() == PluginSpec::State::Read) {
        spec.markResolved();
        m_loadOrder.append(&spec);
    }
}

void PluginManager::refuseCycle(const QList<PluginSpec *> &cycle)
{
    for (qsizetype first = 0; first < cycle.size(); ++first) {
        QStringList path;
        for (qsizetype step = 0; step <= cycle.size(); ++step)
            path.append(cycle.at((first + step) % cycle.size())->id());
        refuse(*cycle.at(first), QStringLiteral("dependency cycle: ") + path.join(QStringLiteral(" -> ")));
    }
}

// Refuses `spec` when a dependency did not reach `needed` in the current step.
bool PluginManager::dependenciesReached(PluginSpec &spec, PluginSpec::State needed)
{
    for (const PluginDependency &dependency : spec.metadata().dependencies) {
        const PluginSpec *provider = m_specById.value(dependency.id);
        if (provider->state() != needed) {
            refuse(spec, dependencyFailure(*provider));
            return false;
        }
    }
    return true;
}

// The first reason wins, and is logged once: a plugin refused as a member of a cycle
// keeps that reason although its dependencies then fail to resolve too.
void PluginManager::refuse(PluginSpec &spec, const QString &reason)
{
    if (spec.state() == PluginSpec::State::Refused)
        return;
    spec.refuse(reason);
    QJsonObject fields = specFields(spec);
    fields.insert(QStringLiteral("reason"), reason);
    m_logger.warning(QStringLiteral("plugin refused"), fields);
}

} // namespace sm
