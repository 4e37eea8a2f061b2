#pragma once

#include "engine/restingorder.h"
#include "engine/types.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sm::exchange {

// OrderId -> pool index for resting orders. Open addressing with linear probing: one flat
// array, no per-entry allocation (std::unordered_map allocates a node per insert), and
// backward-shift deletion so no tombstones accumulate under constant add/cancel churn.
class OrderIdMap {
public:
    explicit OrderIdMap(std::size_t expectedEntries);

    // kNullIndex when absent.
    std::uint32_t find(OrderId id) const;
    void insert(OrderId id, std::uint32_t value);
    void erase(OrderId id);
    std::size_t size() const { return m_size; }

private:
    struct Slot {
        OrderId key = kNoOrderId; // kNoOrderId marks an empty slot
        std::uint32_t value = kNullIndex;
    };

    std::size_t home(OrderId id) const;
    // The slot holding `id`, or the empty slot where its probe sequence ends.
    std::size_t slotOf(OrderId id) const;
    void rehash(std::size_t capacity);

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    int m_shift = 0;
    std::size_t m_size = 0;
};

} // namespace sm::exchange
