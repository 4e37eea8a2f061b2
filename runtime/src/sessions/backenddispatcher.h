#pragma once

#include <sm/callback.h>
#include <sm/session.h>

#include <QJsonObject>

namespace sm {

// Where the session service sends back-end requests: back-end instances in this process
// (InProcessBackends, WORKER_COUNT=0) or in worker processes. Host thread only.
class BackendDispatcher {
public:
    virtual ~BackendDispatcher() = default;

    virtual void request(const Session &session, const QJsonObject &body, const QString &requestId,
                         Callback<QJsonObject> done) = 0;
    // The session ended: drop its back-end state.
    virtual void release(const QString &sessionId) = 0;
    // Whether requests can be served at all (for /readyz).
    virtual bool isAvailable() const = 0;
};

} // namespace sm
