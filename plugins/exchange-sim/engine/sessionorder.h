#pragma once

#include "engine/orderrequest.h"
#include "engine/types.h"

#include <cstdint>
#include <vector>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

struct Execution {
    Price price = 0;
    Qty qty = 0;
    bool operator==(const Execution &) const = default;
};

// The Exchange's record of one of the session's orders: what was asked, and what happened.
class SessionOrder {
public:
    SessionOrder(OrderId id, InstrumentId instrument, OrderRequest request);

    OrderId id() const { return m_id; }
    // kNoInstrument when the symbol was unknown.
    InstrumentId instrument() const { return m_instrument; }
    const OrderRequest &request() const { return m_request; }
    OrderStatus status() const { return m_status; }
    RejectReason rejectReason() const { return m_rejectReason; }
    Qty filledQty() const { return m_filledQty; }
    Qty remainingQty() const;
    // Exact sum of price x qty over all fills.
    std::int64_t filledNotional() const { return m_filledNotional; }
    // Volume-weighted fill price rounded to the nearest price unit; 0 before any fill.
    Price averagePrice() const;
    const std::vector<Execution> &executions() const { return m_executions; }
    bool isOpen() const;

    void applyFill(Price price, Qty qty);
    void markCancelled();
    void markRejected(RejectReason reason);

    void encode(ByteWriter &out) const;
    // Check in.ok() afterwards; the result is meaningless if decoding failed.
    static SessionOrder decode(ByteReader &in);

    bool operator==(const SessionOrder &) const = default;

private:
    OrderId m_id;
    InstrumentId m_instrument;
    OrderRequest m_request;
    OrderStatus m_status = OrderStatus::New;
    RejectReason m_rejectReason = RejectReason::None;
    Qty m_filledQty = 0;
    std::int64_t m_filledNotional = 0;
    std::vector<Execution> m_executions;
};

} // namespace sm::exchange
