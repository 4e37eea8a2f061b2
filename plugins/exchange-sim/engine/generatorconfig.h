#pragma once

#include "engine/types.h"

#include <cstdint>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

// Tuning of the synthetic counterparty. Probabilities are in per mille so that everything
// stays integer arithmetic (and therefore bit-for-bit reproducible).
struct GeneratorConfig {
    // Largest fair-value move per step, in ticks (triangular distribution in [-v, v]).
    std::int32_t volatilityTicks = 2;
    // Liquidity actions per instrument per step: the generator's rate.
    std::uint32_t actionsPerStep = 4;
    std::uint32_t cancelPermille = 300;
    // Aggressive ioc orders that take liquidity around the fair value.
    std::uint32_t crossPermille = 150;
    // Passive orders are placed 1..depthTicks ticks away from the fair value.
    std::uint32_t depthTicks = 8;
    // Order sizes are uniform in 1..maxQty.
    std::uint32_t maxQty = 50;
    // Per instrument (at most 100'000); at the cap the generator cancels instead of adding.
    std::uint32_t maxLiveOrders = 200;

    // ConfigError::InvalidGenerator or none. Quantity vs instrument limits is checked by
    // ExchangeConfig, which knows both.
    ConfigError validate() const;
    void encode(ByteWriter &out) const;
    static GeneratorConfig decode(ByteReader &in);
};

} // namespace sm::exchange
