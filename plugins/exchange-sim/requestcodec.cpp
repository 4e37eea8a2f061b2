#include "requestcodec.h"

#include "pricescale.h"

#include "engine/exchange.h"

#include <QJsonArray>

#include <cmath>

namespace exsim {

namespace {

using sm::exchange::OrderKind;
using sm::exchange::RejectReason;
using sm::exchange::Side;
using sm::exchange::TimeInForce;

constexpr qsizetype kMaxClientOrderIdLength = 64;
constexpr std::size_t kMaxDepth = 1000;
// Quantities beyond this cannot come from a JSON number without losing digits.
constexpr double kLargestQuantity = 9007199254740992.0; // 2^53

sm::Error fieldError(const QString &field, const QString &problem)
{
    return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("field \"%1\": %2").arg(field, problem));
}

sm::Result<QString> requiredString(const QJsonObject &request, const QString &field)
{
    const QJsonValue value = request.value(field);
    if (value.isUndefined())
        return fieldError(field, QStringLiteral("is required"));
    if (!value.isString())
        return fieldError(field, QStringLiteral("must be a string"));
    return value.toString();
}

// An optional string field restricted to `choices`; the first choice is not a default,
// `fallback` is.
sm::Result<QString> choice(const QJsonObject &request, const QString &field, const QStringList &choices,
                           const QString &fallback)
{
    const QJsonValue value = request.value(field);
    if (value.isUndefined() && !fallback.isEmpty())
        return fallback;
    const sm::Result<QString> text = requiredString(request, field);
    if (!text)
        return text;
    if (!choices.contains(text.value()))
        return fieldError(field, QStringLiteral("must be one of %1").arg(choices.join(QStringLiteral(", "))));
    return text;
}

sm::Result<sm::exchange::Qty> quantity(const QJsonObject &request)
{
    const QJsonValue value = request.value(QStringLiteral("qty"));
    if (value.isUndefined())
        return fieldError(QStringLiteral("qty"), QStringLiteral("is required"));
    const double number = value.toDouble();
    if (!value.isDouble() || std::trunc(number) != number || std::fabs(number) > kLargestQuantity)
        return fieldError(QStringLiteral("qty"), QStringLiteral("must be an integer"));
    return sm::exchange::Qty(number);
}

sm::Result<QString> clientOrderId(const QJsonObject &request)
{
    const QJsonValue value = request.value(QStringLiteral("client_order_id"));
    if (value.isUndefined())
        return QString();
    if (!value.isString() || value.toString().size() > kMaxClientOrderIdLength) {
        return fieldError(QStringLiteral("client_order_id"),
                          QStringLiteral("must be a string of at most %1 characters").arg(kMaxClientOrderIdLength));
    }
    return value.toString();
}

// Limit orders need a price; its conversion to units may refuse the order.
sm::Result<RejectReason> applyPrice(const QJsonObject &request, sm::exchange::OrderRequest &order)
{
    if (order.kind == OrderKind::Market)
        return RejectReason::None;
    const QJsonValue value = request.value(QStringLiteral("price"));
    if (value.isUndefined())
        return fieldError(QStringLiteral("price"), QStringLiteral("is required for limit orders"));
    if (!value.isDouble())
        return fieldError(QStringLiteral("price"), QStringLiteral("must be a number"));
    const std::optional<sm::exchange::Price> units = PriceScale::toUnits(value.toDouble());
    if (!units)
        return RejectReason::PriceNotOnTick;
    order.price = *units;
    return RejectReason::None;
}

sm::Error unknownSymbol(const QString &symbol)
{
    return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("unknown symbol \"%1\"").arg(symbol));
}

sm::Result<sm::exchange::InstrumentId> instrument(const QString &symbol, const sm::exchange::Exchange &exchange)
{
    const std::optional<sm::exchange::InstrumentId> id = exchange.instrumentId(symbol.toStdString());
    if (!id)
        return unknownSymbol(symbol);
    return *id;
}

} // namespace

