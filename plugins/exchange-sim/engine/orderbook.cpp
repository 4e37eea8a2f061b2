#include "engine/orderbook.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <algorithm>

namespace sm::exchange {

namespace {

Price bandWidth(const InstrumentConfig &config)
{
    return config.initialPrice * config.bandBasisPoints / 10'000;
}

// Band edges are pulled onto the tick grid so that a valid price is simply min <= p <= max.
Price roundUpToTick(Price price, Price tick)
{
    return (price + tick - 1) / tick * tick;
}

Price roundDownToTick(Price price, Price tick)
{
    return price / tick * tick;
}

bool canTrade(const BookSide &resting, const NewOrder &order)
{
    return order.kind == OrderKind::Market ? !resting.empty() : resting.reaches(order.price);
}

std::vector<LevelView> depthOf(const BookSide &side, std::size_t depth)
{
    const auto levels = side.levels();
    const std::size_t count = std::min(depth, levels.size());
    std::vector<LevelView> result;
    result.reserve(count);
    for (auto it = levels.rbegin(); it != levels.rbegin() + static_cast<std::ptrdiff_t>(count); ++it)
        result.push_back(LevelView{it->price, it->totalQty, it->orderCount});
    return result;
}

// Smallest encoded sizes, used to bound counts read from a snapshot.
constexpr std::size_t kEncodedLevelBytes = 8 + 4;
constexpr std::size_t kEncodedOrderBytes = 8 + 4 + 8;

} // namespace

OrderBook::OrderBook(InstrumentId instrument, const InstrumentConfig &config, std::size_t expectedOrders)
    : m_instrument(instrument)
    , m_tickSize(config.tickSize)
    , m_referencePrice(config.initialPrice)
    , m_minPrice(roundUpToTick(config.initialPrice - bandWidth(config), config.tickSize))
    , m_maxPrice(roundDownToTick(config.initialPrice + bandWidth(config), config.tickSize))
    , m_maxOrderQty(config.maxOrderQty)
    , m_bids(Side::Buy, expectedOrders)
    , m_asks(Side::Sell, expectedOrders)
    , m_pool(expectedOrders)
    , m_index(expectedOrders)
    , m_lastTop{instrument, 0, 0, 0, 0}
{
}

RejectReason OrderBook::submit(const NewOrder &order, std::vector<Event> &out)
{
    const RejectReason reason = validate(order);
    if (reason != RejectReason::None) {
        out.push_back(Rejected{m_instrument, order.id, order.account, reason});
        return reason;
    }
    out.push_back(Accepted{
        m_instrument, order.id, order.account, order.side, order.kind, order.tif, order.price, order.qty});
    const Qty remaining = match(order, out);
    if (remaining > 0)
        handleRemainder(order, remaining, out);
    publishTopIfChanged(out);
    return RejectReason::None;
}

RejectReason OrderBook::cancel(OrderId id, AccountId requester, std::vector<Event> &out)
{
    const std::uint32_t index = m_index.find(id);
    // Someone else's order is reported as unknown so ids reveal nothing about other accounts.
    if (index == kNullIndex || m_pool[index].account != requester) {
        out.push_back(CancelRejected{m_instrument, id, requester, RejectReason::UnknownOrder});
        return RejectReason::UnknownOrder;
    }
    const RestingOrder order = m_pool[index];
    BookSide &side = sideOf(order.side);
    PriceLevel &level = *side.find(order.price);
    removeResting(level, index);
    out.push_back(Cancelled{m_instrument, id, requester, order.remaining, CancelReason::Requested});
    publishLevel(order.side, level, out);
    if (level.orderCount == 0)
        side.erase(level);
    publishTopIfChanged(out);
    return RejectReason::None;
}

bool OrderBook::isOpen(OrderId id) const
{
    return m_index.find(id) != kNullIndex;
}

TopOfBook OrderBook::top() const
{
    TopOfBook top{m_instrument, 0, 0, 0, 0};
    if (!m_bids.empty()) {
        top.bidPrice = m_bids.best().price;
        top.bidQty = m_bids.best().totalQty;
    }
    if (!m_asks.empty()) {
        top.askPrice = m_asks.best().price;
        top.askQty = m_asks.best().totalQty;
    }
    return top;
}

BookSnapshot OrderBook::snapshot(std::size_t depth) const
{
    return BookSnapshot{depthOf(m_bids, depth), depthOf(m_asks, depth)};
}

void OrderBook::encode(ByteWriter &out) const
{
    encodeSide(m_bids, out);
    encodeSide(m_asks, out);
}

bool OrderBook::decode(ByteReader &in)
{
    decodeSide(Side::Buy, in);
    decodeSide(Side::Sell, in);
    if (crossed())
        in.fail();
    m_lastTop = top();
    return in.ok();
}

RejectReason OrderBook::validate(const NewOrder &order) const
{
    if (order.qty <= 0)
        return RejectReason::NonPositiveQuantity;
    if (order.qty > m_maxOrderQty)
        return RejectReason::QuantityTooLarge;
    if (order.id == kNoOrderId || isOpen(order.id))
        return RejectReason::InvalidOrderId;
    if (order.kind == OrderKind::Market)
        return sideOf(opposite(order.side)).empty() ? RejectReason::NoLiquidity : RejectReason::None;
    return checkLimitPrice(order.price);
}

RejectReason OrderBook::checkLimitPrice(Price price) const
{
    if (price % m_tickSize != 0)
        return RejectReason::PriceNotOnTick;
    if (price < m_minPrice || price > m_maxPrice)
        return RejectReason::PriceOutOfBand;
    return RejectReason::None;
}

Qty OrderBook::match(const NewOrder &order, std::vector<Event> &out)
{
    BookSide &resting = sideOf(opposite(order.side));
    Qty remaining = order.qty;
    while (remaining > 0 && canTrade(resting, order)) {
        PriceLevel &level = resting.best();
        remaining = matchLevel(order, remaining, level, out);
        publishLevel(resting.side(), level, out);
        if (level.orderCount == 0)
            resting.popBest();
    }
    return remaining;
}

Qty OrderBook::matchLevel(const NewOrder &taker, Qty remaining, PriceLevel &level, std::vector<Event> &out)
{
    while (remaining > 0 && level.head != kNullIndex) {
        const std::uint32_t makerIndex = level.head;
        RestingOrder &maker = m_pool[makerIndex];
        const Qty qty = std::min(remaining, maker.remaining);
        remaining -= qty;
        maker.remaining -= qty;
        level.totalQty -= qty;
        out.push_back(
            Filled{m_instrument, taker.id, taker.account, taker.side, level.price, qty, remaining, true});
        out.push_back(Filled{
            m_instrument, maker.id, maker.account, maker.side, level.price, qty, maker.remaining, false});
        out.push_back(Trade{m_instrument, level.price, qty, taker.side});
        if (maker.remaining == 0)
            removeResting(level, makerIndex);
    }
    return remaining;
}

void OrderBook::handleRemainder(const NewOrder &order, Qty remaining, std::vector<Event> &out)
{
    if (order.kind == OrderKind::Limit && order.tif == TimeInForce::Gtc) {
        const PriceLevel &level
            = place(RestingOrder{order.id, order.price, remaining, order.account, order.side});
        publishLevel(order.side, level, out);
        return;
    }
    out.push_back(
        Cancelled{m_instrument, order.id, order.account, remaining, CancelReason::UnfilledRemainder});
}

PriceLevel &OrderBook::place(const RestingOrder &order)
{
    PriceLevel &level = sideOf(order.side).findOrInsert(order.price);
    const std::uint32_t index = m_pool.acquire(order);
    m_pool.linkBack(level, index);
    m_index.insert(order.id, index);
    return level;
}

void OrderBook::removeResting(PriceLevel &level, std::uint32_t index)
{
    m_index.erase(m_pool[index].id);
    m_pool.unlink(level, index);
    m_pool.release(index);
}

void OrderBook::publishLevel(Side side, const PriceLevel &level, std::vector<Event> &out) const
{
    out.push_back(LevelDelta{m_instrument, side, level.price, level.totalQty, level.orderCount});
}

void OrderBook::publishTopIfChanged(std::vector<Event> &out)
{
    const TopOfBook current = top();
    if (current == m_lastTop)
        return;
    m_lastTop = current;
    out.push_back(current);
}

bool OrderBook::crossed() const
{
    return !m_bids.empty() && !m_asks.empty() && m_bids.best().price >= m_asks.best().price;
}

void OrderBook::encodeSide(const BookSide &side, ByteWriter &out) const
{
    out.u32(static_cast<std::uint32_t>(side.levels().size()));
    for (const PriceLevel &level : side.levels()) {
        out.i64(level.price);
        out.u32(level.orderCount);
        // Queue order is time priority: it must survive the round trip.
        for (std::uint32_t i = level.head; i != kNullIndex; i = m_pool[i].next) {
            out.u64(m_pool[i].id);
            out.u32(m_pool[i].account);
            out.i64(m_pool[i].remaining);
        }
    }
}

void OrderBook::decodeSide(Side side, ByteReader &in)
{
    const std::size_t levelCount = in.count(kEncodedLevelBytes);
    for (std::size_t l = 0; l < levelCount && in.ok(); ++l) {
        const Price price = in.i64();
        const std::size_t orderCount = in.count(kEncodedOrderBytes);
        if (orderCount == 0 || checkLimitPrice(price) != RejectReason::None
            || sideOf(side).find(price) != nullptr)
            in.fail();
        for (std::size_t o = 0; o < orderCount && in.ok(); ++o)
            decodeOrder(side, price, in);
    }
}

void OrderBook::decodeOrder(Side side, Price price, ByteReader &in)
{
    const OrderId id = in.u64();
    const AccountId account = in.u32();
    const Qty remaining = in.i64();
    if (!in.ok() || id == kNoOrderId || isOpen(id) || remaining <= 0 || remaining > m_maxOrderQty) {
        in.fail();
        return;
    }
    place(RestingOrder{id, price, remaining, account, side});
}

} // namespace sm::exchange
