#include "workerpool/sessionjournal.h"

#include <algorithm>

namespace sm {

QList<SessionJournal::HeldEvent> SessionJournal::recordReply(quint64 opSeq, const QByteArray &requestJson)
{
    // Everything held arrived before this reply, so it belongs to operations up to opSeq.
    for (const HeldSnapshot &snapshot : std::as_const(m_heldSnapshots))
        applySnapshot(snapshot.bytes, snapshot.opSeq);
    m_heldSnapshots.clear();
    if (opSeq > m_snapshotOpSeq)
        m_journal.push_back(Entry{opSeq, requestJson});
    QList<HeldEvent> released = std::move(m_held);
    m_held.clear();
    for (const HeldEvent &event : std::as_const(released))
        notePublished(event.opSeq);
    notePublished(opSeq);
    return released;
}

bool SessionJournal::holdOrPublish(quint64 opSeq, const QByteArray &type, const QByteArray &data, bool hold)
{
    if (hold) {
        m_held.append(HeldEvent{opSeq, type, data});
        return false;
    }
    notePublished(opSeq);
    return true;
}

void SessionJournal::recordSnapshot(const QByteArray &snapshot, quint64 opSeq, bool hold)
{
    if (hold)
        m_heldSnapshots.append(HeldSnapshot{opSeq, snapshot});
    else
        applySnapshot(snapshot, opSeq);
}

void SessionJournal::recordReleased(const QByteArray &snapshot, quint64 opSeq)
{
    dropHeld();
    m_snapshot = snapshot;
    m_snapshotOpSeq = opSeq;
    m_journal.clear();
    m_publishedOpSeq = std::max(m_publishedOpSeq, opSeq);
}

void SessionJournal::dropHeld()
{
    m_held.clear();
    m_heldSnapshots.clear();
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
    assign.set_resume_op_seq(std::max(m_publishedOpSeq, m_snapshotOpSeq));
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
    notePublished(opSeq);
}

void SessionJournal::notePublished(quint64 opSeq)
{
    m_publishedOpSeq = std::max(m_publishedOpSeq, opSeq);
}

} // namespace sm
