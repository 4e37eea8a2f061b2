#include "workerpool/workerstats.h"

#include <sm/metrics.h>

#include <algorithm>
#include <vector>

namespace sm {

namespace {
constexpr qint64 kWindowMs = 5000;
constexpr size_t kMaxSamples = 20000; // bounds memory at saturation; figures stay representative
const QList<double> kLatencyBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                    0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
} // namespace

WorkerStats::WorkerStats(Metrics &metrics, const QString &workerId)
    : m_requests(metrics.counter("sm_worker_requests_total", "Requests answered by the worker",
                                 {{"worker", workerId}}))
    , m_latency(metrics.histogram("sm_worker_request_duration_seconds",
                                  "Request round trip runtime -> worker -> runtime", kLatencyBuckets,
                                  {{"worker", workerId}}))
    , m_sessions(metrics.gauge("sm_worker_sessions", "Sessions placed on the worker", {{"worker", workerId}}))
    , m_heartbeatAge(metrics.gauge("sm_worker_heartbeat_age_seconds", "Time since the worker's last pong",
                                   {{"worker", workerId}}))
    , m_ringShare(metrics.gauge("sm_worker_ring_share", "Fraction of placed sessions on the worker",
                                {{"worker", workerId}}))
    , m_restarts(metrics.counter("sm_worker_restarts_total", "Times the worker was started again",
                                 {{"worker", workerId}}))
{
}

void WorkerStats::recordRequest(double latencyMs, qint64 nowMs)
{
    m_requests.increment();
    m_latency.observe(latencyMs / 1000.0);
    m_window.push_back(Sample{nowMs, latencyMs});
    if (m_window.size() > kMaxSamples)
        m_window.pop_front();
}

void WorkerStats::setSessions(int sessions)
{
    m_sessions.set(sessions);
}

void WorkerStats::setHeartbeatAgeMs(qint64 ageMs)
{
    m_heartbeatAge.set(double(ageMs) / 1000.0);
}

void WorkerStats::setRingShare(double share)
{
    m_ringShare.set(share);
}

void WorkerStats::recordRestart()
{
    m_restarts.increment();
}

double WorkerStats::requestsPerSecond(qint64 nowMs) const
{
    expire(nowMs);
    if (m_window.empty())
        return 0;
    const qint64 spanMs = std::max<qint64>(1000, nowMs - m_window.front().atMs);
    return double(m_window.size()) * 1000.0 / double(spanMs);
}

double WorkerStats::p99RequestMs(qint64 nowMs) const
{
    expire(nowMs);
    if (m_window.empty())
        return 0;
    std::vector<double> latencies;
    latencies.reserve(m_window.size());
    for (const Sample &sample : m_window)
        latencies.push_back(sample.latencyMs);
    const size_t rank = std::min(latencies.size() - 1, size_t(double(latencies.size()) * 0.99));
    std::nth_element(latencies.begin(), latencies.begin() + qsizetype(rank), latencies.end());
    return latencies[rank];
}

void WorkerStats::expire(qint64 nowMs) const
{
    while (!m_window.empty() && m_window.front().atMs < nowMs - kWindowMs)
        m_window.pop_front();
}

} // namespace sm
