#pragma once

#include "engine/pricelevel.h"
#include "engine/types.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sm::exchange {

// The price levels of one side of a book in a sorted contiguous array with the best price
// at the back. Almost all activity happens at or near the touch, so inserts and removals
// there shift only a few elements, the touch is one load away, and with the capacity
// reserved up front nothing allocates.
class BookSide {
public:
    BookSide(Side side, std::size_t expectedLevels);

    Side side() const { return m_side; }
    bool empty() const { return m_levels.empty(); }
    PriceLevel &best() { return m_levels.back(); }
    const PriceLevel &best() const { return m_levels.back(); }
    void popBest() { m_levels.pop_back(); }

    PriceLevel &findOrInsert(Price price);
    // nullptr when no level exists at `price`.
    PriceLevel *find(Price price);
    void erase(const PriceLevel &level);
    // Whether an aggressor limited to `limit` can trade with the best level here.
    bool reaches(Price limit) const;
    // Worst price first, best price last.
    std::span<const PriceLevel> levels() const { return m_levels; }

private:
    // Bids sort by price and asks by negated price, so on both sides the best level is last.
    std::int64_t sortKey(Price price) const { return m_side == Side::Buy ? price : -price; }
    std::vector<PriceLevel>::iterator lowerBound(Price price);

    Side m_side;
    std::vector<PriceLevel> m_levels;
};

} // namespace sm::exchange
