#pragma once

#include <sm/logger.h>

#include <QMutex>
#include <QStringList>

// An sm::Logger that keeps every line ("<level> <message> <fields as JSON>") for a test
// to inspect. Thread-safe, like the host's logger.
class RecordingLogger : public sm::Logger {
public:
    void log(sm::LogLevel level, const QString &message, const QJsonObject &fields = {}) override;
    bool enabled(sm::LogLevel level) const override;

    QStringList lines() const;

private:
    mutable QMutex m_mutex;
    QStringList m_lines;
};
