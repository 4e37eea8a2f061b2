#pragma once

#include <QString>

namespace sm {

class AttachStream;

// TEST HOOK, inert in production: it does nothing unless the environment variable
// SM_TEST_CRASH_MID_OPERATION names a trigger file. While that file exists, the first
// worker to reach the last event of a request operation that has already sent other
// events (so neither that last event nor the reply is out) removes the file, waits until
// the events sent so far are written to the runtime, and kills itself with SIGKILL. That
// is the crash between an operation's events and its reply which the runtime's journal
// must survive (Event.last_of_op; proven in tests/runtime/workerpool). Removing the file
// makes it fire once, not again in the respawned worker that runs the request anew.
// It blocks the worker's event loop while it waits: acceptable only because it ends the
// process.
class MidOperationCrash {
public:
    MidOperationCrash(); // reads the environment once

    bool armed() const { return !m_triggerPath.isEmpty(); }
    // A request operation begins: nothing of it has been sent.
    void requestStarted() { m_eventsSent = 0; }
    // An event of the running request operation is about to be queued on `stream`.
    void beforeRequestEvent(bool lastOfOp, AttachStream &stream);

private:
    void crashOnceWritten(AttachStream &stream);

    QString m_triggerPath;
    int m_eventsSent = 0;
};

} // namespace sm
