#pragma once

#include <QString>

#include <deque>

namespace sm {

class Counter;
class Gauge;
class Histogram;
class Metrics;

// One worker's figures: Prometheus instruments (labelled with the worker id) for
// /metrics, and a short window of request latencies for the dashboard's requests/s and
// p99. Host thread only (the instruments themselves are thread-safe).
class WorkerStats {
public:
    WorkerStats(Metrics &metrics, const QString &workerId);

    void recordRequest(double latencyMs, qint64 nowMs);
    void setSessions(int sessions);
    void setHeartbeatAgeMs(qint64 ageMs);
    void setRingShare(double share);
    void recordRestart();

    double requestsPerSecond(qint64 nowMs) const;
    double p99RequestMs(qint64 nowMs) const;

private:
    struct Sample {
        qint64 atMs;
        double latencyMs;
    };
    void expire(qint64 nowMs) const;

    Counter &m_requests;
    Histogram &m_latency;
    Gauge &m_sessions;
    Gauge &m_heartbeatAge;
    Gauge &m_ringShare;
    Counter &m_restarts;
    mutable std::deque<Sample> m_window;
};

} // namespace sm
