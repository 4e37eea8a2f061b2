// The exchange-sim plugin loaded from its built module the way the host loads it, with a
// recording sink: the request protocol, the events it emits, determinism and snapshots.
#include "recordingsink.h"
#include "testhostcontext.h"

#include <sm/backend.h>
#include <sm/plugin.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QPluginLoader>
#include <QTest>

#include <algorithm>
#include <memory>

class TestExchangeSimPlugin : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void metadataDeclaresBackendAndItsSettings();
    void configureAppliesSettings();
    void configureRefusesOutOfRangeSettings();

    void crossingOrderIsAckedAndFilled();
    void restingOrderIsAckedNewAndCanBeCancelled();
    void cancelOfUnknownOrFinishedOrderIsRejected();
    void rejectReasonsAreSurfaced_data();
    void rejectReasonsAreSurfaced();
    void decimalPricesConvertExactly();

    void marketDataFlowsOnlyForSubscribedSymbols();
    void subscribeToUnknownSymbolIsBadRequestNamingIt();
    void bookReplyListsLevelsBestFirst();
    void ordersReplyShowsStatusFillsAndAveragePrice();
    void positionsReplyShowsQuantityCostAndPnl();

    void sameSeedAndCallsGiveIdenticalEventsAndReplies();
    void restoredSnapshotContinuesWithTheSameEvents();
    void corruptSnapshotIsRefused();
    void malformedRequestsAreBadRequest_data();
    void malformedRequestsAreBadRequest();

private:
    struct Instance {
        std::unique_ptr<RecordingSink> sink = std::make_unique<RecordingSink>();
        std::unique_ptr<sm::SessionBackend> backend;
    };

    Instance create(quint64 seed = 42);
    static QJsonObject request(sm::SessionBackend &backend, const QJsonObject &body);
    static void ticks(sm::SessionBackend &backend, int count);
    // Best ask of SIM-A after the generator has had time to build a book.
    static double bestAsk(sm::SessionBackend &backend);
    static QJsonObject limitOrder(const QString &side, double price, int qty, const QString &clientId,
                                  const QString &symbol = QStringLiteral("SIM-A"));
    // A fixed mix of requests and ticks; returns the replies (errors as their message).
    static QList<QByteArray> script(sm::SessionBackend &backend, int round);

    std::unique_ptr<QPluginLoader> m_loader;
    sm::Plugin *m_plugin = nullptr;
    std::unique_ptr<TestHostContext> m_host;
};

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

void TestExchangeSimPlugin::initTestCase()
{
    m_loader = std::make_unique<QPluginLoader>(QStringLiteral(EXCHANGE_SIM_PLUGIN_PATH));
    m_plugin = qobject_cast<sm::Plugin *>(m_loader->instance());
    QVERIFY2(m_plugin, qPrintable(m_loader->errorString()));
    m_host = std::make_unique<TestHostContext>(QStringLiteral("exchange-sim"),
                                               QJsonObject{{"tick_interval_ms", 250}, {"book_depth", 3}});
    const sm::Result<void> configured = m_plugin->configure(*m_host);
    QVERIFY2(configured.ok(), configured.ok() ? "" : qPrintable(configured.error().message));
    QVERIFY(m_plugin->start().ok());
    QVERIFY(m_plugin->backendFactory());
}

TestExchangeSimPlugin::Instance TestExchangeSimPlugin::create(quint64 seed)
{
    Instance instance;
    instance.backend = m_plugin->backendFactory()->createBackend(QStringLiteral("session-1"), seed,
                                                                 instance.sink.get());
    return instance;
}

QJsonObject TestExchangeSimPlugin::request(sm::SessionBackend &backend, const QJsonObject &body)
{
    const sm::Result<QJsonObject> reply = backend.handle(body);
    if (!reply.ok())
        return QJsonObject{{"error", reply.error().message}};
    return reply.value();
}

