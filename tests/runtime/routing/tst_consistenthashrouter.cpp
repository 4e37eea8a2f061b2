#include "routing/consistenthashrouter.h"
#include "routing/stablehash.h"

#include <QSet>
#include <QTest>

#include <algorithm>

using sm::ConsistentHashRouter;
using sm::SessionMove;

namespace {

constexpr int kSessions = 10000;
constexpr double kLoadFactor = 1.25;
// Allowed excess of the moved fraction over the ideal 1/n. With 128 virtual nodes a
// worker's arc share deviates by roughly 1/sqrt(128) ~ 9 % of 1/n; the bound caps what an
// added worker can take at 1.25/n. Measured: see the printed figures.
constexpr double kMoveEpsilon = 0.03;

QStringList workerIds(int count)
{
    QStringList ids;
    for (int i = 0; i < count; ++i)
        ids << QStringLiteral("127.0.0.1:%1").arg(7001 + i);
    return ids;
}

QString sessionId(int i)
{
    return QStringLiteral("s-%1-%2").arg(i).arg(quint64(i) * 2654435761ULL % 1000003, 7, 10, QLatin1Char('0'));
}

void placeSessions(ConsistentHashRouter &router, int count)
{
    for (int i = 0; i < count; ++i)
        router.route(sessionId(i));
}

QHash<QString, QString> placementOf(const ConsistentHashRouter &router, int count)
{
    QHash<QString, QString> placement;
    for (int i = 0; i < count; ++i)
        placement.insert(sessionId(i), router.workerOf(sessionId(i)));
    return placement;
}

double maxOverAverage(const ConsistentHashRouter &router)
{
    int maxLoad = 0;
    for (const QString &worker : router.workers())
        maxLoad = std::max(maxLoad, router.load(worker));
    return double(maxLoad) * router.workers().size() / router.sessionCount();
}

// The moves returned must be exactly the difference between the placements.
void verifyMovesMatch(const QList<SessionMove> &moves, const QHash<QString, QString> &before,
                      const QHash<QString, QString> &after)
{
    QSet<QString> moved;
    for (const SessionMove &move : moves) {
        QCOMPARE(before.value(move.sessionId), move.from);
        QCOMPARE(after.value(move.sessionId), move.to);
        moved.insert(move.sessionId);
    }
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        QCOMPARE(after.value(it.key()) != it.value(), moved.contains(it.key()));
}

} // namespace

class TestConsistentHashRouter : public QObject {
    Q_OBJECT

private slots:
    void stableHashIsFixedAcrossBuilds()
    {
        // Pinned values: a change here would move every session of a running cluster.
        QCOMPARE(sm::stableHash(u""), sm::stableHash(QString()));
        QVERIFY(sm::stableHash(u"abc") != sm::stableHash(u"acb"));
        QVERIFY(sm::stableHash(u"abcd") != sm::stableHash(QStringView(u"abcd\0", 5)));
        QCOMPARE(sm::stableHash(u"session-1"), sm::stableHash(QStringLiteral("session-1")));
        QCOMPARE(sm::stableHash(u"127.0.0.1:7001"), Q_UINT64_C(13902537671739604545));
    }

    void routeWithoutWorkersIsEmpty()
    {
        ConsistentHashRouter router;
        QVERIFY(router.route(QStringLiteral("a")).isEmpty());
        QVERIFY(router.workerOf(QStringLiteral("a")).isEmpty());
        QCOMPARE(router.sessionCount(), 0);
        QCOMPARE(router.share(QStringLiteral("w")), 0.0);
    }

    void removingTheLastWorkerUnplacesEverySession()
    {
        ConsistentHashRouter router;
        router.setWorkers(workerIds(2));
        placeSessions(router, 100);
        const QList<SessionMove> moves = router.setWorkers({});
        QCOMPARE(moves.size(), 100);
        for (const SessionMove &move : moves)
            QVERIFY(move.to.isEmpty() && !move.from.isEmpty());
        QCOMPARE(router.sessionCount(), 0);
        QVERIFY(router.route(sessionId(1)).isEmpty());
    }

    void placedSessionKeepsItsWorker()
    {
        ConsistentHashRouter router;
        router.setWorkers(workerIds(4));
        const QString first = router.route(QStringLiteral("abc"));
        QVERIFY(!first.isEmpty());
        QCOMPARE(router.route(QStringLiteral("abc")), first);
        QCOMPARE(router.workerOf(QStringLiteral("abc")), first);
        QCOMPARE(router.load(first), 1);
        QCOMPARE(router.share(first), 1.0);
        router.forget(QStringLiteral("abc"));
        QCOMPARE(router.load(first), 0);
        QVERIFY(router.workerOf(QStringLiteral("abc")).isEmpty());
    }

