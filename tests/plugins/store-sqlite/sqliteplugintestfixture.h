#pragma once

#include <sm/plugin.h>
#include <sm/store.h>

#include <QJsonObject>
#include <QPluginLoader>

#include <memory>
#include <vector>

class TestHostContext;

// The built store-sqlite module, loaded with QPluginLoader as the host loads it, and
// configured through a TestHostContext per configure() call.
class SqlitePluginFixture {
public:
    SqlitePluginFixture();
    ~SqlitePluginFixture();

    // Null when the module did not load; loadError() says why.
    sm::Plugin *plugin() const;
    QString loadError() const;
    QJsonObject metaData() const;

    // Configures the plugin with `settings` (own and host keys alike).
    sm::Result<void> configure(const QJsonObject &settings);
    // A store from the latest successful configure(), not yet opened.
    std::unique_ptr<sm::SessionStore> createStore();
    // configure() then createStore(); null (and a message in `error`) when configure fails.
    std::unique_ptr<sm::SessionStore> storeFor(const QJsonObject &settings, QString *error = nullptr);
    const TestHostContext &latestContext() const;

private:
    QPluginLoader m_loader;
    sm::Plugin *m_plugin = nullptr;
    // Every context stays alive: a store logs through the one it was created with.
    std::vector<std::unique_ptr<TestHostContext>> m_contexts;
};
