#include "eventroutes.h"

#include "connectionregistry.h"
#include "httpsupport.h"
#include "jsonbody.h"

#include <sm/authenticator.h>
#include <sm/hostcontext.h>
#include <sm/sessionservice.h>
#include <sm/streamhub.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QUrl>

namespace sse {

namespace {
constexpr qsizetype kMaxEventTypeLength = 64;

sm::Error badRequest(const QString &message)
{
    return sm::makeError(sm::ErrorCode::BadRequest, message);
}

QString sessionId(const sm::HttpExchangePtr &exchange)
{
    return exchange->request().pathParams.value(0);
}

// `Last-Event-ID` (what EventSource sends on reconnect) wins over `?last_event_id=`
// (what a client that opens a fresh EventSource can pass). Empty means live only.
sm::Result<std::optional<sm::EventId>> resumePosition(const sm::HttpRequest &request)
{
    QByteArray text = request.header("last-event-id").trimmed();
    if (text.isEmpty())
        text = request.query.queryItemValue("last_event_id", QUrl::FullyDecoded).toUtf8().trimmed();
    if (text.isEmpty())
        return std::optional<sm::EventId>();
    if (auto id = sm::EventId::parse(text))
        return std::optional<sm::EventId>(*id);
    return badRequest(QStringLiteral("malformed last event id '%1': expected <epoch>-<seq>")
                          .arg(QString::fromUtf8(text.left(64))));
}

// Event types become an SSE `event:` line and a JavaScript listener name: keep them to
// a safe alphabet, and leave `reset` to the hub, whose meaning clients rely on.
sm::Result<QByteArray> eventType(const JsonBody &body)
{
    auto type = body.string("type");
    if (!type)
        return type.error();
    if (!type.value())
        return badRequest(QStringLiteral("field 'type' is required"));
    const QString &text = *type.value();
    bool valid = !text.isEmpty() && text.size() <= kMaxEventTypeLength;
    for (QChar c : text) {
        valid = valid && c.unicode() < 128
                && (c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_')
                    || c == QLatin1Char('-'));
    }
    if (!valid) {
        return badRequest(QStringLiteral("field 'type' must be 1 to %1 characters of A-Z a-z 0-9 . _ -")
                              .arg(kMaxEventTypeLength));
    }
    if (text == QLatin1String("reset"))
        return badRequest(QStringLiteral("event type 'reset' is reserved for the stream hub"));
    return text.toLatin1();
}

sm::Result<QByteArray> eventData(const JsonBody &body)
{
    const QJsonValue data = body.object().value("data");
    if (data.isUndefined())
        return QByteArrayLiteral("{}");
    if (data.isObject())
        return QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact);
    if (data.isArray())
        return QJsonDocument(data.toArray()).toJson(QJsonDocument::Compact);
    return badRequest(QStringLiteral("field 'data' must be an object or an array"));
}

sm::HttpResponse streamEndedResponse()
{
    // 204 is how the SSE spec tells an EventSource to stop reconnecting.
    return sm::HttpResponse::empty(204);
}

// The session service answers IllegalTransition for a session that has ended; for a
// stream that is the normal end of its life, not an error to show.
sm::HttpResponse streamRefusal(const sm::Error &error)
{
    if (error.code == sm::ErrorCode::IllegalTransition)
        return streamEndedResponse();
    return HttpSupport::errorResponse(error);
}
} // namespace

EventRoutes::EventRoutes(sm::HostContext &host, ConnectionRegistry &registry,
                         ClientAddressResolver addresses, QObject *parent)
    : QObject(parent), m_host(host), m_registry(registry), m_addresses(std::move(addresses))
{
}

void EventRoutes::registerOn(sm::HttpRouter &router)
{
    router.addRoute("GET", "/sessions/{id}/events", [this](const auto &e) { openStream(e); });
    router.addRoute("POST", "/sessions/{id}/events", [this](const auto &e) { publishEvent(e); });
}

/*!
 * GET /sessions/{id}/events: authenticates (Bearer, or the session token in `?token=`
 * because EventSource cannot send headers), touches the session, then streams. A
 * session that has ended answers 204 so EventSource stops reconnecting.
 */
