#pragma once

#include "engine/booksnapshot.h"
#include "engine/event.h"
#include "engine/exchangeconfig.h"
#include "engine/expected.h"
#include "engine/marketgenerator.h"
#include "engine/orderbook.h"
#include "engine/orderidsequence.h"
#include "engine/orderrequest.h"
#include "engine/position.h"
#include "engine/requestresult.h"
#include "engine/sessionorder.h"
#include "engine/types.h"

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

// One trading session: a book per configured instrument, the market generator trading
// against the session, and the session's orders and positions.
//
// Mutating calls append their events to `out` (the caller clears and reuses it); events
// carry InstrumentIds, symbol() names them. Not thread-safe: drive it from one thread.
class Exchange {
public:
    static Expected<Exchange, ConfigError> create(ExchangeConfig config);
    // Rebuilds an Exchange from snapshot(); continuing it with the same calls produces the
    // same events the original would have produced.
    static Expected<Exchange, SnapshotError> restore(std::string_view snapshot);

    // Routes by symbol. The order gets an id and a SessionOrder record even when rejected.
    RequestResult submit(const OrderRequest &request, std::vector<Event> &out);
    // Unknown ids (never seen, or beyond the recent-order window) answer UnknownOrder;
    // orders already filled, cancelled or rejected answer TooLateToCancel.
    RequestResult cancel(OrderId id, std::vector<Event> &out);
    // Advances the market generator by one step on every instrument.
    void step(std::vector<Event> &out);

    // Aggregated depth, best first; nullopt for an unknown symbol.
    std::optional<BookSnapshot> book(std::string_view symbol, std::size_t depth) const;
    std::optional<InstrumentId> instrumentId(std::string_view symbol) const;
    // Precondition: `instrument` < config().instruments.size().
    const std::string &symbol(InstrumentId instrument) const;
    const ExchangeConfig &config() const { return m_config; }

    // Pointers stay valid until the next mutating call. nullptr when unknown or forgotten.
    const SessionOrder *order(OrderId id) const;
    // Open orders by ascending id.
    std::vector<const SessionOrder *> openOrders() const;
    // Closed orders (at most config().recentOrderLimit), oldest first.
    std::vector<const SessionOrder *> recentOrders() const;
    // nullptr for an unknown symbol.
    const Position *position(std::string_view symbol) const;

    // Versioned, compact, platform-independent byte image of the whole session.
    std::string snapshot() const;

private:
    explicit Exchange(ExchangeConfig config);

    RejectReason rejectUnknownSymbol(OrderId id, std::vector<Event> &out) const;
    RejectReason rejectCancel(OrderId id, std::vector<Event> &out) const;
    void track(std::span<const Event> events);
    void apply(const Filled &fill);
    void apply(const Cancelled &cancelled);
    void apply(const Rejected &rejected);
    // Other events do not change session state.
    template <typename Other>
    void apply(const Other &)
    {
    }
    SessionOrder *sessionOrder(OrderId id, AccountId account);
    void retireIfClosed(const SessionOrder &order);
    bool decodeState(ByteReader &in);
    void encodeOrders(ByteWriter &out) const;
    void decodeOrders(ByteReader &in);

    ExchangeConfig m_config;
    std::vector<OrderBook> m_books;
    std::vector<Position> m_positions; // per instrument, session account only
    MarketGenerator m_generator;
    OrderIdSequence m_ids;
    std::map<OrderId, SessionOrder> m_orders;
    std::deque<OrderId> m_closed; // closed order ids in the order they closed
};

} // namespace sm::exchange
