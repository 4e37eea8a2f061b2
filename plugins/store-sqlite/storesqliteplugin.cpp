#include "storesqliteplugin.h"

#include "sqlitesessionstore.h"

#include <sm/hostcontext.h>
#include <sm/logger.h>

#include <QDir>

namespace smsqlite {

namespace {

const QString kDefaultFileName = QStringLiteral("sessions.db");

QString settingString(const sm::HostContext &host, const QString &key)
{
    return host.setting(key).toString().trimmed();
}

// An empty `path` means <data_dir>/sessions.db; a relative one is taken from data_dir,
// so that one setting moves all of the runtime's files.
sm::Result<QString> databasePath(const sm::HostContext &host)
{
    const QString path = settingString(host, QStringLiteral("path"));
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    const QString dataDir = settingString(host, QStringLiteral("data_dir"));
    if (dataDir.isEmpty()) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("store-sqlite needs data_dir or an absolute path"));
    }
    return QDir::cleanPath(QDir(dataDir).filePath(path.isEmpty() ? kDefaultFileName : path));
}

sm::Result<QString> synchronousMode(const sm::HostContext &host)
{
    const QString mode = settingString(host, QStringLiteral("synchronous")).toUpper();
    if (mode.isEmpty())
        return QStringLiteral("FULL");
    if (mode == QLatin1String("FULL") || mode == QLatin1String("NORMAL"))
        return mode;
    return sm::makeError(sm::ErrorCode::BadRequest,
                         QStringLiteral("store-sqlite.synchronous must be FULL or NORMAL, not \"%1\"").arg(mode));
}

} // namespace

sm::Result<void> StoreSqlitePlugin::configure(sm::HostContext &host)
{
    const auto path = databasePath(host);
    if (!path)
        return path.error();
    const auto synchronous = synchronousMode(host);
    if (!synchronous)
        return synchronous.error();
    m_host = &host;
    m_options.path = path.value();
    m_options.synchronous = synchronous.value();
    host.logger().info(QStringLiteral("sessions are stored in SQLite"),
                       {{"path", m_options.path}, {"synchronous", m_options.synchronous}});
    return {};
}

sm::Result<void> StoreSqlitePlugin::start()
{
    return {}; // the host opens the store on its store thread
}

void StoreSqlitePlugin::stop() {}

sm::StoreFactory *StoreSqlitePlugin::storeFactory()
{
    return this;
}

std::unique_ptr<sm::SessionStore> StoreSqlitePlugin::createStore()
{
    Q_ASSERT_X(m_host, "StoreSqlitePlugin::createStore", "configure() must succeed first");
    return std::make_unique<SqliteSessionStore>(m_options, &m_host->logger());
}

} // namespace smsqlite
