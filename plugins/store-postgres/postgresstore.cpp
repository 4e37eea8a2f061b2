#include "postgresstore.h"

#include "batchwriter.h"
#include "listcursor.h"
#include "postgresconnection.h"
#include "schemamigrator.h"
#include "serverprobe.h"
#include "sessionrowcodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>

namespace smpg {

namespace {

constexpr int kMaxPageSize = 500;

sm::Error notOpen()
{
    return sm::makeError(sm::ErrorCode::Unavailable, QStringLiteral("the PostgreSQL store is not open"));
}

QStringList listConditions(const sm::ListSessionsQuery &query, const std::optional<ListCursor> &after,
                           QVariantList &binds)
{
    QStringList conditions;
    if (query.userId) {
        conditions.append(QStringLiteral("user_id = ?"));
        binds.append(*query.userId);
    }
    if (query.state) {
        conditions.append(QStringLiteral("state = ?"));
        binds.append(QString::fromLatin1(sm::sessionStateName(*query.state)));
    }
    if (after) {
        conditions.append(QStringLiteral("(created_at, id) > (?::timestamptz, ?)"));
        binds.append(SessionRowCodec::timestampText(after->createdAt));
        binds.append(after->id);
    }
    return conditions;
}

} // namespace

PostgresStore::PostgresStore(StoreSettings settings, sm::Logger *logger)
    : m_settings(std::move(settings)), m_logger(logger)
{
}

PostgresStore::~PostgresStore() = default;

void PostgresStore::setChangeHandler(ChangeHandler handler)
{
    m_changeHandler = std::move(handler);
}

sm::Result<void> PostgresStore::open()
{
    auto config = ConnectionConfig::resolve(m_settings);
    if (!config)
        return config.error();
    m_config = config.value();
    auto established = establish();
    if (!established && established.error().code != sm::ErrorCode::Unavailable) {
        m_config.reset();
        return established.error();
    }
    if (!established) {
        // The server is only unreachable: open anyway, answer Unavailable (ping() included)
        // and keep trying, so the runtime can wait for its database without a restart.
        m_backoff.failed();
        m_lastFailure = established.error().message;
        return {};
    }
    m_connection = std::move(established.value());
    log(sm::LogLevel::Info, QStringLiteral("using PostgreSQL %1, schema version %2")
                                .arg(m_config->describe())
                                .arg(m_schemaVersion));
    return {};
}

void PostgresStore::close()
{
    m_connection.reset();
    m_config.reset();
}

QList<sm::Result<sm::Session>> PostgresStore::write(const QList<sm::StoreWrite> &writes)
{
    auto live = connection();
    if (!live)
        return QList<sm::Result<sm::Session>>(writes.size(), live.error());
    auto results = BatchWriter(*live.value()).write(writes);
    forgetBrokenConnection();
    return results;
}

sm::Result<sm::Session> PostgresStore::get(const QString &id)
{
    auto live = connection();
    if (!live)
        return live.error();
    static const QString sql = QStringLiteral("SELECT %1 FROM sessions WHERE id = ?").arg(SessionRowCodec::columns());
    auto query = live.value()->executePrepared(sql, {id});
    forgetBrokenConnection();
    if (!query)
        return query.error();
    if (!query.value()->next())
        return sm::makeError(sm::ErrorCode::NotFound, QStringLiteral("session %1 not found").arg(id));
    return SessionRowCodec::readSession(*query.value());
}

sm::Result<sm::SessionPage> PostgresStore::list(const sm::ListSessionsQuery &query)
{
    std::optional<ListCursor> after;
    if (!query.cursor.isEmpty()) {
        auto decoded = ListCursor::decode(query.cursor);
        if (!decoded)
            return decoded.error();
        after = decoded.value();
    }
    auto live = connection();
    if (!live)
        return live.error();
    QVariantList binds;
    const QStringList conditions = listConditions(query, after, binds);
    const int limit = std::clamp(query.limit, 1, kMaxPageSize);
    binds.append(limit + 1); // one more tells whether a next page exists
    const QString sql = QStringLiteral("SELECT %1 FROM sessions %2 ORDER BY created_at, id LIMIT ?")
                            .arg(SessionRowCodec::columns(),
                                 conditions.isEmpty() ? QString() : "WHERE " + conditions.join(" AND "));
    auto rows = live.value()->exec(sql, binds);
    forgetBrokenConnection();
    if (!rows)
        return rows.error();
    sm::SessionPage page;
    while (rows->next())
        page.sessions.append(SessionRowCodec::readSession(rows.value()));
    if (page.sessions.size() > limit) {
        page.sessions.resize(limit);
        page.nextCursor = ListCursor{page.sessions.last().createdAt, page.sessions.last().id}.encode();
    }
    return page;
}

sm::Result<QList<sm::Session>> PostgresStore::expireDue(const QDateTime &now, int limit)
{
    auto live = connection();
    if (!live)
        return live.error();
    // SKIP LOCKED lets several runtimes sweep at once without waiting for, or expiring
    // twice, the rows another one is taking.
    const QString sql = QStringLiteral(
        "WITH due AS (SELECT id FROM sessions WHERE state IN ('active', 'idle')"
        " AND expires_at <= ?::timestamptz ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
        " UPDATE sessions AS s SET state = 'expired', version = s.version + 1,"
        " last_updated = ?::timestamptz FROM due WHERE s.id = due.id RETURNING %1")
                            .arg(SessionRowCodec::columns(QStringLiteral("s.")));
    const QString nowText = SessionRowCodec::timestampText(now);
    auto rows = live.value()->exec(sql, {nowText, limit, nowText});
    forgetBrokenConnection();
    if (!rows)
        return rows.error();
    QList<sm::Session> expired;
    while (rows->next())
        expired.append(SessionRowCodec::readSession(rows.value()));
    return expired;
}

sm::Result<int> PostgresStore::purgeFinal(const QDateTime &before, int limit)
{
    auto live = connection();
    if (!live)
        return live.error();
    auto deleted = live.value()->exec(
        // ended_at is last_updated for final sessions and NULL for the others.
        QStringLiteral("WITH doomed AS (SELECT id FROM sessions"
                       " WHERE ended_at < ?::timestamptz ORDER BY ended_at LIMIT ?"
                       " FOR UPDATE SKIP LOCKED)"
                       " DELETE FROM sessions AS s USING doomed WHERE s.id = doomed.id"),
        {SessionRowCodec::timestampText(before), limit});
    forgetBrokenConnection();
    if (!deleted)
        return deleted.error();
    return deleted->numRowsAffected();
}

sm::Result<void> PostgresStore::ping()
{
    auto live = connection();
    if (!live)
        return live.error();
    auto answered = live.value()->exec(QStringLiteral("SELECT 1"));
    forgetBrokenConnection();
    if (!answered)
        return answered.error();
    return {};
}

sm::Result<PostgresConnection *> PostgresStore::connection()
{
    if (!m_config)
        return notOpen();
    if (m_connection)
        return m_connection.get();
    if (!m_backoff.attemptDue())
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("%1; next reconnect attempt in %2 ms")
                                 .arg(m_lastFailure)
                                 .arg(m_backoff.remainingMs()));
    auto established = establish();
    if (!established) {
        m_backoff.failed();
        m_lastFailure = established.error().message;
        // Once open, even a refused login can only be retried: callers see Unavailable.
        return sm::makeError(sm::ErrorCode::Unavailable, m_lastFailure);
    }
    m_backoff.succeeded();
    m_connection = std::move(established.value());
    log(sm::LogLevel::Info, QStringLiteral("connected to PostgreSQL %1, schema version %2")
                                .arg(m_config->describe())
                                .arg(m_schemaVersion));
    return m_connection.get();
}

