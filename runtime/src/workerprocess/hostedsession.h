#pragma once

#include <sm/backend.h>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <span>

namespace sm {

// One session's back-end instance in a worker, with its operation counter. Every
// handle() and every tick() is one operation and gets the next op_seq; the events an
// operation emits are reported with its op_seq, the last of them flagged, so the runtime
// can tell a complete operation from one cut short by a crash. restoreAndReplay() rebuilds
// an instance from a snapshot plus the journal of requests since, re-running the
// operations silently.
class HostedSession : public BackendEventSink {
public:
    // (op_seq, type, data, last_of_op) of each event emitted while the session is live.
    using EventHandler = std::function<void(quint64, const QByteArray &, const QJsonObject &, bool)>;
    struct JournalEntry {
        quint64 opSeq;
        QByteArray requestJson;
    };
    struct Replay {
        QByteArray snapshot;      // empty: a fresh instance
        quint64 snapshotOpSeq = 0;
        std::span<const JournalEntry> journal;
        quint64 resumeOpSeq = 0;
    };

    // A new instance from the factory; an error when the factory creates none.
    static Result<std::unique_ptr<HostedSession>> create(BackendFactory &factory, const QString &sessionId,
                                                         quint64 seed, EventHandler onEvent);
    ~HostedSession() override;

    // Restores `replay.snapshot` and re-runs operations snapshotOpSeq+1 .. resumeOpSeq
    // (journaled op_seq -> handle(), any other -> tick()) without reporting events.
    Result<void> restoreAndReplay(const Replay &replay);

    // One operation each. handle()'s op_seq is opSeq() afterwards.
    Result<QJsonObject> handle(const QJsonObject &request);
    void tick();

    QByteArray snapshot() const { return m_backend->snapshot(); }
    quint64 opSeq() const { return m_opSeq; }
    // The op_seq of the last snapshot the runtime has (sent or given).
    quint64 snapshotOpSeq() const { return m_snapshotOpSeq; }
    void setSnapshotOpSeq(quint64 opSeq) { m_snapshotOpSeq = opSeq; }

private:
    explicit HostedSession(EventHandler onEvent);
    void emitEvent(const QByteArray &type, const QJsonObject &data) override;
    Result<void> replayOperation(quint64 opSeq, const JournalEntry *entry);
    void finishOperation();

    // The operation's latest event, kept back until the next one or the operation's end
    // shows whether it is the last.
    struct PendingEvent {
        QByteArray type;
        QJsonObject data;
    };

    EventHandler m_onEvent;
    std::unique_ptr<SessionBackend> m_backend;
    quint64 m_opSeq = 0;
    quint64 m_snapshotOpSeq = 0;
    bool m_replaying = false;
    std::optional<PendingEvent> m_pending;
};

} // namespace sm
