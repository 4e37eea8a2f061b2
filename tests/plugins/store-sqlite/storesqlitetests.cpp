#include "storesqlitetests.h"

#include "scopedsqliteconnection.h"
#include "sqliteplugintestfixture.h"
#include "testhostcontext.h"

#include <sm/store.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QTest>
#include <QTextStream>
#include <QThread>

namespace {

const QDateTime kCreated = QDateTime::fromMSecsSinceEpoch(1'700'000'000'456, Qt::UTC);

sm::Session sampleSession(const QString &id)
{
    sm::Session session;
    session.id = id;
    session.userId = QStringLiteral("alice");
    session.createdAt = kCreated;
    session.lastUpdated = kCreated;
    session.lastActivity = kCreated;
    session.absoluteExpiresAt = kCreated.addSecs(3600);
    session.idleTimeoutSecs = 900;
    session.metadata = {{"ip_address", "192.0.2.1"}};
    session.tokenHash = QByteArray(32, '\x07');
    return session;
}

QByteArray errorText(const sm::Error &error)
{
    return QByteArray(sm::errorCodeName(error.code)) + ": " + error.message.toUtf8();
}

// The schema as version 1 of the store created it, written out by hand on purpose: the
// test must keep proving that a file from that release still opens, whatever the code
// becomes.
const QStringList kVersion1Schema = {
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) VALUES (1)",
    "CREATE TABLE sessions (id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, state TEXT NOT NULL,"
    " version INTEGER NOT NULL, created_at INTEGER NOT NULL, last_updated INTEGER, last_activity INTEGER,"
    " absolute_expires_at INTEGER, idle_timeout INTEGER NOT NULL, metadata TEXT NOT NULL,"
    " context TEXT NOT NULL, worker TEXT NOT NULL, token_hash BLOB NOT NULL)",
    "CREATE INDEX sessions_by_created ON sessions (created_at, id)",
    "CREATE INDEX sessions_by_user ON sessions (user_id, created_at, id)",
    "CREATE INDEX sessions_by_state ON sessions (state, created_at, id)",
};

} // namespace

StoreSqliteTests::StoreSqliteTests(SqlitePluginFixture &fixture, QObject *parent)
    : QObject(parent), m_fixture(fixture)
{
}

void StoreSqliteTests::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void StoreSqliteTests::metadataDescribesTheStorePlugin()
{
    const QJsonObject loaderData = m_fixture.metaData();
    QCOMPARE(loaderData.value("IID").toString(), QStringLiteral(SM_PLUGIN_IID));
    const QJsonObject metadata = loaderData.value("MetaData").toObject();
    QCOMPARE(metadata.value("id").toString(), QStringLiteral("store-sqlite"));
    QCOMPARE(metadata.value("kind").toString(), QStringLiteral("store"));
    QCOMPARE(metadata.value("version").toString(), QStringLiteral("1.0.0"));
    QCOMPARE(metadata.value("sdk").toString(), QStringLiteral("1.0"));
    const QJsonObject config = metadata.value("config").toObject();
    QCOMPARE(config.value("path").toObject().value("type").toString(), QStringLiteral("string"));
    QCOMPARE(config.value("path").toObject().value("default").toString(), QString());
    const QJsonObject synchronous = config.value("synchronous").toObject();
    QCOMPARE(synchronous.value("type").toString(), QStringLiteral("enum"));
    QCOMPARE(synchronous.value("default").toString(), QStringLiteral("FULL"));
    QCOMPARE(synchronous.value("values").toArray(), (QJsonArray{"FULL", "NORMAL"}));
}

void StoreSqliteTests::databaseDefaultsToSessionsDbUnderDataDir()
{
    const QString dataDir = m_dir->filePath("not/yet/there");
    auto store = m_fixture.storeFor({{"data_dir", dataDir}});
    QVERIFY(store);
    const auto opened = store->open();
    QVERIFY2(opened.ok(), errorText(opened.error()));
    QVERIFY(QFileInfo::exists(dataDir + "/sessions.db"));
    QVERIFY(m_fixture.latestContext().recordedLog().lines().join('\n').contains(dataDir + "/sessions.db"));
}

void StoreSqliteTests::relativePathIsTakenFromDataDir()
{
    auto store = m_fixture.storeFor({{"data_dir", m_dir->path()}, {"path", "custom/store.sqlite"}});
    QVERIFY(store);
    QVERIFY(store->open().ok());
    QVERIFY(QFileInfo::exists(m_dir->filePath("custom/store.sqlite")));
    QVERIFY(!QFileInfo::exists(m_dir->filePath("sessions.db")));
}

void StoreSqliteTests::absolutePathIsUsedAsIs()
{
    const QString path = m_dir->filePath("elsewhere/my.db");
    auto store = m_fixture.storeFor({{"data_dir", m_dir->filePath("data")}, {"path", path}});
    QVERIFY(store);
    QVERIFY(store->open().ok());
    QVERIFY(QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(m_dir->filePath("data")));
}

