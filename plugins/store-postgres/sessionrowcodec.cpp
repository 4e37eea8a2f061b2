#include "sessionrowcodec.h"

#include "arrayliteral.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace smpg {

namespace {

// Timestamps travel as epoch milliseconds so no driver time-zone parsing is involved.
QString epochMs(const QString &column)
{
    return QStringLiteral("(extract(epoch FROM %1) * 1000)::bigint").arg(column);
}

QDateTime dateTimeFromMs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QJsonObject objectFromText(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

// Epoch milliseconds, as for inserts: formatting an ISO 8601 text per row cost more than
// the rest of the record.
QJsonValue epochMsJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toMSecsSinceEpoch()) : QJsonValue();
}

QJsonObject recordFor(const sm::StoreWrite &write)
{
    const sm::Session &s = write.session;
    switch (write.kind) {
    case sm::StoreWrite::Kind::Insert:
        break; // inserts travel as arrays (insertArrays)
    case sm::StoreWrite::Kind::Update:
        return QJsonObject{
            {"id", s.id},
            {"expected_version", write.expectedVersion},
            {"state", QLatin1String(sm::sessionStateName(s.state))},
            {"metadata", s.metadata},
            {"context", s.context},
            {"worker", s.worker},
            {"last_updated_ms", epochMsJson(s.lastUpdated)},
        };
    case sm::StoreWrite::Kind::Touch:
        return QJsonObject{{"id", s.id}, {"last_activity_ms", epochMsJson(s.lastActivity)}};
    case sm::StoreWrite::Kind::Delete:
        return QJsonObject{{"id", s.id}};
    }
    return {};
}

} // namespace

QString SessionRowCodec::columns(const QString &alias)
{
    const QString a = alias;
    return QStringList{
        a + "id", a + "user_id", a + "state", a + "version",
        epochMs(a + "created_at"), epochMs(a + "last_updated"), epochMs(a + "last_activity"),
        epochMs(a + "absolute_expires_at"), a + "idle_timeout_secs",
        a + "metadata::text", a + "context::text", a + "worker", "encode(" + a + "token_hash, 'hex')",
    }.join(QStringLiteral(", "));
}

sm::Session SessionRowCodec::readSession(const QSqlQuery &query)
{
    sm::Session s;
    s.id = query.value(0).toString();
    s.userId = query.value(1).toString();
    s.state = sm::parseSessionState(query.value(2).toString()).value_or(sm::SessionState::Active);
    s.version = query.value(3).toLongLong();
    s.createdAt = dateTimeFromMs(query.value(4));
    s.lastUpdated = dateTimeFromMs(query.value(5));
    s.lastActivity = dateTimeFromMs(query.value(6));
    s.absoluteExpiresAt = dateTimeFromMs(query.value(7));
    s.idleTimeoutSecs = query.value(8).toLongLong();
    s.metadata = objectFromText(query.value(9));
    s.context = objectFromText(query.value(10));
    s.worker = query.value(11).toString();
    s.tokenHash = QByteArray::fromHex(query.value(12).toString().toLatin1());
    return s;
}

const QList<std::pair<QString, QString>> &SessionRowCodec::insertArrayColumns()
{
    static const QList<std::pair<QString, QString>> columns{
        {"id", "text[]"},           {"user_id", "text[]"},
        {"state", "text[]"},        {"version", "bigint[]"},
        {"created_ms", "bigint[]"}, {"last_updated_ms", "bigint[]"},
        {"last_activity_ms", "bigint[]"}, {"absolute_expires_ms", "bigint[]"},
        {"idle_timeout_secs", "bigint[]"}, {"metadata", "jsonb[]"},
        {"context", "jsonb[]"},     {"worker", "text[]"},
        {"token_hash", "bytea[]"},
    };
    return columns;
}

QVariantList SessionRowCodec::insertArrays(const QList<const sm::StoreWrite *> &writes)
{
    const qsizetype n = writes.size();
    ArrayLiteral id(n), user(n), state(n), version(n), created(n), updated(n), activity(n), expires(n), idle(n),
        metadata(n), context(n), worker(n), tokenHash(n);
    for (const sm::StoreWrite *write : writes) {
        const sm::Session &s = write->session;
        id.append(s.id);
        user.append(s.userId);
        state.append(QString::fromLatin1(sm::sessionStateName(s.state)));
        version.append(s.version);
        created.appendEpochMs(s.createdAt);
        updated.appendEpochMs(s.lastUpdated.isValid() ? s.lastUpdated : s.createdAt);
        activity.appendEpochMs(s.lastActivity);
        expires.appendEpochMs(s.absoluteExpiresAt);
        idle.append(s.idleTimeoutSecs);
        metadata.appendObject(s.metadata);
        context.appendObject(s.context);
        worker.append(s.worker);
        if (s.tokenHash.isEmpty())
            tokenHash.appendNull();
        else
            tokenHash.append(QString::fromLatin1("\\x" + s.tokenHash.toHex()));
    }
    return {id.take(),      user.take(),    state.take(),    version.take(), created.take(),
            updated.take(), activity.take(), expires.take(), idle.take(),    metadata.take(),
            context.take(), worker.take(),  tokenHash.take()};
}

QByteArray SessionRowCodec::batchJson(const QList<const sm::StoreWrite *> &writes)
{
    QJsonArray rows;
    for (const sm::StoreWrite *write : writes)
        rows.append(recordFor(*write));
    return QJsonDocument(rows).toJson(QJsonDocument::Compact);
}

QString SessionRowCodec::recordDefinition(sm::StoreWrite::Kind kind)
{
    switch (kind) {
    case sm::StoreWrite::Kind::Insert:
        break; // inserts travel as arrays (insertArrays)
    case sm::StoreWrite::Kind::Update:
        return QStringLiteral(
            "id text, expected_version bigint, state text, metadata jsonb, context jsonb,"
            " worker text, last_updated_ms bigint");
    case sm::StoreWrite::Kind::Touch:
        return QStringLiteral("id text, last_activity_ms bigint");
    case sm::StoreWrite::Kind::Delete:
        return QStringLiteral("id text");
    }
    return {};
}

QString SessionRowCodec::timestampText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace smpg