void EventRoutes::openStream(const sm::HttpExchangePtr &exchange)
{
    const sm::HttpRequest &request = exchange->request();
    if (auto known = HttpSupport::checkQueryKeys(request.query, {"token", "last_event_id"}); !known)
        return exchange->respond(HttpSupport::errorResponse(known.error()));
    auto after = resumePosition(request);
    if (!after)
        return exchange->respond(HttpSupport::errorResponse(after.error()));

    QPointer<EventRoutes> self(this);
    authenticateStream(exchange, [self, exchange, after = after.value()](sm::Result<sm::Caller> caller) {
        if (!caller)
            return exchange->respond(streamRefusal(caller.error()));
        if (!self)
            return;
        self->m_host.sessions().touch(caller.value(), sessionId(exchange),
                                      [self, exchange, caller = caller.value(), after](sm::Result<sm::Session> session) {
            if (!session)
                return exchange->respond(streamRefusal(session.error()));
            if (sm::isFinal(session->state))
                return exchange->respond(streamEndedResponse());
            if (self)
                self->startStream(exchange, caller, session.value(), after);
        });
    });
}

/*!
 * POST /sessions/{id}/events `{type, data}` → 202 {"id":"<epoch>-<seq>"}. Only service
 * and admin callers may push; the session must exist (for the caller) and not have ended.
 */
void EventRoutes::publishEvent(const sm::HttpExchangePtr &exchange)
{
    auto caller = HttpSupport::authenticate(m_host.auth(), exchange->request());
    if (!caller)
        return exchange->respond(HttpSupport::errorResponse(caller.error()));
    if (!caller->isPrivileged()) {
        return exchange->respond(HttpSupport::errorResponse(sm::makeError(
            sm::ErrorCode::PermissionDenied, QStringLiteral("only service and admin callers may publish events"))));
    }
    auto body = JsonBody::parse(exchange->request().body, {"type", "data"}, false);
    if (!body)
        return exchange->respond(HttpSupport::errorResponse(body.error()));
    auto type = eventType(body.value());
    if (!type)
        return exchange->respond(HttpSupport::errorResponse(type.error()));
    auto data = eventData(body.value());
    if (!data)
        return exchange->respond(HttpSupport::errorResponse(data.error()));

    QPointer<EventRoutes> self(this);
    m_host.sessions().get(caller.value(), sessionId(exchange),
                          [self, exchange, type = type.value(), data = data.value()](sm::Result<sm::Session> session) {
        if (!session)
            return exchange->respond(HttpSupport::errorResponse(session.error()));
        if (sm::isFinal(session->state)) {
            return exchange->respond(HttpSupport::errorResponse(sm::makeError(
                sm::ErrorCode::IllegalTransition, QStringLiteral("session %1 has ended").arg(session->id))));
        }
        if (!self)
            return;
        const sm::EventId id = self->m_host.streams().publish(session->id, type, data);
        exchange->respond(sm::HttpResponse::json(202, {{"id", QString::fromLatin1(id.toString())}}));
    });
}

void EventRoutes::authenticateStream(const sm::HttpExchangePtr &exchange, sm::Callback<sm::Caller> done)
{
    const sm::HttpRequest &request = exchange->request();
    const QString token = request.query.queryItemValue("token", QUrl::FullyDecoded);
    if (!request.header("authorization").isEmpty() || token.isEmpty())
        return done(HttpSupport::authenticate(m_host.auth(), request));
    m_host.sessions().authenticateSessionToken(sessionId(exchange), token,
                                               [requestId = request.requestId, done](sm::Result<sm::Caller> caller) {
        if (caller)
            caller->requestId = requestId;
        done(std::move(caller));
    });
}

void EventRoutes::startStream(const sm::HttpExchangePtr &exchange, const sm::Caller &caller,
                              const sm::Session &session, std::optional<sm::EventId> after)
{
    const sm::HttpHeaders headers{{"content-type", "text/event-stream"},
                                  {"cache-control", "no-store"},
                                  {"x-accel-buffering", "no"}};
    std::shared_ptr<sm::HttpStream> stream = exchange->startStream(200, headers);
    if (!stream)
        return; // the client left while we were checking
    const sm::HttpRequest &request = exchange->request();
    ConnectionStats stats;
    stats.sessionId = session.id;
    stats.userId = session.userId;
    stats.peerAddress = m_addresses.clientAddress(request).toString();
    stats.requestId = request.requestId;
    m_registry.open(std::move(stream), caller, std::move(stats), session.idleTimeoutSecs, after);
}

} // namespace sse
