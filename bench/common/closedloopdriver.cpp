#include "closedloopdriver.h"

#include <QElapsedTimer>
#include <QEventLoop>

#include <sys/resource.h>

#include <algorithm>
#include <vector>

double ClosedLoopDriver::processCpuUs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto us = [](const timeval &t) { return double(t.tv_sec) * 1e6 + double(t.tv_usec); };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

ClosedLoopDriver::Figures ClosedLoopDriver::drive(int count, int inFlight, const Issue &issue,
                                                  const CpuCounter &otherCpu)
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
    auto otherCpuUs = [&] { return otherCpu ? otherCpu() : 0.0; };
    const double cpuStartUs = processCpuUs();
    const double otherStartUs = otherCpuUs();
    clock.start();
    for (int i = 0; i < std::min(count, inFlight); ++i)
        next();
    if (answered < count)
        loop.exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    const double cpuUs = processCpuUs() - cpuStartUs;
    const double otherUs = otherCpuUs() - otherStartUs;
    std::sort(latencyNs.begin(), latencyNs.end());
    auto percentile = [&](double p) { return double(latencyNs[size_t(p * double(latencyNs.size() - 1))]) / 1e3; };
    return Figures{double(count) / seconds, cpuUs / double(count), otherUs / double(count),
                   percentile(0.50),        percentile(0.99),      errors};
}
