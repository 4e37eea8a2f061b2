// Sessions leaving a worker without a crash, with real worker processes behind REST:
// parked after idle time and restored on the next request, and handed over (snapshot ->
// restore) when an operator drains or restarts one worker through the admin endpoints.
// Each proves that only the sessions that must move, move; that every acknowledged order
// is still there; and that the session's stream has no gap.
#include "pooltestbed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <memory>

namespace {

constexpr int kTimeoutMs = 30000;

QJsonArray openOrders(PoolTestbed &pool, const PoolTestbed::SessionRef &session)
{
    return pool.request(session, {{"type", "orders"}}).json().value("open").toArray();
}

} // namespace

class TestWorkerHandover : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void idleSessionIsParkedAndRestoredWithItsOrdersOnTheNextRequest();
    void drainMovesOnlyThatWorkersSessionsByHandOver();
    void restartHandsTheSessionsOverAndTheWorkerComesBackWithANewProcess();

private:
    struct Placed {
        PoolTestbed::SessionRef session;
        QString worker;
        QJsonArray open; // its acknowledged open orders
    };
    // `count` sessions, each with a position and one resting order, and where they are.
    QList<Placed> placeSessions(int count);
    // Every session answers, with the open orders it had.
    void verifyOrdersKept(const QList<Placed> &placed);

    std::unique_ptr<PoolTestbed> m_pool;
};

void TestWorkerHandover::init()
{
    m_pool = std::make_unique<PoolTestbed>();
}

void TestWorkerHandover::cleanup()
{
    QCOMPARE(m_pool->stop(), 0);
    m_pool.reset();
}

QList<TestWorkerHandover::Placed> TestWorkerHandover::placeSessions(int count)
{
    QList<Placed> placed;
    for (int i = 0; i < count; ++i) {
        Placed entry;
        entry.session = m_pool->createSession();
        if (!m_pool->tradeAndRest(entry.session, QStringLiteral("rest-%1").arg(i)))
            return {};
        entry.worker = m_pool->workerOf(entry.session);
        entry.open = openOrders(*m_pool, entry.session);
        placed.append(entry);
    }
    return placed;
}

void TestWorkerHandover::verifyOrdersKept(const QList<Placed> &placed)
{
    for (const Placed &entry : placed) {
        const ApiReply orders = m_pool->request(entry.session, {{"type", "orders"}});
        QCOMPARE(orders.status, 200);
        QCOMPARE(orders.json().value("open").toArray(), entry.open);
        QCOMPARE(entry.open.size(), 1);
    }
}

