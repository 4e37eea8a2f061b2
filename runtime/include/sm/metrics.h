#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace sm {

using MetricLabels = QList<QPair<QString, QString>>;

class Counter {
public:
    virtual ~Counter() = default;
    virtual void increment(double by = 1) = 0;
};

class Gauge {
public:
    virtual ~Gauge() = default;
    virtual void set(double value) = 0;
    virtual void add(double by) = 0;
};

class Histogram {
public:
    virtual ~Histogram() = default;
    virtual void observe(double value) = 0;
};

// The host's metrics registry, exported at /metrics in Prometheus text format. Names
// follow Prometheus conventions (`sm_<plugin>_<what>_<unit>`, counters end in `_total`).
// The same name and labels give the same instrument; the registry owns it for the
// process lifetime. Instruments are thread-safe.
class Metrics {
public:
    virtual ~Metrics() = default;

    virtual Counter &counter(const QString &name, const QString &help,
                             const MetricLabels &labels = {}) = 0;
    virtual Gauge &gauge(const QString &name, const QString &help,
                         const MetricLabels &labels = {}) = 0;
    // `buckets` are upper bounds in increasing order.
    virtual Histogram &histogram(const QString &name, const QString &help,
                                 const QList<double> &buckets, const MetricLabels &labels = {}) = 0;
};

} // namespace sm
