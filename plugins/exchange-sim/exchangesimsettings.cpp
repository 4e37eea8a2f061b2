#include "exchangesimsettings.h"

#include <sm/hostcontext.h>

namespace exsim {

namespace {

// The host validates declared keys against the metadata; this repeats the bounds so the
// plugin stays correct with any host (and in tests with a minimal context).
sm::Result<int> intSetting(const sm::HostContext &host, const QString &key, int fallback, int min, int max)
{
    const QJsonValue value = host.setting(key);
    if (value.isNull() || value.isUndefined())
        return fallback;
    const double number = value.toDouble(-1.0);
    const int integer = value.toInt(min - 1);
    if (!value.isDouble() || double(integer) != number || integer < min || integer > max) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("exchange-sim.%1 must be an integer from %2 to %3")
                                 .arg(key).arg(min).arg(max));
    }
    return integer;
}

} // namespace

sm::Result<ExchangeSimSettings> ExchangeSimSettings::fromHost(const sm::HostContext &host)
{
    ExchangeSimSettings settings;
    const auto tick = intSetting(host, QStringLiteral("tick_interval_ms"), settings.tickIntervalMs, 0, 3'600'000);
    const auto depth = intSetting(host, QStringLiteral("book_depth"), settings.bookDepth, 1, 1000);
    const auto volatility = intSetting(host, QStringLiteral("volatility_ticks"), settings.volatilityTicks, 0, 1'000'000);
    const auto actions = intSetting(host, QStringLiteral("actions_per_step"), int(settings.actionsPerStep), 0, 10'000);
    for (const sm::Result<int> *read : {&tick, &depth, &volatility, &actions}) {
        if (!read->ok())
            return read->error();
    }
    settings.tickIntervalMs = tick.value();
    settings.bookDepth = depth.value();
    settings.volatilityTicks = volatility.value();
    settings.actionsPerStep = std::uint32_t(actions.value());
    const sm::exchange::ConfigError error = settings.exchangeConfig(1).validate();
    if (error != sm::exchange::ConfigError::None) {
        const std::string_view why = sm::exchange::describe(error);
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("exchange-sim settings are invalid: %1")
                                 .arg(QLatin1String(why.data(), qsizetype(why.size()))));
    }
    return settings;
}

namespace {
constexpr std::size_t kExpectedOrdersPerSessionBook = 128;
} // namespace

sm::exchange::ExchangeConfig ExchangeSimSettings::exchangeConfig(std::uint64_t seed) const
{
    sm::exchange::ExchangeConfig config = sm::exchange::ExchangeConfig::simDefaults(seed);
    config.generator.volatilityTicks = volatilityTicks;
    config.generator.actionsPerStep = actionsPerStep;
    // A worker hosts thousands of these exchanges and ticks them all: small books keep the
    // working set in cache (4096 orders per book cost ~400 KiB per session, and ticking
    // was bound by cache misses in the order index). Books still grow when they must.
    config.expectedOrdersPerBook = kExpectedOrdersPerSessionBook;
    return config;
}

} // namespace exsim
