// Figures for the worker pool (see issue 5, "Speed"):
//   1. POST /sessions/{id}/request round trip (REST -> worker -> reply) at a fixed
//      1,000 requests/s, open loop (PacedHttpClient, wrk2-style): p50/p99/p99.9/max;
//   2. throughput at saturation (every connection keeps one request in flight);
//   3. failover: from `kill -9` of a session's worker to the first answered request of
//      that session, p50/p99 over 20 kills.
// Each phase also prints the CPU time the runtime and its workers used per request (from
// /proc), which stays meaningful when other programs share the cores, and the load average.
// Usage: bench_workers [seconds=5] [workers=2] [rate=1000] [connections=16]. The runtime
// runs with WORKER_COUNT=workers (0: back-ends in process, the baseline) and exchange-sim.
#include "apiclient.h"
#include "pacedhttpclient.h"
#include "runtimeprocess.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct ProcStat {
    qint64 ppid = 0;
    double cpuSeconds = 0;
};

ProcStat procStat(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = file.readAll();
    const qsizetype close = line.lastIndexOf(')');
    const QList<QByteArray> fields = line.mid(close + 2).split(' '); // fields from 3 (state) on
    const double ticks = double(::sysconf(_SC_CLK_TCK));
    return {fields.value(1).toLongLong(), double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / ticks};
}

// The CPU seconds used so far by the processes whose parent is `parent`, and their children.
double treeCpuSeconds(qint64 parent)
{
    double total = 0;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const ProcStat stat = procStat(pid);
        if (stat.ppid == parent)
            total += stat.cpuSeconds + treeCpuSeconds(pid);
    }
    return total;
}

QByteArray loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray("?");
}

void report(const char *phase, const PacedHttpClient::Result &result, double cpuSeconds)
{
    const size_t ok = result.latenciesMs.size();
    std::printf("%s: %lld sent, %zu ok, %lld errors, %.0f req/s; latency p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, "
                "max %.3f ms; runtime+workers CPU %.1f us/request; load average %s\n",
                phase, qlonglong(result.sent), ok, qlonglong(result.errors), double(ok) / result.elapsedSeconds,
                PacedHttpClient::percentile(result.latenciesMs, 0.5), PacedHttpClient::percentile(result.latenciesMs, 0.99),
                PacedHttpClient::percentile(result.latenciesMs, 0.999),
                result.latenciesMs.empty() ? 0.0 : *std::max_element(result.latenciesMs.begin(), result.latenciesMs.end()),
                ok ? cpuSeconds * 1e6 / double(ok) : 0.0, loadAverage().constData());
    std::fflush(stdout);
}

qint64 workerPidOf(ApiClient &api, const QString &admin, const QString &session)
{
    const QString worker = api.send("GET", "/admin/sessions/" + session + "/worker", admin).json().value("worker").toString();
    for (const QJsonValue &entry : api.send("GET", "/admin/workers", admin).json().value("workers").toArray()) {
        if (entry.toObject().value("id").toString() == worker)
            return entry.toObject().value("pid").toInteger();
    }
    return 0;
}

bool waitForLive(ApiClient &api, const QString &admin, int count)
{
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        int live = 0;
        for (const QJsonValue &entry : api.send("GET", "/admin/workers", admin).json().value("workers").toArray())
            live += entry.toObject().value("state").toString() == QLatin1String("live");
        if (live == count)
            return true;
        QTest::qWait(20);
    }
    return false;
}

std::vector<std::string> positionRequests(quint16 port, const QString &token, const QStringList &sessions)
{
    const std::string body = R"({"type":"positions"})";
    std::vector<std::string> requests;
    for (const QString &session : sessions) {
        requests.push_back("POST /sessions/" + session.toStdString() + "/request HTTP/1.1\r\nHost: 127.0.0.1:"
                           + std::to_string(port) + "\r\nAuthorization: Bearer " + token.toStdString()
                           + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
                           + "\r\n\r\n" + body);
    }
    return requests;
}

// The client runs on its own thread while this one keeps reading the runtime's log pipe
// (a full pipe would stall the runtime).
PacedHttpClient::Result runBesideEventLoop(const PacedHttpClient::Options &options)
{
    PacedHttpClient::Result result;
    std::atomic<bool> done = false;
    std::thread client([&] {
        result = PacedHttpClient::run(options);
        done = true;
    });
    while (!done)
        QTest::qWait(20);
    client.join();
    return result;
}

