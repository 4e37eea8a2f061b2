#pragma once

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QString>

namespace sm {

// The current values of the metrics registry, read back from its exposition text: the
// dashboard shows the same figures /metrics exports, plugins' own included, without a
// second set of instruments. Samples are keyed "name{labels}" exactly as exported.
class MetricsReading {
public:
    explicit MetricsReading(const QByteArray &exposition);

    // The sample without labels, or the sum over every label set of `name` (0 if none).
    double total(QByteArrayView name) const;
    // Values of `name` by the value of one label, e.g. by "code".
    QMap<QString, double> byLabel(QByteArrayView name, QByteArrayView label) const;

private:
    struct Sample {
        QByteArray labels; // the text between the braces, empty without
        double value = 0;
    };
    QHash<QByteArray, QList<Sample>> m_samples; // by metric name
};

} // namespace sm
