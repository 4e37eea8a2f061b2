// Workers that fail in the two ways the unit tests cannot stage, with the real binary:
// a remote worker (`session-manager worker`, started by hand and listed in SM_WORKERS)
// that is killed, and a worker killed between the events of an operation and its reply
// (through the SM_TEST_CRASH_MID_OPERATION hook, see workerprocess/midoperationcrash.h).
#include "pooltestbed.h"
#include "workerunder.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

namespace {

constexpr int kTimeoutMs = 30000;

QString addressOf(const WorkerUnder &worker)
{
    return QStringLiteral("127.0.0.1:%1").arg(worker.port());
}

QList<SseFrame> eventsFor(const QList<SseFrame> &events, const QByteArray &type, const QString &clientOrderId)
{
    QList<SseFrame> found;
    for (const SseFrame &frame : events) {
        if (frame.event == type
            && QJsonDocument::fromJson(frame.data).object().value("client_order_id").toString() == clientOrderId)
            found.append(frame);
    }
    return found;
}

} // namespace

class TestWorkerFaults : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void remoteWorkerServesSessionsAndTheyMoveWhenItDies();
    void eventsOfAnOperationCutShortByACrashAreNeverPublished();

private:
    std::unique_ptr<PoolTestbed> m_pool;
};

void TestWorkerFaults::init()
{
    m_pool = std::make_unique<PoolTestbed>();
}

void TestWorkerFaults::cleanup()
{
    QCOMPARE(m_pool->stop(), 0);
    m_pool.reset();
}

void TestWorkerFaults::remoteWorkerServesSessionsAndTheyMoveWhenItDies()
{
    WorkerUnder doomed;
    WorkerUnder survivor;
    QVERIFY(doomed.start());
    QVERIFY(survivor.start());
    m_pool->runtime().addSetting("workers", addressOf(doomed) + "," + addressOf(survivor));
    QVERIFY(m_pool->start(1, 3)); // one local worker and the two remote ones
    const QJsonObject remote = m_pool->workerStatus(addressOf(doomed));
    QCOMPARE(remote.value("state").toString(), QStringLiteral("live"));
    QCOMPARE(remote.value("pid").toInteger(), 0); // not ours to signal

    struct Placed {
        PoolTestbed::SessionRef session;
        QString worker;
        QJsonArray open;
    };
    QList<Placed> placed;
    int onDoomed = 0;
    for (int i = 0; i < 40 && (onDoomed < 2 || qsizetype(onDoomed) == placed.size()); ++i) {
        Placed entry{m_pool->createSession(), {}, {}};
        QVERIFY(m_pool->tradeAndRest(entry.session, QStringLiteral("remote-%1").arg(i)));
        entry.worker = m_pool->workerOf(entry.session);
        entry.open = m_pool->request(entry.session, {{"type", "orders"}}).json().value("open").toArray();
        QCOMPARE(entry.open.size(), 1);
        onDoomed += entry.worker == addressOf(doomed);
        placed.append(entry);
    }
    QVERIFY2(onDoomed >= 2, "the router never placed sessions on the remote worker");
    const auto firstOnDoomed = std::find_if(placed.begin(), placed.end(), [&doomed](const Placed &entry) {
        return entry.worker == addressOf(doomed);
    });
    SseClient stream;
    QVERIFY(stream.open(m_pool->eventsUrl(firstOnDoomed->session)));
    QVERIFY(waitForFramesBeyond(stream, 5));

    doomed.killHard();
    for (const Placed &entry : std::as_const(placed)) {
        ApiReply orders;
        QDeadlineTimer deadline(kTimeoutMs);
        do {
            orders = m_pool->request(entry.session, {{"type", "orders"}});
        } while (orders.status != 200 && !deadline.hasExpired());
        QCOMPARE(orders.status, 200);
        QCOMPARE(orders.json().value("open").toArray(), entry.open);
        const QString now = m_pool->workerOf(entry.session);
        if (entry.worker == addressOf(doomed))
            QVERIFY2(now == QLatin1String("local-1") || now == addressOf(survivor), qPrintable(now));
        else
            QCOMPARE(now, entry.worker);
    }
    QVERIFY(m_pool->workerStatus(addressOf(doomed)).value("state").toString() != QLatin1String("live"));
    QVERIFY(m_pool->poolStatus().value("failovers_total").toInteger() >= 1);
    const qsizetype seen = stream.frames().size();
    QVERIFY(waitForFramesBeyond(stream, seen + 10));
    verifyNoGap(stream.events());
}