    void sameInputsGiveSamePlacementWhateverTheWorkerOrder()
    {
        ConsistentHashRouter a;
        ConsistentHashRouter b;
        QStringList reversed = workerIds(7);
        std::reverse(reversed.begin(), reversed.end());
        a.setWorkers(workerIds(7));
        b.setWorkers(reversed);
        placeSessions(a, kSessions);
        placeSessions(b, kSessions);
        QCOMPARE(placementOf(a, kSessions), placementOf(b, kSessions));
        const QList<SessionMove> movesA = a.setWorkers(workerIds(9));
        const QList<SessionMove> movesB = b.setWorkers(workerIds(9));
        QCOMPARE(movesA.size(), movesB.size());
        for (qsizetype i = 0; i < movesA.size(); ++i) {
            QCOMPARE(movesA[i].sessionId, movesB[i].sessionId);
            QCOMPARE(movesA[i].to, movesB[i].to);
        }
        QCOMPARE(placementOf(a, kSessions), placementOf(b, kSessions));
    }

    void maxLoadStaysWithinLoadFactor_data()
    {
        QTest::addColumn<int>("workers");
        for (int n = 4; n <= 16; n += 2)
            QTest::addRow("%d workers", n) << n;
    }

    void maxLoadStaysWithinLoadFactor()
    {
        QFETCH(int, workers);
        ConsistentHashRouter router(kLoadFactor);
        router.setWorkers(workerIds(workers));
        placeSessions(router, kSessions);
        const double ratio = maxOverAverage(router);
        qInfo("%2d workers: max/avg load %.4f", workers, ratio);
        // ceil() may add one session above loadFactor * average.
        QVERIFY(ratio <= kLoadFactor + double(workers) / kSessions);
    }

    void addingAWorkerMovesAboutOneNth_data()
    {
        QTest::addColumn<int>("workers");
        for (int n = 4; n <= 16; n += 4)
            QTest::addRow("%d -> %d", n, n + 1) << n;
    }

    void addingAWorkerMovesAboutOneNth()
    {
        QFETCH(int, workers);
        ConsistentHashRouter router(kLoadFactor);
        router.setWorkers(workerIds(workers));
        placeSessions(router, kSessions);
        const QHash<QString, QString> before = placementOf(router, kSessions);
        const QList<SessionMove> moves = router.setWorkers(workerIds(workers + 1));
        verifyMovesMatch(moves, before, placementOf(router, kSessions));

        const QString added = workerIds(workers + 1).last();
        qsizetype toAdded = 0;
        for (const SessionMove &move : moves)
            toAdded += move.to == added;
        const double fraction = double(moves.size()) / kSessions;
        const double ideal = 1.0 / (workers + 1);
        qInfo("%2d -> %2d workers: moved %.4f (to the new worker %.4f), ideal 1/n %.4f, max/avg %.4f",
              workers, workers + 1, fraction, double(toAdded) / kSessions, ideal,
              maxOverAverage(router));
        QVERIFY(fraction <= ideal + kMoveEpsilon);
        QVERIFY(double(toAdded) / kSessions >= ideal - kMoveEpsilon);
        QVERIFY(maxOverAverage(router) <= kLoadFactor + double(workers + 1) / kSessions);
    }

    void removingAWorkerMovesOnlyItsSessions_data()
    {
        QTest::addColumn<int>("workers");
        for (int n = 5; n <= 17; n += 4)
            QTest::addRow("%d -> %d", n, n - 1) << n;
    }

    void removingAWorkerMovesOnlyItsSessions()
    {
        QFETCH(int, workers);
        ConsistentHashRouter router(kLoadFactor);
        router.setWorkers(workerIds(workers));
        placeSessions(router, kSessions);
        const QHash<QString, QString> before = placementOf(router, kSessions);
        QStringList remaining = workerIds(workers);
        const QString removed = remaining.takeAt(workers / 2);
        const int removedLoad = router.load(removed);

        const QList<SessionMove> moves = router.setWorkers(remaining);
        verifyMovesMatch(moves, before, placementOf(router, kSessions));
        for (const SessionMove &move : moves)
            QCOMPARE(move.from, removed);
        QCOMPARE(moves.size(), removedLoad);
        const double fraction = double(moves.size()) / kSessions;
        qInfo("%2d -> %2d workers: moved %.4f, ideal 1/n %.4f, max/avg %.4f", workers, workers - 1,
              fraction, 1.0 / workers, maxOverAverage(router));
        QVERIFY(fraction <= 1.0 / workers + kMoveEpsilon);
        QVERIFY(maxOverAverage(router) <= kLoadFactor + double(workers) / kSessions);
    }

    void addThenRemoveRestoresTheOriginalWorkersShare()
    {
        ConsistentHashRouter router;
        router.setWorkers(workerIds(6));
        placeSessions(router, kSessions);
        router.setWorkers(workerIds(7));
        const QList<SessionMove> moves = router.setWorkers(workerIds(6));
        const QString removed = workerIds(7).last();
        for (const SessionMove &move : moves)
            QCOMPARE(move.from, removed);
        QCOMPARE(router.sessionCount(), kSessions);
        QCOMPARE(router.load(removed), 0);
    }
};

QTEST_GUILESS_MAIN(TestConsistentHashRouter)
#include "tst_consistenthashrouter.moc"
