#include "sessioncalls.h"

#include "protomapping.h"
#include "unarycall.h"

#include <sm/authenticator.h>
#include <sm/callback.h>
#include <sm/hostcontext.h>
#include <sm/sessionservice.h>

#include <QJsonDocument>

#include <type_traits>

namespace smgrpc {

namespace {
// The same bounds as the REST API.
constexpr qint64 kMaxSeconds = 10LL * 365 * 24 * 3600;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

sm::Error badRequest(const QString &message)
{
    return sm::makeError(sm::ErrorCode::BadRequest, message);
}

sm::Result<sm::SessionState> parseState(int state, const char *field)
{
    if (auto parsed = ProtoMapping::fromProto(state))
        return *parsed;
    return badRequest(QStringLiteral("field '%1' must be one of SESSION_STATE_ACTIVE, SESSION_STATE_IDLE, "
                                     "SESSION_STATE_TERMINATED, SESSION_STATE_EXPIRED")
                          .arg(field));
}

sm::Result<void> checkRange(bool present, qint64 value, qint64 min, qint64 max, const char *field)
{
    if (present && (value < min || value > max))
        return badRequest(QStringLiteral("field '%1' must be from %2 to %3").arg(field).arg(min).arg(max));
    return {};
}

sm::Result<sm::CreateSessionRequest> parseCreate(const sm::v1::CreateSessionRequest &request)
{
    auto metadata = ProtoMapping::jsonObject(request.metadata_json(), "metadata_json", true);
    if (!metadata)
        return metadata.error();
    if (auto ttl = checkRange(request.has_ttl_secs(), request.ttl_secs(), 1, kMaxSeconds, "ttl_secs"); !ttl)
        return ttl.error();
    if (auto idle = checkRange(request.has_idle_timeout_secs(), request.idle_timeout_secs(), 0, kMaxSeconds,
                               "idle_timeout_secs");
        !idle) {
        return idle.error();
    }
    if (request.has_user_id() && request.user_id().empty())
        return badRequest(QStringLiteral("field 'user_id' must not be empty"));
    sm::CreateSessionRequest create;
    if (request.has_user_id())
        create.userId = QString::fromStdString(request.user_id());
    create.metadata = std::move(metadata).value();
    if (request.has_ttl_secs())
        create.ttlSecs = request.ttl_secs();
    if (request.has_idle_timeout_secs())
        create.idleTimeoutSecs = request.idle_timeout_secs();
    return create;
}

sm::Result<sm::UpdateSessionRequest> parseUpdate(const sm::v1::UpdateSessionRequest &request)
{
    sm::UpdateSessionRequest update;
    if (request.has_state()) {
        auto state = parseState(request.state(), "state");
        if (!state)
            return state.error();
        update.state = state.value();
    }
    if (request.has_metadata_json()) {
        auto metadata = ProtoMapping::jsonObject(request.metadata_json(), "metadata_json", true);
        if (!metadata)
            return metadata.error();
        update.metadata = std::move(metadata).value();
    }
    if (request.has_expected_version()) {
        if (request.expected_version() < 0)
            return badRequest(QStringLiteral("field 'expected_version' must not be negative"));
        update.expectedVersion = request.expected_version();
    }
    return update;
}

sm::Result<sm::ListSessionsQuery> parseList(const sm::v1::ListSessionsRequest &request)
{
    sm::ListSessionsQuery query;
    if (request.has_user_id())
        query.userId = QString::fromStdString(request.user_id());
    if (request.has_state()) {
        auto state = parseState(request.state(), "state");
        if (!state)
            return state.error();
        query.state = state.value();
    }
    if (request.limit() < 0 || request.limit() > kMaxPageSize)
        return badRequest(QStringLiteral("field 'limit' must be from 1 to %1 (0 = %2)").arg(kMaxPageSize).arg(kDefaultPageSize));
    query.limit = request.limit() == 0 ? kDefaultPageSize : request.limit();
    query.cursor = QString::fromStdString(request.cursor());
    return query;
}

// The completion every call shares: a call the client has already ended is left alone, an
// error fails it, and a value is written into the response by `fill` before it succeeds.
template <typename T, typename Fill>
sm::Callback<T> answer(const SessionCalls::CallPtr &call, Fill fill)
{
    return [call, fill = std::move(fill)](sm::Result<T> result) {
        if (call->isFinished())
            return;
        if (!result)
            return call->fail(result.error());
        if constexpr (std::is_void_v<T>)
            fill();
        else
            fill(result.value());
        call->succeed();
    };
}
} // namespace

SessionCalls::SessionCalls(sm::HostContext &host) : m_host(host) {}

/*!
 * CreateSession → the session plus its token (shown only here). `metadata.ip_address` is
 * always the server's view of the client address.
 */
void SessionCalls::createSession(const CallPtr &call, const sm::v1::CreateSessionRequest &request,
                                 sm::v1::CreateSessionResponse *response)
{
    auto caller = call->info().authenticate(m_host.auth());
    if (!caller)
        return call->fail(caller.error());
    auto create = parseCreate(request);
    if (!create)
        return call->fail(create.error());
    create->metadata.insert("ip_address", call->info().clientAddress);
    m_host.sessions().create(caller.value(), std::move(create).value(),
                             answer<sm::CreatedSession>(call, [response](const sm::CreatedSession &created) {
                                 ProtoMapping::toProto(created.session, response->mutable_session());
                                 response->set_token(created.token.toStdString());
                             }));
}

void SessionCalls::getSession(const CallPtr &call, const sm::v1::GetSessionRequest &request,
                              sm::v1::Session *response)
{
    auto caller = call->info().authenticate(m_host.auth());
    if (!caller)
        return call->fail(caller.error());
    auto id = ProtoMapping::required(request.session_id(), "session_id");
    if (!id)
        return call->fail(id.error());
    m_host.sessions().get(caller.value(), id.value(), answer<sm::Session>(call, [response](const sm::Session &session) {
                              ProtoMapping::toProto(session, response);
                          }));
}

/*!
 * UpdateSession: `expected_version` makes it conditional (FAILED_PRECONDITION with
 * version_conflict when stale); a forbidden state change is FAILED_PRECONDITION with
 * illegal_transition.
 */
void SessionCalls::updateSession(const CallPtr &call, const sm::v1::UpdateSessionRequest &request,
                                 sm::v1::Session *response)
{
    auto caller = call->info().authenticate(m_host.auth());
    if (!caller)
        return call->fail(caller.error());
    auto id = ProtoMapping::required(request.session_id(), "session_id");
    if (!id)
        return call->fail(id.error());
    auto update = parseUpdate(request);
    if (!update)
        return call->fail(update.error());
    m_host.sessions().update(caller.value(), id.value(), std::move(update).value(),
                             answer<sm::Session>(call, [response](const sm::Session &session) {
                                 ProtoMapping::toProto(session, response);
                             }));
}

void SessionCalls::deleteSession(const CallPtr &call, const sm::v1::DeleteSessionRequest &request)
{
    auto caller = call->info().authenticate(m_host.auth());
    if (!caller)
        return call->fail(caller.error());
    auto id = ProtoMapping::required(request.session_id(), "session_id");
    if (!id)
        return call->fail(id.error());
    m_host.sessions().remove(caller.value(), id.value(), answer<void>(call, [] {}));
}

void SessionCalls::listSessions(const CallPtr &call, const sm::v1::ListSessionsRequest &request,
                                sm::v1::ListSessionsResponse *response)
{
    auto caller = call->info().authenticate(m_host.auth());
    if (!caller)
        return call->fail(caller.error());
    auto query = parseList(request);
    if (!query)
        return call->fail(query.error());
    m_host.sessions().list(caller.value(), std::move(query).value(),
                           answer<sm::SessionPage>(call, [response](const sm::SessionPage &page) {
                               for (const sm::Session &session : page.sessions)
                                   ProtoMapping::toProto(session, response->add_sessions());
                               response->set_next_cursor(page.nextCursor.toStdString());
                           }));
}

/*!
 * SubmitRequest: the request object goes to the session's back-end as is (the back-end
 * validates its own requests); the reply comes back as JSON text.
 */
void SessionCalls::submitRequest(const CallPtr &call, const sm::v1::SubmitRequestRequest &request,
                                 sm::v1::SubmitRequestResponse *response)
{
    auto caller = call->info().authenticate(m_host.auth());
    if (!caller)
        return call->fail(caller.error());
    auto id = ProtoMapping::required(request.session_id(), "session_id");
    if (!id)
        return call->fail(id.error());
    auto body = ProtoMapping::jsonObject(request.request_json(), "request_json", false);
    if (!body)
        return call->fail(body.error());
    m_host.sessions().request(caller.value(), id.value(), std::move(body).value(),
                              answer<QJsonObject>(call, [response](const QJsonObject &reply) {
                                  response->set_reply_json(
                                      QJsonDocument(reply).toJson(QJsonDocument::Compact).toStdString());
                              }));
}

} // namespace smgrpc