void TestExchangeSimPlugin::ticks(sm::SessionBackend &backend, int count)
{
    for (int i = 0; i < count; ++i)
        backend.tick();
}

double TestExchangeSimPlugin::bestAsk(sm::SessionBackend &backend)
{
    const QJsonObject book = request(backend, {{"type", "book"}, {"symbol", "SIM-A"}, {"depth", 1}});
    return book.value("asks").toArray().at(0).toArray().at(0).toDouble();
}

QJsonObject TestExchangeSimPlugin::limitOrder(const QString &side, double price, int qty, const QString &clientId,
                                              const QString &symbol)
{
    return {{"type", "order"}, {"side", side},   {"symbol", symbol},          {"kind", "limit"},
            {"tif", "gtc"},    {"price", price}, {"qty", qty}, {"client_order_id", clientId}};
}

void TestExchangeSimPlugin::metadataDeclaresBackendAndItsSettings()
{
    const QJsonObject meta = m_loader->metaData().value("MetaData").toObject();
    QCOMPARE(meta.value("id").toString(), QStringLiteral("exchange-sim"));
    QCOMPARE(meta.value("kind").toString(), QStringLiteral("backend"));
    const QJsonObject config = meta.value("config").toObject();
    for (const char *key : {"tick_interval_ms", "volatility_ticks", "actions_per_step", "book_depth"})
        QVERIFY2(config.value(key).toObject().value("type").toString() == "int", key);
    QCOMPARE(config.value("tick_interval_ms").toObject().value("default").toInt(), 100);
    QCOMPARE(config.value("book_depth").toObject().value("default").toInt(), 10);
}

void TestExchangeSimPlugin::configureAppliesSettings()
{
    QCOMPARE(m_plugin->backendFactory()->tickIntervalMs(), 250);
    Instance instance = create();
    ticks(*instance.backend, 30);
    const QJsonObject book = request(*instance.backend, {{"type", "book"}, {"symbol", "SIM-A"}});
    QCOMPARE(book.value("bids").toArray().size(), 3); // book_depth
}

void TestExchangeSimPlugin::configureRefusesOutOfRangeSettings()
{
    QPluginLoader loader(QStringLiteral(EXCHANGE_SIM_PLUGIN_PATH));
    auto *plugin = qobject_cast<sm::Plugin *>(loader.instance());
    QVERIFY(plugin);
    for (const QJsonObject &settings : {QJsonObject{{"tick_interval_ms", -1}}, QJsonObject{{"book_depth", 0}},
                                        QJsonObject{{"actions_per_step", 2.5}},
                                        QJsonObject{{"volatility_ticks", "many"}}}) {
        TestHostContext host(QStringLiteral("exchange-sim"), settings);
        const sm::Result<void> configured = plugin->configure(host);
        QVERIFY(!configured.ok());
        QVERIFY2(configured.error().message.contains(settings.keys().first()),
                 qPrintable(configured.error().message));
    }
    // The shared instance is still configured as initTestCase left it.
    QCOMPARE(m_plugin->backendFactory()->tickIntervalMs(), 250);
}

void TestExchangeSimPlugin::crossingOrderIsAckedAndFilled()
{
    Instance instance = create();
    ticks(*instance.backend, 30);
    const double ask = bestAsk(*instance.backend);
    QVERIFY(ask > 0);
    instance.sink->clear();

    const QJsonObject reply = request(*instance.backend, limitOrder("buy", ask, 1, "c1"));
    QCOMPARE(reply.value("type").toString(), QStringLiteral("order.ack"));
    QCOMPARE(reply.value("client_order_id").toString(), QStringLiteral("c1"));
    QCOMPARE(reply.value("status").toString(), QStringLiteral("filled"));
    const QString orderId = reply.value("order_id").toString();
    QVERIFY(!orderId.isEmpty());

    const auto acks = instance.sink->ofType("order.ack");
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks.first().data.value("order_id").toString(), orderId);
    QCOMPARE(acks.first().data.value("price").toDouble(), ask);
    const auto fills = instance.sink->ofType("order.fill");
    QCOMPARE(fills.size(), 1);
    const QJsonObject fill = fills.first().data;
    QCOMPARE(fill.value("order_id").toString(), orderId);
    QCOMPARE(fill.value("client_order_id").toString(), QStringLiteral("c1"));
    QCOMPARE(fill.value("price").toDouble(), ask);
    QCOMPARE(fill.value("qty").toInt(), 1);
    QCOMPARE(fill.value("remaining").toInt(), 0);
    QVERIFY(instance.sink->events().indexOf(acks.first()) < instance.sink->events().indexOf(fills.first()));
    // Only the session's side of the match is reported, and nothing public without a subscription.
    QCOMPARE(instance.sink->countWithPrefix("market."), 0);
}

