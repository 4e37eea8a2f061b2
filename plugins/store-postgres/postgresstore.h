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
class PostgresStore : public sm::SessionStore {
public:
    // `logger` may be null; it must outlive the store.
    PostgresStore(StoreSettings settings, sm::Logger *logger);
    ~PostgresStore() override;

    void setChangeHandler(ChangeHandler handler) override;

    // Resolves the settings (a bad db_dsn fails here), creates the database when it does
    // not exist yet, migrates the schema and LISTENs for changes.
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
    sm::Result<std::unique_ptr<PostgresConnection>> connect();
    sm::Result<void> createDatabaseIfMissing(const sm::Error &connectError);
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
};

} // namespace smpg
