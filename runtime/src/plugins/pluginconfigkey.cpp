#include "pluginconfigkey.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <utility>

namespace sm {

namespace {

using Type = PluginConfigKey::Type;

constexpr std::array<std::pair<const char *, Type>, 5> kTypeNames{{
    {"string", Type::String},
    {"int", Type::Int},
    {"bool", Type::Bool},
    {"enum", Type::Enum},
    {"list", Type::List},
}};

Error fieldError(const QString &field, const QString &problem)
{
    return makeError(ErrorCode::BadRequest, QStringLiteral("field \"%1\": %2").arg(field, problem));
}

std::optional<Type> parseType(const QString &name)
{
    for (const auto &[typeName, type] : kTypeNames) {
        if (name == QLatin1String(typeName))
            return type;
    }
    return std::nullopt;
}

// JSON has only doubles; an int setting must hold one without a fraction.
std::optional<qint64> toInteger(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const qint64 integer = value.toInteger();
    if (static_cast<double>(integer) != value.toDouble())
        return std::nullopt;
    return integer;
}

bool isStringArray(const QJsonValue &value)
{
    if (!value.isArray())
        return false;
    const QJsonArray array = value.toArray();
    return std::all_of(array.begin(), array.end(), [](const QJsonValue &v) { return v.isString(); });
}

Result<void> readBounds(PluginConfigKey &key, const QJsonObject &schema, const QString &field)
{
    for (const char *bound : {"min", "max"}) {
        const QJsonValue value = schema.value(QLatin1String(bound));
        if (value.isUndefined())
            continue;
        const QString boundField = field + u'.' + QLatin1String(bound);
        if (key.type != Type::Int)
            return fieldError(boundField, QStringLiteral("only int keys have bounds"));
        const std::optional<qint64> integer = toInteger(value);
        if (!integer)
            return fieldError(boundField, QStringLiteral("expected an integer"));
        (qstrcmp(bound, "min") == 0 ? key.min : key.max) = integer;
    }
    if (key.min && key.max && *key.min > *key.max)
        return fieldError(field + QLatin1String(".min"),
                          QStringLiteral("%1 is above max %2").arg(*key.min).arg(*key.max));
    return {};
}

Result<void> readEnumValues(PluginConfigKey &key, const QJsonObject &schema, const QString &field)
{
    const QJsonValue values = schema.value(QLatin1String("values"));
    const QString valuesField = field + QLatin1String(".values");
    if (key.type != Type::Enum) {
        if (!values.isUndefined())
            return fieldError(valuesField, QStringLiteral("only enum keys have values"));
        return {};
    }
    if (!isStringArray(values) || values.toArray().isEmpty())
        return fieldError(valuesField, QStringLiteral("an enum needs a non-empty array of strings"));
    for (const QJsonValue &value : values.toArray()) {
        if (key.values.contains(value.toString()))
            return fieldError(valuesField, QStringLiteral("\"%1\" appears twice").arg(value.toString()));
        key.values.append(value.toString());
    }
    return {};
}

Result<void> readDescription(PluginConfigKey &key, const QJsonObject &schema, const QString &field)
{
    const QJsonValue secret = schema.value(QLatin1String("secret"));
    if (!secret.isUndefined() && !secret.isBool())
        return fieldError(field + QLatin1String(".secret"), QStringLiteral("expected true or false"));
    key.secret = secret.toBool(false);

    const QJsonValue description = schema.value(QLatin1String("description"));
    if (!description.isUndefined() && !description.isString())
        return fieldError(field + QLatin1String(".description"), QStringLiteral("expected a string"));
    key.description = description.toString();
    return {};
}

} // namespace

const char *PluginConfigKey::typeName(Type type)
{
    for (const auto &[name, candidate] : kTypeNames) {
        if (candidate == type)
            return name;
    }
    Q_UNREACHABLE();
}

/*!
    Reads the schema of config key `name`: its "type" (required), "default", "min" and
    "max" (int only), "values" (enum only, required there), "secret" and "description".
    A default must itself be a valid value of the key. The error message names the
    offending field as "config.<name>.<property>".
*/
Result<PluginConfigKey> PluginConfigKey::fromJson(const QString &name, const QJsonValue &schema)
{
    static const QRegularExpression nameFormat(QStringLiteral("^[a-z][a-z0-9_-]*$"));
    const QString field = QStringLiteral("config.") + name;
    if (!nameFormat.match(name).hasMatch()) {
        return fieldError(field, QStringLiteral("a key name is lower-case letters, digits, '_' and "
                                                "'-', starting with a letter"));
    }
    if (!schema.isObject())
        return fieldError(field, QStringLiteral("expected an object"));
    const QJsonObject object = schema.toObject();

    PluginConfigKey key;
    key.name = name;
    const std::optional<Type> type = parseType(object.value(QLatin1String("type")).toString());
    if (!type)
        return fieldError(field + QLatin1String(".type"),
                          QStringLiteral("expected one of string, int, bool, enum, list"));
    key.type = *type;

    for (auto read : {readBounds, readEnumValues, readDescription}) {
        if (Result<void> result = read(key, object, field); !result)
            return result.error();
    }

    key.defaultValue = object.value(QLatin1String("default"));
    if (!key.defaultValue.isUndefined()) {
        if (Result<void> valid = key.validate(key.defaultValue); !valid)
            return fieldError(field + QLatin1String(".default"), valid.error().message);
    }
    return key;
}

/*!
    Checks `value` against the key's type, bounds and allowed values. The message
    describes what was expected, for config errors that name the key.
*/
Result<void> PluginConfigKey::validate(const QJsonValue &value) const
{
    auto expected = [](const QString &what) {
        return makeError(ErrorCode::BadRequest, QStringLiteral("expected ") + what);
    };
    switch (type) {
    case Type::String:
        return value.isString() ? Result<void>() : expected(QStringLiteral("a string"));
    case Type::Bool:
        return value.isBool() ? Result<void>() : expected(QStringLiteral("true or false"));
    case Type::List:
        return isStringArray(value) ? Result<void>() : expected(QStringLiteral("a list of strings"));
    case Type::Enum:
        return value.isString() && values.contains(value.toString())
                   ? Result<void>()
                   : expected(QStringLiteral("one of ") + values.join(QStringLiteral(", ")));
    case Type::Int: {
        const std::optional<qint64> integer = toInteger(value);
        const bool inRange = integer && (!min || *integer >= *min) && (!max || *integer <= *max);
        if (inRange)
            return {};
        const QString range = QStringLiteral(" in [%1, %2]")
                                  .arg(min ? QString::number(*min) : QStringLiteral("-inf"),
                                       max ? QString::number(*max) : QStringLiteral("inf"));
        return expected(QStringLiteral("an integer") + (min || max ? range : QString()));
    }
    }
    Q_UNREACHABLE();
}

} // namespace sm
