// The quality score's documented weights (docs/dashboard.md) and the recent-event
// counter it is fed with, driven by an explicit clock.
#include "monitor/qualityscore.h"
#include "monitor/recentcounter.h"

#include <QTest>

using sm::QualityScore;
using sm::RecentCounter;

class TestQualityScore : public QObject {
    Q_OBJECT

private slots:
    void healthyConnectionScoresFullMarks();
    void unknownRttCostsNothing();
    void eachFactorAtItsWorstLosesExactlyItsWeight_data();
    void eachFactorAtItsWorstLosesExactlyItsWeight();
    void factorsLoseLinearlyBetweenGoodAndBad();
    void everythingBadScoresZeroWithReasonsWorstFirst();
    void recentCounterCountsIncrementsWithinTheWindowOnly();
    void recentCounterBaselineIgnoresOlderHistory();
};

void TestQualityScore::healthyConnectionScoresFullMarks()
{
    const QualityScore score = QualityScore::compute({20, 1024, 5, 0, 1});
    QCOMPARE(score.score, 100);
    QVERIFY(score.reasons.isEmpty());
}

void TestQualityScore::unknownRttCostsNothing()
{
    QCOMPARE(QualityScore::compute({-1, 0, 0, 0, 0}).score, 100);
}

void TestQualityScore::eachFactorAtItsWorstLosesExactlyItsWeight_data()
{
    QTest::addColumn<double>("rttMs");
    QTest::addColumn<qint64>("backlog");
    QTest::addColumn<double>("flushMs");
    QTest::addColumn<quint64>("drops");
    QTest::addColumn<quint64>("reconnects");
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("reason");
    QTest::newRow("rtt 20") << 1000.0 << qint64(0) << 0.0 << quint64(0) << quint64(0) << 80 << "rtt";
    QTest::newRow("backlog 25") << -1.0 << qint64(512 * 1024) << 0.0 << quint64(0) << quint64(0) << 75
                                << "backlog";
    QTest::newRow("flush 20") << -1.0 << qint64(0) << 5000.0 << quint64(0) << quint64(0) << 80 << "flush";
    QTest::newRow("drops 20") << -1.0 << qint64(0) << 0.0 << quint64(10) << quint64(0) << 80 << "drops";
    QTest::newRow("reconnects 15") << -1.0 << qint64(0) << 0.0 << quint64(0) << quint64(6) << 85
                                   << "reconnects";
}

void TestQualityScore::eachFactorAtItsWorstLosesExactlyItsWeight()
{
    QFETCH(double, rttMs);
    QFETCH(qint64, backlog);
    QFETCH(double, flushMs);
    QFETCH(quint64, drops);
    QFETCH(quint64, reconnects);
    QFETCH(int, expected);
    QFETCH(QString, reason);
    const QualityScore score = QualityScore::compute({rttMs, backlog, flushMs, drops, reconnects});
    QCOMPARE(score.score, expected);
    QCOMPARE(score.reasons, QStringList{reason});
    // Far beyond "bad" costs no more than "bad".
    const QualityScore worse = QualityScore::compute(
        {rttMs * 10, backlog * 10, flushMs * 10, drops * 10, reconnects * 10});
    QCOMPARE(worse.score, expected);
}

void TestQualityScore::factorsLoseLinearlyBetweenGoodAndBad()
{
    // RTT halfway between 100 and 1000 ms: half of 20 points, and named (>= half lost).
    const QualityScore rtt = QualityScore::compute({550, 0, 0, 0, 0});
    QCOMPARE(rtt.score, 90);
    QCOMPARE(rtt.reasons, QStringList{"rtt"});
    // A quarter of the backlog range: 6.25 of 25 points, rounded; not named.
    const QualityScore backlog = QualityScore::compute({-1, 64 * 1024 + 112 * 1024, 0, 0, 0});
    QCOMPARE(backlog.score, 94);
    QVERIFY(backlog.reasons.isEmpty());
}

void TestQualityScore::everythingBadScoresZeroWithReasonsWorstFirst()
{
    const QualityScore score = QualityScore::compute({5000, 1 << 20, 9000, 50, 20});
    QCOMPARE(score.score, 0);
    QCOMPARE(score.reasons, (QStringList{"backlog", "rtt", "flush", "drops", "reconnects"}));
}

void TestQualityScore::recentCounterCountsIncrementsWithinTheWindowOnly()
{
    RecentCounter counter(60000);
    counter.observe(0, 0);
    QCOMPARE(counter.recent(0), quint64(0));
    counter.observe(3, 1000);
    counter.observe(3, 2000); // unchanged total: nothing new
    counter.observe(5, 30000);
    QCOMPARE(counter.recent(30000), quint64(5));
    QCOMPARE(counter.recent(60999), quint64(5));
    QCOMPARE(counter.recent(61000), quint64(2)); // the first three are a minute old
    QCOMPARE(counter.recent(90000), quint64(0));
    QVERIFY(counter.isQuiet(90000));
}

void TestQualityScore::recentCounterBaselineIgnoresOlderHistory()
{
    RecentCounter counter(60000);
    counter.setBaseline(7);
    counter.observe(8, 100);
    QCOMPARE(counter.recent(100), quint64(1));
}

QTEST_GUILESS_MAIN(TestQualityScore)
#include "tst_qualityscore.moc"
