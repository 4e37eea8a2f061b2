#include "sessionrow.h"

#include "sqlitestatement.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace smsqlite {

namespace {

QDateTime readTimestamp(const SqliteStatement &row, int column)
{
    if (row.isNull(column))
        return {};
    return QDateTime::fromMSecsSinceEpoch(row.int64(column), Qt::UTC);
}

// Most sessions carry an empty object (context before a back-end writes one): that case
// skips the JSON writer and parser and their allocations.
QJsonObject readJson(const SqliteStatement &row, int column)
{
    const QByteArray text = row.utf8View(column);
    if (text == "{}")
        return {};
    return QJsonDocument::fromJson(text).object();
}

QByteArray writeJson(const QJsonObject &object)
{
    if (object.isEmpty())
        return QByteArrayLiteral("{}");
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

const QString &SessionRow::columns()
{
    static const QString list = QStringLiteral(
        "id, user_id, state, version, created_at, last_updated, last_activity, "
        "absolute_expires_at, idle_timeout, metadata, context, worker, token_hash");
    return list;
}

void SessionRow::bind(SqliteStatement &statement, const sm::Session &session)
{
    bindUpdatable(statement, session);
    statement.bindText(parameter(UserId), session.userId);
    statement.bindInt64(parameter(Version), session.version);
    bindTimestamp(statement, parameter(CreatedAt), session.createdAt);
    bindTimestamp(statement, parameter(LastActivity), session.lastActivity);
    bindTimestamp(statement, parameter(AbsoluteExpiresAt), session.absoluteExpiresAt);
    statement.bindInt64(parameter(IdleTimeout), session.idleTimeoutSecs);
    statement.bindBlob(parameter(TokenHash), session.tokenHash);
}

void SessionRow::bindUpdatable(SqliteStatement &statement, const sm::Session &session)
{
    statement.bindText(parameter(Id), session.id);
    statement.bindText(parameter(State), stateName(session.state));
    bindTimestamp(statement, parameter(LastUpdated), session.lastUpdated);
    statement.bindUtf8(parameter(Metadata), writeJson(session.metadata));
    statement.bindUtf8(parameter(Context), writeJson(session.context));
    statement.bindText(parameter(Worker), session.worker);
}

sm::Session SessionRow::read(const SqliteStatement &row)
{
    sm::Session session;
    session.id = row.text(Id);
    session.userId = row.text(UserId);
    session.state = sm::parseSessionState(row.text(State)).value_or(sm::SessionState::Active);
    session.version = row.int64(Version);
    session.createdAt = readTimestamp(row, CreatedAt);
    session.lastUpdated = readTimestamp(row, LastUpdated);
    session.lastActivity = readTimestamp(row, LastActivity);
    session.absoluteExpiresAt = readTimestamp(row, AbsoluteExpiresAt);
    session.idleTimeoutSecs = row.int64(IdleTimeout);
    session.metadata = readJson(row, Metadata);
    session.context = readJson(row, Context);
    session.worker = row.text(Worker);
    session.tokenHash = row.bytes(TokenHash);
    return session;
}

void SessionRow::bindTimestamp(SqliteStatement &statement, int parameter, const QDateTime &time)
{
    if (time.isValid())
        statement.bindInt64(parameter, time.toMSecsSinceEpoch());
    else
        statement.bindNull(parameter);
}

QString SessionRow::stateName(sm::SessionState state)
{
    return QString::fromLatin1(sm::sessionStateName(state));
}

} // namespace smsqlite
