#include "engine/orderidmap.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace sm::exchange {

namespace {

// 2^64 / golden ratio: Fibonacci hashing spreads the engine's sequential ids evenly.
constexpr std::uint64_t kFibonacciMultiplier = 0x9E3779B97F4A7C15ULL;

// Load factor at most 1/2 keeps probe sequences short.
std::size_t capacityFor(std::size_t entries)
{
    return std::bit_ceil(std::max<std::size_t>(16, entries * 2));
}

} // namespace

OrderIdMap::OrderIdMap(std::size_t expectedEntries)
{
    rehash(capacityFor(expectedEntries));
}

std::uint32_t OrderIdMap::find(OrderId id) const
{
    return m_slots[slotOf(id)].value;
}

void OrderIdMap::insert(OrderId id, std::uint32_t value)
{
    if ((m_size + 1) * 2 > m_slots.size())
        rehash(m_slots.size() * 2);
    Slot &slot = m_slots[slotOf(id)];
    if (slot.key == kNoOrderId)
        ++m_size;
    slot = Slot{id, value};
}

void OrderIdMap::erase(OrderId id)
{
    std::size_t hole = slotOf(id);
    if (m_slots[hole].key == kNoOrderId)
        return;
    // Pull later members of the probe run back into the hole whenever the hole lies between
    // their home slot and where they sit, so every remaining key stays reachable.
    for (std::size_t next = (hole + 1) & m_mask; m_slots[next].key != kNoOrderId;
         next = (next + 1) & m_mask) {
        const std::size_t displacement = (next - home(m_slots[next].key)) & m_mask;
        if (displacement >= ((next - hole) & m_mask)) {
            m_slots[hole] = m_slots[next];
            hole = next;
        }
    }
    m_slots[hole] = Slot{};
    --m_size;
}

std::size_t OrderIdMap::home(OrderId id) const
{
    return static_cast<std::size_t>((id * kFibonacciMultiplier) >> m_shift);
}

std::size_t OrderIdMap::slotOf(OrderId id) const
{
    std::size_t index = home(id);
    while (m_slots[index].key != kNoOrderId && m_slots[index].key != id)
        index = (index + 1) & m_mask;
    return index;
}

void OrderIdMap::rehash(std::size_t capacity)
{
    std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(capacity));
    m_mask = capacity - 1;
    m_shift = 64 - std::countr_zero(capacity);
    m_size = 0;
    for (const Slot &slot : old) {
        if (slot.key != kNoOrderId)
            insert(slot.key, slot.value);
    }
}

} // namespace sm::exchange
