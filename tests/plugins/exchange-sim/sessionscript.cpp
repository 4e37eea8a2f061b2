#include "sessionscript.h"

#include <string>

namespace sm::exchange::test {

SessionScript::SessionScript(std::uint64_t seed)
    : m_rng(seed)
{
}

void SessionScript::run(Exchange &exchange, int calls, std::vector<Event> &out)
{
    for (int call = 0; call < calls; ++call) {
        const std::uint32_t roll = m_rng.below(100);
        if (roll < 50)
            exchange.step(out);
        else if (roll < 80)
            submitRandomOrder(exchange, out);
        else
            cancelRandomOrder(exchange, out);
    }
}

void SessionScript::submitRandomOrder(Exchange &exchange, std::vector<Event> &out)
{
    const auto &instruments = exchange.config().instruments;
    const std::uint32_t pick = m_rng.below(static_cast<std::uint32_t>(instruments.size()) * 10 + 1);
    OrderRequest request;
    request.clientOrderId = "script-" + std::to_string(m_rng.next() % 100'000);
    request.side = m_rng.below(2) == 0 ? Side::Buy : Side::Sell;
    request.kind = m_rng.below(7) == 0 ? OrderKind::Market : OrderKind::Limit;
    request.tif = m_rng.below(3) == 0 ? TimeInForce::Ioc : TimeInForce::Gtc;
    request.qty = m_rng.below(30) == 0 ? 0 : 1 + static_cast<Qty>(m_rng.below(80));
    if (pick == instruments.size() * 10) {
        request.symbol = "SIM-X"; // unknown symbol
        request.price = 100;
    } else {
        const InstrumentConfig &instrument = instruments[pick % instruments.size()];
        request.symbol = instrument.symbol;
        request.price = priceNearTouch(exchange, instrument);
    }
    exchange.submit(request, out);
}

void SessionScript::cancelRandomOrder(Exchange &exchange, std::vector<Event> &out)
{
    const std::vector<const SessionOrder *> open = exchange.openOrders();
    if (open.empty() || m_rng.below(8) == 0) {
        // Stale or unknown ids: exercises the cancel-race rejects.
        exchange.cancel(1 + m_rng.below(2'000), out);
        return;
    }
    exchange.cancel(open[m_rng.below(static_cast<std::uint32_t>(open.size()))]->id(), out);
}

Price SessionScript::priceNearTouch(const Exchange &exchange, const InstrumentConfig &instrument)
{
    const BookSnapshot top = *exchange.book(instrument.symbol, 1);
    Price centre = instrument.initialPrice;
    if (!top.bids.empty() && !top.asks.empty())
        centre = (top.bids.front().price + top.asks.front().price) / 2 / instrument.tickSize
            * instrument.tickSize;
    return centre + (static_cast<Price>(m_rng.below(21)) - 10) * instrument.tickSize;
}

} // namespace sm::exchange::test
