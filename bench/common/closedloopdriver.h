#pragma once

#include <functional>

// Drives asynchronous calls as that many concurrent clients would: keeps a fixed number
// of calls in flight until `count` have been answered, and measures wall-clock rate,
// latency percentiles and CPU time (this process's, plus any other counter the caller
// gives, e.g. a database server's). CPU time is the figure to compare on a shared machine.
class ClosedLoopDriver {
public:
    struct Figures {
        double opsPerSec = 0;
        double cpuUsPerOp = 0;      // this process, all threads and the kernel
        double otherCpuUsPerOp = 0; // from the caller's counter, 0 without one
        double p50Us = 0;
        double p99Us = 0;
        int errors = 0;
    };
    // Starts call number `index`; `done(ok)` must be called once when it is answered.
    using Issue = std::function<void(int index, std::function<void(bool ok)> done)>;
    // Microseconds of CPU used so far by something outside this process.
    using CpuCounter = std::function<double()>;

    // Runs a Qt event loop until every call is answered.
    static Figures drive(int count, int inFlight, const Issue &issue, const CpuCounter &otherCpu = {});
    // User + system time of this process so far, in microseconds.
    static double processCpuUs();
};
