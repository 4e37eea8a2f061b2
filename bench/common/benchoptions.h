#pragma once

#include <QString>
#include <QStringList>

// A benchmark's `--name value` options, each with the default it takes when absent.
class BenchOptions {
public:
    explicit BenchOptions(QStringList arguments) : m_arguments(std::move(arguments)) {}

    QString text(const QString &name, const QString &fallback) const;
    qint64 number(const QString &name, qint64 fallback) const;

private:
    QStringList m_arguments;
};