sm::Result<QString> RequestCodec::type(const QJsonObject &request)
{
    return requiredString(request, QStringLiteral("type"));
}

sm::Result<ParsedOrder> RequestCodec::order(const QJsonObject &request)
{
    const auto symbol = requiredString(request, QStringLiteral("symbol"));
    const auto side = choice(request, QStringLiteral("side"), {QStringLiteral("buy"), QStringLiteral("sell")}, {});
    const auto kind = choice(request, QStringLiteral("kind"), {QStringLiteral("limit"), QStringLiteral("market")},
                             QStringLiteral("limit"));
    const auto tif = choice(request, QStringLiteral("tif"), {QStringLiteral("gtc"), QStringLiteral("ioc")},
                            QStringLiteral("gtc"));
    const auto qty = quantity(request);
    const auto clientId = clientOrderId(request);
    for (const sm::Result<QString> *text : {&symbol, &side, &kind, &tif, &clientId}) {
        if (!text->ok())
            return text->error();
    }
    if (!qty)
        return qty.error();
    ParsedOrder parsed;
    parsed.request.symbol = symbol->toStdString();
    parsed.request.clientOrderId = clientId->toStdString();
    parsed.request.side = side.value() == QLatin1String("buy") ? Side::Buy : Side::Sell;
    parsed.request.kind = kind.value() == QLatin1String("limit") ? OrderKind::Limit : OrderKind::Market;
    parsed.request.tif = tif.value() == QLatin1String("gtc") ? TimeInForce::Gtc : TimeInForce::Ioc;
    parsed.request.qty = qty.value();
    const sm::Result<RejectReason> refusal = applyPrice(request, parsed.request);
    if (!refusal)
        return refusal.error();
    parsed.refusal = refusal.value();
    return parsed;
}

sm::Result<sm::exchange::OrderId> RequestCodec::cancelTarget(const QJsonObject &request)
{
    const sm::Result<QString> id = requiredString(request, QStringLiteral("order_id"));
    if (!id)
        return id.error();
    bool parsed = false;
    const sm::exchange::OrderId orderId = id->toULongLong(&parsed);
    return parsed ? orderId : sm::exchange::kNoOrderId;
}

sm::Result<std::vector<sm::exchange::InstrumentId>> RequestCodec::symbols(const QJsonObject &request,
                                                                         const sm::exchange::Exchange &exchange)
{
    const QJsonValue value = request.value(QStringLiteral("symbols"));
    if (!value.isArray() || value.toArray().isEmpty())
        return fieldError(QStringLiteral("symbols"), QStringLiteral("must be a non-empty array of symbols"));
    std::vector<sm::exchange::InstrumentId> ids;
    for (const QJsonValue symbol : value.toArray()) {
        if (!symbol.isString())
            return fieldError(QStringLiteral("symbols"), QStringLiteral("must contain only strings"));
        const auto id = instrument(symbol.toString(), exchange);
        if (!id)
            return id.error();
        ids.push_back(id.value());
    }
    return ids;
}

sm::Result<sm::exchange::InstrumentId> RequestCodec::symbol(const QJsonObject &request,
                                                            const sm::exchange::Exchange &exchange)
{
    const sm::Result<QString> symbol = requiredString(request, QStringLiteral("symbol"));
    if (!symbol)
        return symbol.error();
    return instrument(symbol.value(), exchange);
}

sm::Result<std::size_t> RequestCodec::depth(const QJsonObject &request, std::size_t fallback)
{
    const QJsonValue value = request.value(QStringLiteral("depth"));
    if (value.isUndefined())
        return fallback;
    const double number = value.toDouble();
    if (!value.isDouble() || std::trunc(number) != number || number < 1 || number > double(kMaxDepth))
        return fieldError(QStringLiteral("depth"), QStringLiteral("must be an integer from 1 to %1").arg(kMaxDepth));
    return std::size_t(number);
}

} // namespace exsim
