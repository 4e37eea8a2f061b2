// Session create + get through the session service on store-sqlite (group commit),
// with a fixed number of calls in flight, as many concurrent clients would keep them.
// Prints per phase: operations/s (wall clock), the process's CPU time per operation (all
// threads: service, store thread, SQLite, kernel) and latency percentiles. CPU time is the
// figure to compare on a shared machine; 1e6 / cpu_us_per_op is the rate one free core
// would sustain. Pin the process to one core to measure the aim as stated:
//
//   taskset -c 1 bench_session_service [--count N] [--in-flight W]

#include "benchoptions.h"
#include "closedloopdriver.h"
#include "sessiontestbed.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>

using namespace sm;

namespace {

void print(const char *phase, const ClosedLoopDriver::Figures &f)
{
    std::printf("%-8s ops/s=%.0f cpu_us_per_op=%.2f (one-core capacity %.0f/s) p50=%.0fus p99=%.0fus errors=%d\n",
                phase, f.opsPerSec, f.cpuUsPerOp, 1e6 / f.cpuUsPerOp, f.p50Us, f.p99Us, f.errors);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    const BenchOptions options(app.arguments());
    const int count = int(options.number("--count", 200000));
    const int inFlight = int(options.number("--in-flight", 256));

    SessionTestBed bed(SessionTestBed::ClockMode::Wall);
    QString error;
    if (!bed.open(&error)) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
        return 1;
    }
    const Caller caller{"bench", Role::Service, QString(), QString()};
    std::vector<QString> ids(static_cast<size_t>(count));

    std::printf("session service on store-sqlite: %d operations per phase, %d in flight\n", count, inFlight);
    const QJsonObject metadata{{"client_version", "1.0.3"}, {"ip_address", "192.0.2.17"}};
    print("create", ClosedLoopDriver::drive(count, inFlight, [&](int i, auto done) {
        CreateSessionRequest request;
        request.metadata = metadata;
        bed.service().create(caller, request, [&ids, i, done](Result<CreatedSession> r) {
            if (r.ok())
                ids[size_t(i)] = r->session.id;
            done(r.ok());
        });
    }));
    print("get", ClosedLoopDriver::drive(count, inFlight, [&](int i, auto done) {
        bed.service().get(caller, ids[size_t(i)], [done](Result<Session> r) { done(r.ok()); });
    }));
    return 0;
}
