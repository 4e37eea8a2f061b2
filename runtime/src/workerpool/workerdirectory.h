#pragma once

#include "workerpool/workerstatus.h"

#include <sm/result.h>

#include <QList>

namespace sm {

// The worker pool as operators see it: implemented by the pool, read by the dashboard
// and the metrics. Host thread only.
class WorkerDirectory {
public:
    virtual ~WorkerDirectory() = default;

    virtual QList<WorkerStatus> workers() const = 0;
    // Moves the worker's sessions to the others (each drained and handed over), then keeps
    // it out of the ring. NotFound for an unknown id.
    virtual Result<void> drain(const QString &workerId) = 0;
    // Stops the worker (its sessions move as on a crash) and starts it again.
    virtual Result<void> restart(const QString &workerId) = 0;
};

} // namespace sm
