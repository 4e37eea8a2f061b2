#include "benchoptions.h"

QString BenchOptions::text(const QString &name, const QString &fallback) const
{
    const qsizetype at = m_arguments.indexOf(name);
    return at >= 0 && at + 1 < m_arguments.size() ? m_arguments.at(at + 1) : fallback;
}

qint64 BenchOptions::number(const QString &name, qint64 fallback) const
{
    const QString value = text(name, QString());
    return value.isEmpty() ? fallback : value.toLongLong();
}