sm::Result<std::unique_ptr<PostgresConnection>> PostgresStore::establish()
{
    auto connection = login();
    if (!connection)
        return connection;
    if (!m_schemaReady) {
        auto migrated = SchemaMigrator::migrate(*connection.value());
        if (!migrated)
            return migrated.error();
        m_schemaVersion = migrated.value();
        m_schemaReady = true;
    }
    if (!m_changeHandler)
        return connection;
    // Changes made while we were away are not replayed: NOTIFY is not queued for absent
    // listeners.
    auto listening = connection.value()->listen(QString::fromLatin1(SchemaMigrator::changeChannel()),
                                                [this](const QString &payload) { notifyChange(payload); });
    if (!listening)
        return listening.error();
    return connection;
}

// A failed connect is Unavailable only when the server is not there (yet); when it is up
// and turned us away, retrying will not help, except for the few refusals that pass.
sm::Result<std::unique_ptr<PostgresConnection>> PostgresStore::login()
{
    auto connection = PostgresConnection::open(*m_config);
    if (connection)
        return connection;
    const sm::Error &failure = connection.error();
    switch (ServerProbe::probe(*m_config)) {
    case ServerProbe::Status::NotAccepting:
        return failure;
    case ServerProbe::Status::BadParameters:
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("invalid PostgreSQL connection settings: %1").arg(failure.message));
    case ServerProbe::Status::Accepting:
        break;
    }
    if (isPassingRefusal(failure.message))
        return failure;
    auto created = createDatabaseIfMissing();
    if (!created)
        return created.error();
    if (created.value()) {
        connection = PostgresConnection::open(*m_config);
        if (connection)
            return connection;
    }
    return sm::makeError(sm::ErrorCode::PermissionDenied,
                         QStringLiteral("%1 (the server is up and refused the login: check db_user, "
                                        "db_password, db_name and pg_hba.conf)")
                             .arg(connection.error().message));
}

