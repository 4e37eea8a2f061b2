#include "engine/orderpool.h"

namespace sm::exchange {

OrderPool::OrderPool(std::size_t expectedOrders)
{
    m_nodes.reserve(expectedOrders);
}

std::uint32_t OrderPool::acquire(const RestingOrder &order)
{
    if (m_freeHead == kNullIndex) {
        m_nodes.push_back(order);
        return static_cast<std::uint32_t>(m_nodes.size() - 1);
    }
    const std::uint32_t index = m_freeHead;
    m_freeHead = m_nodes[index].next;
    m_nodes[index] = order;
    return index;
}

void OrderPool::release(std::uint32_t index)
{
    m_nodes[index].next = m_freeHead;
    m_freeHead = index;
}

void OrderPool::linkBack(PriceLevel &level, std::uint32_t index)
{
    RestingOrder &node = m_nodes[index];
    node.prev = level.tail;
    node.next = kNullIndex;
    if (level.tail == kNullIndex)
        level.head = index;
    else
        m_nodes[level.tail].next = index;
    level.tail = index;
    level.totalQty += node.remaining;
    ++level.orderCount;
}

void OrderPool::unlink(PriceLevel &level, std::uint32_t index)
{
    const RestingOrder &node = m_nodes[index];
    if (node.prev == kNullIndex)
        level.head = node.next;
    else
        m_nodes[node.prev].next = node.next;
    if (node.next == kNullIndex)
        level.tail = node.prev;
    else
        m_nodes[node.next].prev = node.prev;
    level.totalQty -= node.remaining;
    --level.orderCount;
}

} // namespace sm::exchange
