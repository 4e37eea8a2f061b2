#pragma once

#include <sm/result.h>

#include <QString>

namespace sm {

class Bootstrap;

// `session-manager worker --listen HOST:PORT [--backend ID]`: hosts the back-end instances
// the runtime assigns, behind the sm.worker.v1 gRPC protocol. Loads back-end plugins only
// (the caller's Bootstrap was told so); opens no store and no HTTP listener. Once bound it
// logs {"component":"worker","message":"listening","port":N,"pid":P,...}, then serves until
// SIGTERM/SIGINT.
class WorkerCommand {
public:
    struct Options {
        QString listenAddress;
        QString backendId; // empty: the "backend" config key
    };

    // Returns when the worker has stopped; an error when it could not start.
    static Result<void> run(Bootstrap &bootstrap, const Options &options);
};

} // namespace sm
