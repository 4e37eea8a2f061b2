#include "engine/exchange.h"
#include "testhelpers.h"

#include <QTest>

#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace sm::exchange;
using namespace sm::exchange::test;

// Routing, session order tracking, positions, queries and configuration of an Exchange.
class TestExchange : public QObject {
    Q_OBJECT

private slots:
    void defaultConfigurationHasThreeSimInstruments();
    void invalidConfigurationsAreRefused();
    void unknownSymbolIsRejectedAndRecorded();
    void ordersAreRoutedBySymbol();
    void tickSizeIsEnforcedPerInstrument();
    void marketOrderFillsAgainstGeneratorLiquidityAndIsTracked();
    void positionFollowsSessionFillsOnly();
    void restingOrderPartiallyFilledThenCancelled();
    void cancelOfClosedSessionOrderIsTooLate();
    void cancelOfUnknownOrGeneratorOrderIsUnknown();
    void recentOrdersKeepOnlyConfiguredNumber();
    void openOrdersListRestingSessionOrders();
    void bookSnapshotIsLimitedToRequestedDepth();
    void everyReasonAndErrorHasDistinctText();
};

namespace {

Exchange makeExchange(std::uint64_t seed, int warmUpSteps = 0)
{
    auto created = Exchange::create(ExchangeConfig::simDefaults(seed));
    Exchange exchange = std::move(created.value());
    std::vector<Event> ignored;
    for (int i = 0; i < warmUpSteps; ++i)
        exchange.step(ignored);
    return exchange;
}

OrderRequest request(std::string symbol, Side side, OrderKind kind, TimeInForce tif, Price price, Qty qty)
{
    return OrderRequest{std::move(symbol), "client-1", side, kind, tif, price, qty};
}

std::vector<Filled> sessionFills(const std::vector<Event> &events)
{
    std::vector<Filled> fills;
    for (const Filled &fill : eventsOf<Filled>(events)) {
        if (fill.account == kSessionAccount)
            fills.push_back(fill);
    }
    return fills;
}

} // namespace

void TestExchange::defaultConfigurationHasThreeSimInstruments()
{
    const ExchangeConfig config = ExchangeConfig::simDefaults(1);
    QCOMPARE(config.validate(), ConfigError::None);
    QCOMPARE(config.instruments.size(), std::size_t{3});
    const Exchange exchange = makeExchange(1);
    QCOMPARE(exchange.symbol(0), std::string("SIM-A"));
    QCOMPARE(exchange.symbol(1), std::string("SIM-B"));
    QCOMPARE(exchange.symbol(2), std::string("SIM-C"));
    QCOMPARE(exchange.instrumentId("SIM-C"), std::optional<InstrumentId>(2));
    QCOMPARE(exchange.instrumentId("SIM-Z"), std::optional<InstrumentId>());
}

