#include "sqlitesessionstore.h"

#include "pagecursor.h"
#include "sessionrow.h"
#include "sqliteschema.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <atomic>
#include <limits>

namespace smsqlite {

namespace {

constexpr int kMaxPageSize = 500;

sm::Error unavailable(const QString &what, const QSqlError &error)
{
    return sm::makeError(sm::ErrorCode::Unavailable,
                         QStringLiteral("session store: %1: %2").arg(what, error.text()));
}

sm::Error notFound(const QString &id)
{
    return sm::makeError(sm::ErrorCode::NotFound, QStringLiteral("session %1 not found").arg(id));
}

// Each store gets its own QtSql connection, which lives on the thread that opened it.
QString uniqueConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("store-sqlite-%1").arg(++counter);
}

QString selectSessions(const QString &where)
{
    return QStringLiteral("SELECT %1 FROM sessions WHERE %2").arg(SessionRow::columns(), where);
}

QString listSql(const sm::ListSessionsQuery &query)
{
    QString where;
    if (query.userId)
        where += QStringLiteral("user_id = :user_id AND ");
    if (query.state)
        where += QStringLiteral("state = :state AND ");
    where += QStringLiteral("(created_at, id) > (:after_created_at, :after_id)"
                            " ORDER BY created_at, id LIMIT :limit");
    return selectSessions(where);
}

std::optional<sm::Error> validateInsert(const sm::Session &session)
{
    if (session.id.isEmpty())
        return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("a new session needs an id"));
    if (!session.createdAt.isValid()) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("session %1 has no creation time").arg(session.id));
    }
    return std::nullopt;
}

} // namespace

SqliteSessionStore::SqliteSessionStore(SqliteStoreOptions options, sm::Logger *logger)
    : m_options(std::move(options)), m_logger(logger)
{
}

SqliteSessionStore::~SqliteSessionStore()
{
    close();
}

sm::Result<void> SqliteSessionStore::open()
{
    if (m_statements)
        return {};
    auto opened = openConnection();
    if (opened)
        opened = configureConnection();
    if (opened)
        opened = SqliteSchema::migrate(m_database, m_logger);
    if (!opened) {
        close();
        return opened;
    }
    m_statements.emplace(m_database);
    return {};
}

sm::Result<void> SqliteSessionStore::openConnection()
{
    const QFileInfo file(m_options.path);
    if (!QDir().mkpath(file.absolutePath())) {
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("session store: cannot create the directory %1").arg(file.absolutePath()));
    }
    m_connectionName = uniqueConnectionName();
    m_database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!m_database.isValid()) {
        return sm::makeError(sm::ErrorCode::Internal,
                             QStringLiteral("session store: the Qt SQLite driver (QSQLITE) is not installed"));
    }
    m_database.setDatabaseName(file.absoluteFilePath());
    if (!m_database.open())
        return unavailable(QStringLiteral("cannot open %1").arg(file.absoluteFilePath()), m_database.lastError());
    return {};
}

sm::Result<void> SqliteSessionStore::configureConnection()
{
    QSqlQuery query(m_database);
    auto pragma = [&](const QString &sql) -> sm::Result<QString> {
        if (!query.exec(sql))
            return unavailable(QStringLiteral("\"%1\" failed").arg(sql), query.lastError());
        return query.next() ? query.value(0).toString() : QString();
    };
    // The timeout first, so that switching to WAL waits for another process's lock.
    if (auto set = pragma(QStringLiteral("PRAGMA busy_timeout = %1").arg(m_options.busyTimeoutMs)); !set)
        return set.error();
    const auto journal = pragma(QStringLiteral("PRAGMA journal_mode = WAL"));
    if (!journal)
        return journal.error();
    if (journal.value().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("session store: %1 refuses WAL mode (journal mode %2)")
                                 .arg(m_database.databaseName(), journal.value()));
    }
    if (auto set = pragma(QStringLiteral("PRAGMA synchronous = %1").arg(m_options.synchronous)); !set)
        return set.error();
    // Random session ids scatter inserts over the whole id index: a cache that holds the
    // indexes saves re-reading their pages on every batch (the default is 2 MiB).
    if (auto set = pragma(QStringLiteral("PRAGMA cache_size = -%1").arg(m_options.cacheSizeKiB)); !set)
        return set.error();
    return {};
}

