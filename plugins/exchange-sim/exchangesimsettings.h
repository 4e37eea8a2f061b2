#pragma once

#include "engine/exchangeconfig.h"

#include <sm/result.h>

#include <cstdint>

namespace sm {
class HostContext;
}

namespace exsim {

// The plugin's validated configuration (metadata "config" keys).
struct ExchangeSimSettings {
    int tickIntervalMs = 100;
    int bookDepth = 10;
    std::int32_t volatilityTicks = 2;
    std::uint32_t actionsPerStep = 4;

    // Reads the keys through the host; an unset key keeps its default.
    static sm::Result<ExchangeSimSettings> fromHost(const sm::HostContext &host);

    // The engine configuration of one session's exchange.
    sm::exchange::ExchangeConfig exchangeConfig(std::uint64_t seed) const;
};

} // namespace exsim