void StoreSqliteTests::configureRefusesUnknownSynchronousMode()
{
    const auto configured = m_fixture.configure({{"data_dir", m_dir->path()}, {"synchronous", "OFF"}});
    QVERIFY(!configured.ok());
    QCOMPARE(configured.error().code, sm::ErrorCode::BadRequest);
    QVERIFY2(configured.error().message.contains("synchronous"), qPrintable(configured.error().message));
}

void StoreSqliteTests::configureAcceptsNormalSynchronousMode()
{
    auto store = m_fixture.storeFor({{"data_dir", m_dir->path()}, {"synchronous", "normal"}});
    QVERIFY(store);
    QVERIFY(store->open().ok());
    QVERIFY(m_fixture.latestContext().recordedLog().lines().join('\n').contains("\"synchronous\":\"NORMAL\""));
}

void StoreSqliteTests::configureRefusesMissingDataDir()
{
    const auto configured = m_fixture.configure({});
    QVERIFY(!configured.ok());
    QVERIFY2(configured.error().message.contains("data_dir"), qPrintable(configured.error().message));
}

void StoreSqliteTests::openFailsWhenTheDirectoryCannotBeCreated()
{
    QFile blocker(m_dir->filePath("a-file"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    auto store = m_fixture.storeFor({{"data_dir", blocker.fileName() + "/data"}});
    QVERIFY(store);
    const auto opened = store->open();
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, sm::ErrorCode::Unavailable);
    QCOMPARE(store->ping().ok(), false);
}

void StoreSqliteTests::journalIsInWalMode()
{
    auto store = m_fixture.storeFor({{"data_dir", m_dir->path()}});
    QVERIFY(store);
    QVERIFY(store->open().ok());
    const auto written = store->write({sm::StoreWrite{sm::StoreWrite::Kind::Insert, sampleSession("w"), 0}});
    QVERIFY(written.size() == 1 && written.first().ok());
    QVERIFY(QFileInfo(m_dir->filePath("sessions.db-wal")).size() > 0);
    store->close(); // the store holds the file's lock while it is open

    ScopedSqliteConnection raw(m_dir->filePath("sessions.db"));
    QVERIFY(raw.isOpen());
    QCOMPARE(raw.scalar("PRAGMA journal_mode").toString(), QStringLiteral("wal"));
}

void StoreSqliteTests::aSecondOpenerOfTheFileIsRefusedWhileTheStoreIsOpen()
{
    auto store = m_fixture.storeFor({{"data_dir", m_dir->path()}});
    QVERIFY(store);
    QVERIFY(store->open().ok());
    auto intruder = m_fixture.storeFor({{"data_dir", m_dir->path()}});
    QVERIFY(intruder);
    const auto opened = intruder->open();
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, sm::ErrorCode::Unavailable);
    QVERIFY2(opened.error().message.contains("locked"), qPrintable(opened.error().message));
    // The owner goes on writing.
    const auto written = store->write({sm::StoreWrite{sm::StoreWrite::Kind::Insert, sampleSession("owner"), 0}});
    QVERIFY(written.size() == 1 && written.first().ok());
}

void StoreSqliteTests::runsOnTheThreadThatOpenedIt()
{
    // As the host does it: created on the main thread, used only on a store thread.
    auto store = m_fixture.storeFor({{"data_dir", m_dir->path()}});
    QVERIFY(store);
    QStringList outcomes;
    std::unique_ptr<QThread> storeThread(QThread::create([&] {
        const bool opened = store->open().ok();
        const auto written = store->write({sm::StoreWrite{sm::StoreWrite::Kind::Insert, sampleSession("t"), 0}});
        const bool read = store->get("t").ok();
        store->close();
        outcomes = {opened ? "opened" : "not opened", written.first().ok() ? "written" : "not written",
                    read ? "read" : "not read"};
    }));
    storeThread->start();
    QVERIFY(storeThread->wait(20000));
    QCOMPARE(outcomes, (QStringList{"opened", "written", "read"}));
}

int StoreSqliteTests::writeAndWaitForKill(SqlitePluginFixture &fixture, const QString &path, const QString &sessionId)
{
    QTextStream out(stdout);
    QString error;
    auto store = fixture.storeFor({{"path", path}}, &error);
    if (!store) {
        out << "failed: " << error << Qt::endl;
        return 1;
    }
    if (const auto opened = store->open(); !opened) {
        out << "failed: " << opened.error().message << Qt::endl;
        return 1;
    }
    sm::Session session = sampleSession(sessionId);
    sm::Session changed = session;
    changed.state = sm::SessionState::Idle;
    changed.metadata = {{"written_by", "child"}};
    const auto results = store->write({sm::StoreWrite{sm::StoreWrite::Kind::Insert, session, 0},
                                       sm::StoreWrite{sm::StoreWrite::Kind::Update, changed, 1}});
    for (const auto &result : results) {
        if (!result) {
            out << "failed: " << result.error().message << Qt::endl;
            return 1;
        }
    }
    out << "acked" << Qt::endl;
    // No close(), no exit: the parent kills this process as a crash would.
    for (;;)
        QThread::sleep(1);
}

