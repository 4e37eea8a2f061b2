#pragma once

#include "connectionconfig.h"
#include "reconnectbackoff.h"

#include <sm/logger.h>
#include <sm/store.h>

#include <memory>
#include <optional>

namespace smpg {

class PostgresConnection;

// sm::SessionStore on PostgreSQL. Lives on the host's store thread: the connection is
// thread-affine and every call may block on it. When the connection drops, calls answer
// Unavailable at once and later calls reconnect, no more often than a jittered exponential
// backoff allows; a new connection LISTENs again for the changes of other runtimes.
//
// open() fails only for a configuration that cannot work: a malformed db_dsn, settings
// libpq rejects, a server that is up but refuses the login (user, password, pg_hba.conf),
// a database that is missing and cannot be created, a schema newer than this plugin. A
// server that is down, starting or shutting down (or refusing for lack of connection
// slots) is waited for instead: open() succeeds, every call answers Unavailable until a
// reconnect succeeds, and the schema is migrated then.
class PostgresStore : public sm::SessionStore {
public:
    // `logger` may be null; it must outlive the store.
    PostgresStore(StoreSettings settings, sm::Logger *logger);
    ~PostgresStore() override;

    void setChangeHandler(ChangeHandler handler) override;

    // Resolves the settings (a bad db_dsn fails here), creates the database when it does
    // not exist yet, migrates the schema and LISTENs for changes; see above for when the
    // server being away is not an error.
    sm::Result<void> open() override;
    void close() override;

    QList<sm::Result<sm::Session>> write(const QList<sm::StoreWrite> &writes) override;
    sm::Result<sm::Session> get(const QString &id) override;
    sm::Result<sm::SessionPage> list(const sm::ListSessionsQuery &query) override;
    sm::Result<QList<sm::Session>> expireDue(const QDateTime &now, int limit) override;
    sm::Result<int> purgeFinal(const QDateTime &before, int limit) override;
    sm::Result<void> ping() override;

private:
    // The live connection, reconnecting when one is due; Unavailable otherwise.
    sm::Result<PostgresConnection *> connection();
    // A connection ready for use: logged in, schema migrated (first time only), LISTENing.
    // Unavailable when the server cannot be reached now; any other code when the
    // configuration cannot work.
    sm::Result<std::unique_ptr<PostgresConnection>> establish();
    sm::Result<std::unique_ptr<PostgresConnection>> login();
    static bool isPassingRefusal(const QString &message);
    // True when the database exists now (made here or by another runtime starting at the
    // same time), so connecting again may succeed.
    sm::Result<bool> createDatabaseIfMissing();
    // Drops the connection when the last call found it broken.
    void forgetBrokenConnection();
    void notifyChange(const QString &payload);
    void log(sm::LogLevel level, const QString &message) const;

    StoreSettings m_settings;
    sm::Logger *m_logger = nullptr;
    ChangeHandler m_changeHandler;
    std::optional<ConnectionConfig> m_config;
    std::unique_ptr<PostgresConnection> m_connection;
    ReconnectBackoff m_backoff;
    QString m_lastFailure; // why the last connect failed, for the Unavailable answers
    bool m_schemaReady = false;
    int m_schemaVersion = 0;
};

} // namespace smpg
