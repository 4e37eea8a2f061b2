#include "config/configkey.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>
#include <optional>
#include <utility>

namespace sm {

namespace {

constexpr qsizetype kMaxShownValue = 80;

bool isListType(ConfigType type)
{
    return type == ConfigType::List || type == ConfigType::AddressList
        || type == ConfigType::SubnetList;
}

bool isIntegerType(ConfigType type)
{
    return type == ConfigType::Int || type == ConfigType::Duration;
}

// "host:port", "[v6]:port"; an empty host or an unbracketed IPv6 address is refused.
bool isAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    const QString host = text.left(colon);
    const QString port = text.mid(colon + 1);
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
    if (!digits.match(port).hasMatch() || port.toInt() > 65535)
        return false;
    if (host.startsWith(u'['))
        return host.endsWith(u']')
            && QHostAddress(host.mid(1, host.size() - 2)).protocol()
            == QAbstractSocket::IPv6Protocol;
    static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9._-]+$"));
    return hostName.match(host).hasMatch();
}

bool isAddressOrSubnet(const QString &text)
{
    if (text.contains(u'/'))
        return !QHostAddress::parseSubnet(text).first.isNull();
    return !QHostAddress(text).isNull();
}

bool isValidItem(ConfigType type, const QString &item)
{
    switch (type) {
    case ConfigType::AddressList: return isAddress(item);
    case ConfigType::SubnetList: return isAddressOrSubnet(item);
    default: return true;
    }
}

std::optional<qint64> integerFromJson(const QJsonValue &raw)
{
    if (!raw.isDouble())
        return std::nullopt;
    const double number = raw.toDouble();
    // 2^53: beyond it a JSON number no longer identifies one integer.
    constexpr double kLargestExact = 9007199254740992.0;
    if (std::trunc(number) != number || std::fabs(number) > kLargestExact)
        return std::nullopt;
    return static_cast<qint64>(number);
}

std::optional<qint64> integerFromText(const QString &text)
{
    bool ok = false;
    const qint64 number = text.trimmed().toLongLong(&ok);
    return ok ? std::optional<qint64>(number) : std::nullopt;
}

std::optional<bool> boolFromText(const QString &text)
{
    const QString word = text.trimmed().toLower();
    if (word == u"true" || word == u"1" || word == u"yes" || word == u"on")
        return true;
    if (word == u"false" || word == u"0" || word == u"no" || word == u"off")
        return false;
    return std::nullopt;
}

std::optional<bool> boolFromJson(const QJsonValue &raw)
{
    return raw.isBool() ? std::optional<bool>(raw.toBool()) : std::nullopt;
}

QString shown(QString text)
{
    if (text.size() > kMaxShownValue)
        text = text.left(kMaxShownValue) + QStringLiteral("…");
    return text;
}

QString jsonText(const QJsonValue &value)
{
    // QJsonDocument only writes arrays and objects: wrap the value and drop the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

const QHash<QString, ConfigType> &metadataTypes()
{
    static const QHash<QString, ConfigType> types = {
        {QStringLiteral("string"), ConfigType::String},
        {QStringLiteral("int"), ConfigType::Int},
        {QStringLiteral("duration"), ConfigType::Duration},
        {QStringLiteral("bool"), ConfigType::Bool},
        {QStringLiteral("enum"), ConfigType::Enum},
        {QStringLiteral("list"), ConfigType::List},
        {QStringLiteral("address"), ConfigType::Address},
    };
    return types;
}

Result<QJsonValue> implicitDefault(const ConfigKey &key)
{
    switch (key.type) {
    case ConfigType::Bool: return QJsonValue(false);
    case ConfigType::Int:
    case ConfigType::Duration: return key.parse(QJsonValue(0), ConfigKey::Input::Json);
    case ConfigType::Enum: return QJsonValue(key.values.first());
    case ConfigType::List:
    case ConfigType::AddressList:
    case ConfigType::SubnetList: return QJsonValue(QJsonArray());
    default: return key.parse(QJsonValue(QString()), ConfigKey::Input::Json);
    }
}

Result<void> readLimits(ConfigKey &key, const QJsonObject &spec)
{
    for (const char *bound : {"min", "max"}) {
        if (!spec.contains(QLatin1String(bound)))
            continue;
        const std::optional<qint64> limit = integerFromJson(spec.value(QLatin1String(bound)));
        if (!limit || !isIntegerType(key.type))
            return makeError(ErrorCode::BadRequest,
                QStringLiteral("\"%1\" must be an integer and only given for int "
                               "or duration keys")
                    .arg(QLatin1String(bound)));
        (qstrcmp(bound, "min") == 0 ? key.min : key.max) = *limit;
    }
    if (key.type == ConfigType::Duration)
        key.min = std::max<qint64>(key.min, 0);
    if (key.min > key.max)
        return makeError(ErrorCode::BadRequest, QStringLiteral("\"min\" is above \"max\""));
    return {};
}

Result<void> readEnumValues(ConfigKey &key, const QJsonObject &spec)
{
    if (key.type != ConfigType::Enum)
        return spec.contains(u"values")
            ? makeError(ErrorCode::BadRequest, QStringLiteral("\"values\" is only for enum keys"))
            : Result<void>();
    const QJsonArray values = spec.value(u"values").toArray();
    for (const QJsonValue &value : values) {
        if (!value.isString() || value.toString().isEmpty())
            return makeError(
                ErrorCode::BadRequest, QStringLiteral("\"values\" must hold non-empty strings"));
        if (key.values.contains(value.toString()))
            return makeError(ErrorCode::BadRequest,
                QStringLiteral("\"values\" lists \"%1\" twice").arg(value.toString()));
        key.values.append(value.toString());
    }
    if (key.values.isEmpty())
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("an enum key needs a non-empty \"values\" array"));
    return {};
}

