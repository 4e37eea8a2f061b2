#include "connectionconfig.h"

#include <QSet>
#include <QUrl>
#include <QUrlQuery>

namespace smpg {

namespace {

using Parameters = QMap<QString, QString>;

sm::Error dsnError(const QString &problem)
{
    return sm::makeError(sm::ErrorCode::BadRequest,
                         QStringLiteral("db_dsn is not a valid PostgreSQL connection string: %1")
                             .arg(problem));
}

// libpq parameters besides host/port/dbname/user/password that may be passed through.
const QSet<QString> &passThroughKeys()
{
    static const QSet<QString> keys{
        "hostaddr", "connect_timeout", "sslmode", "sslrootcert", "sslcert", "sslkey",
        "sslpassword", "application_name", "target_session_attrs", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
    };
    return keys;
}

// Parses one value of a "key=value" DSN starting at `pos`: bare, or single-quoted with
// backslash escapes.
sm::Result<QString> parseValue(const QString &dsn, qsizetype &pos)
{
    QString value;
    if (pos < dsn.size() && dsn.at(pos) == u'\'') {
        for (++pos; pos < dsn.size() && dsn.at(pos) != u'\''; ++pos) {
            if (dsn.at(pos) == u'\\' && pos + 1 < dsn.size())
                ++pos;
            value.append(dsn.at(pos));
        }
        if (pos >= dsn.size())
            return dsnError(QStringLiteral("unterminated quoted value"));
        ++pos;
        return value;
    }
    for (; pos < dsn.size() && !dsn.at(pos).isSpace(); ++pos) {
        if (dsn.at(pos) == u'\\' && pos + 1 < dsn.size())
            ++pos;
        value.append(dsn.at(pos));
    }
    return value;
}

sm::Result<Parameters> parseKeyValueDsn(const QString &dsn)
{
    Parameters parameters;
    qsizetype pos = 0;
    auto skipSpaces = [&] {
        while (pos < dsn.size() && dsn.at(pos).isSpace())
            ++pos;
    };
    for (skipSpaces(); pos < dsn.size(); skipSpaces()) {
        const qsizetype keyStart = pos;
        while (pos < dsn.size() && (dsn.at(pos).isLetterOrNumber() || dsn.at(pos) == u'_'))
            ++pos;
        const QString key = dsn.mid(keyStart, pos - keyStart);
        skipSpaces();
        if (key.isEmpty() || pos >= dsn.size() || dsn.at(pos) != u'=')
            return dsnError(QStringLiteral("expected key=value at position %1").arg(keyStart + 1));
        ++pos;
        skipSpaces();
        auto value = parseValue(dsn, pos);
        if (!value)
            return value.error();
        parameters.insert(key, value.value());
    }
    return parameters;
}

// postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]
sm::Result<Parameters> parseUriDsn(const QString &dsn)
{
    const QUrl url(dsn, QUrl::StrictMode);
    if (!url.isValid())
        return dsnError(url.errorString());
    Parameters parameters;
    if (!url.host().isEmpty())
        parameters.insert("host", url.host());
    if (url.port() != -1)
        parameters.insert("port", QString::number(url.port()));
    if (!url.userName().isEmpty())
        parameters.insert("user", url.userName());
    if (!url.password().isEmpty())
        parameters.insert("password", url.password());
    const QString database = url.path().mid(1);
    if (!database.isEmpty())
        parameters.insert("dbname", database);
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        parameters.insert(key, value);
    return parameters;
}

sm::Result<Parameters> parseDsn(const QString &dsn)
{
    if (dsn.startsWith("postgresql://") || dsn.startsWith("postgres://"))
        return parseUriDsn(dsn);
    if (dsn.contains("://"))
        return dsnError(QStringLiteral("only postgresql:// and postgres:// URIs are supported"));
    return parseKeyValueDsn(dsn);
}

sm::Result<int> parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return dsnError(QStringLiteral("port '%1' is not a number in 1..65535").arg(text));
    return port;
}

sm::Result<void> applyParameters(const Parameters &parameters, ConnectionConfig &config)
{
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it) {
        const QString &key = it.key();
        if (key == "host") {
            config.host = it.value();
        } else if (key == "port") {
            auto port = parsePort(it.value());
            if (!port)
                return port.error();
            config.port = port.value();
        } else if (key == "dbname") {
            config.database = it.value();
        } else if (key == "user") {
            config.user = it.value();
        } else if (key == "password") {
            config.password = it.value();
        } else if (passThroughKeys().contains(key)) {
            config.extraParameters.insert(key, it.value());
        } else {
            return dsnError(QStringLiteral("unknown parameter '%1'").arg(key));
        }
    }
    return {};
}

// libpq's quoting for a value in a connection string.
QString quoted(QString value)
{
    value.replace(u'\\', QStringLiteral("\\\\"));
    value.replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + value + u'\'';
}

QString joined(const QMap<QString, QString> &parameters, QChar separator)
{
    QStringList parts;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        parts.append(it.key() + u'=' + quoted(it.value()));
    return parts.join(separator);
}

} // namespace

sm::Result<ConnectionConfig> ConnectionConfig::resolve(const StoreSettings &settings)
{
    ConnectionConfig config;
    config.host = settings.host;
    config.port = settings.port;
    config.database = settings.database;
    config.user = settings.user;
    config.password = settings.password;
    config.connectTimeoutSecs = settings.connectTimeoutSecs;
    config.statementTimeoutSecs = settings.statementTimeoutSecs;
    if (!settings.dsn.trimmed().isEmpty()) {
        auto parameters = parseDsn(settings.dsn.trimmed());
        if (!parameters)
            return parameters.error();
        if (auto applied = applyParameters(parameters.value(), config); !applied)
            return applied.error();
    }
    if (config.database.isEmpty())
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("no PostgreSQL database name (db_name or dbname in db_dsn)"));
    return config;
}

QString ConnectionConfig::describe() const
{
    return QStringLiteral("%1@%2:%3/%4").arg(user, host, QString::number(port), database);
}

QMap<QString, QString> ConnectionConfig::options() const
{
    // Keepalives and a TCP user timeout make a vanished server fail calls within seconds
    // instead of leaving them blocked on a dead socket; the statement timeout does the same
    // for a server that is up but stuck.
    QMap<QString, QString> options{
        {"connect_timeout", QString::number(connectTimeoutSecs)},
        {"keepalives", "1"},
        {"keepalives_idle", "5"},
        {"keepalives_interval", "2"},
        {"keepalives_count", "3"},
        {"tcp_user_timeout", QString::number(connectTimeoutSecs * 1000 + 5000)},
        {"application_name", "session-manager"},
        {"options", QStringLiteral("-c statement_timeout=%1 -c TimeZone=UTC")
                        .arg(statementTimeoutSecs * 1000)},
    };
    options.insert(extraParameters);
    return options;
}

QString ConnectionConfig::connectOptions() const
{
    return joined(options(), u';');
}

QString ConnectionConfig::conninfo() const
{
    QMap<QString, QString> parameters = options();
    parameters.insert("host", host);
    parameters.insert("port", QString::number(port));
    parameters.insert("dbname", database);
    parameters.insert("user", user);
    parameters.insert("password", password);
    return joined(parameters, u' ');
}

ConnectionConfig ConnectionConfig::withDatabase(const QString &name) const
{
    ConnectionConfig other = *this;
    other.database = name;
    return other;
}

} // namespace smpg
