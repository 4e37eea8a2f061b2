#include "jsonbody.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace sse {

namespace {
sm::Error badRequest(const QString &message)
{
    return sm::makeError(sm::ErrorCode::BadRequest, message);
}

sm::Error wrongType(const QString &field, const char *expected)
{
    return badRequest(QStringLiteral("field '%1' must be %2").arg(field, QLatin1String(expected)));
}
} // namespace

/*!
 * Parses \a bytes as one JSON object whose keys are all in \a allowedFields. Unknown
 * fields are reported in sorted order so the message is stable.
 */
sm::Result<JsonBody> JsonBody::parse(const QByteArray &bytes, const QSet<QString> &allowedFields,
                                     bool emptyIsObject)
{
    sm::Result<QJsonObject> object = parseObject(bytes, emptyIsObject);
    if (!object)
        return object.error();
    QStringList unknown;
    for (auto it = object->begin(); it != object->end(); ++it) {
        if (!allowedFields.contains(it.key()))
            unknown << it.key();
    }
    if (!unknown.isEmpty()) {
        std::sort(unknown.begin(), unknown.end());
        return badRequest(QStringLiteral("unknown field '%1'").arg(unknown.join(QStringLiteral("', '"))));
    }
    return JsonBody(std::move(object).value());
}

sm::Result<QJsonObject> JsonBody::parseObject(const QByteArray &bytes, bool emptyIsObject)
{
    if (bytes.trimmed().isEmpty()) {
        if (emptyIsObject)
            return QJsonObject();
        return badRequest(QStringLiteral("request body must be a JSON object"));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return badRequest(QStringLiteral("malformed JSON at offset %1: %2")
                              .arg(parseError.offset)
                              .arg(parseError.errorString()));
    }
    if (!document.isObject())
        return badRequest(QStringLiteral("request body must be a JSON object"));
    return document.object();
}

sm::Result<std::optional<QString>> JsonBody::string(const QString &field) const
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined())
        return std::optional<QString>();
    if (!value.isString())
        return wrongType(field, "a string");
    return std::optional<QString>(value.toString());
}

sm::Result<std::optional<QJsonObject>> JsonBody::object(const QString &field) const
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined())
        return std::optional<QJsonObject>();
    if (!value.isObject())
        return wrongType(field, "an object");
    return std::optional<QJsonObject>(value.toObject());
}

sm::Result<std::optional<qint64>> JsonBody::integer(const QString &field, qint64 min,
                                                    qint64 max) const
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined())
        return std::optional<qint64>();
    const double number = value.toDouble();
    // Compare as doubles first: huge values must not overflow the conversion to qint64.
    if (!value.isDouble() || std::trunc(number) != number || number < double(min)
        || number > double(max)) {
        return badRequest(QStringLiteral("field '%1' must be a whole number from %2 to %3")
                              .arg(field)
                              .arg(min)
                              .arg(max));
    }
    return std::optional<qint64>(qint64(number));
}

} // namespace sse
