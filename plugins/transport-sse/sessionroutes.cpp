#include "sessionroutes.h"

#include "compactjsonwriter.h"
#include "httpsupport.h"
#include "jsonbody.h"
#include "sessionjson.h"

#include <sm/authenticator.h>
#include <sm/hostcontext.h>
#include <sm/sessionservice.h>

#include <QJsonArray>
#include <QUrl>

namespace sse {

namespace {
// Upper bound of ttl/idle_timeout a body may carry; the service applies max_ttl itself.
constexpr qint64 kMaxSeconds = 10LL * 365 * 24 * 3600;
constexpr int kMaxPageSize = 500;

sm::Error badRequest(const QString &message)
{
    return sm::makeError(sm::ErrorCode::BadRequest, message);
}

sm::Result<sm::SessionState> parseState(const QString &field, const QString &text)
{
    if (auto state = sm::parseSessionState(text))
        return *state;
    return badRequest(
        QStringLiteral("%1 must be one of active, idle, terminated, expired").arg(field));
}

sm::HttpResponse jsonResponse(int status, QByteArray body)
{
    sm::HttpResponse response{status, {}, std::move(body)};
    response.headers.reserve(4);
    response.headers.emplaceBack("content-type", "application/json");
    return response;
}

sm::HttpResponse sessionResponse(int status, const sm::Session &session, QByteArray body)
{
    sm::HttpResponse response = jsonResponse(status, std::move(body));
    response.headers.emplaceBack("etag", HttpSupport::etag(session.version));
    response.headers.emplaceBack("cache-control", "no-store");
    return response;
}

sm::HttpResponse sessionResponse(int status, const sm::Session &session)
{
    return sessionResponse(status, session, SessionJson::encode(session));
}

QString sessionId(const sm::HttpExchangePtr &exchange)
{
    return exchange->request().pathParams.value(0);
}

sm::Result<sm::CreateSessionRequest> parseCreate(const QByteArray &bytes)
{
    auto body = JsonBody::parse(bytes, {"user_id", "metadata", "ttl", "idle_timeout"});
    if (!body)
        return body.error();
    auto userId = body->string("user_id");
    if (!userId)
        return userId.error();
    auto metadata = body->object("metadata");
    if (!metadata)
        return metadata.error();
    auto ttl = body->integer("ttl", 1, kMaxSeconds);
    if (!ttl)
        return ttl.error();
    auto idleTimeout = body->integer("idle_timeout", 0, kMaxSeconds);
    if (!idleTimeout)
        return idleTimeout.error();
    if (userId.value() && userId.value()->isEmpty())
        return badRequest(QStringLiteral("field 'user_id' must not be empty"));
    sm::CreateSessionRequest request;
    request.userId = userId.value();
    request.metadata = metadata.value().value_or(QJsonObject());
    request.ttlSecs = ttl.value();
    request.idleTimeoutSecs = idleTimeout.value();
    return request;
}

sm::Result<sm::UpdateSessionRequest> parseUpdate(const sm::HttpRequest &http)
{
    auto expectedVersion = HttpSupport::parseIfMatch(http.header("if-match"));
    if (!expectedVersion)
        return expectedVersion.error();
    auto body = JsonBody::parse(http.body, {"state", "metadata"});
    if (!body)
        return body.error();
    auto stateName = body->string("state");
    if (!stateName)
        return stateName.error();
    auto metadata = body->object("metadata");
    if (!metadata)
        return metadata.error();

    sm::UpdateSessionRequest request;
    request.expectedVersion = expectedVersion.value();
    request.metadata = metadata.value();
    if (stateName.value()) {
        auto state = parseState(QStringLiteral("field 'state'"), *stateName.value());
        if (!state)
            return state.error();
        request.state = state.value();
    }
    return request;
}

sm::Result<sm::ListSessionsQuery> parseListQuery(const QUrlQuery &query)
{
    if (auto known = HttpSupport::checkQueryKeys(query, {"user_id", "state", "limit", "cursor"}); !known)
        return known.error();
    sm::ListSessionsQuery list;
    if (query.hasQueryItem("user_id"))
        list.userId = query.queryItemValue("user_id", QUrl::FullyDecoded);
    if (query.hasQueryItem("state")) {
        auto state = parseState(QStringLiteral("query parameter 'state'"),
                                query.queryItemValue("state", QUrl::FullyDecoded));
        if (!state)
            return state.error();
        list.state = state.value();
    }
    if (query.hasQueryItem("limit")) {
        const QString text = query.queryItemValue("limit", QUrl::FullyDecoded);
        bool ok = text.size() <= 3 && !text.isEmpty();
        for (QChar c : text)
            ok = ok && c.isDigit() && c.unicode() < 128;
        list.limit = ok ? text.toInt() : 0;
        if (list.limit < 1 || list.limit > kMaxPageSize)
            return badRequest(QStringLiteral("query parameter 'limit' must be from 1 to %1").arg(kMaxPageSize));
    }
    list.cursor = query.queryItemValue("cursor", QUrl::FullyDecoded);
    return list;
}
} // namespace

SessionRoutes::SessionRoutes(sm::HostContext &host, ClientAddressResolver addresses)
    : m_host(host), m_addresses(std::move(addresses))
{
}

void SessionRoutes::registerOn(sm::HttpRouter &router)
{
    router.addRoute("POST", "/sessions", [this](const auto &e) { createSession(e); });
    router.addRoute("GET", "/sessions", [this](const auto &e) { listSessions(e); });
    router.addRoute("GET", "/sessions/{id}", [this](const auto &e) { getSession(e); });
    router.addRoute("PUT", "/sessions/{id}", [this](const auto &e) { updateSession(e); });
    router.addRoute("DELETE", "/sessions/{id}", [this](const auto &e) { deleteSession(e); });
    router.addRoute("POST", "/sessions/{id}/request", [this](const auto &e) { submitRequest(e); });
}

/*!
 * POST /sessions → 201, the session plus its token (shown only here), `Location` and
 * `ETag`. `metadata.ip_address` is always the server's view of the client address.
 */
void SessionRoutes::createSession(const sm::HttpExchangePtr &exchange)
{
    const sm::HttpRequest &http = exchange->request();
    auto caller = HttpSupport::authenticate(m_host.auth(), http);
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    auto request = parseCreate(http.body);
    if (!request)
        return exchange->respond(HttpSupport::errorResponse(request.error()));
    request->metadata.insert("ip_address", m_addresses.clientAddress(http).toString());

    m_host.sessions().create(caller.value(), std::move(request).value(),
                             [exchange](sm::Result<sm::CreatedSession> created) {
        if (!created)
            return exchange->respond(HttpSupport::errorResponse(created.error()));
        const sm::Session &session = created->session;
        sm::HttpResponse response =
            sessionResponse(201, session, SessionJson::encodeWithToken(session, created->token));
        response.headers.emplaceBack("location", "/sessions/" + QUrl::toPercentEncoding(session.id));
        exchange->respond(std::move(response));
    });
}

void SessionRoutes::getSession(const sm::HttpExchangePtr &exchange)
{
    auto caller = HttpSupport::authenticate(m_host.auth(), exchange->request());
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    m_host.sessions().get(caller.value(), sessionId(exchange), [exchange](sm::Result<sm::Session> session) {
        exchange->respond(session ? sessionResponse(200, session.value())
                                  : HttpSupport::errorResponse(session.error()));
    });
}

/*!
 * PUT /sessions/{id} with `{state?, metadata?}`; `If-Match: "<version>"` makes it
 * conditional (412 when stale), a forbidden state change is 409.
 */
void SessionRoutes::updateSession(const sm::HttpExchangePtr &exchange)
{
    auto caller = HttpSupport::authenticate(m_host.auth(), exchange->request());
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    auto request = parseUpdate(exchange->request());
    if (!request)
        return exchange->respond(HttpSupport::errorResponse(request.error()));
    m_host.sessions().update(caller.value(), sessionId(exchange), std::move(request).value(),
                             [exchange](sm::Result<sm::Session> session) {
        exchange->respond(session ? sessionResponse(200, session.value())
                                  : HttpSupport::errorResponse(session.error()));
    });
}

void SessionRoutes::deleteSession(const sm::HttpExchangePtr &exchange)
{
    auto caller = HttpSupport::authenticate(m_host.auth(), exchange->request());
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    m_host.sessions().remove(caller.value(), sessionId(exchange), [exchange](sm::Result<void> removed) {
        exchange->respond(removed ? sm::HttpResponse::empty(204)
                                  : HttpSupport::errorResponse(removed.error()));
    });
}

/*!
 * GET /sessions?user_id=&state=&limit=&cursor= → {"sessions":[...],"next_cursor":...};
 * `next_cursor` is null on the last page.
 */
void SessionRoutes::listSessions(const sm::HttpExchangePtr &exchange)
{
    auto caller = HttpSupport::authenticate(m_host.auth(), exchange->request());
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    auto query = parseListQuery(exchange->request().query);
    if (!query)
        return exchange->respond(HttpSupport::errorResponse(query.error()));
    m_host.sessions().list(caller.value(), std::move(query).value(), [exchange](sm::Result<sm::SessionPage> page) {
        if (!page)
            return exchange->respond(HttpSupport::errorResponse(page.error()));
        QJsonArray sessions;
        for (const sm::Session &session : page->sessions)
            sessions.append(sm::sessionToJson(session));
        const QJsonValue cursor = page->nextCursor.isEmpty() ? QJsonValue() : QJsonValue(page->nextCursor);
        sm::HttpResponse response = sm::HttpResponse::json(200, {{"sessions", sessions}, {"next_cursor", cursor}});
        response.headers.emplaceBack("cache-control", "no-store");
        exchange->respond(std::move(response));
    });
}

/*!
 * POST /sessions/{id}/request: the body goes to the session's back-end as is (the
 * back-end validates its own requests); 200 with its reply.
 */
void SessionRoutes::submitRequest(const sm::HttpExchangePtr &exchange)
{
    auto caller = HttpSupport::authenticate(m_host.auth(), exchange->request());
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    auto body = JsonBody::parseObject(exchange->request().body, false);
    if (!body)
        return exchange->respond(HttpSupport::errorResponse(body.error()));
    m_host.sessions().request(caller.value(), sessionId(exchange), std::move(body).value(),
                              [exchange](sm::Result<QJsonObject> reply) {
        if (!reply)
            return exchange->respond(HttpSupport::errorResponse(reply.error()));
        CompactJsonWriter json;
        json.value(reply.value());
        exchange->respond(jsonResponse(200, json.take()));
    });
}

} // namespace sse
