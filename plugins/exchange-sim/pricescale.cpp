#include "pricescale.h"

#include <cmath>

namespace exsim {

namespace {

// Far above any valid price (the engine caps prices at 1e9 units) and well inside the
// range where doubles hold every integer exactly.
constexpr double kLargestConvertible = 1e15;

} // namespace

/*!
 * A JSON decimal arrives as the double nearest to it. It names a whole number of units
 * exactly when the nearest double to units / kUnitsPerWhole is that same double, which
 * holds for "100.25" and "100.29" (whose product with 100 is 10028.999...) but not for
 * "100.255".
 */
std::optional<sm::exchange::Price> PriceScale::toUnits(double price)
{
    const double scaled = price * double(kUnitsPerWhole);
    if (!std::isfinite(scaled) || std::fabs(scaled) > kLargestConvertible)
        return std::nullopt;
    const auto units = sm::exchange::Price(std::llround(scaled));
    if (double(units) / double(kUnitsPerWhole) != price)
        return std::nullopt;
    return units;
}

double PriceScale::toDecimal(sm::exchange::Price units)
{
    return double(units) / double(kUnitsPerWhole);
}

double PriceScale::moneyToDecimal(std::int64_t amount)
{
    return double(amount) / double(kUnitsPerWhole);
}

} // namespace exsim