void StoreSqliteTests::acknowledgedWritesSurviveAKilledProcess()
{
    const QString path = m_dir->filePath("crash.db");
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {kWriteAndWaitMode, path, "crash-survivor"});
    QVERIFY(child.waitForStarted());
    QByteArray output;
    while (!output.contains('\n') && child.waitForReadyRead(20000))
        output += child.readAllStandardOutput();
    QCOMPARE(output.trimmed(), QByteArray("acked"));
    child.kill();
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    // The commit is only in the write-ahead log: reading it back proves WAL recovery.
    QVERIFY(QFileInfo(path + "-wal").size() > 0);

    auto store = m_fixture.storeFor({{"path", path}});
    QVERIFY(store);
    QVERIFY(store->open().ok());
    const auto stored = store->get("crash-survivor");
    QVERIFY2(stored.ok(), stored.ok() ? "" : errorText(stored.error()).constData());
    QCOMPARE(stored->version, 2);
    QCOMPARE(stored->state, sm::SessionState::Idle);
    QCOMPARE(stored->metadata.value("written_by").toString(), QStringLiteral("child"));
}

void StoreSqliteTests::migratesAVersion1Database()
{
    const QString path = m_dir->filePath("v1.db");
    const qint64 created = kCreated.toMSecsSinceEpoch();
    {
        ScopedSqliteConnection raw(path);
        QVERIFY(raw.isOpen());
        for (const QString &sql : kVersion1Schema)
            QVERIFY(raw.exec(sql));
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO sessions VALUES ('legacy-1', 'bob', 'idle', 4, %1, %2, %3, %4,"
                                        " 60, '{\"ip_address\":\"198.51.100.7\"}', '{\"seed\":7}', 'worker-3',"
                                        " X'abcd')")
                             .arg(created).arg(created + 1).arg(created + 2).arg(created + 3'600'000)));
    }

    auto store = m_fixture.storeFor({{"path", path}});
    QVERIFY(store);
    const auto opened = store->open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : errorText(opened.error()).constData());

    const auto stored = store->get("legacy-1");
    QVERIFY(stored.ok());
    QCOMPARE(stored->userId, QStringLiteral("bob"));
    QCOMPARE(stored->state, sm::SessionState::Idle);
    QCOMPARE(stored->version, 4);
    QCOMPARE(stored->createdAt, kCreated);
    QCOMPARE(stored->lastUpdated, kCreated.addMSecs(1));
    QCOMPARE(stored->lastActivity, kCreated.addMSecs(2));
    QCOMPARE(stored->absoluteExpiresAt, kCreated.addSecs(3600));
    QCOMPARE(stored->idleTimeoutSecs, 60);
    QCOMPARE(stored->metadata.value("ip_address").toString(), QStringLiteral("198.51.100.7"));
    QCOMPARE(stored->context.value("seed").toInt(), 7);
    QCOMPARE(stored->worker, QStringLiteral("worker-3"));
    QCOMPARE(stored->tokenHash, QByteArray::fromHex("abcd"));
    // The deadline column added by the migration is computed for old rows too.
    const auto expired = store->expireDue(kCreated.addMSecs(2 + 60'000), 10);
    QVERIFY(expired.ok());
    QCOMPARE(expired->size(), 1);
    QVERIFY(m_fixture.latestContext().recordedLog().lines().join('\n').contains("\"from\":1"));
    store->close();

    ScopedSqliteConnection raw(path);
    QCOMPARE(raw.scalar("SELECT version FROM schema_version").toInt(), 2);
}

void StoreSqliteTests::refusesADatabaseWithANewerSchema()
{
    const QString path = m_dir->filePath("future.db");
    {
        ScopedSqliteConnection raw(path);
        QVERIFY(raw.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)"));
        QVERIFY(raw.exec("INSERT INTO schema_version (version) VALUES (3)"));
    }

    auto store = m_fixture.storeFor({{"path", path}});
    QVERIFY(store);
    const auto opened = store->open();
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, sm::ErrorCode::Internal);
    QVERIFY2(opened.error().message.contains("schema version 3") && opened.error().message.contains("newer"),
             qPrintable(opened.error().message));
    ScopedSqliteConnection raw(path);
    QCOMPARE(raw.scalar("SELECT version FROM schema_version").toInt(), 3);
}
