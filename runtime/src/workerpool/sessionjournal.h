#pragma once

#include "worker.pb.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <deque>

namespace sm {

// What the runtime must keep of one session to rebuild its back-end on another worker:
// the last snapshot (and the op_seq it was taken at), the requests answered since (their
// op_seq and bytes), and the highest op_seq up to which every operation is complete.
//
// Why an operation's events are held until it is complete: the worker sends each event as
// its own message, so one killed mid-operation leaves only some of them here. Were those
// published, resuming after the operation would lose the rest, and resuming before it
// would emit the published ones twice. So events are held per operation and published
// together when it completes: a tick with its `last_of_op` event, a request with its
// reply (only the reply journals the request: without it, a replay would take that op_seq
// for a clock tick), any operation with a snapshot at or after it. Messages arrive in the
// order the worker ran its operations, so completing one completes every one before it.
// While a request is unanswered nothing completes but its reply: the pool does not know
// the request's op_seq yet, so a `last_of_op` event may be that request's, and a snapshot
// may already contain its effect. If the worker dies first, the held events and snapshots
// are dropped: nothing of them was published, the assign resumes at the last complete
// op_seq, and the new worker re-runs the cut operation live (a request is sent again: it
// was not acknowledged), emitting all its events afresh. The stream sees each effect
// exactly once.
class SessionJournal {
public:
    struct HeldEvent {
        quint64 opSeq = 0;
        QByteArray type;
        QByteArray data;
    };

    // Each record*() returns the held events its message completed, to publish now in order.
    // A reply: the request ran at `opSeq`.
    QList<HeldEvent> recordReply(quint64 opSeq, const QByteArray &requestJson);
    QList<HeldEvent> recordEvent(quint64 opSeq, const QByteArray &type, const QByteArray &data, bool lastOfOp,
                                 bool requestsUnanswered);
    QList<HeldEvent> recordSnapshot(const QByteArray &snapshot, quint64 opSeq, bool requestsUnanswered);
    // The worker gave the session up with its final state (drain, idle): nothing to replay.
    QList<HeldEvent> recordReleased(const QByteArray &snapshot, quint64 opSeq);
    // The worker died: whatever it had not completed is forgotten. The number of events dropped.
    qsizetype dropHeld();

    // What a worker needs to continue exactly where the stream stands.
    worker::v1::Assign assignMessage(const QString &sessionId, quint64 seed) const;

    quint64 resumeOpSeq() const { return m_completeOpSeq; }
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
    QList<HeldEvent> complete(quint64 opSeq);

    QByteArray m_snapshot;
    quint64 m_snapshotOpSeq = 0;
    std::deque<Entry> m_journal; // ascending op_seq, all > m_snapshotOpSeq
    quint64 m_completeOpSeq = 0;
    QList<HeldEvent> m_held;
    QList<HeldSnapshot> m_heldSnapshots;
};

} // namespace sm
