#include "exchangesimbackend.h"

#include "eventcodec.h"
#include "requestcodec.h"

#include <QDataStream>
#include <QIODevice>
#include <QJsonArray>

namespace exsim {

namespace {

using namespace sm::exchange;

// Snapshot layout: magic, format version, the engine's own snapshot, then the
// market-data state. QDataStream's version is pinned so the bytes never depend on Qt.
constexpr quint32 kSnapshotMagic = 0x45585331; // "EXS1"
constexpr quint8 kSnapshotVersion = 1;
constexpr QDataStream::Version kStreamVersion = QDataStream::Qt_6_4;

sm::Error badSnapshot(const QString &why)
{
    return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("exchange-sim snapshot rejected: %1").arg(why));
}

} // namespace

ExchangeSimBackend::ExchangeSimBackend(Exchange exchange, std::size_t bookDepth, sm::BackendEventSink *sink)
    : m_exchange(std::move(exchange))
    , m_marketData(marketDataFor(m_exchange))
    , m_publisher(sink)
    , m_bookDepth(bookDepth)
{
}

MarketDataState ExchangeSimBackend::marketDataFor(const Exchange &exchange)
{
    std::vector<QString> symbols;
    for (const InstrumentConfig &instrument : exchange.config().instruments)
        symbols.push_back(QString::fromStdString(instrument.symbol));
    return MarketDataState(std::move(symbols));
}

sm::Result<QJsonObject> ExchangeSimBackend::handle(const QJsonObject &request)
{
    const sm::Result<QString> type = RequestCodec::type(request);
    if (!type)
        return type.error();
    const QString &name = type.value();
    if (name == QLatin1String("order"))
        return placeOrder(request);
    if (name == QLatin1String("cancel"))
        return cancelOrder(request);
    if (name == QLatin1String("subscribe"))
        return subscribe(request);
    if (name == QLatin1String("unsubscribe"))
        return unsubscribe(request);
    if (name == QLatin1String("book"))
        return bookReply(request);
    if (name == QLatin1String("orders"))
        return ordersReply();
    if (name == QLatin1String("positions"))
        return positionsReply();
    return sm::makeError(sm::ErrorCode::BadRequest,
                         QStringLiteral("field \"type\": unknown request type \"%1\"").arg(name));
}

void ExchangeSimBackend::tick()
{
    m_events.clear();
    m_exchange.step(m_events);
    publishEvents();
}

void ExchangeSimBackend::publishEvents()
{
    m_publisher.publish(m_exchange, m_marketData, m_events);
}

sm::Result<QJsonObject> ExchangeSimBackend::subscribe(const QJsonObject &request)
{
    const auto ids = RequestCodec::symbols(request, m_exchange);
    if (!ids)
        return ids.error();
    for (const InstrumentId id : ids.value()) {
        if (m_marketData.subscribe(id))
            m_publisher.publishCurrentQuote(m_exchange, m_marketData, id);
    }
    return subscribedReply();
}

sm::Result<QJsonObject> ExchangeSimBackend::unsubscribe(const QJsonObject &request)
{
    const auto ids = RequestCodec::symbols(request, m_exchange);
    if (!ids)
        return ids.error();
    for (const InstrumentId id : ids.value())
        m_marketData.unsubscribe(id);
    return subscribedReply();
}

// Both subscribe and unsubscribe answer with the whole subscription set afterwards.
QJsonObject ExchangeSimBackend::subscribedReply() const
{
    QJsonArray symbols;
    for (const QString &symbol : m_marketData.subscribedSymbols())
        symbols.append(symbol);
    return {{"type", "subscribed"}, {"symbols", symbols}};
}

sm::Result<QJsonObject> ExchangeSimBackend::placeOrder(const QJsonObject &request)
{
    const sm::Result<ParsedOrder> parsed = RequestCodec::order(request);
    if (!parsed)
        return parsed.error();
    if (parsed->refusal != RejectReason::None) {
        const QString clientOrderId = QString::fromStdString(parsed->request.clientOrderId);
        m_publisher.publishRefusal(parsed->refusal, clientOrderId);
        return EventCodec::typed(EventCodec::rejected(parsed->refusal, kNoOrderId, clientOrderId),
                                 QStringLiteral("order.reject"));
    }
    m_events.clear();
    const RequestResult result = m_exchange.submit(parsed->request, m_events);
    publishEvents();
    const SessionOrder *order = m_exchange.order(result.orderId);
    if (!result.ok() || !order) {
        return EventCodec::typed(EventCodec::rejected(result.reason, result.orderId,
                                                      QString::fromStdString(parsed->request.clientOrderId)),
                                 QStringLiteral("order.reject"));
    }
    return EventCodec::acknowledged(*order);
}