Result<void> readPluginSpec(ConfigKey &key, const QJsonValue &specValue)
{
    if (!specValue.isObject())
        return makeError(ErrorCode::BadRequest, QStringLiteral("the key's spec must be an object"));
    const QJsonObject spec = specValue.toObject();
    static const QStringList fields = {QStringLiteral("type"), QStringLiteral("default"),
        QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("values"),
        QStringLiteral("secret"), QStringLiteral("description")};
    for (const QString &field : spec.keys()) {
        if (!fields.contains(field))
            return makeError(
                ErrorCode::BadRequest, QStringLiteral("unknown field \"%1\"").arg(field));
    }
    const QString typeName = spec.value(u"type").toString();
    if (!metadataTypes().contains(typeName))
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("\"type\" must be one of string, int, duration, bool, "
                           "enum, list, address"));
    key.type = metadataTypes().value(typeName);
    if (spec.contains(u"secret") && !spec.value(u"secret").isBool())
        return makeError(ErrorCode::BadRequest, QStringLiteral("\"secret\" must be true or false"));
    key.secret = spec.value(u"secret").toBool();
    if (spec.contains(u"description") && !spec.value(u"description").isString())
        return makeError(ErrorCode::BadRequest, QStringLiteral("\"description\" must be a string"));
    key.description = spec.value(u"description").toString();
    if (Result<void> limits = readLimits(key, spec); !limits)
        return limits;
    if (Result<void> values = readEnumValues(key, spec); !values)
        return values;
    Result<QJsonValue> defaultValue = spec.contains(u"default")
        ? key.parse(spec.value(u"default"), ConfigKey::Input::Json)
        : implicitDefault(key);
    if (!defaultValue)
        return makeError(
            ErrorCode::BadRequest, QStringLiteral("default: %1").arg(defaultValue.error().message));
    key.defaultValue = defaultValue.value();
    return {};
}

} // namespace

/*
 * Builds the key "<pluginId>.<key>" from one entry of a plugin's metadata "config"
 * object. Errors name the plugin and the key.
 */
Result<ConfigKey> ConfigKey::fromPluginMetadata(
    const QString &pluginId, const QString &key, const QJsonValue &spec)
{
    const QString where = QStringLiteral("plugin \"%1\": config key \"%2\": ").arg(pluginId, key);
    static const QRegularExpression keyName(QStringLiteral("^[a-z][a-z0-9_-]*$"));
    if (!keyName.match(key).hasMatch())
        return makeError(ErrorCode::BadRequest,
            where + QStringLiteral("names use a-z, 0-9, '_' and '-', starting with a letter"));
    ConfigKey result;
    result.name = pluginId + u'.' + key;
    result.envName = pluginEnvName(pluginId, key);
    if (Result<void> read = readPluginSpec(result, spec); !read)
        return makeError(ErrorCode::BadRequest, where + read.error().message);
    return result;
}

/*
 * SM_<PLUGIN_ID>_<KEY>: upper case, '-' and '.' become '_'.
 */
QString ConfigKey::pluginEnvName(const QString &pluginId, const QString &key)
{
    QString name = QStringLiteral("SM_%1_%2").arg(pluginId, key).toUpper();
    name.replace(u'-', u'_').replace(u'.', u'_');
    return name;
}

/*
 * Checks and converts one raw value. The error message says what was expected and,
 * unless the key is secret, what was given; the caller adds the key and the layer.
 */
Result<QJsonValue> ConfigKey::parse(const QJsonValue &raw, Input input) const
{
    return isListType(type) ? parseList(raw, input) : parseScalar(raw, input);
}

