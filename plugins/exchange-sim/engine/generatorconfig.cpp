#include "engine/generatorconfig.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

namespace sm::exchange {

namespace {

// Generous bounds that keep tick arithmetic and per-step work sane.
constexpr std::int32_t kMaxVolatilityTicks = 1'000'000;
constexpr std::uint32_t kMaxActionsPerStep = 10'000;
constexpr std::uint32_t kMaxDepthTicks = 1'000'000;
constexpr std::uint32_t kMaxLiveOrdersLimit = 100'000;

} // namespace

ConfigError GeneratorConfig::validate() const
{
    const bool rates = actionsPerStep <= kMaxActionsPerStep && cancelPermille <= 1000
        && crossPermille <= 1000 - cancelPermille;
    const bool ranges = volatilityTicks >= 0 && volatilityTicks <= kMaxVolatilityTicks && depthTicks > 0
        && depthTicks <= kMaxDepthTicks;
    const bool sizes = maxQty > 0 && maxLiveOrders > 0 && maxLiveOrders <= kMaxLiveOrdersLimit;
    return rates && ranges && sizes ? ConfigError::None : ConfigError::InvalidGenerator;
}

void GeneratorConfig::encode(ByteWriter &out) const
{
    out.u32(static_cast<std::uint32_t>(volatilityTicks));
    out.u32(actionsPerStep);
    out.u32(cancelPermille);
    out.u32(crossPermille);
    out.u32(depthTicks);
    out.u32(maxQty);
    out.u32(maxLiveOrders);
}

GeneratorConfig GeneratorConfig::decode(ByteReader &in)
{
    GeneratorConfig config;
    config.volatilityTicks = static_cast<std::int32_t>(in.u32());
    config.actionsPerStep = in.u32();
    config.cancelPermille = in.u32();
    config.crossPermille = in.u32();
    config.depthTicks = in.u32();
    config.maxQty = in.u32();
    config.maxLiveOrders = in.u32();
    return config;
}

} // namespace sm::exchange
