#include "engine/orderbook.h"
#include "testhelpers.h"

#include <QTest>

#include <vector>

using namespace sm::exchange;
using namespace sm::exchange::test;

// Price-time matching, remainder handling, cancels, rejects and the market-data events of a
// single book. Takers are the session, resting liquidity the market account, unless a test
// says otherwise. Instrument: tick 5, band [9'000, 11'000].
class TestOrderBook : public QObject {
    Q_OBJECT

private slots:
    void init();

    void gtcLimitOrderRestsAndPublishesLevelAndTop();
    void crossingLimitOrdersTradeAtRestingPrice();
    void aggressorPartialFillRestsRemainder();
    void partiallyFilledRestingOrderKeepsQueuePriority();
    void betterPricedAskLevelsMatchFirst();
    void higherBidLevelsMatchFirstForSellAggressor();
    void ordersAtOnePriceMatchInArrivalOrder();
    void iocRemainderIsCancelled();
    void iocThatCannotTradeIsCancelledWithoutResting();
    void marketOrderSweepsLevelsUntilFilled();
    void marketOrderRemainderIsCancelledWhenBookRunsDry();
    void marketOrderAgainstEmptySideIsRejected();
    void cancelRemovesRestingOrderAndPublishesBook();
    void cancelOfFilledOrderIsRejected();
    void cancelOfUnknownOrderIsRejected();
    void cancelOfAnotherAccountsOrderIsRejected();
    void secondCancelOfSameOrderIsRejected();
    void rejectsNonPositiveQuantity_data();
    void rejectsNonPositiveQuantity();
    void rejectsQuantityAboveInstrumentMaximum();
    void rejectsPriceNotOnTick_data();
    void rejectsPriceNotOnTick();
    void rejectsPriceOutOfBand_data();
    void rejectsPriceOutOfBand();
    void acceptsPricesOnBandEdges();
    void rejectsZeroOrDuplicateOrderId();
    void topOfBookIsPublishedOnlyWhenTouchChanges();
    void depthSnapshotListsBestLevelsFirst();

private:
    // Adds resting liquidity and forgets its events.
    void rest(OrderId id, Side side, Price price, Qty qty, AccountId account = kMarketAccount);
    std::vector<Event> submit(const NewOrder &order);
    std::vector<Event> cancel(OrderId id, AccountId requester = kSessionAccount);

    OrderBook m_book{0, testInstrument(), 64};
};

void TestOrderBook::init()
{
    m_book = OrderBook(0, testInstrument(), 64);
}

void TestOrderBook::rest(OrderId id, Side side, Price price, Qty qty, AccountId account)
{
    std::vector<Event> ignored;
    QCOMPARE(m_book.submit(limitOrder(id, side, price, qty, TimeInForce::Gtc, account), ignored),
        RejectReason::None);
    QVERIFY(m_book.isOpen(id));
}

std::vector<Event> TestOrderBook::submit(const NewOrder &order)
{
    std::vector<Event> out;
    m_book.submit(order, out);
    return out;
}

std::vector<Event> TestOrderBook::cancel(OrderId id, AccountId requester)
{
    std::vector<Event> out;
    m_book.cancel(id, requester, out);
    return out;
}

