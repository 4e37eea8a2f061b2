#pragma once

#include "engine/booksnapshot.h"
#include "engine/event.h"
#include "engine/position.h"
#include "engine/sessionorder.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <span>

namespace exsim {

// Writes the JSON of the exchange-sim protocol (docs/exchange-sim.md): event data for the
// session's stream and the bodies of replies. Prices are decimals, order ids strings.
class EventCodec {
public:
    static QString orderId(sm::exchange::OrderId id);
    static QString rejectReason(sm::exchange::RejectReason reason);
    static QString status(sm::exchange::OrderStatus status);

    // The same object with "type" set: replies are event data plus their type.
    static QJsonObject typed(QJsonObject body, const QString &type);

    // order.ack event: what the exchange accepted.
    static QJsonObject accepted(const sm::exchange::SessionOrder &order);
    // order.ack reply: the order's state once the request has run.
    static QJsonObject acknowledged(const sm::exchange::SessionOrder &order);
    // order.reject: `orderId` kNoOrderId and empty `clientOrderId` are left out.
    static QJsonObject rejected(sm::exchange::RejectReason reason, sm::exchange::OrderId orderId,
                                const QString &clientOrderId);
    static QJsonObject filled(const sm::exchange::Filled &fill, const QString &symbol, const QString &clientOrderId);
    static QJsonObject cancelled(const sm::exchange::Cancelled &cancel, const QString &symbol,
                                 const QString &clientOrderId);

    static QJsonObject trade(const sm::exchange::Trade &trade, const QString &symbol);
    static QJsonObject quote(const sm::exchange::TopOfBook &top, const QString &symbol);
    // market.book: the levels a request or tick changed, each [price, qty, orders]; qty 0
    // means the level is gone.
    static QJsonObject bookChanges(std::span<const sm::exchange::LevelDelta> deltas, const QString &symbol);

    // Replies.
    static QJsonObject book(const sm::exchange::BookSnapshot &book, const QString &symbol);
    static QJsonObject order(const sm::exchange::SessionOrder &order);
    static QJsonObject position(const sm::exchange::Position &position, const QString &symbol);

private:
    static QJsonArray level(sm::exchange::Price price, sm::exchange::Qty qty, std::uint32_t orders);
    static QJsonArray levels(const std::vector<sm::exchange::LevelView> &side);
};

} // namespace exsim
