#include "sqliteplugintestfixture.h"

#include "testhostcontext.h"

SqlitePluginFixture::SqlitePluginFixture() : m_loader(QStringLiteral(STORE_SQLITE_PLUGIN_PATH))
{
    m_plugin = qobject_cast<sm::Plugin *>(m_loader.instance());
}

SqlitePluginFixture::~SqlitePluginFixture() = default;

sm::Plugin *SqlitePluginFixture::plugin() const
{
    return m_plugin;
}

QString SqlitePluginFixture::loadError() const
{
    return m_loader.errorString();
}

QJsonObject SqlitePluginFixture::metaData() const
{
    return m_loader.metaData();
}

sm::Result<void> SqlitePluginFixture::configure(const QJsonObject &settings)
{
    m_contexts.push_back(std::make_unique<TestHostContext>(QStringLiteral("store-sqlite"), settings));
    return m_plugin->configure(*m_contexts.back());
}

std::unique_ptr<sm::SessionStore> SqlitePluginFixture::createStore()
{
    sm::StoreFactory *factory = m_plugin->storeFactory();
    return factory ? factory->createStore() : nullptr;
}

std::unique_ptr<sm::SessionStore> SqlitePluginFixture::storeFor(const QJsonObject &settings, QString *error)
{
    const auto configured = configure(settings);
    if (!configured) {
        if (error)
            *error = configured.error().message;
        return nullptr;
    }
    return createStore();
}

const TestHostContext &SqlitePluginFixture::latestContext() const
{
    return *m_contexts.back();
}
