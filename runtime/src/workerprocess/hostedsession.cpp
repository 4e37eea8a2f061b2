#include "workerprocess/hostedsession.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace sm {

HostedSession::HostedSession(EventHandler onEvent) : m_onEvent(std::move(onEvent)) {}

HostedSession::~HostedSession() = default;

Result<std::unique_ptr<HostedSession>> HostedSession::create(BackendFactory &factory, const QString &sessionId,
                                                             quint64 seed, EventHandler onEvent)
{
    std::unique_ptr<HostedSession> session(new HostedSession(std::move(onEvent)));
    session->m_backend = factory.createBackend(sessionId, seed, session.get());
    if (!session->m_backend)
        return makeError(ErrorCode::Internal, QStringLiteral("the back-end plugin created no instance"));
    return session;
}

Result<void> HostedSession::restoreAndReplay(const Replay &replay)
{
    if (!replay.snapshot.isEmpty()) {
        if (Result<void> restored = m_backend->restore(replay.snapshot); !restored.ok())
            return makeError(restored.error().code,
                             QStringLiteral("snapshot refused: %1").arg(restored.error().message));
    }
    m_opSeq = replay.snapshotOpSeq;
    m_snapshotOpSeq = replay.snapshotOpSeq;
    const JournalEntry *next = replay.journal.data();
    const JournalEntry *end = next + replay.journal.size();
    // The runtime may keep entries the snapshot already covers.
    while (next != end && next->opSeq <= replay.snapshotOpSeq)
        ++next;
    m_replaying = true;
    Result<void> replayed;
    for (quint64 opSeq = replay.snapshotOpSeq + 1; opSeq <= replay.resumeOpSeq && replayed.ok(); ++opSeq) {
        const bool journaled = next != end && next->opSeq == opSeq;
        replayed = replayOperation(opSeq, journaled ? next : nullptr);
        if (journaled)
            ++next;
    }
    m_replaying = false;
    if (replayed.ok() && next != end)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("journal entry at op_seq %1 is out of order or after resume_op_seq %2")
                             .arg(next->opSeq).arg(replay.resumeOpSeq));
    return replayed;
}

// The reply of a replayed request is not needed: the runtime already answered it.
Result<void> HostedSession::replayOperation(quint64 opSeq, const JournalEntry *entry)
{
    if (!entry) {
        tick();
        return {};
    }
    QJsonParseError parseError{};
    const QJsonDocument request = QJsonDocument::fromJson(entry->requestJson, &parseError);
    if (!request.isObject())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("journal entry at op_seq %1 is not a JSON object").arg(opSeq));
    (void)handle(request.object());
    return {};
}

Result<QJsonObject> HostedSession::handle(const QJsonObject &request)
{
    ++m_opSeq;
    Result<QJsonObject> result = m_backend->handle(request);
    finishOperation();
    return result;
}

void HostedSession::tick()
{
    ++m_opSeq;
    m_backend->tick();
    finishOperation();
}

void HostedSession::emitEvent(const QByteArray &type, const QJsonObject &data)
{
    if (m_replaying)
        return;
    if (m_pending)
        m_onEvent(m_opSeq, m_pending->type, m_pending->data, false);
    m_pending = PendingEvent{type, data};
}

void HostedSession::finishOperation()
{
    if (m_pending)
        m_onEvent(m_opSeq, m_pending->type, m_pending->data, true);
    m_pending.reset();
}

} // namespace sm
