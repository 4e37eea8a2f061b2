#pragma once

#include <sm/logger.h>

#include <QFile>
#include <QMutex>

namespace sm {

// Writes one JSON object per line to stderr:
// {"time":"...Z","level":"info","component":"http","message":"...", ...fields}
// Thread-safe; one shared sink, cheap per-component front ends (JsonLogger::Component).
class JsonLogger {
public:
    JsonLogger();

    void setLevel(LogLevel level) { m_level = level; }
    LogLevel level() const { return m_level; }
    void write(LogLevel level, const QString &component, const QString &message,
               const QJsonObject &fields);

    // The sm::Logger a component (a plugin, a runtime part) writes through.
    class Component : public Logger {
    public:
        Component(JsonLogger &sink, QString name) : m_sink(sink), m_name(std::move(name)) {}
        void log(LogLevel level, const QString &message, const QJsonObject &fields) override;
        bool enabled(LogLevel level) const override { return level >= m_sink.level(); }

    private:
        JsonLogger &m_sink;
        QString m_name;
    };

    static std::optional<LogLevel> parseLevel(const QString &name);

private:
    QMutex m_mutex;
    QFile m_out;
    LogLevel m_level = LogLevel::Info;
};

} // namespace sm
