// The runtime on store-postgres end to end: a real session-manager process, a real HTTP
// client, and a PostgreSQL server of this test's own that it stops and starts under load.
#include "apiclient.h"
#include "postgrestestbed.h"
#include "privatepostgresserver.h"
#include "runtimeprocess.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

#include <memory>

namespace {

const QString kApiKey = QStringLiteral("pg-e2e-key-0123456789");

enum class WriteOutcome { Acknowledged, Unavailable };

} // namespace

class TestStorePostgresRuntime : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void writesDuringAnOutageAnswer503AndNoAcknowledgedWriteIsLost();
    void runtimeStartedWhileTheDatabaseIsDownTurnsReadyWhenItComesUp();
    void settingsThatCannotWorkFailFastWithOneErrorLine_data();
    void settingsThatCannotWorkFailFastWithOneErrorLine();

private:
    std::unique_ptr<RuntimeProcess> runtimeOn(const QString &database) const;
    // Creates a session or updates one acknowledged before (If-Match), alternately. A 2xx is
    // recorded as acknowledged; anything but 2xx or 503 + Retry-After fails the test.
    WriteOutcome write(ApiClient &api);
    WriteOutcome create(ApiClient &api);
    WriteOutcome update(ApiClient &api, const QString &id);
    static bool isReady(ApiClient &api);
    // Acknowledged sessions missing from the database, or at an older version than acknowledged.
    QStringList lostWrites(const QString &database);

    PrivatePostgresServer m_server;
    std::unique_ptr<PostgresTestBed> m_bed;
    QHash<QString, qint64> m_acknowledged; // session id -> highest version answered with a 2xx
    QStringList m_ids;                     // acknowledged ids in creation order
    int m_writes = 0;
};

void TestStorePostgresRuntime::initTestCase()
{
    QVERIFY2(m_server.run("start"), "could not start the private PostgreSQL server (see output above)");
    m_bed = std::make_unique<PostgresTestBed>(m_server.port());
    QVERIFY2(m_bed->exec("postgres", "CREATE ROLE nocreatedb LOGIN NOCREATEDB"), qPrintable(m_bed->lastError()));
}

std::unique_ptr<RuntimeProcess> TestStorePostgresRuntime::runtimeOn(const QString &database) const
{
    auto runtime = std::make_unique<RuntimeProcess>();
    runtime->addSetting("store", "postgres");
    runtime->addSetting("db_host", "127.0.0.1");
    runtime->addSetting("db_port", QString::number(m_server.port()));
    runtime->addSetting("db_name", database);
    runtime->addSetting("db_user", "postgres");
    runtime->addSetting("api_keys", kApiKey + ":service");
    runtime->addSetting("backend", ""); // readiness is about the store here
    return runtime;
}

WriteOutcome TestStorePostgresRuntime::write(ApiClient &api)
{
    ++m_writes;
    if (m_ids.isEmpty() || m_writes % 2 == 0)
        return create(api);
    return update(api, m_ids.at(m_writes % m_ids.size()));
}

WriteOutcome TestStorePostgresRuntime::create(ApiClient &api)
{
    const QByteArray body = QStringLiteral(R"({"user_id":"u%1","metadata":{"n":%1}})").arg(m_writes).toUtf8();
    const ApiReply reply = api.send("POST", "/sessions", kApiKey, body);
    if (reply.status == 201) {
        const QString id = reply.json().value("session_id").toString();
        m_acknowledged.insert(id, reply.json().value("version").toInteger());
        m_ids.append(id);
        return WriteOutcome::Acknowledged;
    }
    if (reply.status != 503 || reply.header("retry-after").isEmpty())
        QTest::qFail(qPrintable(QStringLiteral("create answered %1: %2").arg(reply.status).arg(reply.body)),
                     __FILE__, __LINE__);
    return WriteOutcome::Unavailable;
}

