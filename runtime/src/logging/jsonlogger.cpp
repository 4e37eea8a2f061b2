#include "logging/jsonlogger.h"

#include <QDateTime>
#include <QJsonDocument>

#include <cstdio>

namespace sm {

namespace {
const char *levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
    }
    return "info";
}
} // namespace

JsonLogger::JsonLogger()
{
    m_out.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered);
}

void JsonLogger::write(LogLevel level, const QString &component, const QString &message,
                       const QJsonObject &fields)
{
    if (level < m_level)
        return;
    QJsonObject line{
        {"time", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {"level", QLatin1String(levelName(level))},
        {"component", component},
        {"message", message},
    };
    for (auto it = fields.begin(); it != fields.end(); ++it)
        line.insert(it.key(), it.value());
    QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact);
    bytes.append('\n');
    QMutexLocker lock(&m_mutex);
    m_out.write(bytes);
}

void JsonLogger::Component::log(LogLevel level, const QString &message, const QJsonObject &fields)
{
    m_sink.write(level, m_name, message, fields);
}

std::optional<LogLevel> JsonLogger::parseLevel(const QString &name)
{
    for (auto level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error}) {
        if (name == QLatin1String(levelName(level)))
            return level;
    }
    return std::nullopt;
}

} // namespace sm
