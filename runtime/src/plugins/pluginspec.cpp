#include "pluginspec.h"

#include <sm/backend.h>
#include <sm/hostcontext.h>
#include <sm/plugin.h>

#include <array>

namespace sm {

namespace {

Error failure(const QString &message)
{
    return makeError(ErrorCode::Internal, message);
}

// A plugin of a kind must hand out that kind's entry point; checked once at load time
// so that the host never finds out later, mid-start, that a "store" has no store.
Result<void> checkEntryPoint(Plugin &plugin, PluginKind kind)
{
    if (kind == PluginKind::Store && !plugin.storeFactory())
        return failure(QStringLiteral("its kind is \"store\" but storeFactory() returns null"));
    if (kind == PluginKind::Backend && !plugin.backendFactory())
        return failure(QStringLiteral("its kind is \"backend\" but backendFactory() returns null"));
    return {};
}

} // namespace

const char *PluginSpec::stateName(State state)
{
    static constexpr std::array<const char *, 8> names{"read",    "resolved", "loaded",   "configured",
                                                       "started", "stopped",  "disabled", "refused"};
    return names.at(static_cast<size_t>(state));
}

PluginSpec::PluginSpec(const QString &filePath) : m_filePath(filePath), m_loader(filePath)
{
    // Fail at load time on an unresolved symbol rather than in the middle of a call.
    m_loader.setLoadHints(m_loader.loadHints() | QLibrary::ResolveAllSymbolsHint);
}

PluginSpec::~PluginSpec()
{
    unload();
}

QString PluginSpec::id() const
{
    return m_rawMetadata.value(QLatin1String("id")).toString();
}

QString PluginSpec::versionString() const
{
    return m_rawMetadata.value(QLatin1String("version")).toString();
}

QString PluginSpec::kindName() const
{
    return m_rawMetadata.value(QLatin1String("kind")).toString();
}

/*!
    Reads the plugin's metadata from the file without loading it: the interface id must
    be SM_PLUGIN_IID and the "MetaData" object must validate (PluginMetadata::fromJson).
    Every error names the file.
*/
Result<void> PluginSpec::read()
{
    const QJsonObject raw = m_loader.metaData();
    if (raw.isEmpty())
        return failure(QStringLiteral("%1: not a Qt plugin (%2)").arg(m_filePath, m_loader.errorString()));
    // Kept before any check, so that a listing shows the id of a refused file when it has one.
    m_rawMetadata = raw.value(QLatin1String("MetaData")).toObject();
    const QString iid = raw.value(QLatin1String("IID")).toString();
    if (iid != QLatin1String(SM_PLUGIN_IID)) {
        return failure(QStringLiteral("%1: interface id \"%2\" is not \"%3\" (not a Session Manager "
                                      "plugin, or built against another major SDK version)")
                           .arg(m_filePath, iid, QLatin1String(SM_PLUGIN_IID)));
    }
    const QJsonValue metaData = raw.value(QLatin1String("MetaData"));
    if (!metaData.isObject()) {
        return failure(QStringLiteral("%1: no metadata (declare Q_PLUGIN_METADATA(IID SM_PLUGIN_IID "
                                      "FILE \"<plugin>.json\"))")
                           .arg(m_filePath));
    }
    Result<PluginMetadata> metadata = PluginMetadata::fromJson(m_rawMetadata, m_filePath);
    if (!metadata)
        return metadata.error();
    m_metadata = std::move(metadata).value();
    return {};
}

void PluginSpec::markResolved()
{
    m_state = State::Resolved;
}

/*!
    Maps the library and creates its root object, which must implement sm::Plugin and
    hand out the entry point of its kind. The error is QPluginLoader's on a load failure.
*/
Result<void> PluginSpec::loadLibrary()
{
    QObject *root = m_loader.instance();
    if (!root)
        return failure(m_loader.errorString());
    Plugin *plugin = qobject_cast<Plugin *>(root);
    if (!plugin) {
        return failure(QStringLiteral("the root object does not implement sm::Plugin (missing "
                                      "Q_INTERFACES(sm::Plugin)?)"));
    }
    if (Result<void> entryPoint = checkEntryPoint(*plugin, m_metadata->kind); !entryPoint)
        return entryPoint;
    m_plugin = plugin;
    m_state = State::Loaded;
    return {};
}

/*!
    Hands the plugin its context, which the spec keeps until the library is unloaded.
*/
Result<void> PluginSpec::configure(std::unique_ptr<HostContext> context)
{
    m_context = std::move(context);
    if (Result<void> result = m_plugin->configure(*m_context); !result)
        return failure(QStringLiteral("configure() failed: ") + result.error().message);
    m_state = State::Configured;
    return {};
}

Result<void> PluginSpec::start()
{
    if (Result<void> result = m_plugin->start(); !result)
        return failure(QStringLiteral("start() failed: ") + result.error().message);
    m_state = State::Started;
    return {};
}

void PluginSpec::stop()
{
    m_plugin->stop();
    m_state = State::Stopped;
}

/*!
    Deletes the root object (QPluginLoader::unload) before the context it may still
    point to, then forgets both. The state stays as it was, for listings.
*/
void PluginSpec::unload()
{
    m_plugin = nullptr;
    m_loader.unload(); // a no-op unless this loader loaded the library
    m_context.reset();
}

void PluginSpec::refuse(const QString &reason)
{
    Q_ASSERT(m_state != State::Refused);
    m_state = State::Refused;
    m_errorString = reason;
}

void PluginSpec::disable(const QString &reason)
{
    m_state = State::Disabled;
    m_errorString = reason;
}

} // namespace sm
