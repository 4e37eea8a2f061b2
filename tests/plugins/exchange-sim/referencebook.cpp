#include "referencebook.h"

#include <algorithm>
#include <map>

namespace sm::exchange::test {

ReferenceBook::ReferenceBook(const InstrumentConfig &config)
    : m_config(config)
{
    const Price width = config.initialPrice * config.bandBasisPoints / 10'000;
    const Price tick = config.tickSize;
    m_minPrice = (config.initialPrice - width + tick - 1) / tick * tick;
    m_maxPrice = (config.initialPrice + width) / tick * tick;
}

RejectReason ReferenceBook::submit(const NewOrder &order, std::vector<ReferenceFill> &fills)
{
    if (const RejectReason reason = validate(order); reason != RejectReason::None)
        return reason;
    Qty remaining = order.qty;
    for (int best = bestOn(opposite(order.side));
         remaining > 0 && best >= 0 && crosses(order, m_resting[best].price);
         best = bestOn(opposite(order.side))) {
        NewOrder &maker = m_resting[best];
        const Qty qty = std::min(remaining, maker.qty);
        remaining -= qty;
        maker.qty -= qty;
        fills.push_back({order.id, maker.price, qty, remaining, true});
        fills.push_back({maker.id, maker.price, qty, maker.qty, false});
        if (maker.qty == 0)
            m_resting.erase(m_resting.begin() + best);
    }
    if (remaining > 0 && order.kind == OrderKind::Limit && order.tif == TimeInForce::Gtc) {
        NewOrder rest = order;
        rest.qty = remaining;
        m_resting.push_back(rest);
    }
    return RejectReason::None;
}

RejectReason ReferenceBook::cancel(OrderId id, AccountId requester)
{
    const auto it = std::find_if(m_resting.begin(), m_resting.end(),
        [&](const NewOrder &o) { return o.id == id && o.account == requester; });
    if (it == m_resting.end())
        return RejectReason::UnknownOrder;
    m_resting.erase(it);
    return RejectReason::None;
}

bool ReferenceBook::isOpen(OrderId id) const
{
    return std::any_of(m_resting.begin(), m_resting.end(), [id](const NewOrder &o) { return o.id == id; });
}

BookSnapshot ReferenceBook::snapshot() const
{
    std::map<Price, LevelView, std::greater<>> bids;
    std::map<Price, LevelView> asks;
    for (const NewOrder &o : m_resting) {
        LevelView &level = o.side == Side::Buy ? bids[o.price] : asks[o.price];
        level.price = o.price;
        level.qty += o.qty;
        ++level.orders;
    }
    BookSnapshot snapshot;
    for (const auto &[price, level] : bids)
        snapshot.bids.push_back(level);
    for (const auto &[price, level] : asks)
        snapshot.asks.push_back(level);
    return snapshot;
}

RejectReason ReferenceBook::validate(const NewOrder &order) const
{
    if (order.qty <= 0)
        return RejectReason::NonPositiveQuantity;
    if (order.qty > m_config.maxOrderQty)
        return RejectReason::QuantityTooLarge;
    if (order.id == kNoOrderId || isOpen(order.id))
        return RejectReason::InvalidOrderId;
    if (order.kind == OrderKind::Market)
        return bestOn(opposite(order.side)) < 0 ? RejectReason::NoLiquidity : RejectReason::None;
    if (order.price % m_config.tickSize != 0)
        return RejectReason::PriceNotOnTick;
    if (order.price < m_minPrice || order.price > m_maxPrice)
        return RejectReason::PriceOutOfBand;
    return RejectReason::None;
}

int ReferenceBook::bestOn(Side side) const
{
    int best = -1;
    for (int i = 0; i < static_cast<int>(m_resting.size()); ++i) {
        const NewOrder &o = m_resting[i];
        if (o.side != side)
            continue;
        const bool better = best < 0
            || (side == Side::Buy ? o.price > m_resting[best].price : o.price < m_resting[best].price);
        if (better)
            best = i;
    }
    return best;
}

bool ReferenceBook::crosses(const NewOrder &order, Price restingPrice) const
{
    if (order.kind == OrderKind::Market)
        return true;
    return order.side == Side::Buy ? restingPrice <= order.price : restingPrice >= order.price;
}

} // namespace sm::exchange::test
