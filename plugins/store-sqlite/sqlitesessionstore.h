#pragma once

#include "sqlitestoreoptions.h"
#include "statementcache.h"

#include <sm/store.h>

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace sm {
class Logger;
}

namespace smsqlite {

// sm::SessionStore over one SQLite file in WAL mode. Every method runs on the host's
// store thread, which owns the connection; write() turns a batch into one transaction
// so that many writes share one fsync (group commit).
class SqliteSessionStore : public sm::SessionStore {
public:
    // `logger` may be null; otherwise it must outlive the store.
    SqliteSessionStore(SqliteStoreOptions options, sm::Logger *logger);
    ~SqliteSessionStore() override;

    sm::Result<void> open() override;
    void close() override;

    QList<sm::Result<sm::Session>> write(const QList<sm::StoreWrite> &writes) override;
    sm::Result<sm::Session> get(const QString &id) override;
    sm::Result<sm::SessionPage> list(const sm::ListSessionsQuery &query) override;
    sm::Result<QList<sm::Session>> expireDue(const QDateTime &now, int limit) override;
    sm::Result<int> purgeFinal(const QDateTime &before, int limit) override;
    sm::Result<void> ping() override;

private:
    sm::Result<void> openConnection();
    sm::Result<void> configureConnection();
    using Binder = std::function<void(SqliteStatement &)>;
    // Gets each row of the statement; returns false to stop reading.
    using RowVisitor = std::function<bool(const SqliteStatement &)>;
    // Runs the prepared statement for `sql` after `bind` set its values, hands its rows
    // to `visit` (if any) and finishes it: the number of rows an INSERT, UPDATE or
    // DELETE changed.
    sm::Result<int> run(const QString &sql, const Binder &bind, const RowVisitor &visit = {});
    // Runs a statement that selects or returns one session's row: that session, or
    // NotFound naming `id`.
    sm::Result<sm::Session> runForSession(const QString &sql, const Binder &bind, const QString &id);

    // BEGIN/COMMIT/ROLLBACK and other statements without values or rows.
    sm::Result<void> control(const QString &sql);
    sm::Result<void> commit();
    void rollback();

    sm::Result<sm::Session> applyWrite(const sm::StoreWrite &write);
    sm::Result<sm::Session> insert(const sm::Session &session);
    sm::Result<sm::Session> update(const sm::StoreWrite &write);
    sm::Result<sm::Session> touch(const sm::Session &session);
    sm::Result<sm::Session> remove(const QString &id);
    // NotFound, or VersionConflict when the row exists with another version.
    sm::Error explainMissedUpdate(const QString &id, qint64 expectedVersion);

    SqliteStoreOptions m_options;
    sm::Logger *m_logger = nullptr;
    QString m_connectionName;
    QSqlDatabase m_database;
    std::optional<StatementCache> m_statements;
};

} // namespace smsqlite
