#pragma once

#include "connectionconfig.h"

#include <sm/result.h>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>

#include <functional>
#include <memory>
#include <unordered_map>

class QSqlError;

namespace smpg {

// One QPSQL connection, used only on the thread that opened it. Statement failures come
// back as sm::Error values; a failure that means the link is gone (server shut down,
// socket closed, network timeout) marks the connection broken so its owner replaces it.
class PostgresConnection {
public:
    using NotificationHandler = std::function<void(const QString &payload)>;

    ~PostgresConnection();
    PostgresConnection(const PostgresConnection &) = delete;
    PostgresConnection &operator=(const PostgresConnection &) = delete;

    static sm::Result<std::unique_ptr<PostgresConnection>> open(const ConnectionConfig &config);

    const ConnectionConfig &config() const { return m_config; }
    bool isBroken() const { return m_broken; }

    // Runs `sql` with its `?` placeholders (outside quotes) replaced by the values, as
    // escaped literals; one round trip. Several ;-separated statements are allowed.
    sm::Result<QSqlQuery> exec(const QString &sql, const QVariantList &binds = {});
    // The same for a statement this connection runs over and over: it is prepared on first
    // use (PREPARE, one round trip) and executed with the values after that (EXECUTE, one
    // round trip), so the server parses, analyses and plans it once per connection, not per
    // call. The query stays valid until the next executePrepared() of the same `sql`.
    sm::Result<QSqlQuery *> executePrepared(const QString &sql, const QVariantList &binds);

    sm::Result<void> begin();
    sm::Result<void> commit();
    void rollback();

    // LISTEN on `channel`; `handler` gets the payload of notifications other backends
    // send (the ones this connection caused itself are skipped).
    sm::Result<void> listen(const QString &channel, NotificationHandler handler);

    // `name` quoted as one SQL identifier (a '.' in it is part of the name).
    static QString quotedIdentifier(const QString &name);

    // The error a failed statement means for the caller; marks the connection broken when
    // the failure is the connection's.
    sm::Error failure(const QSqlError &error, const QString &what);

private:
    PostgresConnection(ConnectionConfig config, QString connectionName);

    QSqlDatabase database() const;
    QString withLiterals(const QString &sql, const QVariantList &binds) const;

    ConnectionConfig m_config;
    QString m_connectionName;
    // By SQL text; destroyed before the connection is removed.
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_prepared;
    bool m_broken = false;
};

} // namespace smpg
