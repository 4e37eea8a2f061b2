#pragma once

#include "engine/types.h"

#include <cstdint>
#include <limits>

namespace sm::exchange {

// "No node" in the intrusive lists. Indices rather than pointers keep nodes small and stay
// valid when the pool's storage grows.
inline constexpr std::uint32_t kNullIndex = std::numeric_limits<std::uint32_t>::max();

// An order resting in a book. prev/next link it into its price level's FIFO queue, or into
// the pool's free list while the node is unused.
struct RestingOrder {
    OrderId id = kNoOrderId;
    Price price = 0;
    Qty remaining = 0;
    AccountId account = 0;
    Side side = Side::Buy;
    std::uint32_t prev = kNullIndex;
    std::uint32_t next = kNullIndex;
};

} // namespace sm::exchange
