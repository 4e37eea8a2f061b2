#pragma once

#include <sm/result.h>

#include <QByteArray>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <optional>

namespace sse {

// A request body that must be one JSON object with only the fields a route knows.
// Policy: an unknown field is a client error (400 naming the field), never silently
// dropped, so a typo like "idle_timout" cannot go unnoticed. Every accessor reports a
// wrong type as BadRequest naming the field.
class JsonBody {
public:
    // An empty body counts as `{}` when `emptyIsObject` is set.
    static sm::Result<JsonBody> parse(const QByteArray &bytes, const QSet<QString> &allowedFields,
                                      bool emptyIsObject = true);
    // Any JSON object, whatever its fields (e.g. a back-end request the back-end checks).
    static sm::Result<QJsonObject> parseObject(const QByteArray &bytes, bool emptyIsObject);

    bool has(const QString &field) const { return m_object.contains(field); }
    const QJsonObject &object() const { return m_object; }

    sm::Result<std::optional<QString>> string(const QString &field) const;
    sm::Result<std::optional<QJsonObject>> object(const QString &field) const;
    // A whole number in [min, max]; 1.5 or 1e300 are refused.
    sm::Result<std::optional<qint64>> integer(const QString &field, qint64 min, qint64 max) const;

private:
    explicit JsonBody(QJsonObject object) : m_object(std::move(object)) {}

    QJsonObject m_object;
};

} // namespace sse
