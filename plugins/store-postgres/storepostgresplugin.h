#pragma once

#include "connectionconfig.h"

#include <sm/plugin.h>

#include <QObject>

namespace sm {
class Logger;
}

namespace smpg {

// The store-postgres plugin: reads the db_* settings and creates PostgresStore instances
// for the host's store thread. Nothing runs until the host opens a store.
class StorePostgresPlugin : public QObject, public sm::Plugin, public sm::StoreFactory {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "storepostgresplugin.json")
    Q_INTERFACES(sm::Plugin)

public:
    sm::Result<void> configure(sm::HostContext &host) override;
    sm::Result<void> start() override;
    void stop() override;

    sm::StoreFactory *storeFactory() override { return this; }
    std::unique_ptr<sm::SessionStore> createStore() override;

private:
    StoreSettings m_settings;
    sm::Logger *m_logger = nullptr;
};

} // namespace smpg
