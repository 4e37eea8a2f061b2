#include "engine/exchange.h"
#include "sessionscript.h"
#include "testhelpers.h"

#include <QTest>

#include <utility>
#include <vector>

using namespace sm::exchange;
using namespace sm::exchange::test;

// The synthetic counterparty: reproducibility, the liquidity it provides, and that it
// trades with the session's resting orders as its fair value moves.
class TestMarketGenerator : public QObject {
    Q_OBJECT

private slots:
    void sameSeedAndCallsGiveIdenticalEvents();
    void differentSeedsGiveDifferentEvents();
    void stepsBuildTwoSidedBooksInsideBand();
    void generatorOrdersAreNeverRejected();
    void liveOrdersStayWithinConfiguredCap();
    void sessionRestingOrdersGetFilledAsMarketMoves();
    void zeroVolatilityKeepsTradesAroundReference();
    void zeroRateProducesNoActivity();
};

namespace {

Exchange makeExchange(const ExchangeConfig &config)
{
    auto created = Exchange::create(config);
    return std::move(created.value());
}

std::vector<Event> scriptedRun(std::uint64_t exchangeSeed, std::uint64_t scriptSeed, int calls)
{
    Exchange exchange = makeExchange(ExchangeConfig::simDefaults(exchangeSeed));
    SessionScript script(scriptSeed);
    std::vector<Event> out;
    script.run(exchange, calls, out);
    return out;
}

std::vector<Event> steps(Exchange &exchange, int count)
{
    std::vector<Event> out;
    for (int i = 0; i < count; ++i)
        exchange.step(out);
    return out;
}

std::size_t restingOrders(const BookSnapshot &depth)
{
    std::size_t orders = 0;
    for (const LevelView &level : depth.bids)
        orders += level.orders;
    for (const LevelView &level : depth.asks)
        orders += level.orders;
    return orders;
}

} // namespace

void TestMarketGenerator::sameSeedAndCallsGiveIdenticalEvents()
{
    const std::vector<Event> first = scriptedRun(42, 7, 3'000);
    const std::vector<Event> second = scriptedRun(42, 7, 3'000);

    QVERIFY(first.size() > 10'000);
    QVERIFY(!eventsOf<Trade>(first).empty());
    QCOMPARE(first, second);
}

void TestMarketGenerator::differentSeedsGiveDifferentEvents()
{
    Exchange a = makeExchange(ExchangeConfig::simDefaults(42));
    Exchange b = makeExchange(ExchangeConfig::simDefaults(43));

    QVERIFY(steps(a, 100) != steps(b, 100));
}

void TestMarketGenerator::stepsBuildTwoSidedBooksInsideBand()
{
    const ExchangeConfig config = ExchangeConfig::simDefaults(3);
    Exchange exchange = makeExchange(config);
    steps(exchange, 200);

    for (const InstrumentConfig &instrument : config.instruments) {
        const BookSnapshot depth = *exchange.book(instrument.symbol, 1000);
        QVERIFY2(!depth.bids.empty() && !depth.asks.empty(), instrument.symbol.c_str());
        QVERIFY(depth.bids.front().price < depth.asks.front().price);
        const Price width = instrument.initialPrice * instrument.bandBasisPoints / 10'000;
        QVERIFY(depth.bids.back().price >= instrument.initialPrice - width);
        QVERIFY(depth.asks.back().price <= instrument.initialPrice + width);
    }
}

void TestMarketGenerator::generatorOrdersAreNeverRejected()
{
    ExchangeConfig config = ExchangeConfig::simDefaults(4);
    config.generator.volatilityTicks = 50; // drives the fair value into the band edges
    Exchange exchange = makeExchange(config);

    const std::vector<Event> out = steps(exchange, 3'000);

    QVERIFY(eventsOf<Rejected>(out).empty());
    QVERIFY(eventsOf<CancelRejected>(out).empty());
    QVERIFY(eventsOf<Trade>(out).size() > 1'000);
}

void TestMarketGenerator::liveOrdersStayWithinConfiguredCap()
{
    ExchangeConfig config = ExchangeConfig::simDefaults(5);
    config.generator.cancelPermille = 0;
    config.generator.crossPermille = 0;
    config.generator.maxLiveOrders = 40;
    Exchange exchange = makeExchange(config);

    steps(exchange, 500);

    for (const InstrumentConfig &instrument : config.instruments)
        QVERIFY(restingOrders(*exchange.book(instrument.symbol, 1000)) <= 40);
    QVERIFY(restingOrders(*exchange.book("SIM-A", 1000)) >= 30);
}

void TestMarketGenerator::sessionRestingOrdersGetFilledAsMarketMoves()
{
    ExchangeConfig config = ExchangeConfig::simDefaults(6);
    config.generator.volatilityTicks = 5;
    Exchange exchange = makeExchange(config);
    std::vector<Event> out;
    // Ten ticks either side of the reference: beyond the generator's initial reach of
    // depthTicks (8), so only a moving market can fill them.
    const OrderId buy
        = exchange.submit({"SIM-A", "b", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 9'990, 30}, out)
              .orderId;
    const OrderId sell
        = exchange.submit({"SIM-A", "s", Side::Sell, OrderKind::Limit, TimeInForce::Gtc, 10'010, 30}, out)
              .orderId;
    exchange.step(out);
    QCOMPARE(exchange.order(buy)->filledQty(), Qty{0});
    QCOMPARE(exchange.order(sell)->filledQty(), Qty{0});

    int step = 1;
    while (step < 20'000 && (exchange.order(buy)->isOpen() || exchange.order(sell)->isOpen())) {
        exchange.step(out);
        ++step;
    }

    QVERIFY2(step < 20'000, "resting session orders were never filled");
    QCOMPARE(exchange.order(buy)->status(), OrderStatus::Filled);
    QCOMPARE(exchange.order(sell)->status(), OrderStatus::Filled);
    // Resting orders fill at their own price whoever crosses them: 30 bought 20 below sold.
    QCOMPARE(exchange.position("SIM-A")->quantity(), Qty{0});
    QCOMPARE(exchange.position("SIM-A")->realisedPnl(), std::int64_t{30 * 20});
}

void TestMarketGenerator::zeroVolatilityKeepsTradesAroundReference()
{
    ExchangeConfig config = ExchangeConfig::simDefaults(7);
    config.generator.volatilityTicks = 0;
    config.generator.depthTicks = 4;
    Exchange exchange = makeExchange(config);

    const std::vector<Event> out = steps(exchange, 1'000);

    QVERIFY(!eventsOf<Trade>(out).empty());
    for (const Trade &trade : eventsOf<Trade>(out)) {
        const InstrumentConfig &instrument = config.instruments[trade.instrument];
        QVERIFY(trade.price >= instrument.initialPrice - 4 * instrument.tickSize);
        QVERIFY(trade.price <= instrument.initialPrice + 4 * instrument.tickSize);
    }
}

void TestMarketGenerator::zeroRateProducesNoActivity()
{
    ExchangeConfig config = ExchangeConfig::simDefaults(8);
    config.generator.actionsPerStep = 0;
    Exchange exchange = makeExchange(config);

    QVERIFY(steps(exchange, 100).empty());
}

QTEST_APPLESS_MAIN(TestMarketGenerator)
#include "tst_marketgenerator.moc"