void TestExchange::invalidConfigurationsAreRefused()
{
    const ExchangeConfig valid = ExchangeConfig::simDefaults(1);
    std::vector<std::pair<ExchangeConfig, ConfigError>> cases;
    const auto add = [&](ConfigError expected, auto &&breakIt) {
        ExchangeConfig config = valid;
        breakIt(config);
        cases.emplace_back(std::move(config), expected);
    };
    add(ConfigError::NoInstruments, [](ExchangeConfig &c) { c.instruments.clear(); });
    add(ConfigError::EmptySymbol, [](ExchangeConfig &c) { c.instruments[1].symbol.clear(); });
    add(ConfigError::DuplicateSymbol, [](ExchangeConfig &c) { c.instruments[2].symbol = "SIM-A"; });
    add(ConfigError::InvalidTickSize, [](ExchangeConfig &c) { c.instruments[0].tickSize = 0; });
    add(ConfigError::InvalidInitialPrice, [](ExchangeConfig &c) { c.instruments[1].initialPrice = 25'001; });
    add(ConfigError::InvalidInitialPrice, [](ExchangeConfig &c) { c.instruments[0].initialPrice = 0; });
    add(ConfigError::InvalidBand, [](ExchangeConfig &c) { c.instruments[0].bandBasisPoints = 0; });
    add(ConfigError::InvalidBand, [](ExchangeConfig &c) { c.instruments[0].bandBasisPoints = 10'000; });
    add(ConfigError::InvalidMaxQuantity, [](ExchangeConfig &c) { c.instruments[0].maxOrderQty = 0; });
    add(ConfigError::InvalidGenerator, [](ExchangeConfig &c) { c.generator.cancelPermille = 900; });
    add(ConfigError::InvalidGenerator, [](ExchangeConfig &c) { c.generator.depthTicks = 0; });
    add(ConfigError::InvalidGenerator, [](ExchangeConfig &c) { c.generator.maxQty = 2'000'000; });
    add(ConfigError::InvalidCapacity,
        [](ExchangeConfig &c) { c.expectedOrdersPerBook = std::size_t{1} << 30; });

    for (const auto &[config, expected] : cases) {
        const auto created = Exchange::create(config);
        QVERIFY2(!created, std::string(describe(expected)).c_str());
        QCOMPARE(created.error(), expected);
    }
}

void TestExchange::unknownSymbolIsRejectedAndRecorded()
{
    Exchange exchange = makeExchange(1);
    std::vector<Event> out;

    const RequestResult result
        = exchange.submit(request("NOPE", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 100, 5), out);

    QCOMPARE(result.reason, RejectReason::UnknownSymbol);
    QVERIFY(result.orderId != kNoOrderId);
    QCOMPARE(out,
        (std::vector<Event>{
            Rejected{kNoInstrument, result.orderId, kSessionAccount, RejectReason::UnknownSymbol}}));
    const SessionOrder *order = exchange.order(result.orderId);
    QVERIFY(order);
    QCOMPARE(order->status(), OrderStatus::Rejected);
    QCOMPARE(order->rejectReason(), RejectReason::UnknownSymbol);
    QCOMPARE(order->request().clientOrderId, std::string("client-1"));
    QCOMPARE(exchange.recentOrders(), (std::vector<const SessionOrder *>{order}));
}

void TestExchange::ordersAreRoutedBySymbol()
{
    Exchange exchange = makeExchange(1);
    std::vector<Event> out;

    const RequestResult result
        = exchange.submit(request("SIM-B", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 24'900, 3), out);

    QVERIFY(result.ok());
    QCOMPARE(eventsOf<Accepted>(out).size(), std::size_t{1});
    QCOMPARE(eventsOf<Accepted>(out).front().instrument, InstrumentId{1});
    QCOMPARE(exchange.book("SIM-B", 5)->bids, (std::vector<LevelView>{{24'900, 3, 1}}));
    QVERIFY(exchange.book("SIM-A", 5)->bids.empty());
    QVERIFY(exchange.book("SIM-C", 5)->bids.empty());
    QCOMPARE(exchange.order(result.orderId)->instrument(), InstrumentId{1});
}

void TestExchange::tickSizeIsEnforcedPerInstrument()
{
    Exchange exchange = makeExchange(1);
    std::vector<Event> out;

    QCOMPARE(exchange.submit(request("SIM-B", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 24'901, 1), out)
                 .reason,
        RejectReason::PriceNotOnTick);
    QCOMPARE(exchange.submit(request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 10'001, 1), out)
                 .reason,
        RejectReason::None);
    QCOMPARE(exchange.submit(request("SIM-C", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 6'000, 1), out)
                 .reason,
        RejectReason::PriceOutOfBand);
}

void TestExchange::marketOrderFillsAgainstGeneratorLiquidityAndIsTracked()
{
    Exchange exchange = makeExchange(11, 30);
    QVERIFY(!exchange.book("SIM-A", 1)->asks.empty());
    std::vector<Event> out;

    const RequestResult result
        = exchange.submit(request("SIM-A", Side::Buy, OrderKind::Market, TimeInForce::Ioc, 0, 60), out);

    QVERIFY(result.ok());
    const std::vector<Filled> fills = sessionFills(out);
    QVERIFY(!fills.empty());
    Qty filled = 0;
    std::int64_t notional = 0;
    std::vector<Execution> executions;
    for (const Filled &fill : fills) {
        QCOMPARE(fill.orderId, result.orderId);
        filled += fill.qty;
        notional += fill.price * fill.qty;
        executions.push_back({fill.price, fill.qty});
    }
    const SessionOrder *order = exchange.order(result.orderId);
    QCOMPARE(order->filledQty(), filled);
    QCOMPARE(order->filledNotional(), notional);
    QCOMPARE(order->averagePrice(), (notional + filled / 2) / filled);
    QCOMPARE(order->executions(), executions);
    QCOMPARE(order->status(), filled == 60 ? OrderStatus::Filled : OrderStatus::Cancelled);
    QVERIFY(!order->isOpen());
    QCOMPARE(exchange.position("SIM-A")->quantity(), filled);
    QCOMPARE(exchange.position("SIM-A")->costBasis(), notional);
}

void TestExchange::positionFollowsSessionFillsOnly()
{
    Exchange exchange = makeExchange(12, 30);
    std::vector<Event> out;
    exchange.submit(request("SIM-A", Side::Buy, OrderKind::Market, TimeInForce::Ioc, 0, 40), out);
    exchange.submit(request("SIM-A", Side::Sell, OrderKind::Market, TimeInForce::Ioc, 0, 15), out);
    for (int i = 0; i < 50; ++i)
        exchange.step(out);
    exchange.submit(request("SIM-A", Side::Sell, OrderKind::Market, TimeInForce::Ioc, 0, 45), out);

    Position expected;
    for (const Filled &fill : sessionFills(out))
        expected.applyFill(fill.side, fill.price, fill.qty);
    QVERIFY(expected.realisedPnl() != 0);
    QVERIFY(expected.quantity() != 0);
    QCOMPARE(*exchange.position("SIM-A"), expected);
    // The generator trades all the time, but only the session's own fills count.
    QCOMPARE(*exchange.position("SIM-B"), Position{});
    QVERIFY(!exchange.position("NOPE"));
}

void TestExchange::restingOrderPartiallyFilledThenCancelled()
{
    Exchange exchange = makeExchange(13, 30);
    const LevelView bestAsk = exchange.book("SIM-A", 1)->asks.front();
    std::vector<Event> out;

    const RequestResult result = exchange.submit(
        request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, bestAsk.price, bestAsk.qty + 5), out);

    const SessionOrder *order = exchange.order(result.orderId);
    QCOMPARE(order->status(), OrderStatus::PartiallyFilled);
    QCOMPARE(order->filledQty(), bestAsk.qty);
    QCOMPARE(order->remainingQty(), Qty{5});
    QCOMPARE(exchange.openOrders(), (std::vector<const SessionOrder *>{order}));

    out.clear();
    QVERIFY(exchange.cancel(result.orderId, out).ok());

    QCOMPARE(eventsOf<Cancelled>(out),
        (std::vector<Cancelled>{{0, result.orderId, kSessionAccount, 5, CancelReason::Requested}}));
    QCOMPARE(order->status(), OrderStatus::Cancelled);
    QCOMPARE(order->filledQty(), bestAsk.qty);
    QCOMPARE(order->remainingQty(), Qty{0});
    QVERIFY(exchange.openOrders().empty());
    QCOMPARE(exchange.recentOrders().back(), order);
}

void TestExchange::cancelOfClosedSessionOrderIsTooLate()
{
    Exchange exchange = makeExchange(1);
    std::vector<Event> out;
    const OrderId ioc
        = exchange.submit(request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Ioc, 9'500, 5), out)
              .orderId;
    const OrderId rejected
        = exchange.submit(request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 9'500, 0), out)
              .orderId;
    const OrderId cancelled
        = exchange.submit(request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 9'500, 5), out)
              .orderId;
    QVERIFY(exchange.cancel(cancelled, out).ok());
    QCOMPARE(exchange.order(ioc)->status(), OrderStatus::Cancelled);

    for (const OrderId id : {ioc, rejected, cancelled}) {
        out.clear();
        const RequestResult result = exchange.cancel(id, out);
        QCOMPARE(result.reason, RejectReason::TooLateToCancel);
        QCOMPARE(
            out, (std::vector<Event>{CancelRejected{0, id, kSessionAccount, RejectReason::TooLateToCancel}}));
    }
}

void TestExchange::cancelOfUnknownOrGeneratorOrderIsUnknown()
{
    Exchange exchange = makeExchange(14);
    std::vector<Event> out;
    exchange.step(out);
    const std::vector<Accepted> accepted = eventsOf<Accepted>(out);
    QVERIFY(!accepted.empty());
    QCOMPARE(accepted.front().account, kMarketAccount);

    for (const OrderId id : {accepted.front().orderId, OrderId{999'999}}) {
        out.clear();
        QCOMPARE(exchange.cancel(id, out).reason, RejectReason::UnknownOrder);
        QCOMPARE(out,
            (std::vector<Event>{
                CancelRejected{kNoInstrument, id, kSessionAccount, RejectReason::UnknownOrder}}));
    }
}

void TestExchange::recentOrdersKeepOnlyConfiguredNumber()
{
    ExchangeConfig config = ExchangeConfig::simDefaults(1);
    config.recentOrderLimit = 3;
    Exchange exchange = std::move(Exchange::create(config).value());
    std::vector<Event> out;
    std::vector<OrderId> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(
            exchange.submit(request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 10'000, 0), out)
                .orderId);

    const std::vector<const SessionOrder *> recent = exchange.recentOrders();
    QCOMPARE(recent.size(), std::size_t{3});
    QCOMPARE(recent.front()->id(), ids[2]);
    QCOMPARE(recent.back()->id(), ids[4]);
    QVERIFY(!exchange.order(ids[0]));
    QCOMPARE(exchange.cancel(ids[0], out).reason, RejectReason::UnknownOrder);
}

void TestExchange::openOrdersListRestingSessionOrders()
{
    Exchange exchange = makeExchange(1);
    std::vector<Event> out;
    const OrderId first
        = exchange.submit(request("SIM-C", Side::Sell, OrderKind::Limit, TimeInForce::Gtc, 5'100, 2), out)
              .orderId;
    exchange.submit(request("SIM-C", Side::Sell, OrderKind::Limit, TimeInForce::Ioc, 5'100, 2), out);
    const OrderId third
        = exchange.submit(request("SIM-A", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 9'900, 2), out)
              .orderId;

    const std::vector<const SessionOrder *> open = exchange.openOrders();
    QCOMPARE(open.size(), std::size_t{2});
    QCOMPARE(open[0]->id(), first);
    QCOMPARE(open[1]->id(), third);
    QCOMPARE(open[0]->status(), OrderStatus::New);
}

void TestExchange::bookSnapshotIsLimitedToRequestedDepth()
{
    const Exchange exchange = makeExchange(15, 50);

    const BookSnapshot depth = *exchange.book("SIM-B", 3);

    QCOMPARE(depth.bids.size(), std::size_t{3});
    QCOMPARE(depth.asks.size(), std::size_t{3});
    for (std::size_t i = 1; i < 3; ++i) {
        QVERIFY(depth.bids[i - 1].price > depth.bids[i].price);
        QVERIFY(depth.asks[i - 1].price < depth.asks[i].price);
    }
    QVERIFY(depth.bids.front().price < depth.asks.front().price);
    QVERIFY(!exchange.book("NOPE", 3));
}

void TestExchange::everyReasonAndErrorHasDistinctText()
{
    std::set<std::string_view> texts;
    for (int r = 0; r <= int(kLastRejectReason); ++r)
        texts.insert(describe(static_cast<RejectReason>(r)));
    QCOMPARE(texts.size(), std::size_t(int(kLastRejectReason) + 1));
    texts.clear();
    for (int s = 0; s <= int(kLastOrderStatus); ++s)
        texts.insert(describe(static_cast<OrderStatus>(s)));
    QCOMPARE(texts.size(), std::size_t(int(kLastOrderStatus) + 1));
    texts.clear();
    for (int e = 0; e <= int(ConfigError::InvalidCapacity); ++e)
        texts.insert(describe(static_cast<ConfigError>(e)));
    QCOMPARE(texts.size(), std::size_t(int(ConfigError::InvalidCapacity) + 1));
    texts.clear();
    for (int e = 0; e <= int(SnapshotError::Corrupt); ++e)
        texts.insert(describe(static_cast<SnapshotError>(e)));
    QCOMPARE(texts.size(), std::size_t(int(SnapshotError::Corrupt) + 1));
}

QTEST_APPLESS_MAIN(TestExchange)
#include "tst_exchange.moc"