void TestWorkerHandover::idleSessionIsParkedAndRestoredWithItsOrdersOnTheNextRequest()
{
    m_pool->runtime().addSetting("worker_idle_timeout", "1");
    QVERIFY(m_pool->start(2));
    const PoolTestbed::SessionRef idle = m_pool->createSession();
    QVERIFY(m_pool->tradeAndRest(idle, "parked-1"));
    const QJsonObject positions = m_pool->request(idle, {{"type", "positions"}}).json();
    const QJsonArray open = openOrders(*m_pool, idle);
    QCOMPARE(open.size(), 1);
    // A session with an open stream is in use even without requests: it stays active.
    const PoolTestbed::SessionRef watched = m_pool->createSession();
    SseClient stream;
    QVERIFY(stream.open(m_pool->eventsUrl(watched)));
    QCOMPARE(m_pool->request(watched, {{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A"}}}).status, 200);
    QVERIFY(!m_pool->workerOf(watched).isEmpty());

    QTRY_VERIFY_WITH_TIMEOUT(m_pool->workerOf(idle).isEmpty(), kTimeoutMs);
    QVERIFY(m_pool->poolStatus().value("parked_total").toInteger() >= 1);
    QVERIFY(!m_pool->workerOf(watched).isEmpty());
    const qsizetype seenWhileParked = stream.frames().size();
    QVERIFY(waitForFramesBeyond(stream, seenWhileParked + 10)); // its market data went on

    // The next request activates it again, from its final snapshot.
    const ApiReply again = m_pool->request(idle, {{"type", "positions"}});
    QCOMPARE(again.status, 200);
    QVERIFY(!m_pool->workerOf(idle).isEmpty());
    QCOMPARE(again.json().value("positions"), positions.value("positions"));
    QCOMPARE(openOrders(*m_pool, idle), open);
    QCOMPARE(m_pool->poolStatus().value("failovers_total").toInteger(), 0);
    verifyNoGap(stream.events());
}

void TestWorkerHandover::drainMovesOnlyThatWorkersSessionsByHandOver()
{
    QVERIFY(m_pool->start(3));
    const QList<Placed> placed = placeSessions(9);
    QCOMPARE(placed.size(), 9);
    const QString drained = placed.first().worker;
    SseClient stream;
    QVERIFY(stream.open(m_pool->eventsUrl(placed.first().session)));
    QVERIFY(waitForFramesBeyond(stream, 5));
    const qint64 movedBefore = m_pool->poolStatus().value("moved_sessions_total").toInteger();
    const qsizetype onDrained = std::count_if(placed.begin(), placed.end(),
                                              [&drained](const Placed &entry) { return entry.worker == drained; });

    const ApiReply accepted = m_pool->admin("POST", "/admin/workers/" + drained + "/drain");
    QCOMPARE(accepted.status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(m_pool->workerStatus(drained).value("sessions").toInt(), 0, kTimeoutMs);
    QCOMPARE(m_pool->workerStatus(drained).value("state").toString(), QStringLiteral("draining"));

    for (const Placed &entry : placed) {
        const QString now = m_pool->workerOf(entry.session);
        if (entry.worker == drained) {
            QVERIFY(!now.isEmpty());
            QVERIFY(now != drained);
        } else {
            QCOMPARE(now, entry.worker); // not on the drained worker: untouched
        }
    }
    QCOMPARE(m_pool->poolStatus().value("moved_sessions_total").toInteger() - movedBefore, qint64(onDrained));
    QCOMPARE(m_pool->poolStatus().value("failovers_total").toInteger(), 0); // handed over, not lost
    verifyOrdersKept(placed);
    const qsizetype seen = stream.frames().size();
    QVERIFY(waitForFramesBeyond(stream, seen + 10));
    verifyNoGap(stream.events());
    QCOMPARE(m_pool->admin("POST", "/admin/workers/no-such-worker/drain").status, 404);
}

void TestWorkerHandover::restartHandsTheSessionsOverAndTheWorkerComesBackWithANewProcess()
{
    QVERIFY(m_pool->start(3));
    const QList<Placed> placed = placeSessions(9);
    QCOMPARE(placed.size(), 9);
    const QString restarted = placed.first().worker;
    const qint64 oldPid = m_pool->pidOf(restarted);
    QVERIFY(oldPid > 0);
    SseClient stream;
    QVERIFY(stream.open(m_pool->eventsUrl(placed.first().session)));
    QVERIFY(waitForFramesBeyond(stream, 5));

    QCOMPARE(m_pool->admin("POST", "/admin/workers/" + restarted + "/restart").status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(m_pool->workerStatus(restarted).value("state").toString() == QLatin1String("live")
                                 && m_pool->pidOf(restarted) != oldPid,
                             kTimeoutMs);
    const QJsonObject worker = m_pool->workerStatus(restarted);
    QCOMPARE(worker.value("restarts").toInt(), 1);
    QCOMPARE(m_pool->poolStatus().value("failovers_total").toInteger(), 0); // handed over, not lost
    verifyOrdersKept(placed);
    // Back in the ring: it takes sessions again.
    QTRY_VERIFY_WITH_TIMEOUT(m_pool->workerStatus(restarted).value("sessions").toInt() > 0, kTimeoutMs);
    const qsizetype seen = stream.frames().size();
    QVERIFY(waitForFramesBeyond(stream, seen + 10));
    verifyNoGap(stream.events());
}

QTEST_GUILESS_MAIN(TestWorkerHandover)
#include "tst_workerhandover.moc"
