#include "engine/position.h"

#include <QTest>

using namespace sm::exchange;

// Average-cost position keeping: quantity, cost basis, average cost and realised PnL.
class TestPosition : public QObject {
    Q_OBJECT

private slots:
    void newPositionIsFlat();
    void buysAccumulateCostAndAveragePrice();
    void partialSellRealisesPnlAgainstAverageCost();
    void closingToFlatReleasesExactCost();
    void shortPositionGainsWhenPriceFalls();
    void fillThroughFlatOpensOppositePositionAtFillPrice();
};

void TestPosition::newPositionIsFlat()
{
    const Position position;
    QCOMPARE(position.quantity(), Qty{0});
    QCOMPARE(position.averageCost(), Price{0});
    QCOMPARE(position.realisedPnl(), std::int64_t{0});
}

void TestPosition::buysAccumulateCostAndAveragePrice()
{
    Position position;
    position.applyFill(Side::Buy, 100, 10);
    position.applyFill(Side::Buy, 104, 30);

    QCOMPARE(position.quantity(), Qty{40});
    QCOMPARE(position.costBasis(), std::int64_t{4'120});
    QCOMPARE(position.averageCost(), Price{103});
    QCOMPARE(position.realisedPnl(), std::int64_t{0});
}

void TestPosition::partialSellRealisesPnlAgainstAverageCost()
{
    Position position;
    position.applyFill(Side::Buy, 100, 10);
    position.applyFill(Side::Buy, 104, 30);

    position.applyFill(Side::Sell, 110, 20);

    // 20 x 110 received against 20 x 103 average cost.
    QCOMPARE(position.realisedPnl(), std::int64_t{140});
    QCOMPARE(position.quantity(), Qty{20});
    QCOMPARE(position.costBasis(), std::int64_t{2'060});
    QCOMPARE(position.averageCost(), Price{103});
}

void TestPosition::closingToFlatReleasesExactCost()
{
    Position position;
    position.applyFill(Side::Buy, 100, 3);
    position.applyFill(Side::Buy, 101, 3); // cost 603: average 100.5 is not integral
    position.applyFill(Side::Sell, 102, 2);
    position.applyFill(Side::Sell, 99, 4);

    // Bought for 603, sold for 204 + 396 = 600: the total must be exact despite rounding.
    QCOMPARE(position.quantity(), Qty{0});
    QCOMPARE(position.costBasis(), std::int64_t{0});
    QCOMPARE(position.realisedPnl(), std::int64_t{-3});
    QCOMPARE(position.averageCost(), Price{0});
}

void TestPosition::shortPositionGainsWhenPriceFalls()
{
    Position position;
    position.applyFill(Side::Sell, 200, 10);

    position.applyFill(Side::Buy, 190, 4);

    QCOMPARE(position.quantity(), Qty{-6});
    QCOMPARE(position.averageCost(), Price{200});
    QCOMPARE(position.realisedPnl(), std::int64_t{40});
}

void TestPosition::fillThroughFlatOpensOppositePositionAtFillPrice()
{
    Position position;
    position.applyFill(Side::Buy, 100, 5);

    position.applyFill(Side::Sell, 110, 8);

    QCOMPARE(position.realisedPnl(), std::int64_t{50});
    QCOMPARE(position.quantity(), Qty{-3});
    QCOMPARE(position.costBasis(), std::int64_t{330});
    QCOMPARE(position.averageCost(), Price{110});
}

QTEST_APPLESS_MAIN(TestPosition)
#include "tst_position.moc"
