#include "engine/instrumentconfig.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

namespace sm::exchange {

namespace {

constexpr Price kMaxInitialPrice = 1'000'000'000;
constexpr Qty kMaxOrderQtyLimit = 1'000'000'000;

} // namespace

ConfigError InstrumentConfig::validate() const
{
    if (symbol.empty())
        return ConfigError::EmptySymbol;
    if (tickSize <= 0)
        return ConfigError::InvalidTickSize;
    if (initialPrice <= 0 || initialPrice > kMaxInitialPrice || initialPrice % tickSize != 0)
        return ConfigError::InvalidInitialPrice;
    if (bandBasisPoints <= 0 || bandBasisPoints >= 10'000)
        return ConfigError::InvalidBand;
    if (maxOrderQty <= 0 || maxOrderQty > kMaxOrderQtyLimit)
        return ConfigError::InvalidMaxQuantity;
    return ConfigError::None;
}

void InstrumentConfig::encode(ByteWriter &out) const
{
    out.str(symbol);
    out.i64(tickSize);
    out.i64(initialPrice);
    out.u32(static_cast<std::uint32_t>(bandBasisPoints));
    out.i64(maxOrderQty);
}

InstrumentConfig InstrumentConfig::decode(ByteReader &in)
{
    InstrumentConfig config;
    config.symbol = in.str();
    config.tickSize = in.i64();
    config.initialPrice = in.i64();
    config.bandBasisPoints = static_cast<std::int32_t>(in.u32());
    config.maxOrderQty = in.i64();
    return config;
}

} // namespace sm::exchange
