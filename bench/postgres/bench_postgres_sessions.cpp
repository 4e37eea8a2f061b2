// Session creates and updates through the session service on store-postgres (the plugin
// loaded from its module, the runtime's StoreExecutor with group commit), with a fixed
// number of calls in flight, as that many concurrent clients would keep them. No HTTP:
// this is the figure of the service and the store alone.
//
//   bench_postgres_sessions --port P [--database bench_sessions] [--count N] [--in-flight W]
//                           [--postmaster-pid PID]
//
// Prints per phase: operations/s (wall clock), p50/p99, and CPU time per operation of this
// process (service, store thread, QPSQL) and, given the postmaster's pid, of PostgreSQL
// (the postmaster and all its children: backends, WAL writer, checkpointer). The database
// is dropped and created afresh; the server must run with trust authentication for
// "postgres" on 127.0.0.1 (tests/support/postgres-test-server.sh, or bench/postgres/run.sh).

#include "benchoptions.h"
#include "closedloopdriver.h"
#include "logging/jsonlogger.h"
#include "metrics/metricsregistry.h"
#include "postgrescpu.h"
#include "postgrestestbed.h"
#include "sessions/sessionservicecore.h"
#include "sessions/storeexecutor.h"
#include "streams/sessionstreamhub.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace sm;

namespace {

void print(const char *phase, const ClosedLoopDriver::Figures &f)
{
    std::printf("%-7s ops/s=%.0f p50=%.2fms p99=%.2fms errors=%d cpu_us/op: runtime=%.1f postgres=%.1f\n", phase,
                f.opsPerSec, f.p50Us / 1e3, f.p99Us / 1e3, f.errors, f.cpuUsPerOp, f.otherCpuUsPerOp);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    const BenchOptions options(app.arguments());
    const int port = int(options.number("--port", 0));
    const QString database = options.text("--database", "bench_sessions");
    const int count = int(options.number("--count", 200000));
    const int inFlight = int(options.number("--in-flight", 64));
    const qint64 postmaster = options.number("--postmaster-pid", 0);
    if (port == 0) {
        std::fprintf(stderr, "usage: %s --port P [--database D] [--count N] [--in-flight W] [--postmaster-pid PID]\n",
                     argv[0]);
        return 2;
    }

    PostgresTestBed postgres(port);
    if (!postgres.exec("postgres", QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)").arg(database))) {
        std::fprintf(stderr, "cannot reach PostgreSQL on port %d: %s\n", port, qPrintable(postgres.lastError()));
        return 1;
    }
    JsonLogger log;
    log.setLevel(LogLevel::Error);
    JsonLogger::Component logger(log, "bench");
    MetricsRegistry metrics;
    auto store = postgres.createStore(database);
    if (!store) {
        std::fprintf(stderr, "cannot load store-postgres: %s\n", qPrintable(postgres.lastError()));
        return 1;
    }
    StoreExecutor executor(std::move(store), logger);
    if (auto opened = executor.start(); !opened.ok()) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(opened.error().message));
        return 1;
    }
    SessionStreamHub streams(SessionStreamHub::Options{1, 64, 1 << 20}, logger, metrics);
    SessionServiceCore service(SessionServiceCore::Options{}, executor, streams, logger, metrics);
    const Caller caller{"bench", Role::Service, QString(), QString()};
    std::vector<QString> ids(static_cast<size_t>(count));

    std::printf("session service on store-postgres (127.0.0.1:%d/%s): %d operations per phase, %d in flight\n", port,
                qPrintable(database), count, inFlight);
    const QJsonObject metadata{{"client_version", "1.0.3"}, {"ip_address", "192.0.2.17"}};
    const auto postgresCpu = [postmaster] { return PostgresCpu::treeUs(postmaster); };
    print("create", ClosedLoopDriver::drive(count, inFlight, [&](int i, auto done) {
        CreateSessionRequest request;
        request.metadata = metadata;
        service.create(caller, request, [&ids, i, done](Result<CreatedSession> r) {
            if (r.ok())
                ids[size_t(i)] = r->session.id;
            done(r.ok());
        });
    }, postgresCpu));
    // Each session once, with If-Match: the update reads the session and writes it back.
    print("update", ClosedLoopDriver::drive(count, inFlight, [&](int i, auto done) {
        UpdateSessionRequest request;
        request.metadata = QJsonObject{{"client_version", "1.0.4"}, {"n", i}};
        request.expectedVersion = 1;
        service.update(caller, ids[size_t(i)], request, [done](Result<Session> r) { done(r.ok()); });
    }, postgresCpu));
    executor.stop();
    return 0;
}
