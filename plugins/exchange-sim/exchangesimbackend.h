#pragma once

#include "eventpublisher.h"
#include "marketdatastate.h"

#include "engine/exchange.h"

#include <sm/backend.h>

#include <cstddef>
#include <vector>

namespace exsim {

// One session's simulated exchange behind the SDK's SessionBackend: parses requests,
// drives the engine and publishes what happened. Deterministic: nothing here reads a
// clock or anything else outside the engine and the calls made.
class ExchangeSimBackend : public sm::SessionBackend {
public:
    ExchangeSimBackend(sm::exchange::Exchange exchange, std::size_t bookDepth, sm::BackendEventSink *sink);

    sm::Result<QJsonObject> handle(const QJsonObject &request) override;
    void tick() override;
    QByteArray snapshot() const override;
    sm::Result<void> restore(const QByteArray &snapshot) override;

private:
    sm::Result<QJsonObject> subscribe(const QJsonObject &request);
    sm::Result<QJsonObject> unsubscribe(const QJsonObject &request);
    sm::Result<QJsonObject> placeOrder(const QJsonObject &request);
    sm::Result<QJsonObject> cancelOrder(const QJsonObject &request);
    sm::Result<QJsonObject> bookReply(const QJsonObject &request) const;
    sm::Result<QJsonObject> ordersReply() const;
    sm::Result<QJsonObject> positionsReply() const;
    QJsonObject subscribedReply() const;
    void publishEvents();

    static MarketDataState marketDataFor(const sm::exchange::Exchange &exchange);

    sm::exchange::Exchange m_exchange;
    MarketDataState m_marketData;
    EventPublisher m_publisher;
    std::size_t m_bookDepth;
    std::vector<sm::exchange::Event> m_events; // reused by every call
};

} // namespace exsim
