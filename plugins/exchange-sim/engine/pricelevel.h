#pragma once

#include "engine/restingorder.h"
#include "engine/types.h"

#include <cstdint>

namespace sm::exchange {

// One price on one side of a book: the aggregate the L2 feed publishes, plus the head and
// tail of an intrusive FIFO of RestingOrder nodes (time priority = queue order).
struct PriceLevel {
    Price price = 0;
    Qty totalQty = 0;
    std::uint32_t orderCount = 0;
    std::uint32_t head = kNullIndex; // oldest order: matches first
    std::uint32_t tail = kNullIndex;
};

} // namespace sm::exchange
