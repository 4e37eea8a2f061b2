#include "metrics/metricsregistry.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <QRegularExpression>

#include <algorithm>
#include <sstream>

namespace sm {

namespace {

prometheus::Labels toLabels(const MetricLabels &labels)
{
    prometheus::Labels out;
    for (const auto &[key, value] : labels)
        out.emplace(key.toStdString(), value.toStdString());
    return out;
}

QString instrumentKey(const QString &name, const MetricLabels &labels)
{
    QString key = name;
    for (const auto &[k, v] : labels)
        key += QLatin1Char('\x1f') + k + QLatin1Char('=') + v;
    return key;
}

class CounterAdapter : public Counter {
public:
    explicit CounterAdapter(prometheus::Counter *c) : m_c(c) {}
    void increment(double by) override
    {
        if (m_c)
            m_c->Increment(by);
    }

private:
    prometheus::Counter *m_c;
};

class GaugeAdapter : public Gauge {
public:
    explicit GaugeAdapter(prometheus::Gauge *g) : m_g(g) {}
    void set(double value) override
    {
        if (m_g)
            m_g->Set(value);
    }
    void add(double by) override
    {
        if (m_g)
            m_g->Increment(by);
    }

private:
    prometheus::Gauge *m_g;
};

class HistogramAdapter : public Histogram {
public:
    explicit HistogramAdapter(prometheus::Histogram *h) : m_h(h) {}
    void observe(double value) override
    {
        if (m_h)
            m_h->Observe(value);
    }

private:
    prometheus::Histogram *m_h;
};

template <typename T>
std::unique_ptr<void, void (*)(void *)> erase(T *object)
{
    return {object, [](void *p) { delete static_cast<T *>(p); }};
}

} // namespace

MetricsRegistry::MetricsRegistry() : m_registry(std::make_shared<prometheus::Registry>()) {}

MetricsRegistry::~MetricsRegistry() = default;

bool MetricsRegistry::isValidName(const QString &name, const MetricLabels &labels)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    if (!metricName.match(name).hasMatch())
        return false;
    return std::all_of(labels.begin(), labels.end(), [](const auto &label) {
        return labelName.match(label.first).hasMatch() && !label.first.startsWith(QLatin1String("__"));
    });
}

// Names come from plugins: an invalid name, or one registered before with another type,
// gets an instrument that records nothing instead of aborting the process.
template <typename Adapter, typename Make>
Adapter &MetricsRegistry::instrument(Type type, const QString &name, const MetricLabels &labels,
                                     Make make)
{
    QMutexLocker lock(&m_mutex);
    const QString key = instrumentKey(name, labels);
    auto found = m_instruments.find(key);
    if (found != m_instruments.end())
        return *static_cast<Adapter *>(found->second.get());
    bool exported = isValidName(name, labels);
    if (exported) {
        const auto [typeIt, inserted] = m_types.emplace(name, type);
        exported = inserted || typeIt->second == type;
    }
    auto *adapter = new Adapter(exported ? make() : nullptr);
    m_instruments.emplace(key, erase(adapter));
    return *adapter;
}

Counter &MetricsRegistry::counter(const QString &name, const QString &help, const MetricLabels &labels)
{
    return instrument<CounterAdapter>(Type::Counter, name, labels, [&] {
        auto &family = prometheus::BuildCounter().Name(name.toStdString()).Help(help.toStdString())
                           .Register(*m_registry);
        return &family.Add(toLabels(labels));
    });
}

Gauge &MetricsRegistry::gauge(const QString &name, const QString &help, const MetricLabels &labels)
{
    return instrument<GaugeAdapter>(Type::Gauge, name, labels, [&] {
        auto &family = prometheus::BuildGauge().Name(name.toStdString()).Help(help.toStdString())
                           .Register(*m_registry);
        return &family.Add(toLabels(labels));
    });
}

Histogram &MetricsRegistry::histogram(const QString &name, const QString &help,
                                      const QList<double> &buckets, const MetricLabels &labels)
{
    return instrument<HistogramAdapter>(Type::Histogram, name, labels, [&] {
        auto &family = prometheus::BuildHistogram().Name(name.toStdString())
                           .Help(help.toStdString()).Register(*m_registry);
        return &family.Add(toLabels(labels),
                           prometheus::Histogram::BucketBoundaries(buckets.begin(), buckets.end()));
    });
}

QByteArray MetricsRegistry::exposition() const
{
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, m_registry->Collect());
    return QByteArray::fromStdString(out.str());
}

} // namespace sm
