#include "streamconnection.h"

#include "grpcerrors.h"
#include "grpcmetrics.h"
#include "outboundqueue.h"
#include "protomapping.h"
#include "streamregistry.h"

#include <sm/authenticator.h>
#include <sm/hostcontext.h>
#include <sm/metrics.h>
#include <sm/sessionservice.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

namespace smgrpc {

namespace {
grpc::Status invalid(const QString &message)
{
    return GrpcErrors::status(sm::makeError(sm::ErrorCode::BadRequest, message));
}

sm::Result<std::optional<sm::EventId>> resumePosition(const std::string &text)
{
    if (text.empty())
        return std::optional<sm::EventId>();
    if (auto id = sm::EventId::parse(QByteArrayView(text.data(), qsizetype(text.size()))))
        return std::optional<sm::EventId>(*id);
    return sm::makeError(sm::ErrorCode::BadRequest,
                         QStringLiteral("malformed last_event_id '%1': expected <epoch>-<seq>")
                             .arg(QString::fromStdString(text.substr(0, 64))));
}

// Events one message may carry for a client that accepts batches: enough to make the
// per-message cost negligible, few enough to keep a batch's latency low.
constexpr quint32 kMaxBatchEvents = 256;

// A quality advice message with the stream's current figures; score -1 = not scored.
std::unique_ptr<sm::v1::ConnectResponse> qualityMessage(double rttMs, int queueDepth, quint64 dropped)
{
    auto message = std::make_unique<sm::v1::ConnectResponse>();
    sm::v1::QualityAdvice *quality = message->mutable_quality();
    quality->set_rtt_ms(rttMs);
    quality->set_queue_depth(quint32(queueDepth));
    quality->set_dropped(dropped);
    quality->set_score(-1);
    return message;
}

bool endsSession(const QByteArray &reason)
{
    return reason == "session.terminated" || reason == "session.expired";
}
} // namespace

StreamConnection::StreamConnection(StreamRegistry &registry, Kind kind, std::shared_ptr<OutboundQueue> queue,
                                   CallInfo info, ConnectionFigures figures)
    : m_registry(registry)
    , m_kind(kind)
    , m_queue(std::move(queue))
    , m_info(std::move(info))
    , m_figures(std::move(figures))
    , m_phase(kind == Kind::Connect ? Phase::AwaitingOpen : Phase::Opening)
{
    m_sinceTouch.start();
}

StreamConnection::~StreamConnection() = default;

/*!
 * Checks the request, authenticates (Bearer token, else the session token), touches the
 * session and subscribes from just after \a lastEventId. A session that has ended ends
 * the stream with OK and no events: the client should not reconnect.
 */
void StreamConnection::open(const std::string &sessionId, const std::string &lastEventId,
                            const std::string &sessionToken, quint32 maxBatch)
{
    m_phase = Phase::Opening;
    m_queue->setMaxBatch(int(std::min(maxBatch, kMaxBatchEvents)));
    auto id = ProtoMapping::required(sessionId, "session_id");
    if (!id)
        return end(GrpcErrors::status(id.error()));
    auto after = resumePosition(lastEventId);
    if (!after)
        return end(GrpcErrors::status(after.error()));
    m_figures.sessionId = id.value();

    QPointer<StreamConnection> self(this);
    authenticate(id.value(), QString::fromStdString(sessionToken),
                 [self, id = id.value(), after = after.value()](sm::Result<sm::Caller> caller) {
        if (!self || self->m_ended)
            return;
        if (!caller)
            return self->refuse(caller.error());
        self->m_registry.host().sessions().touch(caller.value(), id,
                                                 [self, caller = caller.value(), after](sm::Result<sm::Session> session) {
            if (!self || self->m_ended)
                return;
            if (!session)
                return self->refuse(session.error());
            if (sm::isFinal(session->state))
                return self->end(grpc::Status::OK);
            self->subscribe(caller, session.value(), after);
        });
    });
}

void StreamConnection::handle(const sm::v1::ConnectRequest &message)
{
    if (m_ended)
        return;
    if (message.has_open()) {
        if (m_phase != Phase::AwaitingOpen)
            return end(invalid(QStringLiteral("'open' must be sent once, as the first message")));
        const sm::v1::ConnectOpen &open = message.open();
        return this->open(open.session_id(), open.last_event_id(), open.session_token(), open.max_batch());
    }
    if (message.body_case() == sm::v1::ConnectRequest::BODY_NOT_SET)
        return end(invalid(QStringLiteral("a ConnectRequest must carry open, request, ping or pong")));
    switch (m_phase) {
    case Phase::AwaitingOpen:
        return end(invalid(QStringLiteral("the first message must be 'open'")));
    case Phase::Opening:
        if (m_early.size() >= m_registry.options().maxPendingRequests)
            return end(GrpcErrors::status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow_consumer",
                                          QStringLiteral("too many messages before the stream opened")));
        m_early.append(message);
        return;
    case Phase::Open:
        return dispatch(message);
    }
}

