#pragma once

#include <QJsonObject>
#include <QString>

namespace sm {

enum class LogLevel { Debug, Info, Warning, Error };

// Structured logging: the host writes one JSON object per line with time, level,
// component and message, plus the fields given (use "session_id" and "request_id"
// for correlation). Callable from any thread.
class Logger {
public:
    virtual ~Logger() = default;

    virtual void log(LogLevel level, const QString &message, const QJsonObject &fields = {}) = 0;
    virtual bool enabled(LogLevel level) const = 0;

    void debug(const QString &m, const QJsonObject &f = {}) { log(LogLevel::Debug, m, f); }
    void info(const QString &m, const QJsonObject &f = {}) { log(LogLevel::Info, m, f); }
    void warning(const QString &m, const QJsonObject &f = {}) { log(LogLevel::Warning, m, f); }
    void error(const QString &m, const QJsonObject &f = {}) { log(LogLevel::Error, m, f); }
};

} // namespace sm
