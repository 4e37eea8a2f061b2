#pragma once

#include "sqlitestoreoptions.h"

#include <sm/plugin.h>

#include <QObject>

namespace smsqlite {

// The store-sqlite plugin: reads where the database lives and how hard to sync it, and
// hands the host a factory for SqliteSessionStore.
class StoreSqlitePlugin : public QObject, public sm::Plugin, public sm::StoreFactory {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "storesqliteplugin.json")
    Q_INTERFACES(sm::Plugin)

public:
    sm::Result<void> configure(sm::HostContext &host) override;
    sm::Result<void> start() override;
    void stop() override;
    sm::StoreFactory *storeFactory() override;

    std::unique_ptr<sm::SessionStore> createStore() override;

private:
    sm::HostContext *m_host = nullptr;
    SqliteStoreOptions m_options;
};

} // namespace smsqlite