// The worker sends order.ack, fills and market events of the order one by one, then dies
// before the last one and the reply. The runtime holds what it got; after failover the
// request runs again on the other worker and its events appear once, with no gap.
void TestWorkerFaults::eventsOfAnOperationCutShortByACrashAreNeverPublished()
{
    QTemporaryDir triggerDir;
    QVERIFY(triggerDir.isValid());
    const QString trigger = triggerDir.filePath(QStringLiteral("crash-mid-operation"));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SM_TEST_CRASH_MID_OPERATION"), trigger);
    m_pool->runtime().setEnvironment(environment);
    QVERIFY(m_pool->start(2));
    const PoolTestbed::SessionRef session = m_pool->createSession();
    SseClient stream;
    QVERIFY(stream.open(m_pool->eventsUrl(session)));
    QCOMPARE(m_pool->request(session, {{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A"}}}).status, 200);
    const double ask = m_pool->waitForBestAsk(session);
    QVERIFY(ask > 0);
    const qint64 pid = m_pool->pidOf(m_pool->workerOf(session));

    QFile armed(trigger);
    QVERIFY(armed.open(QIODevice::WriteOnly));
    armed.close();
    const ApiReply placed = m_pool->request(session, {{"type", "order"}, {"side", "buy"}, {"symbol", "SIM-A"},
                                                      {"kind", "limit"}, {"tif", "ioc"},
                                                      {"price", std::round(ask * 100 + 500) / 100}, {"qty", 2},
                                                      {"client_order_id", "cut-1"}});
    QCOMPARE(placed.status, 200);
    QCOMPARE(placed.json().value("status").toString(), QStringLiteral("filled"));
    QVERIFY2(!QFile::exists(trigger), "the worker never reached the crash point");
    QVERIFY(m_pool->pidOf(m_pool->workerOf(session)) != pid);
    QCOMPARE(m_pool->poolStatus().value("failovers_total").toInteger(), 1);

    const qsizetype seen = stream.frames().size();
    QVERIFY(waitForFramesBeyond(stream, seen + 10));
    const QList<SseFrame> events = stream.events();
    QCOMPARE(eventsFor(events, "order.ack", "cut-1").size(), 1);
    double filledQty = 0;
    for (const SseFrame &fill : eventsFor(events, "order.fill", "cut-1"))
        filledQty += QJsonDocument::fromJson(fill.data).object().value("qty").toDouble();
    QCOMPARE(filledQty, 2.0);
    verifyNoGap(events);
    double heldQty = -1;
    for (const QJsonValue &position : m_pool->request(session, {{"type", "positions"}}).json().value("positions").toArray()) {
        if (position.toObject().value("symbol").toString() == QLatin1String("SIM-A"))
            heldQty = position.toObject().value("qty").toDouble();
    }
    QCOMPARE(heldQty, 2.0); // bought once, not twice

    // The runtime did receive part of the cut operation, and dropped it.
    QCOMPARE(m_pool->stop(), 0);
    QVERIFY2(m_pool->runtime().output().contains("events of incomplete operations dropped"),
             m_pool->runtime().output().right(4000).constData());
}

QTEST_GUILESS_MAIN(TestWorkerFaults)
#include "tst_workerfaults.moc"
