#include "protomapping.h"

#include "session.pb.h"

#include <QJsonDocument>

namespace smgrpc {

namespace {
void setTimestamp(const QDateTime &time, google::protobuf::Timestamp *out)
{
    if (!time.isValid())
        return;
    const qint64 ms = time.toMSecsSinceEpoch();
    out->set_seconds(ms / 1000);
    out->set_nanos(int(ms % 1000) * 1000000);
}

std::string compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}
} // namespace

void ProtoMapping::toProto(const sm::Session &session, sm::v1::Session *out)
{
    out->set_session_id(session.id.toStdString());
    out->set_user_id(session.userId.toStdString());
    out->set_state(toProto(session.state));
    out->set_version(session.version);
    setTimestamp(session.createdAt, out->mutable_created_at());
    setTimestamp(session.lastUpdated, out->mutable_last_updated());
    setTimestamp(session.lastActivity, out->mutable_last_activity());
    setTimestamp(session.expiresAt(), out->mutable_expires_at());
    out->set_idle_timeout_secs(session.idleTimeoutSecs);
    out->set_metadata_json(compactJson(session.metadata));
    out->set_context_json(compactJson(session.context));
    out->set_worker(session.worker.toStdString());
}

void ProtoMapping::toProto(const sm::Event &event, sm::v1::Event *out)
{
    const QByteArray id = event.id.toString();
    out->set_id(id.constData(), size_t(id.size()));
    out->set_type(event.type.constData(), size_t(event.type.size()));
    out->set_data_json(event.data.constData(), size_t(event.data.size()));
}

sm::v1::SessionState ProtoMapping::toProto(sm::SessionState state)
{
    switch (state) {
    case sm::SessionState::Active: return sm::v1::SESSION_STATE_ACTIVE;
    case sm::SessionState::Idle: return sm::v1::SESSION_STATE_IDLE;
    case sm::SessionState::Terminated: return sm::v1::SESSION_STATE_TERMINATED;
    case sm::SessionState::Expired: return sm::v1::SESSION_STATE_EXPIRED;
    }
    return sm::v1::SESSION_STATE_UNSPECIFIED;
}

std::optional<sm::SessionState> ProtoMapping::fromProto(int state)
{
    switch (state) {
    case sm::v1::SESSION_STATE_ACTIVE: return sm::SessionState::Active;
    case sm::v1::SESSION_STATE_IDLE: return sm::SessionState::Idle;
    case sm::v1::SESSION_STATE_TERMINATED: return sm::SessionState::Terminated;
    case sm::v1::SESSION_STATE_EXPIRED: return sm::SessionState::Expired;
    default: return std::nullopt;
    }
}

sm::Result<QJsonObject> ProtoMapping::jsonObject(const std::string &text, const char *field, bool emptyIsObject)
{
    if (text.empty()) {
        if (emptyIsObject)
            return QJsonObject();
        return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("field '%1' is required").arg(field));
    }
    QJsonParseError error;
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), qsizetype(text.size())), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("field '%1' must be a JSON object").arg(field));
    }
    return document.object();
}

sm::Result<QString> ProtoMapping::required(const std::string &text, const char *field)
{
    if (text.empty())
        return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("field '%1' is required").arg(field));
    return QString::fromStdString(text);
}

} // namespace smgrpc
