#pragma once

#include <sm/result.h>

#include <QMap>
#include <QString>

namespace smpg {

// The settings the plugin reads from the host, before any interpretation.
struct StoreSettings {
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString database = QStringLiteral("session_manager");
    QString user = QStringLiteral("postgres");
    QString password;
    QString dsn; // libpq "key=value ..." or postgresql:// URI; overrides the fields above
    int connectTimeoutSecs = 3;
    int statementTimeoutSecs = 15;
};

// Where and how to connect: the db_* settings with the DSN applied over them.
struct ConnectionConfig {
    QString host;
    int port = 5432;
    QString database;
    QString user;
    QString password;
    // Further libpq parameters (sslmode, application_name, ...), passed through verbatim.
    QMap<QString, QString> extraParameters;
    int connectTimeoutSecs = 3;
    int statementTimeoutSecs = 15;

    static sm::Result<ConnectionConfig> resolve(const StoreSettings &settings);

    // "user@host:port/database", for messages (never the password).
    QString describe() const;
    // The libpq options QPSQL appends to its connection string (';'-separated).
    QString connectOptions() const;
    // The whole libpq connection string, for libpq calls QPSQL does not offer (PQping).
    QString conninfo() const;
    // The same server, another database (the maintenance database "postgres").
    ConnectionConfig withDatabase(const QString &name) const;

private:
    // The libpq parameters besides host, port, dbname, user and password.
    QMap<QString, QString> options() const;
};

} // namespace smpg
