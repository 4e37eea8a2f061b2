#include "recordingsink.h"

void RecordingSink::emitEvent(const QByteArray &type, const QJsonObject &data)
{
    m_events.append(Record{type, data});
}

QList<RecordingSink::Record> RecordingSink::ofType(const QByteArray &type) const
{
    QList<Record> matching;
    for (const Record &record : m_events) {
        if (record.type == type)
            matching.append(record);
    }
    return matching;
}

int RecordingSink::countWithPrefix(const QByteArray &prefix) const
{
    int count = 0;
    for (const Record &record : m_events)
        count += record.type.startsWith(prefix) ? 1 : 0;
    return count;
}
