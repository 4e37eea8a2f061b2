#include "sqliteschema.h"

#include <sm/logger.h>

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace smsqlite {

namespace {

// Migration N is kMigrations[N - 1]. Never edit a shipped migration: append a new one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 1: the sessions table with the indexes for listing.
        {
            QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"),
            QStringLiteral("INSERT INTO schema_version (version) VALUES (0)"),
            QStringLiteral("CREATE TABLE sessions ("
                           " id TEXT PRIMARY KEY NOT NULL,"
                           " user_id TEXT NOT NULL,"
                           " state TEXT NOT NULL,"
                           " version INTEGER NOT NULL,"
                           " created_at INTEGER NOT NULL,"
                           " last_updated INTEGER,"
                           " last_activity INTEGER,"
                           " absolute_expires_at INTEGER,"
                           " idle_timeout INTEGER NOT NULL,"
                           " metadata TEXT NOT NULL,"
                           " context TEXT NOT NULL,"
                           " worker TEXT NOT NULL,"
                           " token_hash BLOB NOT NULL)"),
            QStringLiteral("CREATE INDEX sessions_by_created ON sessions (created_at, id)"),
            QStringLiteral("CREATE INDEX sessions_by_user ON sessions (user_id, created_at, id)"),
            QStringLiteral("CREATE INDEX sessions_by_state ON sessions (state, created_at, id)"),
        },
        // 2: the deadline the sweeper scans, computed by SQLite on every write so no
        // writer can forget it, indexed for the live sessions only.
        {
            QStringLiteral("ALTER TABLE sessions ADD COLUMN expires_at INTEGER GENERATED ALWAYS AS ("
                           " CASE WHEN idle_timeout > 0 AND last_activity IS NOT NULL"
                           " THEN min(absolute_expires_at, last_activity + idle_timeout * 1000)"
                           " ELSE absolute_expires_at END) VIRTUAL"),
            QStringLiteral("CREATE INDEX sessions_due ON sessions (expires_at)"
                           " WHERE state IN ('active', 'idle')"),
        },
    };
    return steps;
}

sm::Error sqlError(const QString &what, const QSqlError &error)
{
    return sm::makeError(sm::ErrorCode::Unavailable, QStringLiteral("%1: %2").arg(what, error.text()));
}

sm::Result<void> run(QSqlDatabase &database, const QString &sql)
{
    QSqlQuery query(database);
    if (!query.exec(sql))
        return sqlError(QStringLiteral("schema statement \"%1\" failed").arg(sql), query.lastError());
    return {};
}

// 0 for a database without the table (a new file).
sm::Result<int> storedVersion(QSqlDatabase &database)
{
    QSqlQuery query(database);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master"
                                   " WHERE type = 'table' AND name = 'schema_version'")))
        return sqlError(QStringLiteral("cannot read the schema"), query.lastError());
    if (!query.next() || query.value(0).toInt() == 0)
        return 0;
    if (!query.exec(QStringLiteral("SELECT version FROM schema_version")))
        return sqlError(QStringLiteral("cannot read the schema version"), query.lastError());
    return query.next() ? query.value(0).toInt() : 0;
}

sm::Result<void> applyMigration(QSqlDatabase &database, int version)
{
    for (const QString &sql : migrations().at(version - 1)) {
        if (auto done = run(database, sql); !done)
            return done;
    }
    return run(database, QStringLiteral("UPDATE schema_version SET version = %1").arg(version));
}

// One step inside one write transaction: reading the version under the write lock keeps
// two processes opening the same new file from both applying a migration.
sm::Result<bool> migrateOneStep(QSqlDatabase &database, sm::Logger *logger)
{
    if (auto begun = run(database, QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return begun.error();
    auto step = [&]() -> sm::Result<bool> {
        const auto version = storedVersion(database);
        if (!version)
            return version.error();
        if (version.value() > SqliteSchema::currentVersion()) {
            return sm::makeError(sm::ErrorCode::Internal,
                                 QStringLiteral("database %1 has schema version %2, newer than %3, the newest "
                                                "this store knows; use a newer session-manager or another file")
                                     .arg(database.databaseName())
                                     .arg(version.value())
                                     .arg(SqliteSchema::currentVersion()));
        }
        if (version.value() == SqliteSchema::currentVersion())
            return false;
        if (auto applied = applyMigration(database, version.value() + 1); !applied)
            return applied.error();
        if (logger) {
            logger->info(QStringLiteral("migrated the session database schema"),
                         {{"path", database.databaseName()}, {"from", version.value()},
                          {"to", version.value() + 1}});
        }
        return true;
    }();
    if (!step) {
        (void)run(database, QStringLiteral("ROLLBACK")); // the step's error is the one to report
        return step;
    }
    if (auto committed = run(database, QStringLiteral("COMMIT")); !committed)
        return committed.error();
    return step;
}

} // namespace

int SqliteSchema::currentVersion()
{
    return int(migrations().size());
}

sm::Result<void> SqliteSchema::migrate(QSqlDatabase &database, sm::Logger *logger)
{
    for (;;) {
        const auto migrated = migrateOneStep(database, logger);
        if (!migrated)
            return migrated.error();
        if (!migrated.value())
            return {};
    }
}

} // namespace smsqlite
