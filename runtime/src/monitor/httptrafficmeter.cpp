#include "monitor/httptrafficmeter.h"

#include <sm/metrics.h>

#include <algorithm>
#include <random>

namespace sm {

namespace {
// Percentiles of one second come from at most this many durations (reservoir sampling):
// exact at moderate rates, bounded cost at 100k requests/s.
constexpr qsizetype kReservoir = 2048;

double percentile(QList<double> &sorted, double fraction)
{
    if (sorted.isEmpty())
        return 0;
    const auto index = qsizetype(fraction * double(sorted.size() - 1) + 0.5);
    return sorted[std::clamp<qsizetype>(index, 0, sorted.size() - 1)];
}
} // namespace

HttpTrafficMeter::HttpTrafficMeter(Metrics &metrics)
    : m_metrics(metrics)
    , m_duration(metrics.histogram("sm_http_request_duration_seconds",
                                   "Time from a request's first byte to its response being queued",
                                   {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                    2.5, 5}))
{
    m_sampleMs.reserve(kReservoir);
}

void HttpTrafficMeter::record(int status, qint64 durationNs)
{
    const double ms = double(durationNs) / 1e6;
    counterFor(status).increment();
    m_duration.observe(ms / 1000);
    if (status >= 400)
        ++m_errors[status];
    ++m_requests;
    if (m_sampleMs.size() < kReservoir) {
        m_sampleMs << ms;
        return;
    }
    static std::minstd_rand random;
    const auto slot = qsizetype(random() % m_requests);
    if (slot < kReservoir)
        m_sampleMs[slot] = ms;
}

HttpTrafficMeter::Second HttpTrafficMeter::takeSecond()
{
    std::sort(m_sampleMs.begin(), m_sampleMs.end());
    Second second{m_requests, percentile(m_sampleMs, 0.5), percentile(m_sampleMs, 0.99)};
    m_requests = 0;
    m_sampleMs.clear();
    return second;
}

Counter &HttpTrafficMeter::counterFor(int status)
{
    Counter *&counter = m_byStatus[status];
    if (!counter) {
        counter = &m_metrics.counter("sm_http_requests_total", "HTTP requests answered, by status",
                                     {{"code", QString::number(status)}});
    }
    return *counter;
}

} // namespace sm
