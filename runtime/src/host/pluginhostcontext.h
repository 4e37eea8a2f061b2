#pragma once

#include "logging/jsonlogger.h"

#include <sm/hostcontext.h>

#include <functional>

namespace sm {

class Config;

// The services a plugin reaches, shared by every plugin, with the plugin's own logger
// component and settings view. Services that only exist once the runtime is up
// (sessions, streams, http, auth) are handed in as a bundle that outlives the plugin.
class PluginHostContext : public HostContext {
public:
    struct Services {
        const Config *config = nullptr;
        JsonLogger *log = nullptr;
        Metrics *metrics = nullptr;
        SessionService *sessions = nullptr;
        StreamHub *streams = nullptr;
        HttpRouter *http = nullptr;
        const Authenticator *auth = nullptr;
        ConnectionMonitor *connectionMonitor = nullptr;
        std::function<bool()> isReady = {}; // as /readyz decides; unset = ready
    };

    PluginHostContext(QString pluginId, const Services &services);

    QString pluginId() const override { return m_pluginId; }
    QJsonValue setting(const QString &key) const override;
    Logger &logger() override { return m_logger; }
    Metrics &metrics() override { return *m_services.metrics; }
    SessionService &sessions() override { return *m_services.sessions; }
    StreamHub &streams() override { return *m_services.streams; }
    HttpRouter &http() override { return *m_services.http; }
    const Authenticator &auth() const override { return *m_services.auth; }
    ConnectionMonitor *connectionMonitor() override { return m_services.connectionMonitor; }
    bool isReady() const override { return !m_services.isReady || m_services.isReady(); }

private:
    QString m_pluginId;
    const Services &m_services;
    JsonLogger::Component m_logger;
};

} // namespace sm
