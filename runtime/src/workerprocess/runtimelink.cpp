#include "workerprocess/runtimelink.h"

#include "workerprocess/attachstream.h"

#include <sm/logger.h>

#include <QJsonDocument>
#include <QJsonParseError>

#include <vector>

namespace sm {

using namespace worker::v1;

namespace {

// Used when the runtime's hello names no snapshot interval.
constexpr quint32 kDefaultSnapshotIntervalMs = 1000;

// A view of protobuf bytes, valid while the message lives: no copy on the hot path.
QByteArray rawBytes(const std::string &bytes)
{
    return QByteArray::fromRawData(bytes.data(), qsizetype(bytes.size()));
}

void setBytes(std::string *target, const QByteArray &bytes)
{
    target->assign(bytes.constData(), size_t(bytes.size()));
}

WorkerMessage errorReply(const Request &request, const char *code, const QString &message)
{
    WorkerMessage out;
    Reply *reply = out.mutable_reply();
    reply->set_call_id(request.call_id());
    reply->set_session_id(request.session_id());
    reply->set_ok(false);
    reply->set_error_code(code);
    reply->set_error_message(message.toStdString());
    return out;
}

} // namespace

RuntimeLink::RuntimeLink(AttachStream &stream, BackendFactory &factory, const Identity &identity,
                         WorkerTotals &totals, Logger &logger)
    : m_stream(stream)
    , m_factory(factory)
    , m_identity(identity)
    , m_totals(totals)
    , m_logger(logger)
{
    m_snapshotTimer.callOnTimeout([this] { sendSnapshotsOfNextSlice(); });
}

RuntimeLink::~RuntimeLink()
{
    dropSessions();
}

void RuntimeLink::handle(const RuntimeMessage &message)
{
    if (!m_helloSeen && message.body_case() != RuntimeMessage::kHello) {
        m_stream.finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the first message must be hello"));
        return;
    }
    switch (message.body_case()) {
    case RuntimeMessage::kHello:
        return hello(message.hello());
    case RuntimeMessage::kAssign:
        return assign(message.assign());
    case RuntimeMessage::kRelease:
        return release(message.release());
    case RuntimeMessage::kRequest:
        return request(message.request());
    case RuntimeMessage::kPing:
        return ping(message.ping());
    case RuntimeMessage::BODY_NOT_SET:
        return;
    }
}

void RuntimeLink::hello(const Hello &hello)
{
    m_helloSeen = true;
    const quint32 interval = hello.snapshot_interval_ms() ? hello.snapshot_interval_ms() : kDefaultSnapshotIntervalMs;
    m_snapshotSlices.emplace(int(interval));
    m_snapshotTimer.start(m_snapshotSlices->slicePeriodMs());
    WorkerMessage out;
    Welcome *welcome = out.mutable_welcome();
    welcome->set_worker_id(m_identity.workerId.toStdString());
    welcome->set_pid(m_identity.pid);
    welcome->set_backend(m_identity.backend.toStdString());
    welcome->set_tick_interval_ms(m_identity.tickIntervalMs);
    m_stream.send(std::move(out));
    m_logger.info(QStringLiteral("runtime attached"), {{"runtime_id", QString::fromStdString(hello.runtime_id())},
                                                        {"snapshot_interval_ms", qint64(interval)}});
}

// An Assign replaces whatever instance of the session was here: the runtime decides.
void RuntimeLink::assign(const Assign &assign)
{
    const QString sessionId = QString::fromStdString(assign.session_id());
    auto created = HostedSession::create(m_factory, sessionId, assign.seed(), eventHandler(assign.session_id()));
    if (!created.ok())
        return sendAssigned(assign.session_id(), created.error());

    std::vector<HostedSession::JournalEntry> journal;
    journal.reserve(size_t(assign.journal_size()));
    for (const JournalEntry &entry : assign.journal())
        journal.push_back({entry.op_seq(), rawBytes(entry.request_json())});
    const HostedSession::Replay replay{rawBytes(assign.snapshot()), assign.snapshot_op_seq(), journal,
                                       assign.resume_op_seq()};
    if (Result<void> restored = created.value()->restoreAndReplay(replay); !restored.ok()) {
        m_logger.warning(QStringLiteral("session could not be restored"),
                         {{"session_id", sessionId}, {"error", restored.error().message}});
        return sendAssigned(assign.session_id(), restored);
    }
    auto [slot, inserted] = m_sessions.try_emplace(sessionId);
    slot->second = std::move(created).value();
    m_totals.sessions += inserted ? 1 : 0;
    sendAssigned(assign.session_id(), {});
}

void RuntimeLink::sendAssigned(const std::string &sessionId, const Result<void> &outcome)
{
    WorkerMessage out;
    Assigned *assigned = out.mutable_assigned();
    assigned->set_session_id(sessionId);
    assigned->set_ok(outcome.ok());
    if (!outcome.ok())
        assigned->set_error_message(outcome.error().message.toStdString());
    m_stream.send(std::move(out));
}

// Always answered, also for a session not here, so the runtime never waits in vain.
void RuntimeLink::release(const Release &release)
{
    WorkerMessage out;
    Released *released = out.mutable_released();
    released->set_session_id(release.session_id());
    const auto found = m_sessions.find(QString::fromStdString(release.session_id()));
    if (found != m_sessions.end()) {
        released->set_op_seq(found->second->opSeq());
        if (!release.discard())
            setBytes(released->mutable_snapshot(), found->second->snapshot());
        m_sessions.erase(found);
        --m_totals.sessions;
    }
    m_stream.send(std::move(out));
}

// Replies carry the op_seq of the request's operation; a request refused before it
// reached the back-end (not_found, malformed JSON) has op_seq 0 and is no operation.
void RuntimeLink::request(const Request &request)
{
    ++m_totals.requests;
    const auto found = m_sessions.find(QString::fromStdString(request.session_id()));
    if (found == m_sessions.end())
        return m_stream.send(errorReply(request, "not_found", QStringLiteral("session is not assigned to this worker")));
    QJsonParseError parseError{};
    const QJsonDocument body = QJsonDocument::fromJson(rawBytes(request.body_json()), &parseError);
    if (!body.isObject()) {
        const QString why = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                          : QStringLiteral("not an object");
        return m_stream.send(errorReply(request, "bad_request", QStringLiteral("request body is not a JSON object: %1").arg(why)));
    }
    HostedSession &session = *found->second;
    m_midOperationCrash.requestStarted();
    m_inRequest = true;
    const Result<QJsonObject> result = session.handle(body.object());
    m_inRequest = false;

    WorkerMessage out;
    Reply *reply = out.mutable_reply();
    reply->set_call_id(request.call_id());
    reply->set_session_id(request.session_id());
    reply->set_op_seq(session.opSeq());
    reply->set_ok(result.ok());
    if (result.ok()) {
        setBytes(reply->mutable_body_json(), QJsonDocument(result.value()).toJson(QJsonDocument::Compact));
    } else {
        reply->set_error_code(result.error().code == ErrorCode::BadRequest ? "bad_request" : "internal");
        reply->set_error_message(result.error().message.toStdString());
    }
    m_stream.send(std::move(out));
}

void RuntimeLink::ping(const Ping &ping)
{
    WorkerMessage out;
    Pong *pong = out.mutable_pong();
    pong->set_seq(ping.seq());
    pong->set_sent_at_us(ping.sent_at_us());
    pong->set_sessions(quint32(m_totals.sessions));
    pong->set_requests_total(m_totals.requests);
    m_stream.send(std::move(out));
}

void RuntimeLink::tickSlice(const SliceSchedule &schedule, int slice)
{
    for (auto &[sessionId, session] : m_sessions) {
        if (schedule.sliceOf(sessionId) == slice)
            session->tick();
    }
}

// Only sessions whose state moved since the runtime's last snapshot of them.
void RuntimeLink::sendSnapshotsOfNextSlice()
{
    const int slice = m_snapshotSlices->advance();
    for (auto &[sessionId, session] : m_sessions) {
        if (session->opSeq() == session->snapshotOpSeq() || m_snapshotSlices->sliceOf(sessionId) != slice)
            continue;
        WorkerMessage out;
        Snapshot *snapshot = out.mutable_snapshot();
        snapshot->set_session_id(sessionId.toStdString());
        snapshot->set_op_seq(session->opSeq());
        setBytes(snapshot->mutable_snapshot(), session->snapshot());
        session->setSnapshotOpSeq(session->opSeq());
        m_stream.send(std::move(out));
    }
}

HostedSession::EventHandler RuntimeLink::eventHandler(const std::string &sessionId)
{
    return [this, sessionId](quint64 opSeq, const QByteArray &type, const QJsonObject &data, bool lastOfOp) {
        WorkerMessage out;
        Event *event = out.mutable_event();
        event->set_session_id(sessionId);
        event->set_op_seq(opSeq);
        setBytes(event->mutable_type(), type);
        setBytes(event->mutable_data_json(), QJsonDocument(data).toJson(QJsonDocument::Compact));
        event->set_last_of_op(lastOfOp);
        if (m_inRequest && m_midOperationCrash.armed())
            m_midOperationCrash.beforeRequestEvent(lastOfOp, m_stream);
        m_stream.send(std::move(out));
    };
}

void RuntimeLink::runtimeClosed()
{
    dropSessions();
    m_stream.finish(grpc::Status::OK);
}

void RuntimeLink::close(const QString &why)
{
    dropSessions();
    m_stream.finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, why.toStdString()));
}

void RuntimeLink::dropSessions()
{
    m_snapshotTimer.stop();
    m_totals.sessions -= qint64(m_sessions.size());
    m_sessions.clear();
}

} // namespace sm
