#pragma once

#include <sm/metrics.h>

#include <QByteArray>
#include <QMutex>

#include <map>
#include <memory>

namespace prometheus {
class Registry;
}

namespace sm {

// The one metrics registry of the process (runtime parts and plugins alike), exported
// in Prometheus text format by /metrics. Backed by prometheus-cpp's core library.
class MetricsRegistry : public Metrics {
public:
    MetricsRegistry();
    ~MetricsRegistry() override;

    Counter &counter(const QString &name, const QString &help, const MetricLabels &labels) override;
    Gauge &gauge(const QString &name, const QString &help, const MetricLabels &labels) override;
    Histogram &histogram(const QString &name, const QString &help, const QList<double> &buckets,
                         const MetricLabels &labels) override;

    // The exposition text for a scrape.
    QByteArray exposition() const;

private:
    enum class Type { Counter, Gauge, Histogram };
    static bool isValidName(const QString &name, const MetricLabels &labels);
    template <typename Adapter, typename Make>
    Adapter &instrument(Type type, const QString &name, const MetricLabels &labels, Make make);

    std::shared_ptr<prometheus::Registry> m_registry;
    mutable QMutex m_mutex;
    std::map<QString, Type> m_types;                  // family name -> type
    std::map<QString, std::unique_ptr<void, void (*)(void *)>> m_instruments; // name+labels -> adapter
};

} // namespace sm
