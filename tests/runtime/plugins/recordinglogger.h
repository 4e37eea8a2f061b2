#pragma once

#include <sm/logger.h>

#include <QList>

#include <algorithm>

namespace smtest {

// Keeps every log call, so that a test can check what was logged and how often.
class RecordingLogger : public sm::Logger {
public:
    struct Entry {
        sm::LogLevel level;
        QString message;
        QJsonObject fields;
    };

    void log(sm::LogLevel level, const QString &message, const QJsonObject &fields) override
    {
        m_entries.append({level, message, fields});
    }
    bool enabled(sm::LogLevel) const override { return true; }
    void clear() { m_entries.clear(); }

    // Entries with `message` whose field `field` equals `value`.
    qsizetype count(const QString &message, const QString &field, const QString &value) const
    {
        return std::count_if(m_entries.cbegin(), m_entries.cend(), [&](const Entry &entry) {
            return entry.message == message && entry.fields.value(field).toString() == value;
        });
    }

private:
    QList<Entry> m_entries;
};

} // namespace smtest
