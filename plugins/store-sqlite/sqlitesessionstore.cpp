#include "sqlitesessionstore.h"

#include "pagecursor.h"
#include "sessionrow.h"
#include "sqliteschema.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
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

// Parameters: ?1 user id, ?2 state (both used only when the query filters on them),
// ?3/?4 the cursor's creation time and id, ?5 the row limit.
QString listSql(const sm::ListSessionsQuery &query)
{
    QString where;
    if (query.userId)
        where += QStringLiteral("user_id = ?1 AND ");
    if (query.state)
        where += QStringLiteral("state = ?2 AND ");
    where += QStringLiteral("(created_at, id) > (?3, ?4) ORDER BY created_at, id LIMIT ?5");
    return selectSessions(where);
}

// The connection QSQLITE opened, to run the hot statements through SQLite's own API.
sqlite3 *sqliteHandle(const QSqlDatabase &database)
{
    const QVariant handle = database.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
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
    sqlite3 *handle = sqliteHandle(m_database);
    if (!handle) {
        close();
        return sm::makeError(sm::ErrorCode::Internal,
                             QStringLiteral("session store: the QSQLITE driver gave no sqlite3 handle"));
    }
    m_statements.emplace(handle);
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
    // One runtime owns the file: holding its lock for good spares two fcntl() calls per
    // transaction and lets WAL keep its index in memory instead of a shared-memory file.
    if (auto set = pragma(QStringLiteral("PRAGMA locking_mode = EXCLUSIVE")); !set)
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
    // A checkpoint runs inside a commit and waits for two fsyncs: one every 64 MiB of log
    // rather than every 4 MiB (SQLite's default) took creates from 45k to 51k/s.
    if (auto set = pragma(QStringLiteral("PRAGMA wal_autocheckpoint = 16384")); !set)
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

sm::Result<int> SqliteSessionStore::run(const QString &sql, const Binder &bind, const RowVisitor &visit)
{
    if (!m_statements)
        return sm::makeError(sm::ErrorCode::Unavailable, QStringLiteral("session store is not open"));
    auto prepared = m_statements->prepared(sql);
    if (!prepared)
        return prepared.error();
    SqliteStatement &statement = *prepared.value();
    bind(statement);
    for (;;) {
        const auto row = statement.step();
        if (!row)
            return row.error();
        if (!row.value() || !visit || !visit(statement))
            break;
    }
    const int changed = statement.changes();
    // Ends the statement: an open one would keep the transaction from committing.
    statement.finish();
    return changed;
}

sm::Result<sm::Session> SqliteSessionStore::runForSession(const QString &sql, const Binder &bind, const QString &id)
{
    std::optional<sm::Session> found;
    const auto done = run(sql, bind, [&](const SqliteStatement &row) {
        found = SessionRow::read(row);
        return false;
    });
    if (!done)
        return done.error();
    if (!found)
        return notFound(id);
    return std::move(*found);
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
    auto done = run(sql, [](SqliteStatement &) {});
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
        "INSERT INTO sessions (%1) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        " ON CONFLICT (id) DO NOTHING").arg(SessionRow::columns());
    const auto inserted = run(sql, [&](SqliteStatement &statement) { SessionRow::bind(statement, session); });
    if (!inserted)
        return inserted.error();
    if (inserted.value() == 0) {
        return sm::makeError(sm::ErrorCode::AlreadyExists,
                             QStringLiteral("session %1 already exists").arg(session.id));
    }
    return session;
}

sm::Result<sm::Session> SqliteSessionStore::update(const sm::StoreWrite &write)
{
    // ?14 is the new version, ?15 the expected one; the others are SessionRow's.
    static const QString sql = QStringLiteral(
        "UPDATE sessions SET state = ?3, metadata = ?10, context = ?11, worker = ?12, last_updated = ?6,"
        " version = ?14 WHERE id = ?1 AND version = ?15 RETURNING %1").arg(SessionRow::columns());
    constexpr int kNewVersion = SessionRow::kFirstFreeParameter;
    constexpr int kExpectedVersion = SessionRow::kFirstFreeParameter + 1;
    const sm::Session &session = write.session;
    auto stored = runForSession(sql, [&](SqliteStatement &statement) {
        SessionRow::bindUpdatable(statement, session);
        statement.bindInt64(kNewVersion, write.expectedVersion + 1);
        statement.bindInt64(kExpectedVersion, write.expectedVersion);
    }, session.id);
    if (!stored && stored.error().code == sm::ErrorCode::NotFound)
        return explainMissedUpdate(session.id, write.expectedVersion);
    return stored;
}

sm::Result<sm::Session> SqliteSessionStore::touch(const sm::Session &session)
{
    static const QString sql = QStringLiteral(
        "UPDATE sessions SET last_activity = ?7 WHERE id = ?1 RETURNING %1").arg(SessionRow::columns());
    return runForSession(sql, [&](SqliteStatement &statement) {
        SessionRow::bindTimestamp(statement, SessionRow::parameter(SessionRow::LastActivity), session.lastActivity);
        statement.bindText(SessionRow::parameter(SessionRow::Id), session.id);
    }, session.id);
}

sm::Result<sm::Session> SqliteSessionStore::remove(const QString &id)
{
    static const QString sql = QStringLiteral("DELETE FROM sessions WHERE id = ?1 RETURNING %1").arg(SessionRow::columns());
    return runForSession(sql, [&](SqliteStatement &statement) { statement.bindText(1, id); }, id);
}

sm::Error SqliteSessionStore::explainMissedUpdate(const QString &id, qint64 expectedVersion)
{
    static const QString sql = QStringLiteral("SELECT version FROM sessions WHERE id = ?1");
    std::optional<qint64> storedVersion;
    const auto done = run(sql, [&](SqliteStatement &statement) { statement.bindText(1, id); },
                          [&](const SqliteStatement &row) {
                              storedVersion = row.int64(0);
                              return false;
                          });
    if (!done)
        return done.error();
    if (!storedVersion)
        return notFound(id);
    return sm::makeError(sm::ErrorCode::VersionConflict,
                         QStringLiteral("session %1 is at version %2, not %3").arg(id).arg(*storedVersion).arg(expectedVersion));
}

sm::Result<sm::Session> SqliteSessionStore::get(const QString &id)
{
    static const QString sql = selectSessions(QStringLiteral("id = ?1"));
    return runForSession(sql, [&](SqliteStatement &statement) { statement.bindText(1, id); }, id);
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
    sm::SessionPage page;
    bool hasMore = false;
    const auto done = run(listSql(request), [&](SqliteStatement &statement) {
        if (request.userId)
            statement.bindText(1, *request.userId);
        if (request.state)
            statement.bindText(2, SessionRow::stateName(*request.state));
        statement.bindInt64(3, after.createdAtMs);
        statement.bindText(4, after.id);
        statement.bindInt64(5, limit + 1); // one more tells whether a next page exists
    }, [&](const SqliteStatement &row) {
        hasMore = page.sessions.size() == limit;
        if (!hasMore)
            page.sessions.append(SessionRow::read(row));
        return !hasMore;
    });
    if (!done)
        return done.error();
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
        "UPDATE sessions SET state = 'expired', version = version + 1, last_updated = ?1"
        " WHERE id IN (SELECT id FROM sessions INDEXED BY sessions_due"
        " WHERE state IN ('active', 'idle') AND expires_at <= ?1"
        " ORDER BY expires_at LIMIT ?2) RETURNING %1").arg(SessionRow::columns());
    QList<sm::Session> expired;
    if (limit <= 0)
        return expired;
    // An explicit transaction, so a failed commit is seen before the sessions are reported.
    if (auto begun = control(QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return begun.error();
    const auto done = run(sql, [&](SqliteStatement &statement) {
        SessionRow::bindTimestamp(statement, 1, now); // both the update's time and the deadline
        statement.bindInt64(2, limit);
    }, [&](const SqliteStatement &row) {
        expired.append(SessionRow::read(row));
        return true;
    });
    if (!done) {
        rollback();
        return done.error();
    }
    if (auto committed = commit(); !committed)
        return committed.error();
    return expired;
}

sm::Result<int> SqliteSessionStore::purgeFinal(const QDateTime &before, int limit)
{
    static const QString sql = QStringLiteral(
        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
        " WHERE state IN ('terminated', 'expired') AND last_updated < ?1 LIMIT ?2)");
    if (limit <= 0)
        return 0;
    return run(sql, [&](SqliteStatement &statement) {
        SessionRow::bindTimestamp(statement, 1, before);
        statement.bindInt64(2, limit);
    });
}

sm::Result<void> SqliteSessionStore::ping()
{
    auto pinged = run(QStringLiteral("SELECT 1"), [](SqliteStatement &) {});
    if (!pinged)
        return pinged.error();
    return {};
}

} // namespace smsqlite
