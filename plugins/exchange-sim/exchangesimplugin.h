#pragma once

#include "exchangesimsettings.h"

#include <sm/backend.h>
#include <sm/plugin.h>

#include <QObject>

namespace exsim {

// The exchange-sim plugin: reads its settings and creates one ExchangeSimBackend (a
// simulated exchange seeded by the host) per session.
class ExchangeSimPlugin : public QObject, public sm::Plugin, public sm::BackendFactory {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "exchangesimplugin.json")
    Q_INTERFACES(sm::Plugin)

public:
    sm::Result<void> configure(sm::HostContext &host) override;
    sm::Result<void> start() override;
    void stop() override;
    sm::BackendFactory *backendFactory() override;

    std::unique_ptr<sm::SessionBackend> createBackend(const QString &sessionId, quint64 seed,
                                                      sm::BackendEventSink *sink) override;
    int tickIntervalMs() const override;

private:
    ExchangeSimSettings m_settings;
};

} // namespace exsim
