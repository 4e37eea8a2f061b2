#pragma once

#include "engine/booksnapshot.h"
#include "engine/instrumentconfig.h"
#include "engine/neworder.h"
#include "engine/types.h"

#include <cstdint>
#include <vector>

namespace sm::exchange::test {

struct ReferenceFill {
    OrderId orderId = kNoOrderId;
    Price price = 0;
    Qty qty = 0;
    Qty remaining = 0;
    bool aggressor = false;
    bool operator==(const ReferenceFill &) const = default;
};

// Deliberately naive order book (linear scans over a vector in arrival order) that states
// the matching rules as plainly as possible; the real OrderBook must agree with it.
class ReferenceBook {
public:
    explicit ReferenceBook(const InstrumentConfig &config);

    RejectReason submit(const NewOrder &order, std::vector<ReferenceFill> &fills);
    RejectReason cancel(OrderId id, AccountId requester);
    bool isOpen(OrderId id) const;
    // Every level, best first.
    BookSnapshot snapshot() const;

private:
    RejectReason validate(const NewOrder &order) const;
    // Index of the best resting order on `side`, or -1. Ties go to the earliest arrival.
    int bestOn(Side side) const;
    bool crosses(const NewOrder &order, Price restingPrice) const;

    InstrumentConfig m_config;
    Price m_minPrice;
    Price m_maxPrice;
    std::vector<NewOrder> m_resting; // qty holds the remaining quantity
};

} // namespace sm::exchange::test
