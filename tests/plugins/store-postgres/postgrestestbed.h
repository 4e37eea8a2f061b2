#pragma once

#include "testhostcontext.h"

#include <sm/store.h>

#include <QJsonObject>
#include <QStringList>
#include <QVariant>

#include <list>
#include <memory>

// What the store-postgres tests share: the private test server's address (from the
// environment CTest sets up), fresh database names, stores made through the real plugin
// library (QPluginLoader), and plain SQL on the side for arranging and checking.
class PostgresTestBed {
public:
    // Port of the server started by the CTest fixture: SM_TEST_PG_PORT, or 0 when unset.
    static int fixturePort();

    explicit PostgresTestBed(int port = fixturePort());
    ~PostgresTestBed();

    int port() const { return m_port; }

    // A database name no other test uses; it does not exist yet and is dropped at the end.
    QString freshDatabaseName(const QString &tag);

    // Configures the plugin with db_host/db_port/db_name (plus `extraSettings`) and creates a
    // store, not yet opened. Null, with the reason in lastError(), when the plugin fails to load.
    std::unique_ptr<sm::SessionStore> createStore(const QString &database,
                                                  const QJsonObject &extraSettings = {});
    const TestHostContext &lastHost() const { return m_hosts.back(); }

    // Runs `sql` on `database` over a connection of its own; false with lastError() on failure.
    bool exec(const QString &database, const QString &sql);
    // The first column of the first row, or an invalid QVariant.
    QVariant scalar(const QString &database, const QString &sql);
    QString lastError() const { return m_lastError; }

private:
    template <typename Action>
    bool withConnection(const QString &database, Action action);

    int m_port;
    QString m_lastError;
    QStringList m_databases;
    std::list<TestHostContext> m_hosts; // stores keep the host's logger: never move them
};

// Sessions for tests: unique ids, a creation time with milliseconds.
sm::Session testSession(const QString &id, const QString &userId = QStringLiteral("alice"));
sm::StoreWrite insertOf(const sm::Session &session);
sm::StoreWrite updateOf(const sm::Session &session, qint64 expectedVersion);
// The one result of a one-write batch (Internal when the store answered another count).
sm::Result<sm::Session> writeOne(sm::SessionStore &store, const sm::StoreWrite &write);
