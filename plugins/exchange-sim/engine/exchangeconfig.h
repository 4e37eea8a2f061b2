#pragma once

#include "engine/generatorconfig.h"
#include "engine/instrumentconfig.h"
#include "engine/types.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

struct ExchangeConfig {
    std::vector<InstrumentConfig> instruments;
    GeneratorConfig generator;
    std::uint64_t seed = 1;
    // Closed (filled, cancelled, rejected) session orders kept for queries; older ones are
    // forgotten, and cancelling them then answers UnknownOrder.
    std::size_t recentOrderLimit = 1000;
    // Pre-sizes each book so that steady-state operation does not allocate (at most 2^20).
    std::size_t expectedOrdersPerBook = 4096;

    // SIM-A, SIM-B and SIM-C with prices in cents and a +-10% band.
    static ExchangeConfig simDefaults(std::uint64_t seed);

    ConfigError validate() const;
    void encode(ByteWriter &out) const;
    static ExchangeConfig decode(ByteReader &in);
};

} // namespace sm::exchange
