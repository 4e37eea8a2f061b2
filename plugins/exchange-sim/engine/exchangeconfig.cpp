#include "engine/exchangeconfig.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <algorithm>

namespace sm::exchange {

namespace {

// symbol length prefix + tick + initial price + band + max quantity
constexpr std::size_t kEncodedInstrumentBytes = 4 + 8 + 8 + 4 + 8;
// Books grow on demand beyond this; the cap keeps a corrupt snapshot from reserving gigabytes.
constexpr std::size_t kMaxExpectedOrdersPerBook = std::size_t{1} << 20;

bool hasDuplicateSymbols(const std::vector<InstrumentConfig> &instruments)
{
    for (auto it = instruments.begin(); it != instruments.end(); ++it) {
        const auto sameSymbol = [&it](const InstrumentConfig &other) { return other.symbol == it->symbol; };
        if (std::any_of(std::next(it), instruments.end(), sameSymbol))
            return true;
    }
    return false;
}

} // namespace

ExchangeConfig ExchangeConfig::simDefaults(std::uint64_t seed)
{
    ExchangeConfig config;
    config.instruments = {
        InstrumentConfig{"SIM-A", 1, 10'000, 1000, 1'000'000},
        InstrumentConfig{"SIM-B", 5, 25'000, 1000, 1'000'000},
        InstrumentConfig{"SIM-C", 10, 5'000, 1000, 1'000'000},
    };
    config.seed = seed;
    return config;
}

ConfigError ExchangeConfig::validate() const
{
    if (instruments.empty())
        return ConfigError::NoInstruments;
    for (const InstrumentConfig &instrument : instruments) {
        if (const ConfigError error = instrument.validate(); error != ConfigError::None)
            return error;
        // Generator orders must never be rejected for size.
        if (generator.maxQty > instrument.maxOrderQty)
            return ConfigError::InvalidGenerator;
    }
    if (hasDuplicateSymbols(instruments))
        return ConfigError::DuplicateSymbol;
    if (expectedOrdersPerBook > kMaxExpectedOrdersPerBook)
        return ConfigError::InvalidCapacity;
    return generator.validate();
}

void ExchangeConfig::encode(ByteWriter &out) const
{
    out.u32(static_cast<std::uint32_t>(instruments.size()));
    for (const InstrumentConfig &instrument : instruments)
        instrument.encode(out);
    generator.encode(out);
    out.u64(seed);
    out.u64(recentOrderLimit);
    out.u64(expectedOrdersPerBook);
}

ExchangeConfig ExchangeConfig::decode(ByteReader &in)
{
    ExchangeConfig config;
    config.instruments.resize(in.count(kEncodedInstrumentBytes));
    for (InstrumentConfig &instrument : config.instruments)
        instrument = InstrumentConfig::decode(in);
    config.generator = GeneratorConfig::decode(in);
    config.seed = in.u64();
    config.recentOrderLimit = in.u64();
    config.expectedOrdersPerBook = in.u64();
    return config;
}

} // namespace sm::exchange