sm::Result<QJsonObject> ExchangeSimBackend::cancelOrder(const QJsonObject &request)
{
    const sm::Result<OrderId> target = RequestCodec::cancelTarget(request);
    if (!target)
        return target.error();
    m_events.clear();
    const RequestResult result = m_exchange.cancel(target.value(), m_events);
    publishEvents();
    const SessionOrder *order = m_exchange.order(target.value());
    const QString clientOrderId = order ? QString::fromStdString(order->request().clientOrderId) : QString();
    if (!result.ok()) {
        QJsonObject reject = EventCodec::rejected(result.reason, kNoOrderId, clientOrderId);
        // Echo the id as sent, even one that could never name an order.
        reject.insert(QStringLiteral("order_id"), request.value(QStringLiteral("order_id")));
        return EventCodec::typed(reject, QStringLiteral("order.reject"));
    }
    return QJsonObject{{"type", "order.cancelled"},
                       {"order_id", EventCodec::orderId(target.value())},
                       {"client_order_id", clientOrderId},
                       {"status", EventCodec::status(order ? order->status() : OrderStatus::Cancelled)},
                       {"filled_qty", qint64(order ? order->filledQty() : 0)}};
}

sm::Result<QJsonObject> ExchangeSimBackend::bookReply(const QJsonObject &request) const
{
    const sm::Result<InstrumentId> id = RequestCodec::symbol(request, m_exchange);
    if (!id)
        return id.error();
    const sm::Result<std::size_t> depth = RequestCodec::depth(request, m_bookDepth);
    if (!depth)
        return depth.error();
    const std::optional<BookSnapshot> book = m_exchange.book(m_exchange.symbol(id.value()), depth.value());
    return EventCodec::book(book.value_or(BookSnapshot{}), m_marketData.symbol(id.value()));
}

sm::Result<QJsonObject> ExchangeSimBackend::ordersReply() const
{
    QJsonArray open;
    for (const SessionOrder *order : m_exchange.openOrders())
        open.append(EventCodec::order(*order));
    QJsonArray recent;
    for (const SessionOrder *order : m_exchange.recentOrders())
        recent.append(EventCodec::order(*order));
    return QJsonObject{{"type", "orders"}, {"open", open}, {"recent", recent}};
}

sm::Result<QJsonObject> ExchangeSimBackend::positionsReply() const
{
    QJsonArray positions;
    for (InstrumentId id = 0; id < m_marketData.size(); ++id) {
        if (const Position *position = m_exchange.position(m_exchange.symbol(id)))
            positions.append(EventCodec::position(*position, m_marketData.symbol(id)));
    }
    return QJsonObject{{"type", "positions"}, {"positions", positions}};
}

QByteArray ExchangeSimBackend::snapshot() const
{
    const std::string engine = m_exchange.snapshot();
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(kStreamVersion);
    out << kSnapshotMagic << kSnapshotVersion << QByteArray(engine.data(), qsizetype(engine.size()));
    m_marketData.save(out);
    return bytes;
}

sm::Result<void> ExchangeSimBackend::restore(const QByteArray &snapshot)
{
    QDataStream in(snapshot);
    in.setVersion(kStreamVersion);
    quint32 magic = 0;
    quint8 version = 0;
    QByteArray engine;
    in >> magic >> version;
    if (magic != kSnapshotMagic)
        return badSnapshot(QStringLiteral("not an exchange-sim snapshot"));
    if (version != kSnapshotVersion)
        return badSnapshot(QStringLiteral("unsupported version %1").arg(version));
    in >> engine;
    auto restored = Exchange::restore(std::string_view(engine.constData(), std::size_t(engine.size())));
    if (!restored) {
        const std::string_view why = describe(restored.error());
        return badSnapshot(QString::fromLatin1(why.data(), qsizetype(why.size())));
    }
    MarketDataState marketData = marketDataFor(restored.value());
    if (!marketData.load(in) || !in.atEnd())
        return badSnapshot(QStringLiteral("corrupt market-data state"));
    m_exchange = std::move(restored.value());
    m_marketData = std::move(marketData);
    return {};
}

} // namespace exsim
