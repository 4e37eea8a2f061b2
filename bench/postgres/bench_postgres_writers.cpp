// What several write batches in flight would give store-postgres: `--in-flight` inserts
// are kept in flight by K writer threads, each with a PostgresStore (its own connection)
// committing batches of in-flight / K, so while one batch waits for its fsync the next is
// already being inserted. K = 1 is what the runtime's StoreExecutor does today (one
// write() at a time); K > 1 needs an SDK addition (see bench/README.md, issue 4).
//
//   bench_postgres_writers --port P [--database bench_writers] [--seconds 5] [--in-flight 64]
//                          [--writers 1,2,4] [--postmaster-pid PID]
//
// The plugin is loaded from its module, or from $SM_BENCH_STORE_POSTGRES_MODULE (another
// build, to compare in the same minute). Prints per K: inserts/s (wall clock), mean batch
// latency, and CPU time per insert of this process and of PostgreSQL. Sessions accumulate
// across the runs in one database, dropped and created afresh at the start.

#include "benchoptions.h"
#include "closedloopdriver.h"
#include "postgrescpu.h"
#include "postgrestestbed.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <atomic>
#include <chrono>
#include <memory>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

struct Options {
    int port = 0;
    QString database;
    int seconds = 5;
    int inFlight = 64;
    qint64 postmaster = 0;
};

struct WriterTotals {
    std::atomic<qint64> inserts{0};
    std::atomic<qint64> batches{0};
    std::atomic<int> failures{0};
};

// One writer: its own store (opened here: its connection belongs to this thread), batches
// of `batchSize` fresh sessions until `deadline`, each write() waited for as the executor
// does.
void runWriter(sm::SessionStore &store, const QString &prefix, int batchSize,
               std::chrono::steady_clock::time_point deadline, WriterTotals &totals)
{
    if (!store.open().ok()) {
        ++totals.failures;
        return;
    }
    for (qint64 n = 0; std::chrono::steady_clock::now() < deadline;) {
        QList<sm::StoreWrite> batch;
        batch.reserve(batchSize);
        for (int i = 0; i < batchSize; ++i)
            batch.append(insertOf(testSession(prefix + QString::number(n++))));
        for (const auto &result : store.write(batch)) {
            if (!result.ok())
                ++totals.failures;
        }
        totals.inserts += batchSize;
        ++totals.batches;
    }
    store.close();
}

void measure(PostgresTestBed &postgres, const Options &options, int writers)
{
    std::vector<std::unique_ptr<sm::SessionStore>> stores;
    for (int w = 0; w < writers; ++w) {
        stores.push_back(postgres.createStore(options.database));
        if (!stores.back()) {
            std::fprintf(stderr, "cannot load store-postgres: %s\n", qPrintable(postgres.lastError()));
            return;
        }
    }
    const int batchSize = std::max(1, options.inFlight / writers);
    WriterTotals totals;
    const double cpuBefore = ClosedLoopDriver::processCpuUs();
    const double postgresBefore = PostgresCpu::treeUs(options.postmaster);
    QElapsedTimer wall;
    wall.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.seconds);
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        const QString prefix = QStringLiteral("k%1-w%2-%3-").arg(writers).arg(w).arg(wall.msecsSinceReference());
        threads.emplace_back(runWriter, std::ref(*stores[size_t(w)]), prefix, batchSize, deadline, std::ref(totals));
    }
    for (std::thread &thread : threads)
        thread.join();
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    const double inserts = double(std::max<qint64>(1, totals.inserts));
    std::printf("writers=%d batch=%d inserts/s=%.0f batch_ms=%.2f failures=%d cpu_us/insert: bench=%.1f postgres=%.1f\n",
                writers, batchSize, inserts / seconds,
                seconds * 1e3 * writers / double(std::max<qint64>(1, totals.batches)), totals.failures.load(),
                (ClosedLoopDriver::processCpuUs() - cpuBefore) / inserts,
                (PostgresCpu::treeUs(options.postmaster) - postgresBefore) / inserts);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const BenchOptions arguments(app.arguments());
    Options options;
    options.port = int(arguments.number("--port", 0));
    options.database = arguments.text("--database", "bench_writers");
    options.seconds = int(arguments.number("--seconds", 5));
    options.inFlight = int(arguments.number("--in-flight", 64));
    options.postmaster = arguments.number("--postmaster-pid", 0);
    if (options.port == 0) {
        std::fprintf(stderr, "usage: %s --port P [--database D] [--seconds S] [--in-flight N] [--writers 1,2,4]"
                             " [--postmaster-pid PID]\n", argv[0]);
        return 2;
    }
    PostgresTestBed postgres(options.port);
    if (!postgres.exec("postgres", QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)").arg(options.database))) {
        std::fprintf(stderr, "cannot reach PostgreSQL on port %d: %s\n", options.port, qPrintable(postgres.lastError()));
        return 1;
    }
    std::printf("store-postgres inserts (127.0.0.1:%d/%s), %d in flight, %d s per run\n", options.port,
                qPrintable(options.database), options.inFlight, options.seconds);
    for (const QString &writers : arguments.text("--writers", "1,2,4").split(u','))
        measure(postgres, options, std::max(1, writers.toInt()));
    return 0;
}