// Refusals a server gives while it is busy or changing state (English server messages:
// SQLSTATE is not available for a failed connect).
bool PostgresStore::isPassingRefusal(const QString &message)
{
    static const char *const kPassing[] = {"too many clients", "connection slots are reserved",
                                           "the database system is"};
    for (const char *passing : kPassing) {
        if (message.contains(QLatin1String(passing)))
            return true;
    }
    return false;
}

sm::Result<bool> PostgresStore::createDatabaseIfMissing()
{
    auto maintenance = PostgresConnection::open(m_config->withDatabase(QStringLiteral("postgres")));
    if (!maintenance)
        return false; // cannot tell; the original refusal stands
    auto exists = [&]() -> sm::Result<bool> {
        auto found = maintenance.value()->exec(
            QStringLiteral("SELECT 1 FROM pg_database WHERE datname = ?"), {m_config->database});
        if (!found)
            return found.error();
        return found->next();
    };
    auto existed = exists();
    if (!existed)
        return existed.error();
    // Another runtime starting at the same time may have created it since our connect
    // failed: then it is there now and a second connect is worth trying.
    if (existed.value())
        return true;
    auto created = maintenance.value()->exec(
        "CREATE DATABASE " + PostgresConnection::quotedIdentifier(m_config->database));
    if (!created) {
        // Another runtime may have created it in the meantime; that is just as good.
        auto createdElsewhere = exists();
        if (!createdElsewhere || !createdElsewhere.value())
            return sm::makeError(created.error().code,
                                 QStringLiteral("database %1 does not exist and cannot be created: %2")
                                     .arg(m_config->database, created.error().message));
        return true;
    }
    log(sm::LogLevel::Info, QStringLiteral("created database %1").arg(m_config->database));
    return true;
}

void PostgresStore::forgetBrokenConnection()
{
    if (!m_connection || !m_connection->isBroken())
        return;
    m_connection.reset();
    log(sm::LogLevel::Warning,
        QStringLiteral("lost the connection to PostgreSQL %1; answering Unavailable until it is back")
            .arg(m_config->describe()));
}

void PostgresStore::notifyChange(const QString &payload)
{
    if (!m_changeHandler)
        return;
    const QJsonArray changes = QJsonDocument::fromJson(payload.toUtf8()).array();
    for (const QJsonValue &change : changes) {
        const QJsonArray idAndVersion = change.toArray();
        const QString id = idAndVersion.at(0).toString();
        if (!id.isEmpty())
            m_changeHandler(sm::StoreChange{id, idAndVersion.at(1).toInteger()});
    }
}

void PostgresStore::log(sm::LogLevel level, const QString &message) const
{
    if (m_logger)
        m_logger->log(level, message);
}

} // namespace smpg
