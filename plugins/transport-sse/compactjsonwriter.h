#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace sse {

// Writes compact JSON straight into one byte array, byte for byte what
// QJsonDocument::toJson(QJsonDocument::Compact) gives for the same values (same escapes,
// same number forms). For the hot REST responses: building a QJsonObject first and then
// serialising it was a quarter of the host thread's time per GET /sessions/{id}.
//
// Objects are written member by member; the caller gives the keys in the order wanted
// (QJsonObject's own order is sorted by key).
class CompactJsonWriter {
public:
    explicit CompactJsonWriter(qsizetype reserve = 512);

    void beginObject();
    void endObject();
    // The member's key; the next call writes its value.
    void key(QLatin1String name);

    void value(QStringView text);
    void value(const QString &text) { value(QStringView(text)); }
    void value(QLatin1String text);
    void value(qint64 number);
    void value(const QJsonValue &json);
    void value(const QJsonObject &object);
    void value(const QJsonArray &array);
    void null();
    // RFC 3339 in UTC with milliseconds ("2026-11-23T18:42:30.123Z"), as
    // QDateTime::toString(Qt::ISODateWithMs) on the UTC time; "" when invalid.
    void timestamp(const QDateTime &time);

    QByteArray take() { return std::move(m_out); }

private:
    void separate();
    void writeEscaped(QStringView text);
    void writeNumber(const QJsonValue &json);

    QByteArray m_out;
    bool m_first = true; // no member written yet in the innermost open object or array
};

} // namespace sse
