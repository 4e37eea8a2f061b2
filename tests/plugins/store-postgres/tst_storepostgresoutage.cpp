// store-postgres while its PostgreSQL goes away and comes back, on a private server of
// this test's own (so the other tests' shared server is never stopped under them).
#include "postgrestestbed.h"
#include "privatepostgresserver.h"
#include "schemamigrator.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

namespace {

enum class BatchOutcome { AllOk, AllUnavailable, Mixed };

} // namespace

class TestStorePostgresOutage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void acknowledgedWritesSurviveARestartAndTheStoreRecoversByItself();
    void storeOpenedWhileTheServerIsDownConnectsWhenItComesUp();

private:
    BatchOutcome writeBatch(sm::SessionStore &store, qint64 *elapsedMs = nullptr);

    PrivatePostgresServer m_server;
    int m_nextId = 0;
    QStringList m_acknowledged;
};

void TestStorePostgresOutage::initTestCase()
{
    QVERIFY2(m_server.run("start"), "could not start the private PostgreSQL server (see output above)");
}

BatchOutcome TestStorePostgresOutage::writeBatch(sm::SessionStore &store, qint64 *elapsedMs)
{
    QList<sm::StoreWrite> writes;
    for (int i = 0; i < 20; ++i)
        writes.append(insertOf(testSession(QStringLiteral("outage-%1").arg(m_nextId++))));
    QElapsedTimer timer;
    timer.start();
    const auto results = store.write(writes);
    if (elapsedMs)
        *elapsedMs = timer.elapsed();
    int ok = 0, unavailable = 0;
    for (qsizetype i = 0; i < results.size(); ++i) {
        if (results.at(i).ok()) {
            ++ok;
            m_acknowledged.append(writes.at(i).session.id);
        } else if (results.at(i).error().code == sm::ErrorCode::Unavailable) {
            ++unavailable;
        }
    }
    if (ok == writes.size())
        return BatchOutcome::AllOk;
    return unavailable == writes.size() ? BatchOutcome::AllUnavailable : BatchOutcome::Mixed;
}

void TestStorePostgresOutage::acknowledgedWritesSurviveARestartAndTheStoreRecoversByItself()
{
    PostgresTestBed bed(m_server.port());
    const QString database = bed.freshDatabaseName("outage");
    auto writer = bed.createStore(database);
    auto listener = bed.createStore(database);
    QVERIFY(writer && listener);
    QStringList heard;
    listener->setChangeHandler([&](const sm::StoreChange &change) { heard.append(change.sessionId); });
    QVERIFY(writer->open().ok());
    QVERIFY(listener->open().ok());
    for (int i = 0; i < 10; ++i)
        QCOMPARE(writeBatch(*writer), BatchOutcome::AllOk);

    // Stop the server while writes keep coming.
    QProcess *stop = m_server.launch("stop");
    QElapsedTimer outage;
    outage.start();
    while (writeBatch(*writer) == BatchOutcome::AllOk)
        QVERIFY2(outage.elapsed() < 60000, "writes kept succeeding although the server was stopped");
    QVERIFY(waitFinished(stop));
    QCOMPARE(stop->exitCode(), 0);

    // While it is down: every write is refused, quickly, and none is acknowledged.
    qint64 slowest = 0;
    for (int i = 0; i < 30; ++i) {
        qint64 elapsed = 0;
        QCOMPARE(writeBatch(*writer, &elapsed), BatchOutcome::AllUnavailable);
        slowest = std::max(slowest, elapsed);
        QTest::qWait(20);
    }
    qInfo("slowest write() during the outage: %lld ms", slowest);
    QVERIFY2(slowest < 1000, qPrintable(QString::number(slowest)));
    QCOMPARE(writer->ping().error().code, sm::ErrorCode::Unavailable);

    // Restart it while writes keep coming: the store reconnects without being reopened.
    QProcess *start = m_server.launch("start");
    QElapsedTimer recovery;
    recovery.start();
    while (writeBatch(*writer) != BatchOutcome::AllOk) {
        QVERIFY2(recovery.elapsed() < 60000, "the store did not recover after the server came back");
        QTest::qWait(20);
    }
    QVERIFY(waitFinished(start));
    QCOMPARE(start->exitCode(), 0);
    qInfo("writes ok again %lld ms after the restart began", recovery.elapsed());
    for (int i = 0; i < 10; ++i)
        QCOMPARE(writeBatch(*writer), BatchOutcome::AllOk);

    // Every acknowledged write is there.
    qInfo("%lld acknowledged writes to check", qint64(m_acknowledged.size()));
    for (const QString &id : std::as_const(m_acknowledged))
        QVERIFY2(writer->get(id).ok(), qPrintable(id + " was acknowledged but is missing"));

    // The listener reconnects on its next call and LISTENs again.
    QElapsedTimer relisten;
    relisten.start();
    while (!listener->ping().ok()) {
        QVERIFY2(relisten.elapsed() < 30000, "the listening store did not reconnect");
        QTest::qWait(50);
    }
    heard.clear();
    QCOMPARE(writeBatch(*writer), BatchOutcome::AllOk);
    QTRY_COMPARE_WITH_TIMEOUT(heard.size(), 20, 2000);
}

void TestStorePostgresOutage::storeOpenedWhileTheServerIsDownConnectsWhenItComesUp()
{
    PostgresTestBed bed(m_server.port());
    const QString database = bed.freshDatabaseName("late");
    QVERIFY(m_server.run("stop"));
    auto store = bed.createStore(database);
    QVERIFY(store);

    const auto opened = store->open();

    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    const auto pong = store->ping();
    QVERIFY(!pong.ok());
    QCOMPARE(pong.error().code, sm::ErrorCode::Unavailable);
    QCOMPARE(writeBatch(*store), BatchOutcome::AllUnavailable);

    QVERIFY(m_server.run("start"));
    QElapsedTimer recovery;
    recovery.start();
    while (!store->ping().ok()) {
        QVERIFY2(recovery.elapsed() < 30000, "the store did not connect after the server came up");
        QTest::qWait(50);
    }
    // The first connection created the database and migrated it.
    QCOMPARE(writeBatch(*store), BatchOutcome::AllOk);
    QCOMPARE(bed.scalar(database, "SELECT max(version) FROM schema_version").toInt(),
             smpg::SchemaMigrator::latestVersion());
}

QTEST_GUILESS_MAIN(TestStorePostgresOutage)
#include "tst_storepostgresoutage.moc"
