#include "workerprocess/sliceschedule.h"

#include <QTest>

#include <algorithm>
#include <vector>

using sm::SliceSchedule;

class TestSliceSchedule : public QObject {
    Q_OBJECT
private slots:
    void slicesDivideTheIntervalAndAreNeverShorterThanTheMinimum_data();
    void slicesDivideTheIntervalAndAreNeverShorterThanTheMinimum();
    void everySessionTicksExactlyOncePerInterval();
    void sessionsSpreadEvenlyOverTheSlices();
};

void TestSliceSchedule::slicesDivideTheIntervalAndAreNeverShorterThanTheMinimum_data()
{
    QTest::addColumn<int>("intervalMs");
    QTest::addColumn<int>("slices");
    QTest::addColumn<int>("periodMs");
    QTest::newRow("default 100 ms") << 100 << 20 << 5;
    QTest::newRow("1 s, capped slice count") << 1000 << 20 << 50;
    QTest::newRow("33 ms, largest divisor") << 33 << 3 << 11;
    QTest::newRow("prime 37 ms") << 37 << 1 << 37;
    QTest::newRow("shorter than one slice") << 4 << 1 << 4;
    QTest::newRow("1 ms") << 1 << 1 << 1;
}

void TestSliceSchedule::slicesDivideTheIntervalAndAreNeverShorterThanTheMinimum()
{
    QFETCH(int, intervalMs);
    QFETCH(int, slices);
    QFETCH(int, periodMs);
    const SliceSchedule schedule(intervalMs);
    QCOMPARE(schedule.sliceCount(), slices);
    QCOMPARE(schedule.slicePeriodMs(), periodMs);
    QCOMPARE(schedule.sliceCount() * schedule.slicePeriodMs(), intervalMs);
}

void TestSliceSchedule::everySessionTicksExactlyOncePerInterval()
{
    SliceSchedule schedule(100);
    QStringList sessions;
    for (int i = 0; i < 500; ++i)
        sessions.append(QStringLiteral("s-%1").arg(i));
    for (int round = 0; round < 3; ++round) {
        std::vector<int> ticks(size_t(sessions.size()), 0);
        for (int step = 0; step < schedule.sliceCount(); ++step) {
            const int slice = schedule.advance();
            for (qsizetype i = 0; i < sessions.size(); ++i) {
                if (schedule.sliceOf(sessions.at(i)) == slice)
                    ++ticks[size_t(i)];
            }
        }
        QVERIFY(std::all_of(ticks.begin(), ticks.end(), [](int count) { return count == 1; }));
    }
}

void TestSliceSchedule::sessionsSpreadEvenlyOverTheSlices()
{
    const SliceSchedule schedule(100);
    std::vector<int> perSlice(size_t(schedule.sliceCount()), 0);
    const int sessions = 2000;
    for (int i = 0; i < sessions; ++i)
        ++perSlice[size_t(schedule.sliceOf(QStringLiteral("0193f0a2-%1-7c3e").arg(i, 4, 16, QLatin1Char('0'))))];
    const int average = sessions / schedule.sliceCount();
    const auto [least, most] = std::minmax_element(perSlice.begin(), perSlice.end());
    QVERIFY2(*most < average * 3 / 2 && *least > average / 2,
             qPrintable(QStringLiteral("slice sizes %1..%2, average %3").arg(*least).arg(*most).arg(average)));
}

QTEST_GUILESS_MAIN(TestSliceSchedule)
#include "tst_sliceschedule.moc"