void TestExchangeSimPlugin::restingOrderIsAckedNewAndCanBeCancelled()
{
    Instance instance = create();
    ticks(*instance.backend, 30);
    const QJsonObject ack = request(*instance.backend, limitOrder("buy", 95.00, 7, "rest"));
    QCOMPARE(ack.value("status").toString(), QStringLiteral("new"));
    instance.sink->clear();

    const QJsonObject cancelled
        = request(*instance.backend, {{"type", "cancel"}, {"order_id", ack.value("order_id")}});
    QCOMPARE(cancelled.value("type").toString(), QStringLiteral("order.cancelled"));
    QCOMPARE(cancelled.value("order_id"), ack.value("order_id"));
    QCOMPARE(cancelled.value("client_order_id").toString(), QStringLiteral("rest"));
    const auto events = instance.sink->ofType("order.cancelled");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data.value("cancelled_qty").toInt(), 7);
    QCOMPARE(events.first().data.value("reason").toString(), QStringLiteral("requested"));
}

void TestExchangeSimPlugin::cancelOfUnknownOrFinishedOrderIsRejected()
{
    Instance instance = create();
    ticks(*instance.backend, 30);
    const QJsonObject filled = request(*instance.backend, limitOrder("buy", bestAsk(*instance.backend), 1, "f"));
    QCOMPARE(filled.value("status").toString(), QStringLiteral("filled"));

    const QJsonObject late = request(*instance.backend, {{"type", "cancel"}, {"order_id", filled.value("order_id")}});
    QCOMPARE(late.value("type").toString(), QStringLiteral("order.reject"));
    QCOMPARE(late.value("reason").toString(), QStringLiteral("too_late_to_cancel"));
    QCOMPARE(late.value("client_order_id").toString(), QStringLiteral("f"));
    for (const char *unknown : {"999999", "not-an-id"}) {
        const QJsonObject reply = request(*instance.backend, {{"type", "cancel"}, {"order_id", unknown}});
        QCOMPARE(reply.value("type").toString(), QStringLiteral("order.reject"));
        QCOMPARE(reply.value("reason").toString(), QStringLiteral("unknown_order"));
        QCOMPARE(reply.value("order_id").toString(), QString::fromLatin1(unknown));
    }
    QCOMPARE(instance.sink->ofType("order.reject").size(), 3);
}

void TestExchangeSimPlugin::rejectReasonsAreSurfaced_data()
{
    QTest::addColumn<QJsonObject>("order");
    QTest::addColumn<bool>("withLiquidity");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("hasOrderId");

    QTest::newRow("sub-cent price") << limitOrder("buy", 100.255, 1, "x") << true << "price_not_on_tick" << false;
    QTest::newRow("off the 0.05 tick of SIM-B")
        << limitOrder("buy", 250.01, 1, "x", "SIM-B") << true << "price_not_on_tick" << true;
    QTest::newRow("outside the band") << limitOrder("buy", 1000.0, 1, "x") << true << "price_out_of_band" << true;
    QTest::newRow("zero quantity") << limitOrder("buy", 100.0, 0, "x") << true << "non_positive_quantity" << true;
    QTest::newRow("huge quantity") << limitOrder("buy", 100.0, 2'000'000, "x") << true << "quantity_too_large"
                                   << true;
    QTest::newRow("unknown symbol") << limitOrder("buy", 100.0, 1, "x", "NOPE") << true << "unknown_symbol" << true;
    QTest::newRow("market order into an empty book")
        << QJsonObject{{"type", "order"}, {"side", "sell"}, {"symbol", "SIM-A"}, {"kind", "market"}, {"qty", 1},
                       {"client_order_id", "x"}}
        << false << "no_liquidity" << true;
}

