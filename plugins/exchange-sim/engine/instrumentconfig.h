#pragma once

#include "engine/types.h"

#include <cstdint>
#include <string>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

struct InstrumentConfig {
    std::string symbol;
    Price tickSize = 1;
    // Reference price: start of the generator's random walk and centre of the price band.
    Price initialPrice = 0;
    // Limit prices must lie within +-band of the reference. The band is static for the
    // session so that a runaway walk cannot drag prices arbitrarily far.
    std::int32_t bandBasisPoints = 1000;
    // Bounds price x quantity far below int64 overflow (prices are capped at 1e9 as well).
    Qty maxOrderQty = 1'000'000;

    ConfigError validate() const;
    void encode(ByteWriter &out) const;
    static InstrumentConfig decode(ByteReader &in);
};

} // namespace sm::exchange
