#pragma once

#include <QString>

namespace sm {

// What the runtime knows about one worker, for the dashboard, /metrics and logs.
struct WorkerStatus {
    enum class State { Starting, Live, Draining, Dead };

    QString id;             // stable name, e.g. "local-1" or "10.0.0.7:7001"
    QString address;        // host:port of its gRPC endpoint
    qint64 pid = 0;         // 0 for a remote worker
    State state = State::Starting;
    int sessions = 0;       // sessions routed to it
    double requestsPerSecond = 0;
    double p99RequestMs = 0;
    qint64 heartbeatAgeMs = 0;
    int restarts = 0;
    double ringShare = 0;   // its fraction of the sessions the router places
};

} // namespace sm
