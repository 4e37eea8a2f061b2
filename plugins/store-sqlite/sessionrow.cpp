#include "sessionrow.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace smsqlite {

namespace {

enum Column {
    Id,
    UserId,
    State,
    Version,
    CreatedAt,
    LastUpdated,
    LastActivity,
    AbsoluteExpiresAt,
    IdleTimeout,
    Metadata,
    Context,
    Worker,
    TokenHash,
};

QDateTime readTimestamp(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

// Most sessions carry an empty object (context before a back-end writes one): that case
// skips the JSON writer and parser and their allocations.
const QString &emptyJson()
{
    static const QString text = QStringLiteral("{}");
    return text;
}

QJsonObject readJson(const QVariant &value)
{
    const QByteArray text = value.toByteArray();
    if (text == "{}")
        return {};
    return QJsonDocument::fromJson(text).object();
}

QString writeJson(const QJsonObject &object)
{
    if (object.isEmpty())
        return emptyJson();
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

const QString &SessionRow::columns()
{
    static const QString list = QStringLiteral(
        "id, user_id, state, version, created_at, last_updated, last_activity, "
        "absolute_expires_at, idle_timeout, metadata, context, worker, token_hash");
    return list;
}

void SessionRow::bind(QSqlQuery &query, const sm::Session &session)
{
    bindUpdatable(query, session);
    query.bindValue(QStringLiteral(":user_id"), text(session.userId));
    query.bindValue(QStringLiteral(":version"), session.version);
    query.bindValue(QStringLiteral(":created_at"), timestamp(session.createdAt));
    query.bindValue(QStringLiteral(":last_activity"), timestamp(session.lastActivity));
    query.bindValue(QStringLiteral(":absolute_expires_at"), timestamp(session.absoluteExpiresAt));
    query.bindValue(QStringLiteral(":idle_timeout"), session.idleTimeoutSecs);
    // A non-null empty array, so the NOT NULL column accepts a session without a token.
    query.bindValue(QStringLiteral(":token_hash"),
                    session.tokenHash.isNull() ? QByteArray("") : session.tokenHash);
}

void SessionRow::bindUpdatable(QSqlQuery &query, const sm::Session &session)
{
    query.bindValue(QStringLiteral(":id"), text(session.id));
    query.bindValue(QStringLiteral(":state"), stateName(session.state));
    query.bindValue(QStringLiteral(":last_updated"), timestamp(session.lastUpdated));
    query.bindValue(QStringLiteral(":metadata"), writeJson(session.metadata));
    query.bindValue(QStringLiteral(":context"), writeJson(session.context));
    query.bindValue(QStringLiteral(":worker"), text(session.worker));
}

sm::Session SessionRow::read(const QSqlQuery &query)
{
    sm::Session session;
    session.id = query.value(Id).toString();
    session.userId = query.value(UserId).toString();
    session.state = sm::parseSessionState(query.value(State).toString()).value_or(sm::SessionState::Active);
    session.version = query.value(Version).toLongLong();
    session.createdAt = readTimestamp(query.value(CreatedAt));
    session.lastUpdated = readTimestamp(query.value(LastUpdated));
    session.lastActivity = readTimestamp(query.value(LastActivity));
    session.absoluteExpiresAt = readTimestamp(query.value(AbsoluteExpiresAt));
    session.idleTimeoutSecs = query.value(IdleTimeout).toLongLong();
    session.metadata = readJson(query.value(Metadata));
    session.context = readJson(query.value(Context));
    session.worker = query.value(Worker).toString();
    session.tokenHash = query.value(TokenHash).toByteArray();
    return session;
}

QVariant SessionRow::timestamp(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QVariant SessionRow::text(const QString &value)
{
    // NULL would break the NOT NULL columns; an unset string is stored as "".
    return value.isNull() ? QString(QLatin1String("")) : value;
}

QString SessionRow::stateName(sm::SessionState state)
{
    return QString::fromLatin1(sm::sessionStateName(state));
}

} // namespace smsqlite
