#pragma once

#include "engine/event.h"
#include "engine/neworder.h"
#include "engine/orderbook.h"
#include "engine/prng.h"
#include "engine/types.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sm::exchange::bench {

enum class FlowOp : std::uint8_t { Add, Cancel, Cross };

// One book operation. For cancels, order.id is the target and order.account the requester.
struct FlowAction {
    FlowOp op = FlowOp::Add;
    NewOrder order;
};

// Synthetic order flow for one busy book, shaped like a lit market: ~57% passive adds,
// most within a few ticks of the touch (some improve it, a few land deep), ~35% cancels of
// live orders, ~8% aggressive orders (ioc limits a few ticks through the touch, a fifth of
// them market orders) that sweep one or more levels. Cancels win over adds whenever the
// book holds more than the target number of orders, which keeps it at a steady size.
class OrderFlow {
public:
    OrderFlow(std::uint64_t seed, std::size_t targetOpenOrders);

    // Decides the next operation from the book's current state (untimed work).
    FlowAction next(const OrderBook &book);
    // Records the outcome the flow needs for later cancels (untimed work).
    void settle(const FlowAction &action, const OrderBook &book);
    // The operation itself: the only part a benchmark should time.
    static void perform(OrderBook &book, const FlowAction &action, std::vector<Event> &out);

private:
    FlowAction add(const OrderBook &book);
    FlowAction cross(const OrderBook &book);
    std::optional<OrderId> takeLiveOrder(const OrderBook &book);
    Side randomSide();

    Prng m_rng;
    std::vector<OrderId> m_live;
    std::size_t m_targetOpenOrders;
    OrderId m_nextId = 1;
};

} // namespace sm::exchange::bench
