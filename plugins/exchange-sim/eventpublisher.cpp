#include "eventpublisher.h"

#include "eventcodec.h"
#include "marketdatastate.h"

#include "engine/exchange.h"

#include <sm/backend.h>

#include <type_traits>

namespace exsim {

namespace {

using namespace sm::exchange;

const QByteArray kOrderAck = QByteArrayLiteral("order.ack");
const QByteArray kOrderReject = QByteArrayLiteral("order.reject");
const QByteArray kOrderFill = QByteArrayLiteral("order.fill");
const QByteArray kOrderCancelled = QByteArrayLiteral("order.cancelled");
const QByteArray kMarketTrade = QByteArrayLiteral("market.trade");
const QByteArray kMarketQuote = QByteArrayLiteral("market.quote");
const QByteArray kMarketBook = QByteArrayLiteral("market.book");

QString clientOrderId(const Exchange &exchange, OrderId id)
{
    const SessionOrder *order = exchange.order(id);
    return order ? QString::fromStdString(order->request().clientOrderId) : QString();
}

template <typename E>
constexpr bool kIsOrderEvent = std::is_same_v<E, Accepted> || std::is_same_v<E, Rejected>
    || std::is_same_v<E, CancelRejected> || std::is_same_v<E, Filled> || std::is_same_v<E, Cancelled>;

} // namespace

EventPublisher::EventPublisher(sm::BackendEventSink *sink) : m_sink(sink) {}

void EventPublisher::publish(const Exchange &exchange, MarketDataState &marketData, const std::vector<Event> &events)
{
    for (const Event &event : events) {
        std::visit([&](const auto &e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (kIsOrderEvent<E>) {
                // The generator's own orders are the market's business, not the session's.
                if (e.account == kSessionAccount)
                    emitOrderEvent(exchange, marketData, e);
            } else if constexpr (std::is_same_v<E, Trade>) {
                if (marketData.isSubscribed(e.instrument))
                    m_sink->emitEvent(kMarketTrade, EventCodec::trade(e, marketData.symbol(e.instrument)));
            } else if constexpr (std::is_same_v<E, TopOfBook>) {
                marketData.noteQuote(e);
            } else {
                static_assert(std::is_same_v<E, LevelDelta>);
                marketData.noteLevel(e);
            }
        }, event);
    }
    flushMarketData(marketData);
}

void EventPublisher::emitOrderEvent(const Exchange &exchange, const MarketDataState &, const Accepted &accepted)
{
    if (const SessionOrder *order = exchange.order(accepted.orderId))
        m_sink->emitEvent(kOrderAck, EventCodec::accepted(*order));
}

void EventPublisher::emitOrderEvent(const Exchange &exchange, const MarketDataState &, const Rejected &rejected)
{
    m_sink->emitEvent(kOrderReject, EventCodec::rejected(rejected.reason, rejected.orderId,
                                                         clientOrderId(exchange, rejected.orderId)));
}

void EventPublisher::emitOrderEvent(const Exchange &exchange, const MarketDataState &,
                                    const CancelRejected &rejected)
{
    m_sink->emitEvent(kOrderReject, EventCodec::rejected(rejected.reason, rejected.orderId,
                                                         clientOrderId(exchange, rejected.orderId)));
}

void EventPublisher::emitOrderEvent(const Exchange &exchange, const MarketDataState &marketData, const Filled &fill)
{
    m_sink->emitEvent(kOrderFill, EventCodec::filled(fill, marketData.symbol(fill.instrument),
                                                     clientOrderId(exchange, fill.orderId)));
}

void EventPublisher::emitOrderEvent(const Exchange &exchange, const MarketDataState &marketData,
                                    const Cancelled &cancelled)
{
    m_sink->emitEvent(kOrderCancelled, EventCodec::cancelled(cancelled, marketData.symbol(cancelled.instrument),
                                                             clientOrderId(exchange, cancelled.orderId)));
}

void EventPublisher::publishCurrentQuote(const Exchange &exchange, MarketDataState &marketData, InstrumentId id)
{
    const std::optional<BookSnapshot> top = exchange.book(exchange.symbol(id), 1);
    TopOfBook quote{id};
    if (top && !top->bids.empty()) {
        quote.bidPrice = top->bids.front().price;
        quote.bidQty = top->bids.front().qty;
    }
    if (top && !top->asks.empty()) {
        quote.askPrice = top->asks.front().price;
        quote.askQty = top->asks.front().qty;
    }
    marketData.noteQuote(quote);
    flushMarketData(marketData);
}

void EventPublisher::publishRefusal(RejectReason reason, const QString &clientOrderId)
{
    m_sink->emitEvent(kOrderReject, EventCodec::rejected(reason, kNoOrderId, clientOrderId));
}

void EventPublisher::flushMarketData(MarketDataState &marketData)
{
    for (InstrumentId id = 0; id < marketData.size(); ++id) {
        if (!marketData.isSubscribed(id))
            continue;
        if (const std::optional<TopOfBook> quote = marketData.takeQuote(id))
            m_sink->emitEvent(kMarketQuote, EventCodec::quote(*quote, marketData.symbol(id)));
        if (const auto &levels = marketData.pendingLevels(id); !levels.empty())
            m_sink->emitEvent(kMarketBook, EventCodec::bookChanges(levels, marketData.symbol(id)));
        marketData.clearPending(id);
    }
}

} // namespace exsim
