#pragma once

#include "engine/event.h"

#include <QString>

#include <vector>

namespace sm {
class BackendEventSink;
}

namespace sm::exchange {
class Exchange;
}

namespace exsim {

class MarketDataState;

// Turns the engine events of one request or tick into the session's stream events:
// the session's own order events in engine order, market.trade for subscribed symbols as
// they print, then per subscribed symbol at most one market.quote and one market.book.
// JSON is built only for events that are emitted.
class EventPublisher {
public:
    explicit EventPublisher(sm::BackendEventSink *sink);

    void publish(const sm::exchange::Exchange &exchange, MarketDataState &marketData,
                 const std::vector<sm::exchange::Event> &events);
    // The current top of book of a freshly subscribed symbol, so that its stream starts
    // from a known state.
    void publishCurrentQuote(const sm::exchange::Exchange &exchange, MarketDataState &marketData,
                             sm::exchange::InstrumentId id);
    // An order refused before it reached the exchange.
    void publishRefusal(sm::exchange::RejectReason reason, const QString &clientOrderId);

private:
    void flushMarketData(MarketDataState &marketData);
    // The session's own order events (the generator's are the market's business).
    void emitOrderEvent(const sm::exchange::Exchange &exchange, const MarketDataState &marketData,
                        const sm::exchange::Accepted &accepted);
    void emitOrderEvent(const sm::exchange::Exchange &exchange, const MarketDataState &marketData,
                        const sm::exchange::Rejected &rejected);
    void emitOrderEvent(const sm::exchange::Exchange &exchange, const MarketDataState &marketData,
                        const sm::exchange::CancelRejected &rejected);
    void emitOrderEvent(const sm::exchange::Exchange &exchange, const MarketDataState &marketData,
                        const sm::exchange::Filled &fill);
    void emitOrderEvent(const sm::exchange::Exchange &exchange, const MarketDataState &marketData,
                        const sm::exchange::Cancelled &cancelled);

    sm::BackendEventSink *m_sink;
};

} // namespace exsim
