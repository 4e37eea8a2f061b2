#pragma once

#include "engine/event.h"
#include "engine/generatorconfig.h"
#include "engine/orderbook.h"
#include "engine/orderidsequence.h"
#include "engine/prng.h"
#include "engine/types.h"

#include <cstdint>
#include <span>
#include <vector>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

// Deterministic synthetic counterparty (account kMarketAccount). Per instrument it keeps a
// fair value that random-walks with the configured volatility; each step it moves the fair
// value, then performs actionsPerStep actions: cancel one of its resting orders, send an
// aggressive ioc around the fair value, or add a passive gtc order 1..depthTicks ticks away
// from it. When the fair value moves through the session's resting orders, both the
// aggressive orders and the re-centred passive ones trade with them.
//
// It is one participant standing for many, so it may trade with itself; those trades
// show up in the public feed like any other.
//
// All randomness comes from one seeded Prng: the same seed and the same sequence of calls
// (including the session's own orders in between) give the same events.
class MarketGenerator {
public:
    // `config` must satisfy GeneratorConfig::validate(); one state per book, starting at the
    // book's reference price.
    MarketGenerator(const GeneratorConfig &config, std::uint64_t seed, std::span<const OrderBook> books);

    void step(std::span<OrderBook> books, OrderIdSequence &ids, std::vector<Event> &out);

    void encode(ByteWriter &out) const;
    // Loads the state written by encode() for the same books; false if invalid.
    bool decode(ByteReader &in, std::span<const OrderBook> books);

private:
    struct InstrumentState {
        Price fair = 0;
        // Ids of this generator's orders that were resting when last checked.
        std::vector<OrderId> live;
    };

    void stepInstrument(
        OrderBook &book, InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out);
    void moveFairValue(const OrderBook &book, InstrumentState &state);
    void act(OrderBook &book, InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out);
    void cancelOne(OrderBook &book, InstrumentState &state, std::vector<Event> &out);
    void addPassive(OrderBook &book, InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out);
    void sendAggressive(
        OrderBook &book, const InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out);
    OrderId send(OrderBook &book, OrderIdSequence &ids, Side side, TimeInForce tif, Price price,
        std::vector<Event> &out);
    Side randomSide();
    Price randomDistance(const OrderBook &book);

    GeneratorConfig m_config;
    Prng m_rng;
    std::vector<InstrumentState> m_instruments;
};

} // namespace sm::exchange
