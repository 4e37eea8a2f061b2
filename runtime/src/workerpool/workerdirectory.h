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
    // Hands the worker's sessions over to the others (as drain does), then stops it and
    // starts it again (a remote one: reconnects); once live it takes its share back. A
    // worker that is not up is simply started again.
    virtual Result<void> restart(const QString &workerId) = 0;
};

} // namespace sm
