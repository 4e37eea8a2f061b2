#include "storepostgresplugin.h"

#include "postgresstore.h"

#include <sm/hostcontext.h>

namespace smpg {

namespace {

QString stringSetting(const sm::HostContext &host, const QString &key, const QString &fallback)
{
    const QJsonValue value = host.setting(key);
    return value.isString() ? value.toString() : fallback;
}

int intSetting(const sm::HostContext &host, const QString &key, int fallback)
{
    const QJsonValue value = host.setting(key);
    if (value.isDouble())
        return value.toInt(fallback);
    if (value.isString()) {
        bool ok = false;
        const int number = value.toString().toInt(&ok);
        return ok ? number : fallback;
    }
    return fallback;
}

} // namespace

// Keeps the settings; the DSN is interpreted when a store opens, so a bad one is reported
// by SessionStore::open() with the connection's other problems.
sm::Result<void> StorePostgresPlugin::configure(sm::HostContext &host)
{
    const StoreSettings defaults;
    m_settings.host = stringSetting(host, "db_host", defaults.host);
    m_settings.port = intSetting(host, "db_port", defaults.port);
    m_settings.database = stringSetting(host, "db_name", defaults.database);
    m_settings.user = stringSetting(host, "db_user", defaults.user);
    m_settings.password = stringSetting(host, "db_password", defaults.password);
    m_settings.dsn = stringSetting(host, "db_dsn", defaults.dsn);
    m_settings.connectTimeoutSecs = intSetting(host, "connect_timeout", defaults.connectTimeoutSecs);
    m_settings.statementTimeoutSecs = intSetting(host, "statement_timeout", defaults.statementTimeoutSecs);
    m_logger = &host.logger();
    return {};
}

sm::Result<void> StorePostgresPlugin::start()
{
    return {};
}

void StorePostgresPlugin::stop()
{
}

std::unique_ptr<sm::SessionStore> StorePostgresPlugin::createStore()
{
    return std::make_unique<PostgresStore>(m_settings, m_logger);
}

} // namespace smpg
