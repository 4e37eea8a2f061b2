#pragma once

#include <QHash>
#include <QList>
#include <QMap>

namespace sm {

class Counter;
class Histogram;
class Metrics;

// Counts answered HTTP requests for /metrics (by status, with a latency histogram) and
// for the dashboard's per-second figures (rate, p50/p99, errors by status). Fed by the
// HTTP listener's completion observer. Host thread only.
class HttpTrafficMeter {
public:
    struct Second {
        quint64 requests = 0;
        double p50Ms = 0;
        double p99Ms = 0;
    };

    explicit HttpTrafficMeter(Metrics &metrics);

    void record(int status, qint64 durationNs);
    // The figures since the last call (the dashboard calls it once a second).
    Second takeSecond();
    // Responses with status >= 400 since start, by status.
    const QMap<int, quint64> &errorsByStatus() const { return m_errors; }

private:
    Counter &counterFor(int status);

    Metrics &m_metrics;
    Histogram &m_duration;
    QHash<int, Counter *> m_byStatus;
    QMap<int, quint64> m_errors;
    quint64 m_requests = 0;
    QList<double> m_sampleMs; // a bounded sample of this second's durations
};

} // namespace sm
