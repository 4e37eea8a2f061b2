#pragma once

#include "engine/types.h"

#include <cstdint>
#include <variant>

namespace sm::exchange {

// Engine output. Every alternative is a small trivially copyable struct (no strings), so
// events append to a reused vector without allocating. Orders are named by OrderId;
// clients map ids to their client order ids through Exchange::order().

// The order passed validation (ack). For market orders `price` is whatever was sent.
struct Accepted {
    InstrumentId instrument = kNoInstrument;
    OrderId orderId = kNoOrderId;
    AccountId account = 0;
    Side side = Side::Buy;
    OrderKind kind = OrderKind::Limit;
    TimeInForce tif = TimeInForce::Gtc;
    Price price = 0;
    Qty qty = 0;
    bool operator==(const Accepted &) const = default;
};

// A new order failed validation; nothing else happened.
struct Rejected {
    InstrumentId instrument = kNoInstrument;
    OrderId orderId = kNoOrderId;
    AccountId account = 0;
    RejectReason reason = RejectReason::None;
    bool operator==(const Rejected &) const = default;
};

// A cancel request failed; the order (if it exists) is unaffected.
struct CancelRejected {
    InstrumentId instrument = kNoInstrument;
    OrderId orderId = kNoOrderId;
    AccountId account = 0;
    RejectReason reason = RejectReason::None;
    bool operator==(const CancelRejected &) const = default;
};

// One side of an execution; every match produces one for the aggressor and one for the
// resting order, followed by a Trade.
struct Filled {
    InstrumentId instrument = kNoInstrument;
    OrderId orderId = kNoOrderId;
    AccountId account = 0;
    Side side = Side::Buy;
    Price price = 0;
    Qty qty = 0;
    Qty remaining = 0; // left open on this order after the fill
    bool aggressor = false;
    bool operator==(const Filled &) const = default;
};

// Public trade print.
struct Trade {
    InstrumentId instrument = kNoInstrument;
    Price price = 0;
    Qty qty = 0;
    Side aggressorSide = Side::Buy;
    bool operator==(const Trade &) const = default;
};

struct Cancelled {
    InstrumentId instrument = kNoInstrument;
    OrderId orderId = kNoOrderId;
    AccountId account = 0;
    Qty cancelledQty = 0;
    CancelReason reason = CancelReason::Requested;
    bool operator==(const Cancelled &) const = default;
};

// L1: emitted at the end of an operation whenever best bid/ask price or size changed.
// An empty side has price 0 and quantity 0.
struct TopOfBook {
    InstrumentId instrument = kNoInstrument;
    Price bidPrice = 0;
    Qty bidQty = 0;
    Price askPrice = 0;
    Qty askQty = 0;
    bool operator==(const TopOfBook &) const = default;
};

// L2: the new aggregate of one price level, at most once per level per operation;
// qty 0 means the level is gone.
struct LevelDelta {
    InstrumentId instrument = kNoInstrument;
    Side side = Side::Buy;
    Price price = 0;
    Qty qty = 0;
    std::uint32_t orders = 0;
    bool operator==(const LevelDelta &) const = default;
};

using Event
    = std::variant<Accepted, Rejected, CancelRejected, Filled, Trade, Cancelled, TopOfBook, LevelDelta>;

} // namespace sm::exchange