WriteOutcome TestStorePostgresRuntime::update(ApiClient &api, const QString &id)
{
    const QByteArray ifMatch = '"' + QByteArray::number(m_acknowledged.value(id)) + '"';
    const QByteArray body = QStringLiteral(R"({"metadata":{"n":%1}})").arg(m_writes).toUtf8();
    const ApiReply reply = api.send("PUT", "/sessions/" + id, kApiKey, body, {{"If-Match", ifMatch}});
    if (reply.status == 200) {
        m_acknowledged.insert(id, reply.json().value("version").toInteger());
        return WriteOutcome::Acknowledged;
    }
    if (reply.status == 412) {
        // A write answered 503 may still have committed (its COMMIT's answer was lost): the
        // outcome was unknown, never acknowledged. Catch up with what is stored.
        const ApiReply current = api.send("GET", "/sessions/" + id, kApiKey);
        if (current.status == 200)
            m_acknowledged.insert(id, current.json().value("version").toInteger());
        return WriteOutcome::Unavailable;
    }
    if (reply.status != 503 || reply.header("retry-after").isEmpty())
        QTest::qFail(qPrintable(QStringLiteral("update answered %1: %2").arg(reply.status).arg(reply.body)),
                     __FILE__, __LINE__);
    return WriteOutcome::Unavailable;
}

bool TestStorePostgresRuntime::isReady(ApiClient &api)
{
    return api.send("GET", "/readyz").status == 200;
}

QStringList TestStorePostgresRuntime::lostWrites(const QString &database)
{
    QJsonArray expected;
    for (auto it = m_acknowledged.cbegin(); it != m_acknowledged.cend(); ++it)
        expected.append(QJsonObject{{"id", it.key()}, {"version", it.value()}});
    const QString json = QString::fromUtf8(QJsonDocument(expected).toJson(QJsonDocument::Compact));
    const QVariant lost = m_bed->scalar(
        database, QStringLiteral("SELECT coalesce(string_agg(a.id, ' '), '') FROM json_to_recordset('%1')"
                                 " AS a(id text, version bigint) LEFT JOIN sessions s USING (id)"
                                 " WHERE s.id IS NULL OR s.version < a.version")
                      .arg(json));
    if (!lost.isValid())
        return {QStringLiteral("(the check failed: %1)").arg(m_bed->lastError())};
    return lost.toString().split(u' ', Qt::SkipEmptyParts);
}