void SqliteSessionStore::close()
{
    m_statements.reset();
    if (m_connectionName.isEmpty())
        return;
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

sm::Result<QSqlQuery *> SqliteSessionStore::execute(const QString &sql, const Binder &bind)
{
    if (!m_statements)
        return sm::makeError(sm::ErrorCode::Unavailable, QStringLiteral("session store is not open"));
    auto statement = m_statements->prepared(sql);
    if (!statement)
        return statement;
    QSqlQuery *query = statement.value();
    bind(*query);
    if (!query->exec())
        return unavailable(QStringLiteral("\"%1\" failed").arg(sql), query->lastError());
    return query;
}

QList<sm::Result<sm::Session>> SqliteSessionStore::write(const QList<sm::StoreWrite> &writes)
{
    QList<sm::Result<sm::Session>> results;
    results.reserve(writes.size());
    auto failAll = [&](const sm::Error &error) {
        results.clear();
        for (qsizetype i = 0; i < writes.size(); ++i)
            results.append(error);
        return results;
    };
    if (writes.isEmpty())
        return results;
    if (auto begun = control(QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return failAll(begun.error());
    for (const sm::StoreWrite &write : writes) {
        auto result = applyWrite(write);
        // Unavailable is the database failing, not this write: nothing of the batch may stay.
        if (!result && result.error().code == sm::ErrorCode::Unavailable) {
            rollback();
            return failAll(result.error());
        }
        results.append(std::move(result));
    }
    if (auto committed = commit(); !committed)
        return failAll(committed.error());
    return results;
}

sm::Result<void> SqliteSessionStore::control(const QString &sql)
{
    auto done = execute(sql, [](QSqlQuery &) {});
    if (!done)
        return done.error();
    return {};
}

sm::Result<void> SqliteSessionStore::commit()
{
    auto committed = control(QStringLiteral("COMMIT"));
    if (!committed)
        rollback(); // SQLite may keep the transaction open after a failed COMMIT
    return committed;
}

void SqliteSessionStore::rollback()
{
    (void)control(QStringLiteral("ROLLBACK")); // the failure that led here is the one reported
}

sm::Result<sm::Session> SqliteSessionStore::applyWrite(const sm::StoreWrite &write)
{
    switch (write.kind) {
    case sm::StoreWrite::Kind::Insert: return insert(write.session);
    case sm::StoreWrite::Kind::Update: return update(write);
    case sm::StoreWrite::Kind::Touch: return touch(write.session);
    case sm::StoreWrite::Kind::Delete: return remove(write.session.id);
    }
    return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("unknown store write kind"));
}

sm::Result<sm::Session> SqliteSessionStore::insert(const sm::Session &session)
{
    if (auto invalid = validateInsert(session))
        return *invalid;
    static const QString sql = QStringLiteral(
        "INSERT INTO sessions (%1) VALUES (:id, :user_id, :state, :version, :created_at, :last_updated,"
        " :last_activity, :absolute_expires_at, :idle_timeout, :metadata, :context, :worker, :token_hash)"
        " ON CONFLICT (id) DO NOTHING").arg(SessionRow::columns());
    const auto inserted = execute(sql, [&](QSqlQuery &query) { SessionRow::bind(query, session); });
    if (!inserted)
        return inserted.error();
    if (inserted.value()->numRowsAffected() == 0) {
        return sm::makeError(sm::ErrorCode::AlreadyExists,
                             QStringLiteral("session %1 already exists").arg(session.id));
    }
    return session;
}

sm::Result<sm::Session> SqliteSessionStore::update(const sm::StoreWrite &write)
{
    static const QString sql = QStringLiteral(
        "UPDATE sessions SET state = :state, metadata = :metadata, context = :context, worker = :worker,"
        " last_updated = :last_updated, version = :new_version"
        " WHERE id = :id AND version = :expected_version RETURNING %1").arg(SessionRow::columns());
    const sm::Session &session = write.session;
    auto updated = execute(sql, [&](QSqlQuery &query) {
        SessionRow::bindUpdatable(query, session);
        query.bindValue(QStringLiteral(":new_version"), write.expectedVersion + 1);
        query.bindValue(QStringLiteral(":expected_version"), write.expectedVersion);
    });
    if (!updated)
        return updated.error();
    auto stored = returnedSession(updated.value(), session.id);
    if (!stored && stored.error().code == sm::ErrorCode::NotFound)
        return explainMissedUpdate(session.id, write.expectedVersion);
    return stored;
}

sm::Result<sm::Session> SqliteSessionStore::touch(const sm::Session &session)
{
    static const QString sql = QStringLiteral(
        "UPDATE sessions SET last_activity = :last_activity WHERE id = :id RETURNING %1").arg(SessionRow::columns());
    auto touched = execute(sql, [&](QSqlQuery &query) {
        query.bindValue(QStringLiteral(":last_activity"), SessionRow::timestamp(session.lastActivity));
        query.bindValue(QStringLiteral(":id"), session.id);
    });
    if (!touched)
        return touched.error();
    return returnedSession(touched.value(), session.id);
}

sm::Result<sm::Session> SqliteSessionStore::remove(const QString &id)
{
    static const QString sql = QStringLiteral("DELETE FROM sessions WHERE id = :id RETURNING %1").arg(SessionRow::columns());
    auto removed = execute(sql, [&](QSqlQuery &query) { query.bindValue(QStringLiteral(":id"), id); });
    if (!removed)
        return removed.error();
    return returnedSession(removed.value(), id);
}

sm::Error SqliteSessionStore::explainMissedUpdate(const QString &id, qint64 expectedVersion)
{
    static const QString sql = QStringLiteral("SELECT version FROM sessions WHERE id = :id");
    auto found = execute(sql, [&](QSqlQuery &query) { query.bindValue(QStringLiteral(":id"), id); });
    if (!found)
        return found.error();
    QSqlQuery *query = found.value();
    if (!query->next()) {
        query->finish();
        return notFound(id);
    }
    const qint64 storedVersion = query->value(0).toLongLong();
    query->finish();
    return sm::makeError(sm::ErrorCode::VersionConflict,
                         QStringLiteral("session %1 is at version %2, not %3").arg(id).arg(storedVersion).arg(expectedVersion));
}

sm::Result<sm::Session> SqliteSessionStore::returnedSession(QSqlQuery *query, const QString &id)
{
    const bool found = query->next();
    const sm::Session session = found ? SessionRow::read(*query) : sm::Session();
    // Ends the statement: an open one would keep the transaction from committing.
    query->finish();
    if (!found)
        return notFound(id);
    return session;
}

sm::Result<sm::Session> SqliteSessionStore::get(const QString &id)
{
    static const QString sql = selectSessions(QStringLiteral("id = :id"));
    auto found = execute(sql, [&](QSqlQuery &query) { query.bindValue(QStringLiteral(":id"), id); });
    if (!found)
        return found.error();
    return returnedSession(found.value(), id);
}

sm::Result<sm::SessionPage> SqliteSessionStore::list(const sm::ListSessionsQuery &request)
{
    PageCursor after{std::numeric_limits<qint64>::min(), QString(QLatin1String(""))};
    if (!request.cursor.isEmpty()) {
        const auto decoded = PageCursor::decode(request.cursor);
        if (!decoded)
            return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("invalid cursor \"%1\"").arg(request.cursor));
        after = *decoded;
    }
    const int limit = std::clamp(request.limit, 1, kMaxPageSize);
    auto selected = execute(listSql(request), [&](QSqlQuery &query) {
        if (request.userId)
            query.bindValue(QStringLiteral(":user_id"), *request.userId);
        if (request.state)
            query.bindValue(QStringLiteral(":state"), SessionRow::stateName(*request.state));
        query.bindValue(QStringLiteral(":after_created_at"), after.createdAtMs);
        query.bindValue(QStringLiteral(":after_id"), after.id);
        query.bindValue(QStringLiteral(":limit"), limit + 1); // one more tells whether a next page exists
    });
    if (!selected)
        return selected.error();
    QSqlQuery *query = selected.value();
    sm::SessionPage page;
    bool hasMore = false;
    while (query->next()) {
        if (page.sessions.size() == limit) {
            hasMore = true;
            break;
        }
        page.sessions.append(SessionRow::read(*query));
    }
    query->finish();
    if (hasMore) {
        const sm::Session &last = page.sessions.constLast();
        page.nextCursor = PageCursor{last.createdAt.toMSecsSinceEpoch(), last.id}.encode();
    }
    return page;
}

sm::Result<QList<sm::Session>> SqliteSessionStore::expireDue(const QDateTime &now, int limit)
{
    // The subquery repeats the partial index's WHERE clause word for word, so sessions_due
    // applies; INDEXED BY because without statistics the planner prefers sessions_by_state
    // and would walk every live session.
    static const QString sql = QStringLiteral(
        "UPDATE sessions SET state = 'expired', version = version + 1, last_updated = :now"
        " WHERE id IN (SELECT id FROM sessions INDEXED BY sessions_due"
        " WHERE state IN ('active', 'idle') AND expires_at <= :due"
        " ORDER BY expires_at LIMIT :limit) RETURNING %1").arg(SessionRow::columns());
    QList<sm::Session> expired;
    if (limit <= 0)
        return expired;
    // An explicit transaction, so a failed commit is seen before the sessions are reported.
    if (auto begun = control(QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return begun.error();
    auto updated = execute(sql, [&](QSqlQuery &query) {
        query.bindValue(QStringLiteral(":now"), SessionRow::timestamp(now));
        query.bindValue(QStringLiteral(":due"), SessionRow::timestamp(now));
        query.bindValue(QStringLiteral(":limit"), limit);
    });
    if (!updated) {
        rollback();
        return updated.error();
    }
    QSqlQuery *query = updated.value();
    while (query->next())
        expired.append(SessionRow::read(*query));
    query->finish();
    if (auto committed = commit(); !committed)
        return committed.error();
    return expired;
}

sm::Result<int> SqliteSessionStore::purgeFinal(const QDateTime &before, int limit)
{
    static const QString sql = QStringLiteral(
        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
        " WHERE state IN ('terminated', 'expired') AND last_updated < :before LIMIT :limit)");
    if (limit <= 0)
        return 0;
    auto deleted = execute(sql, [&](QSqlQuery &query) {
        query.bindValue(QStringLiteral(":before"), SessionRow::timestamp(before));
        query.bindValue(QStringLiteral(":limit"), limit);
    });
    if (!deleted)
        return deleted.error();
    return deleted.value()->numRowsAffected();
}

sm::Result<void> SqliteSessionStore::ping()
{
    auto pinged = execute(QStringLiteral("SELECT 1"), [](QSqlQuery &) {});
    if (!pinged)
        return pinged.error();
    pinged.value()->finish();
    return {};
}

} // namespace smsqlite
