#pragma once

#include "workerprocess/hostedsession.h"
#include "workerprocess/midoperationcrash.h"
#include "workerprocess/sliceschedule.h"
#include "workerprocess/workertotals.h"

#include "worker.pb.h"

#include <QString>
#include <QTimer>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace sm {

class AttachStream;
class Logger;

// The Qt-thread side of one runtime's Attach stream: answers hello with welcome, hosts
// the sessions the runtime assigns (HostedSession), runs their requests, forwards their
// events, and sends their snapshots every Hello.snapshot_interval_ms while they change
// (spread over the interval, see SliceSchedule).
// When the stream ends every instance is dropped: the runtime reassigns the sessions from
// its snapshots and journals, which is simpler and as correct as keeping them for a while.
class RuntimeLink {
public:
    struct Identity {
        QString workerId;
        QString backend;
        quint32 pid = 0;
        quint32 tickIntervalMs = 0;
    };

    RuntimeLink(AttachStream &stream, BackendFactory &factory, const Identity &identity, WorkerTotals &totals,
                Logger &logger);
    ~RuntimeLink();
    RuntimeLink(const RuntimeLink &) = delete;
    RuntimeLink &operator=(const RuntimeLink &) = delete;

    void handle(const worker::v1::RuntimeMessage &message);
    // One tick() (one operation) for every hosted session in `slice` of `schedule`.
    void tickSlice(const SliceSchedule &schedule, int slice);
    // The runtime closed its side: drop everything and end the stream.
    void runtimeClosed();
    // Server shutdown: end the stream, keep nothing.
    void close(const QString &why);

private:
    void hello(const worker::v1::Hello &hello);
    void assign(const worker::v1::Assign &assign);
    void release(const worker::v1::Release &release);
    void request(const worker::v1::Request &request);
    void ping(const worker::v1::Ping &ping);
    void sendSnapshotsOfNextSlice();
    void sendAssigned(const std::string &sessionId, const Result<void> &outcome);
    void dropSessions();
    HostedSession::EventHandler eventHandler(const std::string &sessionId);

    AttachStream &m_stream;
    BackendFactory &m_factory;
    const Identity m_identity;
    WorkerTotals &m_totals;
    Logger &m_logger;
    bool m_helloSeen = false;
    std::optional<SliceSchedule> m_snapshotSlices;
    QTimer m_snapshotTimer;
    std::unordered_map<QString, std::unique_ptr<HostedSession>> m_sessions;
    bool m_inRequest = false;
    MidOperationCrash m_midOperationCrash; // a test hook, see its header
};

} // namespace sm
