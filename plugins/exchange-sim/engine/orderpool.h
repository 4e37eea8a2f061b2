#pragma once

#include "engine/pricelevel.h"
#include "engine/restingorder.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sm::exchange {

// Storage for resting orders. Released nodes are recycled through an intrusive free list, so
// once the pool has grown to the book's working size, adding orders never allocates.
class OrderPool {
public:
    explicit OrderPool(std::size_t expectedOrders);

    std::uint32_t acquire(const RestingOrder &order);
    void release(std::uint32_t index);

    RestingOrder &operator[](std::uint32_t index) { return m_nodes[index]; }
    const RestingOrder &operator[](std::uint32_t index) const { return m_nodes[index]; }

    // Queue maintenance lives here because it rewires nodes; the level keeps the aggregate
    // quantity and count in step with its queue.
    void linkBack(PriceLevel &level, std::uint32_t index);
    void unlink(PriceLevel &level, std::uint32_t index);

private:
    std::vector<RestingOrder> m_nodes;
    std::uint32_t m_freeHead = kNullIndex;
};

} // namespace sm::exchange
