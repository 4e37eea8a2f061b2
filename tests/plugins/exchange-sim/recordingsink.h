#pragma once

#include <sm/backend.h>

#include <QByteArray>
#include <QJsonObject>
#include <QList>

// A BackendEventSink that keeps every event, for assertions on what a back-end emitted.
class RecordingSink : public sm::BackendEventSink {
public:
    struct Record {
        QByteArray type;
        QJsonObject data;
        bool operator==(const Record &) const = default;
    };

    void emitEvent(const QByteArray &type, const QJsonObject &data) override;

    const QList<Record> &events() const { return m_events; }
    QList<Record> ofType(const QByteArray &type) const;
    // Events whose type starts with `prefix` ("market.").
    int countWithPrefix(const QByteArray &prefix) const;
    void clear() { m_events.clear(); }

private:
    QList<Record> m_events;
};
