#include "engine/orderbook.h"
#include "engine/prng.h"
#include "referencebook.h"
#include "testhelpers.h"

#include <QTest>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>
#include <vector>

using namespace sm::exchange;
using namespace sm::exchange::test;

// Randomised differential test: long random sequences of adds, crosses, market orders and
// cancels (including cancels of dead and foreign ids) must produce exactly the fills,
// rejects and depth of the naive ReferenceBook, and self-consistent L1/L2 events.
class TestOrderBookModel : public QObject {
    Q_OBJECT

private slots:
    void randomOrderFlowMatchesReferenceModel_data();
    void randomOrderFlowMatchesReferenceModel();
};

namespace {

constexpr Qty kMaxQty = 1000;

std::vector<ReferenceFill> fillsIn(const std::vector<Event> &events)
{
    std::vector<ReferenceFill> fills;
    for (const Filled &f : eventsOf<Filled>(events))
        fills.push_back({f.orderId, f.price, f.qty, f.remaining, f.aggressor});
    return fills;
}

// The last LevelDelta of each touched level must describe that level as it now is.
bool levelDeltasMatchDepth(const std::vector<Event> &events, const BookSnapshot &depth)
{
    std::map<std::pair<Side, Price>, LevelDelta> last;
    for (const LevelDelta &delta : eventsOf<LevelDelta>(events))
        last[{delta.side, delta.price}] = delta;
    for (const auto &[key, delta] : last) {
        const auto &levels = key.first == Side::Buy ? depth.bids : depth.asks;
        const auto it = std::find_if(
            levels.begin(), levels.end(), [&](const LevelView &l) { return l.price == key.second; });
        const LevelView actual = it == levels.end() ? LevelView{key.second, 0, 0} : *it;
        if (actual.qty != delta.qty || actual.orders != delta.orders)
            return false;
    }
    return true;
}

NewOrder randomOrder(Prng &rng, OrderId id)
{
    const Side side = rng.below(2) == 0 ? Side::Buy : Side::Sell;
    // Prices cluster around 10'000 so books cross often; a few are off tick or out of band.
    Price price = 10'000 + (static_cast<Price>(rng.below(41)) - 20) * 5;
    if (rng.below(50) == 0)
        price += 1;
    if (rng.below(50) == 0)
        price = side == Side::Buy ? 8'995 : 11'005;
    Qty qty = 1 + static_cast<Qty>(rng.below(60));
    if (rng.below(100) == 0)
        qty = rng.below(2) == 0 ? 0 : kMaxQty + 1;
    const std::uint32_t flavour = rng.below(10);
    const OrderKind kind = flavour == 0 ? OrderKind::Market : OrderKind::Limit;
    const TimeInForce tif = flavour <= 2 ? TimeInForce::Ioc : TimeInForce::Gtc;
    const AccountId account = rng.below(2) == 0 ? kSessionAccount : kMarketAccount;
    return NewOrder{id, account, side, kind, tif, price, qty};
}

} // namespace

void TestOrderBookModel::randomOrderFlowMatchesReferenceModel_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("expectedOrders");
    QTest::newRow("seed 1, presized") << quint64(1) << 1024;
    QTest::newRow("seed 2, grows from tiny") << quint64(2) << 1;
    QTest::newRow("seed 3, presized") << quint64(3) << 1024;
}

void TestOrderBookModel::randomOrderFlowMatchesReferenceModel()
{
    QFETCH(quint64, seed);
    QFETCH(int, expectedOrders);
    OrderBook book(
        0, InstrumentConfig{"TEST", 5, 10'000, 1000, kMaxQty}, static_cast<std::size_t>(expectedOrders));
    ReferenceBook reference(InstrumentConfig{"TEST", 5, 10'000, 1000, kMaxQty});
    Prng rng(seed);
    std::vector<Event> out;
    std::vector<ReferenceFill> expectedFills;
    OrderId nextId = 1;
    std::size_t trades = 0;

    for (int op = 0; op < 20'000; ++op) {
        out.clear();
        expectedFills.clear();
        const TopOfBook before = book.top();
        // Cancels target recent ids: some live, some filled, some foreign, some never used.
        if (rng.below(100) < 35 && nextId > 1) {
            const OrderId target = nextId - 1 - std::min<OrderId>(nextId - 1, rng.below(200));
            const AccountId requester = rng.below(2) == 0 ? kSessionAccount : kMarketAccount;
            QCOMPARE(book.cancel(target, requester, out), reference.cancel(target, requester));
        } else {
            const NewOrder order = randomOrder(rng, nextId++);
            QCOMPARE(book.submit(order, out), reference.submit(order, expectedFills));
        }
        QCOMPARE(fillsIn(out), expectedFills);
        const BookSnapshot depth = book.snapshot(std::numeric_limits<std::size_t>::max());
        QCOMPARE(depth, reference.snapshot());
        QVERIFY(levelDeltasMatchDepth(out, depth));
        const std::vector<TopOfBook> tops = eventsOf<TopOfBook>(out);
        QCOMPARE(tops.size(), std::size_t(book.top() == before ? 0 : 1));
        if (!tops.empty())
            QCOMPARE(tops.front(), book.top());
        trades += eventsOf<Trade>(out).size();
    }
    // The flow must actually exercise matching, not just resting orders.
    QVERIFY2(trades > 5'000, qPrintable(QString::number(trades)));
}

QTEST_APPLESS_MAIN(TestOrderBookModel)
#include "tst_orderbookmodel.moc"
