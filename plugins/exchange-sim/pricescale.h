#pragma once

#include "engine/types.h"

#include <optional>

namespace exsim {

// Converts between JSON prices (decimal numbers such as 100.25) and the engine's integer
// price units. The simulator's instruments are quoted in cents, so one unit is 0.01.
class PriceScale {
public:
    static constexpr sm::exchange::Price kUnitsPerWhole = 100;

    // The exact number of units `price` stands for, or nullopt when it is not a whole
    // number of units (100.255) or too large to be a price at all. Never rounds.
    static std::optional<sm::exchange::Price> toUnits(double price);
    static double toDecimal(sm::exchange::Price units);
    // Money amounts (price units x quantity) in the same decimal scale.
    static double moneyToDecimal(std::int64_t amount);
};

} // namespace exsim
