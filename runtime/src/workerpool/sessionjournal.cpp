#include "workerpool/sessionjournal.h"

#include <algorithm>
#include <utility>

namespace sm {

QList<SessionJournal::HeldEvent> SessionJournal::recordReply(quint64 opSeq, const QByteArray &requestJson)
{
    // Everything held arrived before this reply, so it belongs to operations up to opSeq.
    for (const HeldSnapshot &snapshot : std::as_const(m_heldSnapshots))
        applySnapshot(snapshot.bytes, snapshot.opSeq);
    m_heldSnapshots.clear();
    if (opSeq > m_snapshotOpSeq)
        m_journal.push_back(Entry{opSeq, requestJson});
    return complete(opSeq);
}

QList<SessionJournal::HeldEvent> SessionJournal::recordEvent(quint64 opSeq, const QByteArray &type,
                                                             const QByteArray &data, bool lastOfOp,
                                                             bool requestsUnanswered)
{
    m_held.append(HeldEvent{opSeq, type, data});
    if (!lastOfOp || requestsUnanswered)
        return {};
    return complete(opSeq);
}

QList<SessionJournal::HeldEvent> SessionJournal::recordSnapshot(const QByteArray &snapshot, quint64 opSeq,
                                                                bool requestsUnanswered)
{
    if (requestsUnanswered) {
        m_heldSnapshots.append(HeldSnapshot{opSeq, snapshot});
        return {};
    }
    applySnapshot(snapshot, opSeq);
    return complete(opSeq);
}

QList<SessionJournal::HeldEvent> SessionJournal::recordReleased(const QByteArray &snapshot, quint64 opSeq)
{
    m_heldSnapshots.clear();
    m_snapshot = snapshot;
    m_snapshotOpSeq = opSeq;
    m_journal.clear();
    return complete(opSeq);
}

qsizetype SessionJournal::dropHeld()
{
    m_heldSnapshots.clear();
    return std::exchange(m_held, {}).size();
}

worker::v1::Assign SessionJournal::assignMessage(const QString &sessionId, quint64 seed) const
{
    worker::v1::Assign assign;
    assign.set_session_id(sessionId.toStdString());
    assign.set_seed(seed);
    assign.set_snapshot(m_snapshot.constData(), size_t(m_snapshot.size()));
    assign.set_snapshot_op_seq(m_snapshotOpSeq);
    for (const Entry &entry : m_journal) {
        worker::v1::JournalEntry *journaled = assign.add_journal();
        journaled->set_op_seq(entry.opSeq);
        journaled->set_request_json(entry.request.constData(), size_t(entry.request.size()));
    }
    assign.set_resume_op_seq(std::max(m_completeOpSeq, m_snapshotOpSeq));
    return assign;
}

void SessionJournal::applySnapshot(const QByteArray &snapshot, quint64 opSeq)
{
    if (opSeq < m_snapshotOpSeq)
        return;
    m_snapshot = snapshot;
    m_snapshotOpSeq = opSeq;
    while (!m_journal.empty() && m_journal.front().opSeq <= opSeq)
        m_journal.pop_front();
}

// Messages arrive in the order the worker ran its operations: all that is held belongs
// to operations up to opSeq, which are now complete.
QList<SessionJournal::HeldEvent> SessionJournal::complete(quint64 opSeq)
{
    m_completeOpSeq = std::max(m_completeOpSeq, opSeq);
    return std::exchange(m_held, {});
}

} // namespace sm
