#pragma once

#include "engine/bookside.h"
#include "engine/booksnapshot.h"
#include "engine/event.h"
#include "engine/instrumentconfig.h"
#include "engine/neworder.h"
#include "engine/orderidmap.h"
#include "engine/orderpool.h"
#include "engine/types.h"

#include <cstddef>
#include <vector>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

// Limit order book for one instrument with price-time priority.
//
// Each operation appends its events to a caller-owned vector (the caller clears and reuses
// it), in this order:
//   submit: Rejected, alone; or Accepted, then per match Filled (aggressor), Filled
//           (resting), Trade, with a LevelDelta after each opposite level it consumed; then
//           the remainder's LevelDelta (rested) or Cancelled (ioc/market); TopOfBook last.
//   cancel: CancelRejected, alone; or Cancelled, LevelDelta, TopOfBook.
// TopOfBook only appears when the touch changed. Nothing allocates per operation once the
// containers have reached the book's working size (sized up front by expectedOrders).
//
// Market orders sweep the opposite side at any price and never rest; a market order that
// finds the opposite side empty is rejected (NoLiquidity) rather than acked-and-cancelled,
// so the client learns at once that nothing could happen.
class OrderBook {
public:
    // `config` must satisfy InstrumentConfig::validate().
    OrderBook(InstrumentId instrument, const InstrumentConfig &config, std::size_t expectedOrders);

    // RejectReason::None when accepted. `order.id` must be unique for the book's lifetime;
    // ids of resting orders and 0 are refused (InvalidOrderId).
    RejectReason submit(const NewOrder &order, std::vector<Event> &out);
    // Only the owning account may cancel; anything else is UnknownOrder.
    RejectReason cancel(OrderId id, AccountId requester, std::vector<Event> &out);

    bool isOpen(OrderId id) const;
    TopOfBook top() const;
    BookSnapshot snapshot(std::size_t depth) const;

    InstrumentId instrument() const { return m_instrument; }
    Price tickSize() const { return m_tickSize; }
    Price referencePrice() const { return m_referencePrice; }
    // Band edges, both on the tick grid and inclusive.
    Price minPrice() const { return m_minPrice; }
    Price maxPrice() const { return m_maxPrice; }
    Qty maxOrderQty() const { return m_maxOrderQty; }
    std::size_t openOrderCount() const { return m_index.size(); }

    void encode(ByteWriter &out) const;
    // Loads resting orders written by encode() into this (empty) book; false if invalid.
    bool decode(ByteReader &in);

private:
    RejectReason validate(const NewOrder &order) const;
    RejectReason checkLimitPrice(Price price) const;
    Qty match(const NewOrder &order, std::vector<Event> &out);
    Qty matchLevel(const NewOrder &taker, Qty remaining, PriceLevel &level, std::vector<Event> &out);
    void handleRemainder(const NewOrder &order, Qty remaining, std::vector<Event> &out);
    PriceLevel &place(const RestingOrder &order);
    void removeResting(PriceLevel &level, std::uint32_t index);
    void publishLevel(Side side, const PriceLevel &level, std::vector<Event> &out) const;
    void publishTopIfChanged(std::vector<Event> &out);
    BookSide &sideOf(Side side) { return side == Side::Buy ? m_bids : m_asks; }
    const BookSide &sideOf(Side side) const { return side == Side::Buy ? m_bids : m_asks; }
    bool crossed() const;
    void encodeSide(const BookSide &side, ByteWriter &out) const;
    void decodeSide(Side side, ByteReader &in);
    void decodeOrder(Side side, Price price, ByteReader &in);

    InstrumentId m_instrument;
    Price m_tickSize;
    Price m_referencePrice;
    Price m_minPrice;
    Price m_maxPrice;
    Qty m_maxOrderQty;
    BookSide m_bids;
    BookSide m_asks;
    OrderPool m_pool;
    OrderIdMap m_index;
    // Touch as last published; equals top() between operations.
    TopOfBook m_lastTop;
};

} // namespace sm::exchange