void TestOrderBook::gtcLimitOrderRestsAndPublishesLevelAndTop()
{
    std::vector<Event> out;
    QCOMPARE(m_book.submit(limitOrder(1, Side::Buy, 9'950, 10), out), RejectReason::None);

    const std::vector<Event> expected{
        Accepted{0, 1, kSessionAccount, Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 9'950, 10},
        LevelDelta{0, Side::Buy, 9'950, 10, 1},
        TopOfBook{0, 9'950, 10, 0, 0},
    };
    QCOMPARE(out, expected);
    QVERIFY(m_book.isOpen(1));
    QCOMPARE(m_book.snapshot(5).bids, (std::vector<LevelView>{{9'950, 10, 1}}));
    QVERIFY(m_book.snapshot(5).asks.empty());
}

void TestOrderBook::crossingLimitOrdersTradeAtRestingPrice()
{
    rest(1, Side::Sell, 10'050, 10);

    const std::vector<Event> expected{
        Accepted{0, 2, kSessionAccount, Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 10'100, 10},
        Filled{0, 2, kSessionAccount, Side::Buy, 10'050, 10, 0, true},
        Filled{0, 1, kMarketAccount, Side::Sell, 10'050, 10, 0, false},
        Trade{0, 10'050, 10, Side::Buy},
        LevelDelta{0, Side::Sell, 10'050, 0, 0},
        TopOfBook{0, 0, 0, 0, 0},
    };
    QCOMPARE(submit(limitOrder(2, Side::Buy, 10'100, 10)), expected);
    QVERIFY(!m_book.isOpen(1));
    QVERIFY(!m_book.isOpen(2));
    QCOMPARE(m_book.openOrderCount(), std::size_t{0});
}

void TestOrderBook::aggressorPartialFillRestsRemainder()
{
    rest(1, Side::Sell, 10'050, 4);

    const std::vector<Event> expected{
        Accepted{0, 2, kSessionAccount, Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 10'100, 10},
        Filled{0, 2, kSessionAccount, Side::Buy, 10'050, 4, 6, true},
        Filled{0, 1, kMarketAccount, Side::Sell, 10'050, 4, 0, false},
        Trade{0, 10'050, 4, Side::Buy},
        LevelDelta{0, Side::Sell, 10'050, 0, 0},
        LevelDelta{0, Side::Buy, 10'100, 6, 1},
        TopOfBook{0, 10'100, 6, 0, 0},
    };
    QCOMPARE(submit(limitOrder(2, Side::Buy, 10'100, 10)), expected);
    QVERIFY(m_book.isOpen(2));
}

void TestOrderBook::partiallyFilledRestingOrderKeepsQueuePriority()
{
    rest(1, Side::Sell, 10'050, 10);
    rest(2, Side::Sell, 10'050, 10);
    submit(limitOrder(3, Side::Buy, 10'050, 4));

    const std::vector<Event> out = submit(limitOrder(4, Side::Buy, 10'050, 8));

    const std::vector<Filled> expected{
        Filled{0, 4, kSessionAccount, Side::Buy, 10'050, 6, 2, true},
        Filled{0, 1, kMarketAccount, Side::Sell, 10'050, 6, 0, false},
        Filled{0, 4, kSessionAccount, Side::Buy, 10'050, 2, 0, true},
        Filled{0, 2, kMarketAccount, Side::Sell, 10'050, 2, 8, false},
    };
    QCOMPARE(eventsOf<Filled>(out), expected);
    QCOMPARE(eventsOf<LevelDelta>(out), (std::vector<LevelDelta>{{0, Side::Sell, 10'050, 8, 1}}));
}

void TestOrderBook::betterPricedAskLevelsMatchFirst()
{
    rest(1, Side::Sell, 10'100, 5);
    rest(2, Side::Sell, 10'050, 5);
    rest(3, Side::Sell, 10'075, 5);

    const std::vector<Event> out = submit(limitOrder(4, Side::Buy, 10'100, 12));

    const std::vector<Trade> trades{
        {0, 10'050, 5, Side::Buy},
        {0, 10'075, 5, Side::Buy},
        {0, 10'100, 2, Side::Buy},
    };
    QCOMPARE(eventsOf<Trade>(out), trades);
    const std::vector<LevelDelta> levels{
        {0, Side::Sell, 10'050, 0, 0},
        {0, Side::Sell, 10'075, 0, 0},
        {0, Side::Sell, 10'100, 3, 1},
    };
    QCOMPARE(eventsOf<LevelDelta>(out), levels);
    QCOMPARE(eventsOf<TopOfBook>(out), (std::vector<TopOfBook>{{0, 0, 0, 10'100, 3}}));
}

void TestOrderBook::higherBidLevelsMatchFirstForSellAggressor()
{
    rest(1, Side::Buy, 9'900, 5);
    rest(2, Side::Buy, 9'990, 5);
    rest(3, Side::Buy, 9'950, 5);

    const std::vector<Event> out = submit(limitOrder(4, Side::Sell, 9'950, 12));

    const std::vector<Trade> trades{
        {0, 9'990, 5, Side::Sell},
        {0, 9'950, 5, Side::Sell},
    };
    QCOMPARE(eventsOf<Trade>(out), trades);
    // The 9'900 bid is below the seller's limit: the remainder rests at 9'950 instead.
    QVERIFY(m_book.isOpen(1));
    QCOMPARE(m_book.snapshot(5).asks, (std::vector<LevelView>{{9'950, 2, 1}}));
    QCOMPARE(m_book.snapshot(5).bids, (std::vector<LevelView>{{9'900, 5, 1}}));
}

void TestOrderBook::ordersAtOnePriceMatchInArrivalOrder()
{
    rest(1, Side::Sell, 10'050, 3);
    rest(2, Side::Sell, 10'050, 3);
    rest(3, Side::Sell, 10'050, 3);

    const std::vector<Event> out = submit(limitOrder(4, Side::Buy, 10'050, 7));

    std::vector<OrderId> makers;
    std::vector<Qty> makerQtys;
    for (const Filled &fill : eventsOf<Filled>(out)) {
        if (!fill.aggressor) {
            makers.push_back(fill.orderId);
            makerQtys.push_back(fill.qty);
        }
    }
    QCOMPARE(makers, (std::vector<OrderId>{1, 2, 3}));
    QCOMPARE(makerQtys, (std::vector<Qty>{3, 3, 1}));
    // One aggregate update for the level, not one per fill.
    QCOMPARE(eventsOf<LevelDelta>(out), (std::vector<LevelDelta>{{0, Side::Sell, 10'050, 2, 1}}));
}

void TestOrderBook::iocRemainderIsCancelled()
{
    rest(1, Side::Sell, 10'050, 4);

    const std::vector<Event> expected{
        Accepted{0, 2, kSessionAccount, Side::Buy, OrderKind::Limit, TimeInForce::Ioc, 10'100, 10},
        Filled{0, 2, kSessionAccount, Side::Buy, 10'050, 4, 6, true},
        Filled{0, 1, kMarketAccount, Side::Sell, 10'050, 4, 0, false},
        Trade{0, 10'050, 4, Side::Buy},
        LevelDelta{0, Side::Sell, 10'050, 0, 0},
        Cancelled{0, 2, kSessionAccount, 6, CancelReason::UnfilledRemainder},
        TopOfBook{0, 0, 0, 0, 0},
    };
    QCOMPARE(submit(limitOrder(2, Side::Buy, 10'100, 10, TimeInForce::Ioc)), expected);
    QVERIFY(!m_book.isOpen(2));
    QVERIFY(m_book.snapshot(5).bids.empty());
}

void TestOrderBook::iocThatCannotTradeIsCancelledWithoutResting()
{
    rest(1, Side::Sell, 10'100, 4);

    const std::vector<Event> expected{
        Accepted{0, 2, kSessionAccount, Side::Buy, OrderKind::Limit, TimeInForce::Ioc, 10'050, 5},
        Cancelled{0, 2, kSessionAccount, 5, CancelReason::UnfilledRemainder},
    };
    QCOMPARE(submit(limitOrder(2, Side::Buy, 10'050, 5, TimeInForce::Ioc)), expected);
    QCOMPARE(m_book.openOrderCount(), std::size_t{1});
}

void TestOrderBook::marketOrderSweepsLevelsUntilFilled()
{
    rest(1, Side::Sell, 10'050, 5);
    rest(2, Side::Sell, 10'100, 5);

    const std::vector<Event> out = submit(marketOrder(3, Side::Buy, 7));

    const std::vector<Trade> trades{{0, 10'050, 5, Side::Buy}, {0, 10'100, 2, Side::Buy}};
    QCOMPARE(eventsOf<Trade>(out), trades);
    QVERIFY(eventsOf<Cancelled>(out).empty());
    QCOMPARE(m_book.snapshot(5).asks, (std::vector<LevelView>{{10'100, 3, 1}}));
}

void TestOrderBook::marketOrderRemainderIsCancelledWhenBookRunsDry()
{
    rest(1, Side::Sell, 10'050, 5);

    const std::vector<Event> out = submit(marketOrder(2, Side::Buy, 8));

    QCOMPARE(eventsOf<Trade>(out), (std::vector<Trade>{{0, 10'050, 5, Side::Buy}}));
    QCOMPARE(eventsOf<Cancelled>(out),
        (std::vector<Cancelled>{{0, 2, kSessionAccount, 3, CancelReason::UnfilledRemainder}}));
    QCOMPARE(m_book.openOrderCount(), std::size_t{0});
}

void TestOrderBook::marketOrderAgainstEmptySideIsRejected()
{
    rest(1, Side::Buy, 9'950, 10);
    std::vector<Event> out;

    QCOMPARE(m_book.submit(marketOrder(2, Side::Buy, 5), out), RejectReason::NoLiquidity);

    QCOMPARE(out, (std::vector<Event>{Rejected{0, 2, kSessionAccount, RejectReason::NoLiquidity}}));
    QCOMPARE(m_book.snapshot(5).bids, (std::vector<LevelView>{{9'950, 10, 1}}));
}

void TestOrderBook::cancelRemovesRestingOrderAndPublishesBook()
{
    rest(1, Side::Buy, 9'950, 10, kSessionAccount);
    rest(2, Side::Buy, 9'950, 5, kSessionAccount);

    const std::vector<Event> first{
        Cancelled{0, 1, kSessionAccount, 10, CancelReason::Requested},
        LevelDelta{0, Side::Buy, 9'950, 5, 1},
        TopOfBook{0, 9'950, 5, 0, 0},
    };
    QCOMPARE(cancel(1), first);
    const std::vector<Event> second{
        Cancelled{0, 2, kSessionAccount, 5, CancelReason::Requested},
        LevelDelta{0, Side::Buy, 9'950, 0, 0},
        TopOfBook{0, 0, 0, 0, 0},
    };
    QCOMPARE(cancel(2), second);
    QCOMPARE(m_book.openOrderCount(), std::size_t{0});
}

void TestOrderBook::cancelOfFilledOrderIsRejected()
{
    rest(1, Side::Sell, 10'050, 5, kSessionAccount);
    submit(limitOrder(2, Side::Buy, 10'050, 5, TimeInForce::Gtc, kMarketAccount));
    std::vector<Event> out;

    // The book only knows live orders; Exchange refines this to TooLateToCancel.
    QCOMPARE(m_book.cancel(1, kSessionAccount, out), RejectReason::UnknownOrder);

    QCOMPARE(out, (std::vector<Event>{CancelRejected{0, 1, kSessionAccount, RejectReason::UnknownOrder}}));
}

void TestOrderBook::cancelOfUnknownOrderIsRejected()
{
    QCOMPARE(
        cancel(42), (std::vector<Event>{CancelRejected{0, 42, kSessionAccount, RejectReason::UnknownOrder}}));
}

void TestOrderBook::cancelOfAnotherAccountsOrderIsRejected()
{
    rest(1, Side::Buy, 9'950, 10, kMarketAccount);

    QCOMPARE(cancel(1, kSessionAccount),
        (std::vector<Event>{CancelRejected{0, 1, kSessionAccount, RejectReason::UnknownOrder}}));
    QVERIFY(m_book.isOpen(1));
}

void TestOrderBook::secondCancelOfSameOrderIsRejected()
{
    rest(1, Side::Buy, 9'950, 10, kSessionAccount);
    cancel(1);

    QCOMPARE(
        cancel(1), (std::vector<Event>{CancelRejected{0, 1, kSessionAccount, RejectReason::UnknownOrder}}));
}

void TestOrderBook::rejectsNonPositiveQuantity_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("qty");
    QTest::newRow("limit zero") << int(OrderKind::Limit) << qint64(0);
    QTest::newRow("limit negative") << int(OrderKind::Limit) << qint64(-5);
    QTest::newRow("market zero") << int(OrderKind::Market) << qint64(0);
}

void TestOrderBook::rejectsNonPositiveQuantity()
{
    QFETCH(int, kind);
    QFETCH(qint64, qty);
    rest(1, Side::Sell, 10'050, 5);
    NewOrder order = limitOrder(2, Side::Buy, 10'050, qty);
    order.kind = static_cast<OrderKind>(kind);

    QCOMPARE(submit(order),
        (std::vector<Event>{Rejected{0, 2, kSessionAccount, RejectReason::NonPositiveQuantity}}));
    QCOMPARE(m_book.snapshot(5).asks, (std::vector<LevelView>{{10'050, 5, 1}}));
}

void TestOrderBook::rejectsQuantityAboveInstrumentMaximum()
{
    const Qty tooMuch = testInstrument().maxOrderQty + 1;

    QCOMPARE(submit(limitOrder(1, Side::Buy, 9'950, tooMuch)),
        (std::vector<Event>{Rejected{0, 1, kSessionAccount, RejectReason::QuantityTooLarge}}));
    QVERIFY(!m_book.isOpen(1));
}

void TestOrderBook::rejectsPriceNotOnTick_data()
{
    QTest::addColumn<qint64>("price");
    QTest::newRow("one above a tick") << qint64(10'001);
    QTest::newRow("one below a tick") << qint64(9'999);
    QTest::newRow("negative off tick") << qint64(-3);
}

void TestOrderBook::rejectsPriceNotOnTick()
{
    QFETCH(qint64, price);

    QCOMPARE(submit(limitOrder(1, Side::Buy, price, 5)),
        (std::vector<Event>{Rejected{0, 1, kSessionAccount, RejectReason::PriceNotOnTick}}));
    QCOMPARE(m_book.openOrderCount(), std::size_t{0});
}

void TestOrderBook::rejectsPriceOutOfBand_data()
{
    QTest::addColumn<qint64>("price");
    QTest::newRow("one tick below band") << qint64(8'995);
    QTest::newRow("one tick above band") << qint64(11'005);
    QTest::newRow("zero") << qint64(0);
    QTest::newRow("negative") << qint64(-10'000);
}

void TestOrderBook::rejectsPriceOutOfBand()
{
    QFETCH(qint64, price);

    QCOMPARE(submit(limitOrder(1, Side::Sell, price, 5)),
        (std::vector<Event>{Rejected{0, 1, kSessionAccount, RejectReason::PriceOutOfBand}}));
    QCOMPARE(m_book.openOrderCount(), std::size_t{0});
}

void TestOrderBook::acceptsPricesOnBandEdges()
{
    QCOMPARE(m_book.minPrice(), Price{9'000});
    QCOMPARE(m_book.maxPrice(), Price{11'000});
    rest(1, Side::Buy, 9'000, 1);
    rest(2, Side::Sell, 11'000, 1);
}

void TestOrderBook::rejectsZeroOrDuplicateOrderId()
{
    QCOMPARE(submit(limitOrder(kNoOrderId, Side::Buy, 9'950, 5)),
        (std::vector<Event>{Rejected{0, kNoOrderId, kSessionAccount, RejectReason::InvalidOrderId}}));
    rest(1, Side::Buy, 9'950, 5);

    QCOMPARE(submit(limitOrder(1, Side::Sell, 10'050, 5)),
        (std::vector<Event>{Rejected{0, 1, kSessionAccount, RejectReason::InvalidOrderId}}));
    QCOMPARE(m_book.openOrderCount(), std::size_t{1});
    QVERIFY(m_book.snapshot(5).asks.empty());
}

void TestOrderBook::topOfBookIsPublishedOnlyWhenTouchChanges()
{
    QCOMPARE(eventsOf<TopOfBook>(submit(limitOrder(1, Side::Buy, 9'950, 10))),
        (std::vector<TopOfBook>{{0, 9'950, 10, 0, 0}}));

    const std::vector<Event> behindTouch = submit(limitOrder(2, Side::Buy, 9'900, 5));
    QVERIFY(eventsOf<TopOfBook>(behindTouch).empty());
    QCOMPARE(eventsOf<LevelDelta>(behindTouch), (std::vector<LevelDelta>{{0, Side::Buy, 9'900, 5, 1}}));

    QCOMPARE(eventsOf<TopOfBook>(submit(limitOrder(3, Side::Buy, 9'950, 5))),
        (std::vector<TopOfBook>{{0, 9'950, 15, 0, 0}}));
    QCOMPARE(eventsOf<TopOfBook>(submit(limitOrder(4, Side::Sell, 10'050, 7))),
        (std::vector<TopOfBook>{{0, 9'950, 15, 10'050, 7}}));
    QVERIFY(eventsOf<TopOfBook>(cancel(2)).empty());
    QCOMPARE(m_book.top(), (TopOfBook{0, 9'950, 15, 10'050, 7}));
}

void TestOrderBook::depthSnapshotListsBestLevelsFirst()
{
    rest(1, Side::Buy, 9'900, 1);
    rest(2, Side::Buy, 9'950, 2);
    rest(3, Side::Buy, 9'950, 3);
    rest(4, Side::Buy, 9'800, 4);
    rest(5, Side::Sell, 10'200, 5);
    rest(6, Side::Sell, 10'050, 6);
    rest(7, Side::Sell, 10'100, 7);

    const BookSnapshot depth = m_book.snapshot(2);

    QCOMPARE(depth.bids, (std::vector<LevelView>{{9'950, 5, 2}, {9'900, 1, 1}}));
    QCOMPARE(depth.asks, (std::vector<LevelView>{{10'050, 6, 1}, {10'100, 7, 1}}));
    QCOMPARE(m_book.snapshot(10).bids.size(), std::size_t{3});
    QCOMPARE(m_book.snapshot(10).asks.size(), std::size_t{3});
}

QTEST_APPLESS_MAIN(TestOrderBook)
#include "tst_orderbook.moc"