Result<QJsonValue> ConfigKey::parseScalar(const QJsonValue &raw, Input input) const
{
    const bool isText = input == Input::Text;
    switch (type) {
    case ConfigType::Int:
    case ConfigType::Duration: {
        const std::optional<qint64> number
            = isText ? integerFromText(raw.toString()) : integerFromJson(raw);
        if (!number || *number < min || *number > max)
            return mismatch(raw, input);
        return QJsonValue(*number);
    }
    case ConfigType::Bool: {
        const std::optional<bool> flag = isText ? boolFromText(raw.toString()) : boolFromJson(raw);
        return flag ? Result<QJsonValue>(QJsonValue(*flag)) : mismatch(raw, input);
    }
    case ConfigType::Enum:
        // Matched without case so SM_LOG_LEVEL=DEBUG works; the canonical spelling is kept.
        for (const QString &value : values) {
            if (raw.isString() && raw.toString().trimmed().compare(value, Qt::CaseInsensitive) == 0)
                return QJsonValue(value);
        }
        return mismatch(raw, input);
    case ConfigType::Address:
        if (raw.isString() && isAddress(raw.toString().trimmed()))
            return QJsonValue(raw.toString().trimmed());
        return mismatch(raw, input);
    default: return raw.isString() ? Result<QJsonValue>(raw) : mismatch(raw, input);
    }
}

Result<QJsonValue> ConfigKey::parseList(const QJsonValue &raw, Input input) const
{
    QStringList items;
    if (input == Input::Text) {
        for (const QString &item : raw.toString().split(u',')) {
            if (!item.trimmed().isEmpty())
                items.append(item.trimmed());
        }
    } else if (raw.isArray()) {
        for (const QJsonValue &item : raw.toArray()) {
            if (!item.isString())
                return mismatch(raw, input);
            items.append(item.toString());
        }
    } else {
        return mismatch(raw, input);
    }
    for (const QString &item : std::as_const(items)) {
        if (!isValidItem(type, item))
            return makeError(ErrorCode::BadRequest,
                secret ? QStringLiteral("expected %1").arg(expectation())
                       : QStringLiteral("expected %1, got item \"%2\"")
                             .arg(expectation(), shown(item)));
    }
    return QJsonValue(QJsonArray::fromStringList(items));
}

Error ConfigKey::mismatch(const QJsonValue &raw, Input input) const
{
    if (secret)
        return makeError(ErrorCode::BadRequest, QStringLiteral("expected %1").arg(expectation()));
    const QString given = input == Input::Text ? u'"' + raw.toString() + u'"' : jsonText(raw);
    return makeError(ErrorCode::BadRequest,
        QStringLiteral("expected %1, got %2").arg(expectation(), shown(given)));
}

QString ConfigKey::expectation() const
{
    QString range;
    if (min != kNoMin && max != kNoMax)
        range = QStringLiteral(" between %1 and %2").arg(min).arg(max);
    else if (min != kNoMin)
        range = QStringLiteral(" ≥ %1").arg(min);
    else if (max != kNoMax)
        range = QStringLiteral(" ≤ %1").arg(max);

    switch (type) {
    case ConfigType::String: return QStringLiteral("a string");
    case ConfigType::Int: return QStringLiteral("an integer") + range;
    case ConfigType::Duration: return QStringLiteral("a duration in seconds") + range;
    case ConfigType::Bool: return QStringLiteral("true or false");
    case ConfigType::Enum: return QStringLiteral("one of ") + values.join(QStringLiteral(", "));
    case ConfigType::List: return QStringLiteral("a list of strings");
    case ConfigType::Address: return QStringLiteral("host:port with a port in 0..65535");
    case ConfigType::AddressList: return QStringLiteral("a list of host:port addresses");
    case ConfigType::SubnetList: return QStringLiteral("a list of IP addresses or CIDR subnets");
    }
    return QString();
}

QString ConfigKey::display(const QJsonValue &value) const
{
    QString text;
    if (value.isArray())
        text = value.toVariant().toStringList().join(u',');
    else if (value.isBool())
        text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    else if (value.isDouble())
        text = QString::number(value.toInteger());
    else
        text = value.toString();
    // An unset secret stays visible as empty: the operator can see it is not configured.
    return secret && !text.isEmpty() ? QStringLiteral("<redacted>") : text;
}

QString ConfigKey::typeName() const
{
    QString compactRange;
    if (min != kNoMin && max != kNoMax)
        compactRange = QStringLiteral(" %1..%2").arg(min).arg(max);
    else if (min != kNoMin)
        compactRange = QStringLiteral(" ≥ %1").arg(min);
    else if (max != kNoMax)
        compactRange = QStringLiteral(" ≤ %1").arg(max);

    switch (type) {
    case ConfigType::String: return QStringLiteral("string");
    case ConfigType::Int: return QStringLiteral("int") + compactRange;
    case ConfigType::Duration: return QStringLiteral("seconds") + compactRange;
    case ConfigType::Bool: return QStringLiteral("bool");
    case ConfigType::Enum: return QStringLiteral("enum: ") + values.join(u'|');
    case ConfigType::List: return QStringLiteral("list");
    case ConfigType::Address: return QStringLiteral("host:port");
    case ConfigType::AddressList: return QStringLiteral("list of host:port");
    case ConfigType::SubnetList: return QStringLiteral("list of IPs/CIDRs");
    }
    return QString();
}

} // namespace sm
