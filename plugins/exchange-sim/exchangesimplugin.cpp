#include "exchangesimplugin.h"

#include "exchangesimbackend.h"

#include <sm/hostcontext.h>
#include <sm/logger.h>

namespace exsim {

/*!
 * Validates the settings up front, so that creating a session's exchange later cannot
 * fail on configuration.
 */
sm::Result<void> ExchangeSimPlugin::configure(sm::HostContext &host)
{
    const sm::Result<ExchangeSimSettings> settings = ExchangeSimSettings::fromHost(host);
    if (!settings)
        return settings.error();
    m_settings = settings.value();
    host.logger().info(QStringLiteral("exchange simulator configured"),
                       {{"tick_interval_ms", m_settings.tickIntervalMs},
                        {"volatility_ticks", m_settings.volatilityTicks},
                        {"actions_per_step", qint64(m_settings.actionsPerStep)},
                        {"book_depth", m_settings.bookDepth}});
    return {};
}

sm::Result<void> ExchangeSimPlugin::start()
{
    return {}; // the host creates back-ends on demand
}

void ExchangeSimPlugin::stop() {}

sm::BackendFactory *ExchangeSimPlugin::backendFactory()
{
    return this;
}

/*!
 * The session id plays no part: the seed alone determines the exchange, which is what
 * lets the host rebuild an instance by replaying its calls.
 */
std::unique_ptr<sm::SessionBackend> ExchangeSimPlugin::createBackend(const QString &, quint64 seed,
                                                                     sm::BackendEventSink *sink)
{
    auto exchange = sm::exchange::Exchange::create(m_settings.exchangeConfig(seed));
    if (!exchange || !sink)
        return nullptr;
    return std::make_unique<ExchangeSimBackend>(std::move(exchange.value()), std::size_t(m_settings.bookDepth),
                                                sink);
}

int ExchangeSimPlugin::tickIntervalMs() const
{
    return m_settings.tickIntervalMs;
}

} // namespace exsim
