#include "sessionjson.h"

#include "compactjsonwriter.h"

namespace sse {

QByteArray SessionJson::encode(const sm::Session &session)
{
    return write(session, nullptr);
}

QByteArray SessionJson::encodeWithToken(const sm::Session &session, const QString &token)
{
    return write(session, &token);
}

// Members in QJsonObject's order (sorted by key), so the bytes match sessionToJson()'s.
QByteArray SessionJson::write(const sm::Session &session, const QString *token)
{
    CompactJsonWriter json;
    json.beginObject();
    json.key(QLatin1String("context"));
    json.value(session.context);
    json.key(QLatin1String("created_at"));
    json.timestamp(session.createdAt);
    json.key(QLatin1String("expires_at"));
    json.timestamp(session.expiresAt());
    json.key(QLatin1String("idle_timeout"));
    json.value(session.idleTimeoutSecs);
    json.key(QLatin1String("last_activity"));
    json.timestamp(session.lastActivity);
    json.key(QLatin1String("last_updated"));
    json.timestamp(session.lastUpdated);
    json.key(QLatin1String("metadata"));
    json.value(session.metadata);
    json.key(QLatin1String("session_id"));
    json.value(session.id);
    json.key(QLatin1String("state"));
    json.value(QLatin1String(sm::sessionStateName(session.state)));
    if (token) {
        json.key(QLatin1String("token"));
        json.value(*token);
    }
    json.key(QLatin1String("user_id"));
    json.value(session.userId);
    json.key(QLatin1String("version"));
    json.value(session.version);
    json.key(QLatin1String("worker"));
    if (session.worker.isEmpty())
        json.null();
    else
        json.value(session.worker);
    json.endObject();
    return json.take();
}

} // namespace sse
