#include "orderflow.h"

namespace sm::exchange::bench {

namespace {

constexpr std::uint32_t kCancelPercent = 35;
constexpr std::uint32_t kCrossPercent = 8;
constexpr AccountId kTrader = kSessionAccount;

// Where a buyer (or seller) joins when its own side is empty: just inside the other side,
// or around the reference price when the book is empty.
Price joinPrice(const TopOfBook &top, Side side, Price reference)
{
    if (side == Side::Buy)
        return top.bidQty > 0 ? top.bidPrice : (top.askQty > 0 ? top.askPrice - 1 : reference - 1);
    return top.askQty > 0 ? top.askPrice : (top.bidQty > 0 ? top.bidPrice + 1 : reference + 1);
}

// Passive orders never cross: a price through the opposite touch is pulled back behind it.
Price keepPassive(const TopOfBook &top, Side side, Price price)
{
    if (side == Side::Buy && top.askQty > 0 && price >= top.askPrice)
        return top.askPrice - 1;
    if (side == Side::Sell && top.bidQty > 0 && price <= top.bidPrice)
        return top.bidPrice + 1;
    return price;
}

} // namespace

OrderFlow::OrderFlow(std::uint64_t seed, std::size_t targetOpenOrders)
    : m_rng(seed)
    , m_targetOpenOrders(targetOpenOrders)
{
    m_live.reserve(targetOpenOrders * 2);
}

FlowAction OrderFlow::next(const OrderBook &book)
{
    const std::uint32_t roll = m_rng.below(100);
    const bool wantCancel = roll < kCancelPercent || m_live.size() > m_targetOpenOrders;
    if (const std::optional<OrderId> target = wantCancel ? takeLiveOrder(book) : std::nullopt)
        return FlowAction{
            FlowOp::Cancel, NewOrder{*target, kTrader, Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 0, 0}};
    if (roll >= kCancelPercent && roll < kCancelPercent + kCrossPercent)
        return cross(book);
    return add(book);
}

void OrderFlow::settle(const FlowAction &action, const OrderBook &book)
{
    if (action.op == FlowOp::Add && book.isOpen(action.order.id))
        m_live.push_back(action.order.id);
}

void OrderFlow::perform(OrderBook &book, const FlowAction &action, std::vector<Event> &out)
{
    if (action.op == FlowOp::Cancel)
        book.cancel(action.order.id, action.order.account, out);
    else
        book.submit(action.order, out);
}

FlowAction OrderFlow::add(const OrderBook &book)
{
    const TopOfBook top = book.top();
    const Side side = randomSide();
    const std::uint32_t roll = m_rng.below(100);
    // 10% improve the touch by a tick, 75% join within 4 ticks of it, 15% go 5-49 deep.
    Price behind = -1;
    if (roll >= 10)
        behind = roll < 85 ? static_cast<Price>(m_rng.below(5)) : 5 + static_cast<Price>(m_rng.below(45));
    const Price join = joinPrice(top, side, book.referencePrice());
    const Price price = keepPassive(top, side, side == Side::Buy ? join - behind : join + behind);
    const Qty qty = 1 + static_cast<Qty>(m_rng.below(100));
    return FlowAction{
        FlowOp::Add, NewOrder{m_nextId++, kTrader, side, OrderKind::Limit, TimeInForce::Gtc, price, qty}};
}

FlowAction OrderFlow::cross(const OrderBook &book)
{
    const TopOfBook top = book.top();
    const Side side = randomSide();
    const OrderKind kind = m_rng.below(5) == 0 ? OrderKind::Market : OrderKind::Limit;
    const auto through = static_cast<Price>(m_rng.below(3));
    Price price = book.referencePrice();
    if (side == Side::Buy && top.askQty > 0)
        price = top.askPrice + through;
    if (side == Side::Sell && top.bidQty > 0)
        price = top.bidPrice - through;
    const Qty qty = 1 + static_cast<Qty>(m_rng.below(300));
    return FlowAction{FlowOp::Cross, NewOrder{m_nextId++, kTrader, side, kind, TimeInForce::Ioc, price, qty}};
}

std::optional<OrderId> OrderFlow::takeLiveOrder(const OrderBook &book)
{
    // Orders filled by aggressive flow are dropped here, so cancels always target live ones.
    while (!m_live.empty()) {
        const std::uint32_t pick = m_rng.below(static_cast<std::uint32_t>(m_live.size()));
        const OrderId id = m_live[pick];
        m_live[pick] = m_live.back();
        m_live.pop_back();
        if (book.isOpen(id))
            return id;
    }
    return std::nullopt;
}

Side OrderFlow::randomSide()
{
    return m_rng.below(2) == 0 ? Side::Buy : Side::Sell;
}

} // namespace sm::exchange::bench
