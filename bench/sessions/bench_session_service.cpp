// Session create + get through the session service on store-sqlite (group commit),
// with a fixed number of calls in flight, as many concurrent clients would keep them.
// Prints per phase: operations/s (wall clock), the process's CPU time per operation (all
// threads: service, store thread, SQLite, kernel) and latency percentiles. CPU time is the
// figure to compare on a shared machine; 1e6 / cpu_us_per_op is the rate one free core
// would sustain. Pin the process to one core to measure the aim as stated:
//
//   taskset -c 1 bench_session_service [--count N] [--in-flight W]

#include "sessiontestbed.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace sm;

namespace {

struct Figures {
    double opsPerSec = 0;
    double cpuUsPerOp = 0;
    double p50Us = 0;
    double p99Us = 0;
    int errors = 0;
};

// User + system time of the whole process so far, in microseconds.
double processCpuUs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto us = [](const timeval &t) { return double(t.tv_sec) * 1e6 + double(t.tv_usec); };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

// Keeps `inFlight` calls outstanding until `count` have been answered.
template <typename Issue>
Figures drive(int count, int inFlight, Issue issue)
{
    std::vector<qint64> latencyNs;
    latencyNs.reserve(size_t(count));
    int issued = 0;
    int answered = 0;
    int errors = 0;
    QElapsedTimer clock;
    QEventLoop loop;
    std::function<void()> next = [&] {
        const int index = issued++;
        const qint64 startNs = clock.nsecsElapsed();
        issue(index, [&, startNs](bool ok) {
            latencyNs.push_back(clock.nsecsElapsed() - startNs);
            errors += ok ? 0 : 1;
            if (++answered == count)
                loop.quit();
            else if (issued < count)
                next();
        });
    };
    const double cpuStartUs = processCpuUs();
    clock.start();
    for (int i = 0; i < std::min(count, inFlight); ++i)
        next();
    loop.exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    const double cpuUs = processCpuUs() - cpuStartUs;
    std::sort(latencyNs.begin(), latencyNs.end());
    auto percentile = [&](double p) { return double(latencyNs[size_t(p * double(latencyNs.size() - 1))]) / 1e3; };
    return Figures{double(count) / seconds, cpuUs / double(count), percentile(0.50), percentile(0.99), errors};
}

void print(const char *phase, const Figures &f)
{
    std::printf("%-8s ops/s=%.0f cpu_us_per_op=%.2f (one-core capacity %.0f/s) p50=%.0fus p99=%.0fus errors=%d\n",
                phase, f.opsPerSec, f.cpuUsPerOp, 1e6 / f.cpuUsPerOp, f.p50Us, f.p99Us, f.errors);
}

int argument(const QStringList &args, const QString &name, int fallback)
{
    const qsizetype at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int count = argument(args, "--count", 200000);
    const int inFlight = argument(args, "--in-flight", 256);

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
    print("create", drive(count, inFlight, [&](int i, auto done) {
        CreateSessionRequest request;
        request.metadata = metadata;
        bed.service().create(caller, request, [&ids, i, done](Result<CreatedSession> r) {
            if (r.ok())
                ids[size_t(i)] = r->session.id;
            done(r.ok());
        });
    }));
    print("get", drive(count, inFlight, [&](int i, auto done) {
        bed.service().get(caller, ids[size_t(i)], [done](Result<Session> r) { done(r.ok()); });
    }));
    return 0;
}
