#include "postgrestestbed.h"

#include <QCoreApplication>
#include <QPluginLoader>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <sm/plugin.h>

#include <atomic>

int PostgresTestBed::fixturePort()
{
    return qEnvironmentVariableIntValue("SM_TEST_PG_PORT");
}

PostgresTestBed::PostgresTestBed(int port) : m_port(port)
{
}

PostgresTestBed::~PostgresTestBed()
{
    for (const QString &database : std::as_const(m_databases)) {
        exec(QStringLiteral("postgres"),
             QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)").arg(database));
    }
}

QString PostgresTestBed::freshDatabaseName(const QString &tag)
{
    static std::atomic<int> counter{0};
    const QString name = QStringLiteral("t_%1_%2_%3")
                             .arg(tag.toLower())
                             .arg(QCoreApplication::applicationPid())
                             .arg(++counter);
    m_databases.append(name);
    return name;
}

std::unique_ptr<sm::SessionStore> PostgresTestBed::createStore(const QString &database,
                                                               const QJsonObject &extraSettings)
{
    // The override lets a bench compare another build of the plugin in the same minute.
    QPluginLoader loader(
        qEnvironmentVariable("SM_BENCH_STORE_POSTGRES_MODULE", QStringLiteral(SM_STORE_POSTGRES_PLUGIN)));
    auto *plugin = qobject_cast<sm::Plugin *>(loader.instance());
    if (!plugin) {
        m_lastError = loader.errorString();
        return nullptr;
    }
    QJsonObject settings{{"db_host", "127.0.0.1"}, {"db_port", m_port}, {"db_name", database},
                         {"db_user", "postgres"}, {"connect_timeout", 2}};
    for (auto it = extraSettings.begin(); it != extraSettings.end(); ++it)
        settings.insert(it.key(), it.value());
    m_hosts.emplace_back(QStringLiteral("store-postgres"), settings);
    if (auto configured = plugin->configure(m_hosts.back()); !configured) {
        m_lastError = configured.error().message;
        return nullptr;
    }
    return plugin->storeFactory()->createStore();
}

template <typename Action>
bool PostgresTestBed::withConnection(const QString &database, Action action)
{
    static std::atomic<int> counter{0};
    const QString name = QStringLiteral("testbed-%1").arg(++counter);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_port);
        db.setUserName(QStringLiteral("postgres"));
        db.setDatabaseName(database);
        if (!db.open()) {
            m_lastError = db.lastError().text();
        } else {
            QSqlQuery query(db);
            ok = action(query);
            if (!ok)
                m_lastError = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

bool PostgresTestBed::exec(const QString &database, const QString &sql)
{
    return withConnection(database, [&](QSqlQuery &query) { return query.exec(sql); });
}

QVariant PostgresTestBed::scalar(const QString &database, const QString &sql)
{
    QVariant value;
    withConnection(database, [&](QSqlQuery &query) {
        if (!query.exec(sql) || !query.next())
            return false;
        value = query.value(0);
        return true;
    });
    return value;
}

sm::Session testSession(const QString &id, const QString &userId)
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
    sm::Session session;
    session.id = id;
    session.userId = userId;
    session.createdAt = now;
    session.lastUpdated = now;
    session.lastActivity = now;
    session.absoluteExpiresAt = now.addSecs(3600);
    session.idleTimeoutSecs = 900;
    session.metadata = {{"client_version", "1.0"}};
    session.tokenHash = QByteArray(32, '\x2a');
    return session;
}

sm::StoreWrite insertOf(const sm::Session &session)
{
    return sm::StoreWrite{sm::StoreWrite::Kind::Insert, session, 0};
}

sm::StoreWrite updateOf(const sm::Session &session, qint64 expectedVersion)
{
    return sm::StoreWrite{sm::StoreWrite::Kind::Update, session, expectedVersion};
}

sm::Result<sm::Session> writeOne(sm::SessionStore &store, const sm::StoreWrite &write)
{
    const auto results = store.write({write});
    if (results.size() != 1)
        return sm::makeError(sm::ErrorCode::Internal,
                             QStringLiteral("write() answered %1 results for one write").arg(results.size()));
    return results.first();
}
