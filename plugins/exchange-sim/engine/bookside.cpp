#include "engine/bookside.h"

#include <algorithm>

namespace sm::exchange {

BookSide::BookSide(Side side, std::size_t expectedLevels)
    : m_side(side)
{
    m_levels.reserve(expectedLevels);
}

PriceLevel &BookSide::findOrInsert(Price price)
{
    const auto it = lowerBound(price);
    if (it != m_levels.end() && it->price == price)
        return *it;
    return *m_levels.insert(it, PriceLevel{price, 0, 0, kNullIndex, kNullIndex});
}

PriceLevel *BookSide::find(Price price)
{
    const auto it = lowerBound(price);
    return it != m_levels.end() && it->price == price ? &*it : nullptr;
}

void BookSide::erase(const PriceLevel &level)
{
    m_levels.erase(m_levels.begin() + (&level - m_levels.data()));
}

bool BookSide::reaches(Price limit) const
{
    return !empty() && sortKey(best().price) >= sortKey(limit);
}

std::vector<PriceLevel>::iterator BookSide::lowerBound(Price price)
{
    const std::int64_t key = sortKey(price);
    return std::lower_bound(m_levels.begin(), m_levels.end(), key,
        [this](const PriceLevel &level, std::int64_t k) { return sortKey(level.price) < k; });
}

} // namespace sm::exchange