void TestExchangeSimPlugin::rejectReasonsAreSurfaced()
{
    QFETCH(QJsonObject, order);
    QFETCH(bool, withLiquidity);
    QFETCH(QString, reason);
    QFETCH(bool, hasOrderId);

    Instance instance = create();
    ticks(*instance.backend, withLiquidity ? 30 : 0);
    instance.sink->clear();
    const sm::Result<QJsonObject> reply = instance.backend->handle(order);
    QVERIFY2(reply.ok(), "a reject is a normal reply, not an error");
    QCOMPARE(reply->value("type").toString(), QStringLiteral("order.reject"));
    QCOMPARE(reply->value("reason").toString(), reason);
    QCOMPARE(reply->value("client_order_id").toString(), QStringLiteral("x"));
    QVERIFY(!reply->value("message").toString().isEmpty());
    QCOMPARE(reply->contains("order_id"), hasOrderId);

    const auto events = instance.sink->ofType("order.reject");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data.value("reason").toString(), reason);
    QCOMPARE(instance.sink->ofType("order.ack").size(), 0);
}

void TestExchangeSimPlugin::decimalPricesConvertExactly()
{
    Instance instance = create();
    ticks(*instance.backend, 5);
    // 100.29 * 100 is 10028.999... in binary floating point: it must not become 100.28.
    for (const double price : {100.29, 99.01, 100.1}) {
        const QJsonObject reply = request(*instance.backend, limitOrder("buy", price, 1, "p"));
        QCOMPARE(reply.value("type").toString(), QStringLiteral("order.ack"));
        const QJsonObject orders = request(*instance.backend, {{"type", "orders"}});
        QJsonArray all = orders.value("open").toArray();
        for (const QJsonValue order : orders.value("recent").toArray())
            all.append(order);
        const auto sameId = [&reply](const QJsonValue &order) {
            return order.toObject().value("order_id") == reply.value("order_id");
        };
        const auto found = std::find_if(all.begin(), all.end(), sameId);
        QVERIFY(found != all.end());
        QCOMPARE((*found).toObject().value("price").toDouble(), price);
    }
}