std::vector<double> measureFailover(ApiClient &api, const QString &alice, const QString &admin,
                                    const QStringList &sessions, int workers)
{
    std::vector<double> failoverMs;
    for (int kill = 0; workers > 0 && kill < 20; ++kill) {
        const QString session = sessions.at(kill % sessions.size());
        // Active on its worker (it may have been parked while its worker was down).
        const bool live = waitForLive(api, admin, workers);
        const ApiReply activated = api.send("POST", "/sessions/" + session + "/request", alice, R"({"type":"positions"})");
        const qint64 pid = live && activated.status == 200 ? workerPidOf(api, admin, session) : 0;
        if (pid <= 0) {
            std::fprintf(stderr, "kill %d: the pool did not recover: all live %d, request %d %s, worker pid %lld\n", kill,
                         int(live), activated.status, activated.body.constData(), qlonglong(pid));
            break;
        }
        QElapsedTimer sinceKill;
        ::kill(pid_t(pid), SIGKILL);
        sinceKill.start();
        while (api.send("POST", "/sessions/" + session + "/request", alice, R"({"type":"positions"})").status != 200
               && sinceKill.elapsed() < 10000) {
        }
        failoverMs.push_back(double(sinceKill.nsecsElapsed()) / 1e6);
    }
    return failoverMs;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(1, atoi(argv[1])) : 5;
    // 0: back-ends in the runtime process, the baseline the worker hop is compared with.
    const int workers = argc > 2 ? std::max(0, atoi(argv[2])) : 2;
    const double rate = argc > 3 ? std::max(1.0, atof(argv[3])) : 1000;
    const int connections = argc > 4 ? std::max(1, atoi(argv[4])) : 16;
    RuntimeProcess runtime;
    runtime.addSetting("worker_count", QString::number(workers));
    if (!runtime.start()) {
        std::fprintf(stderr, "runtime did not start:\n%s\n", runtime.output().constData());
        return 1;
    }
    ApiClient api(runtime.url("/"));
    const QString alice = runtime.token("alice");
    const QString admin = runtime.token("ops", "admin");
    if (workers > 0 && !waitForLive(api, admin, workers))
        return 1;
    QStringList sessions;
    for (int i = 0; i < 16; ++i) {
        const QString id = api.send("POST", "/sessions", alice, "{}").json().value("session_id").toString();
        api.send("POST", "/sessions/" + id + "/request", alice, R"({"type":"positions"})");
        sessions.append(id);
    }
    std::printf("runtime with %d worker(s), %lld sessions; %d s per phase, %d connections\n", workers,
                qlonglong(sessions.size()), seconds, connections);

    PacedHttpClient::Options options;
    options.port = runtime.httpPort();
    options.connections = connections;
    options.seconds = 1;
    options.rate = rate;
    options.requests = positionRequests(options.port, alice, sessions);
    runBesideEventLoop(options); // warm-up: connections, caches, the router's placements
    options.seconds = seconds;

    double cpuBefore = treeCpuSeconds(QCoreApplication::applicationPid());
    const PacedHttpClient::Result paced = runBesideEventLoop(options);
    double cpuAfter = treeCpuSeconds(QCoreApplication::applicationPid());
    report(qPrintable(QStringLiteral("open loop at %1 req/s").arg(rate)), paced, cpuAfter - cpuBefore);

    options.rate = 0;
    cpuBefore = cpuAfter;
    const PacedHttpClient::Result saturated = runBesideEventLoop(options);
    cpuAfter = treeCpuSeconds(QCoreApplication::applicationPid());
    report(qPrintable(QStringLiteral("saturation, %1 in flight").arg(connections)), saturated, cpuAfter - cpuBefore);

    const std::vector<double> failoverMs = measureFailover(api, alice, admin, sessions, workers);
    if (!failoverMs.empty())
        std::printf("failover over %zu kills: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", failoverMs.size(),
                    PacedHttpClient::percentile(failoverMs, 0.5), PacedHttpClient::percentile(failoverMs, 0.99),
                    *std::max_element(failoverMs.begin(), failoverMs.end()));
    runtime.stop();
    return 0;
}
