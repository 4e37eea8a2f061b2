#pragma once

#include "hellobackendfactory.h"

#include <sm/plugin.h>

#include <QObject>

namespace hello {

// The plugin's root object: reads its one setting and hands the host the factory of
// echo back-ends. It owns no resources of its own, so start() and stop() are empty.
class HelloPlugin : public QObject, public sm::Plugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "hello.json")
    Q_INTERFACES(sm::Plugin)

public:
    sm::Result<void> configure(sm::HostContext &host) override;
    sm::Result<void> start() override;
    void stop() override;
    sm::BackendFactory *backendFactory() override { return &m_factory; }

private:
    HelloBackendFactory m_factory;
};

} // namespace hello
