#include "postgresconnection.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>

#include <atomic>

namespace smpg {

namespace {

QString uniqueConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("store-postgres-%1").arg(++counter);
}

// SQLSTATE classes that mean the session is gone or going: connection exceptions (08),
// operator intervention such as a server shutdown (57P0x). QPSQL reports no SQLSTATE at
// all when libpq lost the socket.
bool isConnectionFailure(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    return state.isEmpty() || state.startsWith(QLatin1String("08"))
        || state.startsWith(QLatin1String("57P"));
}

sm::ErrorCode codeFor(const QString &sqlState)
{
    // 23505: unique violation; the only unique key is the session id.
    if (sqlState == QLatin1String("23505"))
        return sm::ErrorCode::AlreadyExists;
    // 22: data exception (bad value), 23: any other integrity constraint violation.
    if (sqlState.startsWith(QLatin1String("22")) || sqlState.startsWith(QLatin1String("23")))
        return sm::ErrorCode::BadRequest;
    // 40: serialization failure or deadlock; 53: out of resources; 55P03: lock not
    // available; 57014: statement timeout. All worth retrying later.
    if (sqlState.startsWith(QLatin1String("40")) || sqlState.startsWith(QLatin1String("53"))
        || sqlState == QLatin1String("55P03") || sqlState == QLatin1String("57014"))
        return sm::ErrorCode::Unavailable;
    return sm::ErrorCode::Internal;
}

// One line: libpq's messages span several ("...failed: Connection refused\n\tIs the
// server running..."), and they end up in one log or error line.
QString describe(const QSqlError &error)
{
    QString text = error.databaseText().simplified();
    if (text.isEmpty())
        text = error.driverText().simplified();
    return text;
}

} // namespace

PostgresConnection::PostgresConnection(ConnectionConfig config, QString connectionName)
    : m_config(std::move(config)), m_connectionName(std::move(connectionName))
{
}

PostgresConnection::~PostgresConnection()
{
    m_prepared.clear();
    {
        QSqlDatabase db = database();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

sm::Result<std::unique_ptr<PostgresConnection>>
PostgresConnection::open(const ConnectionConfig &config)
{
    std::unique_ptr<PostgresConnection> connection(
        new PostgresConnection(config, uniqueConnectionName()));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection->m_connectionName);
    if (!db.isValid())
        return sm::makeError(sm::ErrorCode::Internal,
                             QStringLiteral("the Qt PostgreSQL driver (QPSQL) is not installed"));
    db.setHostName(config.host);
    db.setPort(config.port);
    db.setDatabaseName(config.database);
    db.setUserName(config.user);
    db.setPassword(config.password);
    db.setConnectOptions(config.connectOptions());
    if (!db.open())
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("cannot connect to PostgreSQL %1: %2")
                                 .arg(config.describe(), describe(db.lastError())));
    return connection;
}

QSqlDatabase PostgresConnection::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

sm::Result<QSqlQuery> PostgresConnection::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    if (!query.exec(binds.isEmpty() ? sql : withLiterals(sql, binds)))
        return failure(query.lastError(), QStringLiteral("query"));
    return query;
}

sm::Result<QSqlQuery *> PostgresConnection::executePrepared(const QString &sql, const QVariantList &binds)
{
    auto found = m_prepared.find(sql);
    if (found == m_prepared.end()) {
        auto query = std::make_unique<QSqlQuery>(database());
        query->setForwardOnly(true);
        if (!query->prepare(sql))
            return failure(query->lastError(), QStringLiteral("PREPARE"));
        found = m_prepared.emplace(sql, std::move(query)).first;
    }
    QSqlQuery &query = *found->second;
    for (qsizetype i = 0; i < binds.size(); ++i)
        query.bindValue(int(i), binds.at(i));
    if (!query.exec())
        return failure(query.lastError(), QStringLiteral("query"));
    return &query;
}

// QPSQL's prepared statements cost a PREPARE, an EXECUTE and a DEALLOCATE round trip each
// when used once; the driver's own escaping (PQescapeStringConn) inlines the values in one.
QString PostgresConnection::withLiterals(const QString &sql, const QVariantList &binds) const
{
    const QSqlDriver *driver = database().driver();
    QString text;
    text.reserve(sql.size() + 64);
    qsizetype next = 0;
    bool inQuotes = false;
    for (const QChar c : sql) {
        if (c == u'\'')
            inQuotes = !inQuotes;
        if (c != u'?' || inQuotes || next >= binds.size()) {
            text.append(c);
            continue;
        }
        const QVariant &value = binds.at(next++);
        QSqlField field(QString(), value.metaType());
        field.setValue(value);
        text.append(driver->formatValue(field));
    }
    return text;
}

sm::Result<void> PostgresConnection::begin()
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return failure(db.lastError(), QStringLiteral("BEGIN"));
    return {};
}

sm::Result<void> PostgresConnection::commit()
{
    QSqlDatabase db = database();
    if (!db.commit())
        return failure(db.lastError(), QStringLiteral("COMMIT"));
    return {};
}

void PostgresConnection::rollback()
{
    database().rollback();
}

sm::Result<void> PostgresConnection::listen(const QString &channel, NotificationHandler handler)
{
    QSqlDriver *driver = database().driver();
    if (!driver->subscribeToNotification(channel))
        return failure(driver->lastError(), QStringLiteral("LISTEN %1").arg(channel));
    QObject::connect(driver, &QSqlDriver::notification, driver,
                     [channel, handler = std::move(handler)](
                         const QString &name, QSqlDriver::NotificationSource source,
                         const QVariant &payload) {
                         if (name == channel && source != QSqlDriver::SelfSource)
                             handler(payload.toString());
                     });
    return {};
}

QString PostgresConnection::quotedIdentifier(const QString &name)
{
    QString escaped = name;
    escaped.replace(u'"', QStringLiteral("\"\""));
    return u'"' + escaped + u'"';
}

sm::Error PostgresConnection::failure(const QSqlError &error, const QString &what)
{
    if (isConnectionFailure(error)) {
        m_broken = true;
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("PostgreSQL %1 unreachable during %2: %3")
                                 .arg(m_config.describe(), what, describe(error)));
    }
    return sm::makeError(codeFor(error.nativeErrorCode()),
                         QStringLiteral("PostgreSQL %1 failed (SQLSTATE %2): %3")
                             .arg(what, error.nativeErrorCode(), describe(error)));
}

} // namespace smpg