void StreamConnection::halfClosed()
{
    if (m_phase == Phase::AwaitingOpen)
        return end(grpc::Status::OK);
    endWhenIdle(grpc::Status::OK);
}

void StreamConnection::tick()
{
    if (m_ended || m_phase != Phase::Open)
        return;
    m_figures.maxQueueDepth = std::max(m_figures.maxQueueDepth, m_queue->depth());
    touchIfIdleDeadlineNears();
    if (m_kind != Kind::Connect)
        return;
    auto message = std::make_unique<sm::v1::ConnectResponse>();
    message->mutable_ping()->set_nonce(++m_pingNonce);
    m_pingSent.start();
    send(std::move(message));
}

void StreamConnection::shutdown()
{
    if (m_ended)
        return;
    m_subscription.reset();
    advise("reconnect", R"({"reason":"shutdown"})");
    end(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
}

// The same advice SSE clients get: on StreamEvents an event without id carrying the
// monitor's data as is; on Connect a quality message (reconnect or score).
void StreamConnection::advise(const QByteArray &type, const QByteArray &jsonData)
{
    if (m_ended)
        return;
    const bool asQualityMessage = m_kind == Kind::Connect && (type == "reconnect" || type == "quality");
    if (!asQualityMessage)
        return sendAdviceEvent(type, jsonData);
    const QJsonObject advice = QJsonDocument::fromJson(jsonData).object();
    if (type == "reconnect")
        return sendReconnectAdvice(advice.value("reason").toString().toStdString());
    sendQualityAdvice(advice);
}

void StreamConnection::closeForReconnect()
{
    m_subscription.reset();
    endWhenIdle(grpc::Status(grpc::StatusCode::UNAVAILABLE, "reconnect: this server is draining"));
}

void StreamConnection::onEvent(const sm::Event &event)
{
    if (m_ended) {
        ++m_figures.messagesDropped;
        m_registry.metrics().messagesDropped.increment();
        return;
    }
    if (!accepted(m_queue->pushEvent(m_registry.encodedEvents().encode(event), !m_replaying)))
        return;
    ++m_figures.eventsSent;
    m_figures.lastEventId = event.id;
    if (event.type == "reset")
        ++m_figures.resets;
    m_registry.metrics().eventsSent.increment();
}

qint64 StreamConnection::backlogBytes() const
{
    return m_queue->bytes();
}

/*!
 * The hub ended the subscription. A slow client is cut off at once, its queue dropped.
 * On shutdown the client is told to reconnect. After `session.terminated` or
 * `session.expired` (already queued) the stream ends with OK once the replies still
 * pending on a Connect stream are queued too.
 */
void StreamConnection::onClosed(const QByteArray &reason)
{
    m_subscription.reset();
    if (reason == "slow_consumer")
        return cutOff(QStringLiteral("its backlog exceeded stream_max_backlog"));
    if (reason == "shutdown")
        return shutdown();
    if (endsSession(reason))
        m_registry.sessionEnded(m_figures.sessionId);
    endWhenIdle(grpc::Status::OK);
}

ConnectionFigures StreamConnection::figures() const
{
    ConnectionFigures figures = m_figures;
    figures.queueDepth = m_queue->depth();
    figures.queuedBytes = m_queue->bytes();
    figures.maxQueueDepth = std::max(figures.maxQueueDepth, figures.queueDepth);
    return figures;
}

double StreamConnection::lastFlushMs() const
{
    return m_queue->lastFlushMs();
}

void StreamConnection::authenticate(const QString &sessionId, const QString &token, sm::Callback<sm::Caller> done)
{
    if (!m_info.authorization.isEmpty() || token.isEmpty())
        return done(m_info.authenticate(m_registry.host().auth()));
    m_registry.host().sessions().authenticateSessionToken(sessionId, token,
                                                          [requestId = m_info.requestId, done](sm::Result<sm::Caller> caller) {
        if (caller)
            caller->requestId = requestId;
        done(std::move(caller));
    });
}

// The session service answers IllegalTransition for a session that has ended; for a
// stream that is the normal end of its life, not an error to show.
void StreamConnection::refuse(const sm::Error &error)
{
    if (error.code == sm::ErrorCode::IllegalTransition)
        return end(grpc::Status::OK);
    end(GrpcErrors::status(error));
}

void StreamConnection::subscribe(const sm::Caller &caller, const sm::Session &session,
                                 std::optional<sm::EventId> after)
{
    m_caller = caller;
    m_figures.userId = session.userId;
    m_figures.resumed = after.has_value();
    m_idleTimeoutSecs = session.idleTimeoutSecs;
    m_sinceTouch.restart();
    if (after) {
        m_figures.sessionReconnects = m_registry.countReconnect(session.id);
        m_registry.metrics().reconnects.increment();
    }
    if (m_kind == Kind::Connect) {
        auto opened = std::make_unique<sm::v1::ConnectResponse>();
        ProtoMapping::toProto(session, opened->mutable_opened()->mutable_session());
        send(std::move(opened));
    }
    m_phase = Phase::Open;
    m_replaying = true;
    auto subscription = m_registry.host().streams().subscribe(session.id, after, this);
    m_replaying = false;
    // The replay inside subscribe() may already have ended this stream.
    if (m_ended)
        return;
    m_subscription = std::move(subscription);
    const QList<sm::v1::ConnectRequest> early = std::exchange(m_early, {});
    for (const sm::v1::ConnectRequest &message : early)
        dispatch(message);
    if (m_endWhenIdle)
        endWhenIdle(*m_endWhenIdle);
}

void StreamConnection::dispatch(const sm::v1::ConnectRequest &message)
{
    if (m_ended)
        return;
    switch (message.body_case()) {
    case sm::v1::ConnectRequest::kRequest: return submit(message.request());
    case sm::v1::ConnectRequest::kPing: {
        auto answer = std::make_unique<sm::v1::ConnectResponse>();
        answer->mutable_pong()->set_nonce(message.ping().nonce());
        send(std::move(answer));
        return;
    }
    case sm::v1::ConnectRequest::kPong: return pong(message.pong().nonce());
    default: return;
    }
}

/*!
 * A back-end request on a Connect stream: answered by a reply with the same
 * correlation id, or an error in that reply; the stream goes on either way.
 */
void StreamConnection::submit(const sm::v1::ClientRequest &request)
{
    ++m_figures.requests;
    if (m_pendingRequests >= m_registry.options().maxPendingRequests) {
        return reply(request.correlation_id(),
                     sm::makeError(sm::ErrorCode::Unavailable,
                                   QStringLiteral("more than %1 requests in flight on this stream")
                                       .arg(m_registry.options().maxPendingRequests)));
    }
    auto body = ProtoMapping::jsonObject(request.request_json(), "request_json", false);
    if (!body)
        return reply(request.correlation_id(), body.error());
    ++m_pendingRequests;
    QPointer<StreamConnection> self(this);
    m_registry.host().sessions().request(m_caller, m_figures.sessionId, std::move(body).value(),
                                         [self, correlationId = request.correlation_id()](sm::Result<QJsonObject> result) {
        if (!self)
            return;
        --self->m_pendingRequests;
        self->reply(correlationId, result);
        if (self->m_endWhenIdle)
            self->endWhenIdle(*self->m_endWhenIdle);
    });
}

void StreamConnection::pong(quint64 nonce)
{
    if (nonce != m_pingNonce || !m_pingSent.isValid())
        return;
    const double rttMs = m_pingSent.nsecsElapsed() / 1e6;
    m_pingSent.invalidate();
    m_figures.lastRttMs = rttMs;
    m_registry.metrics().pingRttSeconds.observe(rttMs / 1000);
    send(qualityMessage(rttMs, m_queue->depth(), m_figures.messagesDropped));
}

void StreamConnection::reply(const std::string &correlationId, const sm::Result<QJsonObject> &result)
{
    auto message = std::make_unique<sm::v1::ConnectResponse>();
    sm::v1::Reply *reply = message->mutable_reply();
    reply->set_correlation_id(correlationId);
    if (result) {
        reply->set_reply_json(QJsonDocument(result.value()).toJson(QJsonDocument::Compact).toStdString());
    } else {
        reply->mutable_error()->set_code(sm::errorCodeName(result.error().code));
        reply->mutable_error()->set_message(result.error().message.toStdString());
    }
    if (send(std::move(message)))
        ++m_figures.replies;
}

void StreamConnection::sendAdviceEvent(const QByteArray &type, const QByteArray &jsonData)
{
    auto event = std::make_unique<sm::v1::Event>();
    event->set_type(type.constData(), size_t(type.size()));
    event->set_data_json(jsonData.constData(), size_t(jsonData.size()));
    if (m_kind == Kind::Events) {
        send(std::move(event));
        return;
    }
    auto message = std::make_unique<sm::v1::ConnectResponse>();
    message->set_allocated_event(event.release());
    send(std::move(message));
}

void StreamConnection::sendReconnectAdvice(const std::string &reason)
{
    auto advice = qualityMessage(m_figures.lastRttMs, m_queue->depth(), m_figures.messagesDropped);
    advice->mutable_quality()->set_reconnect(true);
    advice->mutable_quality()->set_reason(reason);
    send(std::move(advice));
}

// The monitor's score ({"score","reasons"}) on Connect, with the stream's own figures.
void StreamConnection::sendQualityAdvice(const QJsonObject &scored)
{
    auto advice = qualityMessage(m_figures.lastRttMs, m_queue->depth(), m_figures.messagesDropped);
    sm::v1::QualityAdvice *quality = advice->mutable_quality();
    quality->set_reason("quality");
    quality->set_score(scored.value("score").toInt(-1));
    for (const QJsonValue &reason : scored.value("reasons").toArray())
        quality->add_score_reasons(reason.toString().toStdString());
    send(std::move(advice));
}

bool StreamConnection::send(std::unique_ptr<google::protobuf::Message> message)
{
    // A resume replays up to the hub's whole history at once; only live traffic counts
    // against max_stream_queue.
    return accepted(m_queue->push(std::move(message), !m_replaying));
}

bool StreamConnection::accepted(OutboundQueue::Push push)
{
    switch (push) {
    case OutboundQueue::Push::Queued: return true;
    case OutboundQueue::Push::Full:
        cutOff(QStringLiteral("more than %1 messages were waiting to be written (max_stream_queue)")
                   .arg(m_registry.options().maxStreamQueue));
        break;
    case OutboundQueue::Push::Closed: break;
    }
    ++m_figures.messagesDropped;
    m_registry.metrics().messagesDropped.increment();
    return false;
}

void StreamConnection::cutOff(const QString &reason)
{
    if (m_ended)
        return;
    m_registry.slowConsumer(figures(), reason);
    end(GrpcErrors::status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow_consumer",
                           QStringLiteral("slow consumer: %1").arg(reason)),
        true);
}

void StreamConnection::endWhenIdle(const grpc::Status &status)
{
    m_endWhenIdle = status;
    if (m_pendingRequests == 0 && m_phase != Phase::Opening)
        end(status);
}

// Idempotent: the client leaving, the hub closing and the plugin stopping may overlap.
void StreamConnection::end(const grpc::Status &status, bool dropQueued)
{
    if (m_ended)
        return;
    m_ended = true;
    m_subscription.reset();
    m_queue->finish(status, dropQueued);
}

// An open stream is activity: without this a service watching a quiet session would see
// it expire at its idle deadline. Touching at half the idle timeout keeps it alive with
// one store write per stream and half-period.
void StreamConnection::touchIfIdleDeadlineNears()
{
    if (m_idleTimeoutSecs <= 0 || m_sinceTouch.elapsed() < m_idleTimeoutSecs * 500)
        return;
    m_sinceTouch.restart();
    m_registry.host().sessions().touch(m_caller, m_figures.sessionId, [](sm::Result<sm::Session>) {});
}

} // namespace smgrpc
