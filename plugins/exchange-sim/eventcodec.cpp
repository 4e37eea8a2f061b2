#include "eventcodec.h"

#include "pricescale.h"

namespace exsim {

namespace {

using namespace sm::exchange;

QString sideName(Side side)
{
    return side == Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell");
}

// Engine integers are std::int64_t (long here), which QJsonValue has no constructor for.
QJsonValue integer(std::int64_t value)
{
    return QJsonValue(qint64(value));
}

QString text(const std::string &value)
{
    return QString::fromStdString(value);
}

// A price level's price, or null for an empty side of the book.
QJsonValue priceOrNull(Price price, Qty qty)
{
    return qty == 0 ? QJsonValue() : QJsonValue(PriceScale::toDecimal(price));
}

} // namespace

QString EventCodec::orderId(OrderId id)
{
    return QString::number(id);
}

QString EventCodec::rejectReason(RejectReason reason)
{
    switch (reason) {
    case RejectReason::None:
        return QStringLiteral("none");
    case RejectReason::UnknownSymbol:
        return QStringLiteral("unknown_symbol");
    case RejectReason::NonPositiveQuantity:
        return QStringLiteral("non_positive_quantity");
    case RejectReason::QuantityTooLarge:
        return QStringLiteral("quantity_too_large");
    case RejectReason::InvalidOrderId:
        return QStringLiteral("invalid_order_id");
    case RejectReason::PriceNotOnTick:
        return QStringLiteral("price_not_on_tick");
    case RejectReason::PriceOutOfBand:
        return QStringLiteral("price_out_of_band");
    case RejectReason::NoLiquidity:
        return QStringLiteral("no_liquidity");
    case RejectReason::UnknownOrder:
        return QStringLiteral("unknown_order");
    case RejectReason::TooLateToCancel:
        return QStringLiteral("too_late_to_cancel");
    }
    return QStringLiteral("unknown");
}

QString EventCodec::status(OrderStatus status)
{
    switch (status) {
    case OrderStatus::New:
        return QStringLiteral("new");
    case OrderStatus::PartiallyFilled:
        return QStringLiteral("partially_filled");
    case OrderStatus::Filled:
        return QStringLiteral("filled");
    case OrderStatus::Cancelled:
        return QStringLiteral("cancelled");
    case OrderStatus::Rejected:
        return QStringLiteral("rejected");
    }
    return QStringLiteral("unknown");
}

QJsonObject EventCodec::typed(QJsonObject body, const QString &type)
{
    body.insert(QStringLiteral("type"), type);
    return body;
}

QJsonObject EventCodec::accepted(const SessionOrder &order)
{
    const OrderRequest &request = order.request();
    QJsonObject ack{{"order_id", orderId(order.id())},
                    {"client_order_id", text(request.clientOrderId)},
                    {"symbol", text(request.symbol)},
                    {"side", sideName(request.side)},
                    {"kind", request.kind == OrderKind::Limit ? "limit" : "market"},
                    {"tif", request.tif == TimeInForce::Gtc ? "gtc" : "ioc"},
                    {"qty", integer(request.qty)}};
    if (request.kind == OrderKind::Limit)
        ack.insert(QStringLiteral("price"), PriceScale::toDecimal(request.price));
    return ack;
}

QJsonObject EventCodec::acknowledged(const SessionOrder &order)
{
    return {{"type", "order.ack"},
            {"order_id", orderId(order.id())},
            {"client_order_id", text(order.request().clientOrderId)},
            {"status", status(order.status())},
            {"filled_qty", integer(order.filledQty())}};
}

QJsonObject EventCodec::rejected(RejectReason reason, OrderId id, const QString &clientOrderId)
{
    const std::string_view message = describe(reason);
    QJsonObject reject{{"reason", rejectReason(reason)},
                       {"message", QString::fromLatin1(message.data(), qsizetype(message.size()))}};
    if (id != kNoOrderId)
        reject.insert(QStringLiteral("order_id"), orderId(id));
    if (!clientOrderId.isEmpty())
        reject.insert(QStringLiteral("client_order_id"), clientOrderId);
    return reject;
}

QJsonObject EventCodec::filled(const Filled &fill, const QString &symbol, const QString &clientOrderId)
{
    return {{"order_id", orderId(fill.orderId)},
            {"client_order_id", clientOrderId},
            {"symbol", symbol},
            {"side", sideName(fill.side)},
            {"price", PriceScale::toDecimal(fill.price)},
            {"qty", integer(fill.qty)},
            {"remaining", integer(fill.remaining)}};
}

QJsonObject EventCodec::cancelled(const Cancelled &cancel, const QString &symbol, const QString &clientOrderId)
{
    return {{"order_id", orderId(cancel.orderId)},
            {"client_order_id", clientOrderId},
            {"symbol", symbol},
            {"cancelled_qty", integer(cancel.cancelledQty)},
            {"reason", cancel.reason == CancelReason::Requested ? "requested" : "unfilled_remainder"}};
}

QJsonObject EventCodec::trade(const Trade &trade, const QString &symbol)
{
    return {{"symbol", symbol},
            {"price", PriceScale::toDecimal(trade.price)},
            {"qty", integer(trade.qty)},
            {"aggressor", sideName(trade.aggressorSide)}};
}

QJsonObject EventCodec::quote(const TopOfBook &top, const QString &symbol)
{
    return {{"symbol", symbol},
            {"bid", priceOrNull(top.bidPrice, top.bidQty)},
            {"bid_qty", integer(top.bidQty)},
            {"ask", priceOrNull(top.askPrice, top.askQty)},
            {"ask_qty", integer(top.askQty)}};
}

QJsonObject EventCodec::bookChanges(std::span<const LevelDelta> deltas, const QString &symbol)
{
    QJsonArray bids;
    QJsonArray asks;
    for (const LevelDelta &delta : deltas)
        (delta.side == Side::Buy ? bids : asks).append(level(delta.price, delta.qty, delta.orders));
    return {{"symbol", symbol}, {"bids", bids}, {"asks", asks}};
}

QJsonObject EventCodec::book(const BookSnapshot &book, const QString &symbol)
{
    return {{"type", "book"}, {"symbol", symbol}, {"bids", levels(book.bids)}, {"asks", levels(book.asks)}};
}

QJsonObject EventCodec::order(const SessionOrder &order)
{
    QJsonObject record = accepted(order);
    QJsonArray fills;
    for (const Execution &execution : order.executions())
        fills.append(QJsonArray{PriceScale::toDecimal(execution.price), integer(execution.qty)});
    record.insert(QStringLiteral("status"), status(order.status()));
    record.insert(QStringLiteral("filled_qty"), integer(order.filledQty()));
    record.insert(QStringLiteral("remaining_qty"), integer(order.remainingQty()));
    record.insert(QStringLiteral("avg_price"), priceOrNull(order.averagePrice(), order.filledQty()));
    record.insert(QStringLiteral("fills"), fills);
    if (order.status() == OrderStatus::Rejected)
        record.insert(QStringLiteral("reason"), rejectReason(order.rejectReason()));
    return record;
}

QJsonObject EventCodec::position(const Position &position, const QString &symbol)
{
    return {{"symbol", symbol},
            {"qty", integer(position.quantity())},
            {"avg_cost", priceOrNull(position.averageCost(), position.quantity())},
            {"realised_pnl", PriceScale::moneyToDecimal(position.realisedPnl())}};
}

QJsonArray EventCodec::level(Price price, Qty qty, std::uint32_t orders)
{
    return {PriceScale::toDecimal(price), integer(qty), qint64(orders)};
}

QJsonArray EventCodec::levels(const std::vector<LevelView> &side)
{
    QJsonArray out;
    for (const LevelView &view : side)
        out.append(level(view.price, view.qty, view.orders));
    return out;
}

} // namespace exsim
