#pragma once

#include "worker.pb.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <deque>

namespace sm {

// What the runtime must keep of one session to rebuild its back-end on another worker:
// the last snapshot (and the op_seq it was taken at), the requests answered since (their
// op_seq and bytes), and the highest op_seq whose effects reached the stream.
//
// Why events are held while a request is unanswered: the worker runs an operation and
// sends its events before its reply. Were those events published and the worker then
// died before the reply arrived, the runtime would have to resume past an op_seq it has
// no journal entry for, and the replay would take that request for a clock tick. So
// while any request of the session is unanswered, its events (and snapshots, which may
// already contain the request's effect) are held; the reply releases them. If the worker
// dies first, they are dropped: nothing of them was published, the request was not
// acknowledged, and the runtime sends it again on the new worker, where it runs after
// resume_op_seq and emits its events afresh. The stream sees each effect exactly once.
class SessionJournal {
public:
    struct HeldEvent {
        quint64 opSeq = 0;
        QByteArray type;
        QByteArray data;
    };

    // A reply: the request ran at `opSeq`. Returns the held events to publish now.
    QList<HeldEvent> recordReply(quint64 opSeq, const QByteArray &requestJson);
    // An event while requests are unanswered (`hold`) is kept; otherwise it counts as
    // published now.
    bool holdOrPublish(quint64 opSeq, const QByteArray &type, const QByteArray &data, bool hold);
    void recordSnapshot(const QByteArray &snapshot, quint64 opSeq, bool hold);
    // The worker gave the session up with its final state (drain, idle): nothing to replay.
    void recordReleased(const QByteArray &snapshot, quint64 opSeq);
    // The worker died: whatever it had not confirmed is forgotten.
    void dropHeld();

    // What a worker needs to continue exactly where the stream stands.
    worker::v1::Assign assignMessage(const QString &sessionId, quint64 seed) const;

    quint64 resumeOpSeq() const { return m_publishedOpSeq; }
    qsizetype journalLength() const { return qsizetype(m_journal.size()); }
    bool hasHeld() const { return !m_held.empty(); }

private:
    struct Entry {
        quint64 opSeq = 0;
        QByteArray request;
    };
    struct HeldSnapshot {
        quint64 opSeq = 0;
        QByteArray bytes;
    };

    void applySnapshot(const QByteArray &snapshot, quint64 opSeq);
    void notePublished(quint64 opSeq);

    QByteArray m_snapshot;
    quint64 m_snapshotOpSeq = 0;
    std::deque<Entry> m_journal; // ascending op_seq, all > m_snapshotOpSeq
    quint64 m_publishedOpSeq = 0;
    QList<HeldEvent> m_held;
    QList<HeldSnapshot> m_heldSnapshots;
};

} // namespace sm
