#include "transportsseplugin.h"

#include "eventroutes.h"
#include "sessionroutes.h"

#include <sm/hostcontext.h>

namespace sse {

namespace {
// The host validates declared settings against the metadata; this re-check keeps the
// plugin safe with a host (or a test) that passes them through unchecked.
sm::Result<int> intSetting(const sm::HostContext &host, const QString &key, int fallback, int min, int max)
{
    const QJsonValue value = host.setting(key);
    if (value.isNull() || value.isUndefined())
        return fallback;
    bool ok = value.isDouble();
    int number = value.toInt();
    if (value.isString())
        number = value.toString().toInt(&ok);
    if (!ok || number < min || number > max) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("%1 must be a whole number from %2 to %3").arg(key).arg(min).arg(max));
    }
    return number;
}
} // namespace

TransportSsePlugin::TransportSsePlugin() = default;

TransportSsePlugin::~TransportSsePlugin() = default;

sm::Result<void> TransportSsePlugin::configure(sm::HostContext &host)
{
    m_host = &host;
    auto heartbeat = intSetting(host, "heartbeat_interval", 15, 1, 15);
    if (!heartbeat)
        return heartbeat.error();
    auto retry = intSetting(host, "retry_ms", 2000, 100, 600000);
    if (!retry)
        return retry.error();
    auto addresses = ClientAddressResolver::fromSetting(host.setting("trusted_proxies"));
    if (!addresses)
        return addresses.error();
    m_streamOptions = {heartbeat.value(), retry.value()};
    m_addresses = addresses.value();
    return {};
}

sm::Result<void> TransportSsePlugin::start()
{
    m_registry = std::make_unique<ConnectionRegistry>(*m_host, m_streamOptions);
    m_sessionRoutes = std::make_unique<SessionRoutes>(*m_host, m_addresses);
    m_eventRoutes = std::make_unique<EventRoutes>(*m_host, *m_registry, m_addresses);
    m_sessionRoutes->registerOn(m_host->http());
    m_eventRoutes->registerOn(m_host->http());
    return {};
}

void TransportSsePlugin::stop()
{
    if (m_registry)
        m_registry->closeAll();
}

} // namespace sse
