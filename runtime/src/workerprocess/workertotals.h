#pragma once

#include <QtGlobal>

namespace sm {

// Counters of the whole worker process (every attached runtime), reported in each Pong.
struct WorkerTotals {
    quint64 requests = 0;  // Request messages received
    qint64 sessions = 0;   // live back-end instances
};

} // namespace sm
