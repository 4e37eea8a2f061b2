#pragma once

#include "engine/types.h"

#include <cstdint>
#include <vector>

namespace sm::exchange {

struct LevelView {
    Price price = 0;
    Qty qty = 0;
    std::uint32_t orders = 0;
    bool operator==(const LevelView &) const = default;
};

// Aggregated depth, best price first on both sides.
struct BookSnapshot {
    std::vector<LevelView> bids;
    std::vector<LevelView> asks;
    bool operator==(const BookSnapshot &) const = default;
};

} // namespace sm::exchange