void TestStorePostgresRuntime::writesDuringAnOutageAnswer503AndNoAcknowledgedWriteIsLost()
{
    const QString database = m_bed->freshDatabaseName("outage");
    auto runtime = runtimeOn(database);
    QVERIFY2(runtime->start(), runtime->output().constData());
    ApiClient api(runtime->url("/"));
    QVERIFY(isReady(api));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(write(api), WriteOutcome::Acknowledged);

    // Stop PostgreSQL while the client keeps writing: the runtime turns not ready.
    QProcess *stop = m_server.launch("stop");
    QElapsedTimer outage;
    outage.start();
    while (write(api) == WriteOutcome::Acknowledged || isReady(api)) {
        QVERIFY2(outage.elapsed() < 60000, "the runtime did not notice that PostgreSQL is gone");
        QTest::qWait(10);
    }
    QVERIFY(waitFinished(stop));
    qInfo("not ready and refusing writes %lld ms after the stop began", outage.elapsed());

    // While it is down: /readyz says why, every write is 503 + Retry-After.
    const ApiReply ready = api.send("GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QVERIFY(ready.json().value("reasons").toArray().contains(QStringLiteral("store unreachable")));
    QVERIFY(!ready.header("retry-after").isEmpty());
    for (int i = 0; i < 10; ++i)
        QCOMPARE(write(api), WriteOutcome::Unavailable);

    // Start it again: the runtime reconnects by itself.
    QProcess *start = m_server.launch("start");
    QElapsedTimer recovery;
    recovery.start();
    while (!isReady(api) || write(api) != WriteOutcome::Acknowledged) {
        QVERIFY2(recovery.elapsed() < 60000, "the runtime did not recover after PostgreSQL came back");
        QTest::qWait(20);
    }
    QVERIFY(waitFinished(start));
    QCOMPARE(start->exitCode(), 0);
    qInfo("ready and writing again %lld ms after the start began", recovery.elapsed());
    for (int i = 0; i < 20; ++i)
        QCOMPARE(write(api), WriteOutcome::Acknowledged);

    QCOMPARE(runtime->stop(), 0);
    qInfo("%lld sessions acknowledged, checking them in PostgreSQL", qint64(m_acknowledged.size()));
    QCOMPARE(lostWrites(database), QStringList());
}

void TestStorePostgresRuntime::runtimeStartedWhileTheDatabaseIsDownTurnsReadyWhenItComesUp()
{
    QVERIFY(m_server.run("stop"));
    const auto restart = qScopeGuard([this] { m_server.run("start"); });
    const QString database = m_bed->freshDatabaseName("late");
    auto runtime = runtimeOn(database);

    QVERIFY2(runtime->start(), runtime->output().constData());

    ApiClient api(runtime->url("/"));
    const ApiReply ready = api.send("GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QVERIFY(ready.json().value("reasons").toArray().contains(QStringLiteral("store unreachable")));
    const ApiReply refused = api.send("POST", "/sessions", kApiKey, R"({"user_id":"early"})");
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.header("retry-after").isEmpty());

    QVERIFY(m_server.run("start"));
    QElapsedTimer recovery;
    recovery.start();
    while (!isReady(api)) {
        QVERIFY2(recovery.elapsed() < 30000, "the runtime did not turn ready after PostgreSQL came up");
        QTest::qWait(50);
    }
    qInfo("ready %lld ms after PostgreSQL was up", recovery.elapsed());
    const ApiReply created = api.send("POST", "/sessions", kApiKey, R"({"user_id":"late"})");
    QCOMPARE(created.status, 201);
    QCOMPARE(runtime->stop(), 0);
    const QString id = created.json().value("session_id").toString();
    QCOMPARE(m_bed->scalar(database, QStringLiteral("SELECT user_id FROM sessions WHERE id = '%1'").arg(id)).toString(),
             QStringLiteral("late"));
}

void TestStorePostgresRuntime::settingsThatCannotWorkFailFastWithOneErrorLine_data()
{
    QTest::addColumn<QStringList>("settings");
    QTest::addColumn<QString>("complaint");
    QTest::newRow("malformed dsn") << QStringList{"db_dsn=host=127.0.0.1 port=fifty"}
                                   << "db_dsn is not a valid PostgreSQL connection string: port 'fifty'";
    QTest::newRow("unknown scheme") << QStringList{"db_dsn=mysql://root@127.0.0.1/sessions"}
                                    << "only postgresql:// and postgres:// URIs are supported";
    QTest::newRow("login refused") << QStringList{"db_user=no_such_role"} << "refused the login";
    QTest::newRow("database missing, may not create it") << QStringList{"db_user=nocreatedb"}
                                                         << "does not exist and cannot be created";
    QTest::newRow("bad sslmode") << QStringList{"db_dsn=host=127.0.0.1 sslmode=sometimes"}
                                 << "invalid PostgreSQL connection settings";
}

// Runs the binary to its end: it must not wait for a database that can never work.
void TestStorePostgresRuntime::settingsThatCannotWorkFailFastWithOneErrorLine()
{
    QFETCH(QStringList, settings);
    QFETCH(QString, complaint);
    QTemporaryDir dataDir;
    QStringList args{"run"};
    const QStringList common{"http_listen=127.0.0.1:0", "worker_count=0", "data_dir=" + dataDir.path(),
                             "store=postgres", "db_host=127.0.0.1", "db_port=" + QString::number(m_server.port()),
                             "db_name=" + m_bed->freshDatabaseName("bad"), "backend="};
    for (const QString &setting : common + settings)
        args << "--set" << setting;
    QElapsedTimer timer;
    timer.start();

    const auto [exitCode, output] = RuntimeProcess::runOnce(args);

    QVERIFY2(exitCode > 0, output.constData());
    QVERIFY2(timer.elapsed() < 15000, qPrintable(QString::number(timer.elapsed())));
    QStringList errorLines;
    for (const QByteArray &line : output.split('\n')) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        if (line.startsWith("session-manager: ") || entry.value("level").toString() == QLatin1String("error"))
            errorLines.append(QString::fromUtf8(line));
    }
    QVERIFY2(errorLines.size() == 1, output.constData());
    QVERIFY2(errorLines.first().contains(complaint), qPrintable(errorLines.first()));
    QVERIFY2(!errorLines.first().contains("password="), qPrintable(errorLines.first()));
}

QTEST_GUILESS_MAIN(TestStorePostgresRuntime)
#include "tst_storepostgresruntime.moc"