void TestExchangeSimPlugin::marketDataFlowsOnlyForSubscribedSymbols()
{
    Instance instance = create();
    ticks(*instance.backend, 20);
    QCOMPARE(instance.sink->countWithPrefix("market."), 0);

    const QJsonObject subscribed = request(*instance.backend, {{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A"}}});
    QCOMPARE(subscribed.value("type").toString(), QStringLiteral("subscribed"));
    QCOMPARE(subscribed.value("symbols").toArray(), QJsonArray{"SIM-A"});
    // The stream starts from the current top of book.
    QCOMPARE(instance.sink->ofType("market.quote").size(), 1);

    ticks(*instance.backend, 50);
    QVERIFY(instance.sink->ofType("market.quote").size() > 1);
    QVERIFY(instance.sink->ofType("market.book").size() > 0);
    QVERIFY(instance.sink->ofType("market.trade").size() > 0);
    for (const RecordingSink::Record &record : instance.sink->events())
        QCOMPARE(record.data.value("symbol").toString(), QStringLiteral("SIM-A"));
    const QJsonObject quote = instance.sink->ofType("market.quote").last().data;
    QVERIFY(quote.value("bid").toDouble() < quote.value("ask").toDouble());
    QVERIFY(quote.value("bid_qty").toInt() > 0);

    const QJsonObject none = request(*instance.backend, {{"type", "unsubscribe"}, {"symbols", QJsonArray{"SIM-A"}}});
    QCOMPARE(none.value("symbols").toArray(), QJsonArray());
    instance.sink->clear();
    ticks(*instance.backend, 20);
    QCOMPARE(instance.sink->countWithPrefix("market."), 0);
}

void TestExchangeSimPlugin::subscribeToUnknownSymbolIsBadRequestNamingIt()
{
    Instance instance = create();
    const sm::Result<QJsonObject> reply
        = instance.backend->handle({{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A", "SIM-Z"}}});
    QVERIFY(!reply.ok());
    QCOMPARE(reply.error().code, sm::ErrorCode::BadRequest);
    QVERIFY2(reply.error().message.contains("SIM-Z"), qPrintable(reply.error().message));
    // Nothing was subscribed by the failed request.
    ticks(*instance.backend, 10);
    QCOMPARE(instance.sink->countWithPrefix("market."), 0);
}

void TestExchangeSimPlugin::bookReplyListsLevelsBestFirst()
{
    Instance instance = create();
    ticks(*instance.backend, 40);
    const QJsonObject book = request(*instance.backend, {{"type", "book"}, {"symbol", "SIM-B"}, {"depth", 2}});
    QCOMPARE(book.value("type").toString(), QStringLiteral("book"));
    QCOMPARE(book.value("symbol").toString(), QStringLiteral("SIM-B"));
    const QJsonArray bids = book.value("bids").toArray();
    const QJsonArray asks = book.value("asks").toArray();
    QCOMPARE(bids.size(), 2);
    QCOMPARE(asks.size(), 2);
    QVERIFY(bids.at(0).toArray().at(0).toDouble() > bids.at(1).toArray().at(0).toDouble());
    QVERIFY(asks.at(0).toArray().at(0).toDouble() < asks.at(1).toArray().at(0).toDouble());
    QVERIFY(bids.at(0).toArray().at(0).toDouble() < asks.at(0).toArray().at(0).toDouble());
    QVERIFY(bids.at(0).toArray().at(1).toInt() > 0); // quantity
    QVERIFY(bids.at(0).toArray().at(2).toInt() > 0); // orders
}

void TestExchangeSimPlugin::ordersReplyShowsStatusFillsAndAveragePrice()
{
    Instance instance = create();
    ticks(*instance.backend, 30);
    const double ask = bestAsk(*instance.backend);
    const QJsonObject filled = request(*instance.backend, limitOrder("buy", ask, 1, "taker"));
    const QJsonObject resting = request(*instance.backend, limitOrder("sell", 109.0, 4, "maker"));

    const QJsonObject orders = request(*instance.backend, {{"type", "orders"}});
    QCOMPARE(orders.value("type").toString(), QStringLiteral("orders"));
    const QJsonArray open = orders.value("open").toArray();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).toObject().value("order_id"), resting.value("order_id"));
    QCOMPARE(open.at(0).toObject().value("status").toString(), QStringLiteral("new"));
    QCOMPARE(open.at(0).toObject().value("remaining_qty").toInt(), 4);
    QVERIFY(open.at(0).toObject().value("avg_price").isNull());

    const QJsonArray recent = orders.value("recent").toArray();
    QCOMPARE(recent.size(), 1);
    const QJsonObject done = recent.at(0).toObject();
    QCOMPARE(done.value("order_id"), filled.value("order_id"));
    QCOMPARE(done.value("client_order_id").toString(), QStringLiteral("taker"));
    QCOMPARE(done.value("status").toString(), QStringLiteral("filled"));
    QCOMPARE(done.value("filled_qty").toInt(), 1);
    QCOMPARE(done.value("avg_price").toDouble(), ask);
    QCOMPARE(done.value("fills").toArray(), (QJsonArray{QJsonArray{ask, 1}}));
}

void TestExchangeSimPlugin::positionsReplyShowsQuantityCostAndPnl()
{
    Instance instance = create();
    ticks(*instance.backend, 30);
    const double ask = bestAsk(*instance.backend);
    request(*instance.backend, limitOrder("buy", ask, 2, "long"));
    const QJsonObject reply = request(*instance.backend, {{"type", "positions"}});
    QCOMPARE(reply.value("type").toString(), QStringLiteral("positions"));
    const QJsonArray positions = reply.value("positions").toArray();
    QCOMPARE(positions.size(), 3);
    const QJsonObject simA = positions.at(0).toObject();
    QCOMPARE(simA.value("symbol").toString(), QStringLiteral("SIM-A"));
    QCOMPARE(simA.value("qty").toInt(), 2);
    QCOMPARE(simA.value("realised_pnl").toDouble(), 0.0);
    QVERIFY(simA.value("avg_cost").toDouble() > 0);
    const QJsonObject simB = positions.at(1).toObject();
    QCOMPARE(simB.value("qty").toInt(), 0);
    QVERIFY(simB.value("avg_cost").isNull());
}

QList<QByteArray> TestExchangeSimPlugin::script(sm::SessionBackend &backend, int round)
{
    QList<QByteArray> replies;
    const auto call = [&](const QJsonObject &body) { replies << compact(request(backend, body)); };
    call({{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A", "SIM-C"}}});
    ticks(backend, 15);
    call(limitOrder("buy", 99.5 + round, 5, QStringLiteral("b%1").arg(round)));
    call(limitOrder("sell", 100.5 - round, 5, QStringLiteral("s%1").arg(round)));
    call({{"type", "order"}, {"side", "buy"}, {"symbol", "SIM-C"}, {"kind", "market"}, {"qty", 3}});
    ticks(backend, 10);
    call({{"type", "cancel"}, {"order_id", "5"}});
    call({{"type", "orders"}});
    call({{"type", "positions"}});
    call({{"type", "book"}, {"symbol", "SIM-A"}});
    ticks(backend, 10);
    return replies;
}

void TestExchangeSimPlugin::sameSeedAndCallsGiveIdenticalEventsAndReplies()
{
    Instance first = create(7);
    Instance second = create(7);
    const QList<QByteArray> firstReplies = script(*first.backend, 0) + script(*first.backend, 1);
    const QList<QByteArray> secondReplies = script(*second.backend, 0) + script(*second.backend, 1);
    QCOMPARE(firstReplies, secondReplies);
    QVERIFY(first.sink->events().size() > 100);
    QVERIFY(first.sink->events() == second.sink->events());
    QVERIFY(first.sink->ofType("order.fill").size() > 0);

    Instance other = create(8);
    script(*other.backend, 0);
    script(*other.backend, 1);
    QVERIFY(first.sink->events() != other.sink->events());
}

void TestExchangeSimPlugin::restoredSnapshotContinuesWithTheSameEvents()
{
    Instance original = create(11);
    script(*original.backend, 0);
    const QByteArray snapshot = original.backend->snapshot();
    original.sink->clear();
    const QList<QByteArray> originalReplies = script(*original.backend, 1);

    Instance restored = create(999); // the snapshot, not the seed, decides
    const sm::Result<void> ok = restored.backend->restore(snapshot);
    QVERIFY2(ok.ok(), ok.ok() ? "" : qPrintable(ok.error().message));
    QCOMPARE(restored.backend->snapshot(), snapshot);
    const QList<QByteArray> restoredReplies = script(*restored.backend, 1);
    QCOMPARE(restoredReplies, originalReplies);
    QVERIFY(!original.sink->events().isEmpty());
    QVERIFY(restored.sink->events() == original.sink->events());
}

void TestExchangeSimPlugin::corruptSnapshotIsRefused()
{
    Instance instance = create();
    script(*instance.backend, 0);
    const QByteArray good = instance.backend->snapshot();
    const QByteArray before = instance.backend->snapshot();
    for (const QByteArray &bad : {QByteArray("garbage"), good.left(good.size() / 2), good + "x", QByteArray()}) {
        const sm::Result<void> restored = instance.backend->restore(bad);
        QVERIFY(!restored.ok());
        QVERIFY(!restored.error().message.isEmpty());
    }
    // A refused snapshot leaves the instance as it was.
    QCOMPARE(instance.backend->snapshot(), before);
}

void TestExchangeSimPlugin::malformedRequestsAreBadRequest_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");

    const QJsonObject order = limitOrder("buy", 100.0, 1, "c");
    const auto without = [&order](const char *key) {
        QJsonObject copy = order;
        copy.remove(key);
        return copy;
    };
    const auto with = [&order](const char *key, const QJsonValue &value) {
        QJsonObject copy = order;
        copy.insert(key, value);
        return copy;
    };
    QTest::newRow("no type") << QJsonObject{{"symbol", "SIM-A"}} << "type";
    QTest::newRow("type not a string") << QJsonObject{{"type", 3}} << "type";
    QTest::newRow("unknown type") << QJsonObject{{"type", "teleport"}} << "teleport";
    QTest::newRow("order without side") << without("side") << "side";
    QTest::newRow("order with odd side") << with("side", "up") << "side";
    QTest::newRow("order without symbol") << without("symbol") << "symbol";
    QTest::newRow("order with odd kind") << with("kind", "stop") << "kind";
    QTest::newRow("order with odd tif") << with("tif", "fok") << "tif";
    QTest::newRow("limit order without price") << without("price") << "price";
    QTest::newRow("price as a string") << with("price", "100.00") << "price";
    QTest::newRow("no qty") << without("qty") << "qty";
    QTest::newRow("fractional qty") << with("qty", 1.5) << "qty";
    QTest::newRow("qty as a string") << with("qty", "10") << "qty";
    QTest::newRow("client order id not a string") << with("client_order_id", 12) << "client_order_id";
    QTest::newRow("cancel without id") << QJsonObject{{"type", "cancel"}} << "order_id";
    QTest::newRow("cancel with numeric id") << QJsonObject{{"type", "cancel"}, {"order_id", 5}} << "order_id";
    QTest::newRow("book without symbol") << QJsonObject{{"type", "book"}} << "symbol";
    QTest::newRow("book of unknown symbol") << QJsonObject{{"type", "book"}, {"symbol", "SIM-Q"}} << "SIM-Q";
    QTest::newRow("book depth zero") << QJsonObject{{"type", "book"}, {"symbol", "SIM-A"}, {"depth", 0}} << "depth";
    QTest::newRow("subscribe without symbols") << QJsonObject{{"type", "subscribe"}} << "symbols";
    QTest::newRow("subscribe to a string") << QJsonObject{{"type", "subscribe"}, {"symbols", "SIM-A"}} << "symbols";
    QTest::newRow("unsubscribe from numbers")
        << QJsonObject{{"type", "unsubscribe"}, {"symbols", QJsonArray{1}}} << "symbols";
}

void TestExchangeSimPlugin::malformedRequestsAreBadRequest()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);

    Instance instance = create();
    ticks(*instance.backend, 5);
    instance.sink->clear();
    const sm::Result<QJsonObject> reply = instance.backend->handle(body);
    QVERIFY(!reply.ok());
    QCOMPARE(reply.error().code, sm::ErrorCode::BadRequest);
    QVERIFY2(reply.error().message.contains(field), qPrintable(reply.error().message));
    QCOMPARE(instance.sink->events().size(), 0);
}

QTEST_GUILESS_MAIN(TestExchangeSimPlugin)
#include "tst_exchangesimplugin.moc"
