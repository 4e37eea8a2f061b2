#include "engine/marketgenerator.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <algorithm>

namespace sm::exchange {

namespace {

Price clampToBand(const OrderBook &book, Price price)
{
    return std::clamp(price, book.minPrice(), book.maxPrice());
}

constexpr std::size_t kEncodedIdBytes = 8;

} // namespace

MarketGenerator::MarketGenerator(
    const GeneratorConfig &config, std::uint64_t seed, std::span<const OrderBook> books)
    : m_config(config)
    , m_rng(seed)
{
    m_instruments.reserve(books.size());
    for (const OrderBook &book : books) {
        m_instruments.push_back(InstrumentState{book.referencePrice(), {}});
        m_instruments.back().live.reserve(m_config.maxLiveOrders + m_config.actionsPerStep);
    }
}

void MarketGenerator::step(std::span<OrderBook> books, OrderIdSequence &ids, std::vector<Event> &out)
{
    for (std::size_t i = 0; i < books.size(); ++i)
        stepInstrument(books[i], m_instruments[i], ids, out);
}

void MarketGenerator::encode(ByteWriter &out) const
{
    m_rng.encode(out);
    for (const InstrumentState &state : m_instruments) {
        out.i64(state.fair);
        // Order matters: cancels pick an index into this list.
        out.u32(static_cast<std::uint32_t>(state.live.size()));
        for (const OrderId id : state.live)
            out.u64(id);
    }
}

bool MarketGenerator::decode(ByteReader &in, std::span<const OrderBook> books)
{
    m_rng.decode(in);
    for (std::size_t i = 0; i < m_instruments.size(); ++i) {
        InstrumentState &state = m_instruments[i];
        state.fair = in.i64();
        // The walk only ever visits on-tick prices inside the band.
        if (state.fair != clampToBand(books[i], state.fair) || state.fair % books[i].tickSize() != 0)
            in.fail();
        state.live.resize(in.count(kEncodedIdBytes));
        for (OrderId &id : state.live)
            id = in.u64();
    }
    return in.ok();
}

void MarketGenerator::stepInstrument(
    OrderBook &book, InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out)
{
    // Orders filled since the last step are forgotten so cancels only target live ones.
    std::erase_if(state.live, [&book](OrderId id) { return !book.isOpen(id); });
    moveFairValue(book, state);
    for (std::uint32_t i = 0; i < m_config.actionsPerStep; ++i)
        act(book, state, ids, out);
}

void MarketGenerator::moveFairValue(const OrderBook &book, InstrumentState &state)
{
    // The difference of two uniform draws is triangular: small moves are the most likely.
    const auto span = static_cast<std::uint32_t>(m_config.volatilityTicks) + 1;
    const auto ticks
        = static_cast<std::int64_t>(m_rng.below(span)) - static_cast<std::int64_t>(m_rng.below(span));
    state.fair = clampToBand(book, state.fair + ticks * book.tickSize());
}

void MarketGenerator::act(
    OrderBook &book, InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out)
{
    const std::uint32_t roll = m_rng.below(1000);
    const bool atCap = state.live.size() >= m_config.maxLiveOrders;
    if ((roll < m_config.cancelPermille || atCap) && !state.live.empty())
        cancelOne(book, state, out);
    else if (roll < m_config.cancelPermille + m_config.crossPermille)
        sendAggressive(book, state, ids, out);
    else
        addPassive(book, state, ids, out);
}

void MarketGenerator::cancelOne(OrderBook &book, InstrumentState &state, std::vector<Event> &out)
{
    const std::uint32_t pick = m_rng.below(static_cast<std::uint32_t>(state.live.size()));
    const OrderId id = state.live[pick];
    state.live[pick] = state.live.back();
    state.live.pop_back();
    // An order filled earlier in this step is already gone: skip it quietly rather than
    // flooding the feed with the generator's own lost cancel races.
    if (book.isOpen(id))
        book.cancel(id, kMarketAccount, out);
}

void MarketGenerator::addPassive(
    OrderBook &book, InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out)
{
    const Side side = randomSide();
    const Price distance = randomDistance(book);
    const Price price = side == Side::Buy ? state.fair - distance : state.fair + distance;
    const OrderId id = send(book, ids, side, TimeInForce::Gtc, clampToBand(book, price), out);
    if (book.isOpen(id))
        state.live.push_back(id);
}

void MarketGenerator::sendAggressive(
    OrderBook &book, const InstrumentState &state, OrderIdSequence &ids, std::vector<Event> &out)
{
    const Side side = randomSide();
    const Price distance = randomDistance(book);
    const Price price = side == Side::Buy ? state.fair + distance : state.fair - distance;
    send(book, ids, side, TimeInForce::Ioc, clampToBand(book, price), out);
}

OrderId MarketGenerator::send(
    OrderBook &book, OrderIdSequence &ids, Side side, TimeInForce tif, Price price, std::vector<Event> &out)
{
    const OrderId id = ids.next();
    const Qty qty = 1 + static_cast<Qty>(m_rng.below(m_config.maxQty));
    book.submit(NewOrder{id, kMarketAccount, side, OrderKind::Limit, tif, price, qty}, out);
    return id;
}

Side MarketGenerator::randomSide()
{
    return m_rng.below(2) == 0 ? Side::Buy : Side::Sell;
}

Price MarketGenerator::randomDistance(const OrderBook &book)
{
    return static_cast<Price>(1 + m_rng.below(m_config.depthTicks)) * book.tickSize();
}

} // namespace sm::exchange
