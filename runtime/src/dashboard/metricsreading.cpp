#include "dashboard/metricsreading.h"

#include <QList>

namespace sm {

MetricsReading::MetricsReading(const QByteArray &exposition)
{
    const QByteArrayView text(exposition);
    for (qsizetype start = 0; start < text.size();) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        const QByteArrayView line = text.sliced(start, end - start);
        start = end + 1;
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        if (space <= 0)
            continue;
        QByteArrayView series = line.first(space);
        bool ok = false;
        const double value = line.sliced(space + 1).toDouble(&ok);
        if (!ok)
            continue;
        QByteArray labels;
        if (const qsizetype brace = series.indexOf('{'); brace >= 0 && series.endsWith('}')) {
            labels = series.sliced(brace + 1, series.size() - brace - 2).toByteArray();
            series = series.first(brace);
        }
        m_samples[series.toByteArray()].append(Sample{labels, value});
    }
}

double MetricsReading::total(QByteArrayView name) const
{
    double sum = 0;
    for (const Sample &sample : m_samples.value(name.toByteArray()))
        sum += sample.value;
    return sum;
}

QMap<QString, double> MetricsReading::byLabel(QByteArrayView name, QByteArrayView label) const
{
    QMap<QString, double> values;
    const QByteArray prefix = label.toByteArray() + "=\"";
    for (const Sample &sample : m_samples.value(name.toByteArray())) {
        const qsizetype start = sample.labels.indexOf(prefix);
        if (start < 0)
            continue;
        const qsizetype from = start + prefix.size();
        const qsizetype end = sample.labels.indexOf('"', from);
        values[QString::fromUtf8(sample.labels.sliced(from, end - from))] += sample.value;
    }
    return values;
}

} // namespace sm
