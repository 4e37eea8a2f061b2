// The consistent-hash router: ns per route() of a placed session (the request hot path)
// and of a new one, then the load spread and the sessions moved when workers come and go.
#include "routing/consistenthashrouter.h"

#include <benchmark/benchmark.h>

#include <QStringList>

#include <algorithm>
#include <cstdio>

namespace {

QStringList workerIds(int count)
{
    QStringList ids;
    for (int i = 0; i < count; ++i)
        ids << QStringLiteral("10.0.0.%1:7001").arg(i + 1);
    return ids;
}

QStringList sessionIds(int count)
{
    QStringList ids;
    ids.reserve(count);
    for (int i = 0; i < count; ++i)
        ids << QStringLiteral("sess-%1-%2").arg(i).arg(quint64(i) * 0x9E3779B1ULL, 0, 36);
    return ids;
}

void routePlacedSession(benchmark::State &state)
{
    sm::ConsistentHashRouter router;
    router.setWorkers(workerIds(8));
    const QStringList sessions = sessionIds(int(state.range(0)));
    for (const QString &id : sessions)
        router.route(id);
    qsizetype next = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(router.route(sessions[next]));
        next = next + 1 == sessions.size() ? 0 : next + 1;
    }
}
BENCHMARK(routePlacedSession)->Arg(1000)->Arg(100000);

void routeNewSession(benchmark::State &state)
{
    const QStringList sessions = sessionIds(100000);
    sm::ConsistentHashRouter router;
    router.setWorkers(workerIds(8));
    qsizetype next = 0;
    for (auto _ : state) {
        if (next == sessions.size()) {
            state.PauseTiming();
            router = sm::ConsistentHashRouter();
            router.setWorkers(workerIds(8));
            next = 0;
            state.ResumeTiming();
        }
        benchmark::DoNotOptimize(router.route(sessions[next++]));
    }
}
BENCHMARK(routeNewSession);

double maxOverAverage(const sm::ConsistentHashRouter &router)
{
    int maxLoad = 0;
    for (const QString &worker : router.workers())
        maxLoad = std::max(maxLoad, router.load(worker));
    return double(maxLoad) * double(router.workers().size()) / router.sessionCount();
}

// Places 10,000 sessions on n workers, then adds one and removes one.
void printDistributionAndMovement()
{
    constexpr int kSessions = 10000;
    const QStringList sessions = sessionIds(kSessions);
    std::printf("workers  max/avg  add: moved  1/(n+1)  remove: moved  1/n\n");
    for (int n = 4; n <= 16; n += 2) {
        sm::ConsistentHashRouter router(1.25);
        router.setWorkers(workerIds(n));
        for (const QString &id : sessions)
            router.route(id);
        const double spread = maxOverAverage(router);
        const double added = double(router.setWorkers(workerIds(n + 1)).size()) / kSessions;
        sm::ConsistentHashRouter again(1.25);
        again.setWorkers(workerIds(n));
        for (const QString &id : sessions)
            again.route(id);
        QStringList fewer = workerIds(n);
        fewer.removeAt(n / 2);
        const double removed = double(again.setWorkers(fewer).size()) / kSessions;
        std::printf("%7d  %7.4f  %11.4f  %7.4f  %14.4f  %6.4f\n", n, spread, added, 1.0 / (n + 1), removed,
                    1.0 / n);
    }
}

} // namespace

int main(int argc, char **argv)
{
    printDistributionAndMovement();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
