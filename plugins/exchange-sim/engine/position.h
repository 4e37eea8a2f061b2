#pragma once

#include "engine/types.h"

#include <cstdint>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

// Net position in one instrument under the average-cost method. Money amounts are in
// price units x quantity (a fill of 3 @ 10050 is worth 30150 units).
class Position {
public:
    void applyFill(Side side, Price price, Qty qty);

    // Signed: positive long, negative short.
    Qty quantity() const { return m_qty; }
    // Exact cost of the open quantity (what was paid for a long, received for a short).
    std::int64_t costBasis() const { return m_cost; }
    // costBasis / |quantity| rounded to the nearest price unit; 0 when flat.
    Price averageCost() const;
    std::int64_t realisedPnl() const { return m_realised; }

    void encode(ByteWriter &out) const;
    bool decode(ByteReader &in);

    bool operator==(const Position &) const = default;

private:
    void close(Qty qty, Price price);

    Qty m_qty = 0;
    std::int64_t m_cost = 0;
    std::int64_t m_realised = 0;
};

} // namespace sm::exchange
