#include "recordinglogger.h"

#include <QJsonDocument>

namespace {
QString levelName(sm::LogLevel level)
{
    switch (level) {
    case sm::LogLevel::Debug: return QStringLiteral("debug");
    case sm::LogLevel::Info: return QStringLiteral("info");
    case sm::LogLevel::Warning: return QStringLiteral("warning");
    case sm::LogLevel::Error: return QStringLiteral("error");
    }
    return QStringLiteral("info");
}
} // namespace

void RecordingLogger::log(sm::LogLevel level, const QString &message, const QJsonObject &fields)
{
    const QString line = QStringLiteral("%1 %2 %3").arg(
        levelName(level), message, QString::fromUtf8(QJsonDocument(fields).toJson(QJsonDocument::Compact)));
    QMutexLocker locker(&m_mutex);
    m_lines.append(line);
}

bool RecordingLogger::enabled(sm::LogLevel) const
{
    return true;
}

QStringList RecordingLogger::lines() const
{
    QMutexLocker locker(&m_mutex);
    return m_lines;
}
