#pragma once

#include "clientaddressresolver.h"
#include "connectionregistry.h"

#include <sm/plugin.h>

#include <QObject>

#include <memory>

namespace sse {

class EventRoutes;
class SessionRoutes;

// The transport-sse plugin: reads its settings, wires the REST and SSE routes onto the
// host's HTTP listener, and ends every open stream when the host stops it.
class TransportSsePlugin : public QObject, public sm::Plugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "transportsseplugin.json")
    Q_INTERFACES(sm::Plugin)

public:
    TransportSsePlugin();
    ~TransportSsePlugin() override;

    sm::Result<void> configure(sm::HostContext &host) override;
    sm::Result<void> start() override;
    void stop() override;

private:
    sm::HostContext *m_host = nullptr;
    ConnectionRegistry::Options m_streamOptions;
    ClientAddressResolver m_addresses;
    // Kept until the plugin is unloaded: the router holds handlers that point at them.
    std::unique_ptr<ConnectionRegistry> m_registry;
    std::unique_ptr<SessionRoutes> m_sessionRoutes;
    std::unique_ptr<EventRoutes> m_eventRoutes;
};

} // namespace sse
