#include "pluginmetadata.h"

#include <sm/version.h>

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <utility>

namespace sm {

namespace {

constexpr std::array<std::pair<const char *, PluginKind>, 3> kKindNames{{
    {"store", PluginKind::Store},
    {"transport", PluginKind::Transport},
    {"backend", PluginKind::Backend},
}};

Error fieldError(const QString &field, const QString &problem)
{
    return makeError(ErrorCode::BadRequest, QStringLiteral("field \"%1\": %2").arg(field, problem));
}

bool isPluginId(const QString &text)
{
    static const QRegularExpression format(QStringLiteral("^[a-z0-9-]+$"));
    return format.match(text).hasMatch();
}

Result<QString> readOptionalString(const QJsonObject &object, const QString &field)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined())
        return QString();
    if (!value.isString())
        return fieldError(field, QStringLiteral("expected a string"));
    return value.toString();
}

Result<PluginVersion> readVersion(const QJsonValue &value, const QString &field)
{
    const std::optional<PluginVersion> version = PluginVersion::parse(value.toString());
    if (!value.isString() || !version)
        return fieldError(field, QStringLiteral("expected a version \"major.minor.patch\""));
    return *version;
}

Result<void> readIdentity(PluginMetadata &metadata, const QJsonObject &object)
{
    const QJsonValue id = object.value(QLatin1String("id"));
    if (id.isUndefined())
        return fieldError(QStringLiteral("id"), QStringLiteral("missing"));
    if (!id.isString() || !isPluginId(id.toString()))
        return fieldError(QStringLiteral("id"),
                          QStringLiteral("expected lower-case letters, digits and '-'"));
    metadata.id = id.toString();

    const QJsonValue kindValue = object.value(QLatin1String("kind"));
    if (kindValue.isUndefined())
        return fieldError(QStringLiteral("kind"), QStringLiteral("missing"));
    const QString kindName = kindValue.toString();
    const std::optional<PluginKind> kind = parsePluginKind(kindName);
    if (!kind) {
        return fieldError(QStringLiteral("kind"),
                          QStringLiteral("\"%1\" is not one of store, transport, backend").arg(kindName));
    }
    metadata.kind = *kind;

    Result<QString> name = readOptionalString(object, QStringLiteral("name"));
    if (!name)
        return name.error();
    metadata.name = name->isEmpty() ? metadata.id : name.value();
    Result<QString> description = readOptionalString(object, QStringLiteral("description"));
    if (!description)
        return description.error();
    metadata.description = description.value();
    return {};
}

// "sdk" is "major.minor": the host loads a plugin built for the same major version and
// a minor version no newer than its own (an older minor only lacks additions).
Result<void> readSdk(PluginMetadata &metadata, const QJsonObject &object)
{
    static const QRegularExpression format(QStringLiteral("^(\\d{1,9})\\.(\\d{1,9})$"));
    const QJsonValue sdk = object.value(QLatin1String("sdk"));
    const QRegularExpressionMatch match = format.match(sdk.toString());
    if (!sdk.isString() || !match.hasMatch())
        return fieldError(QStringLiteral("sdk"), QStringLiteral("expected an SDK version \"major.minor\""));
    metadata.sdkMajor = match.captured(1).toInt();
    metadata.sdkMinor = match.captured(2).toInt();
    if (metadata.sdkMajor != kSdkVersionMajor || metadata.sdkMinor > kSdkVersionMinor) {
        return fieldError(QStringLiteral("sdk"),
                          QStringLiteral("built for SDK %1, this host provides SDK %2 (needs the same "
                                         "major version and a minor version no newer than the host's)")
                              .arg(sdk.toString(), QLatin1String(kSdkVersionString)));
    }
    return {};
}

Result<void> readVersions(PluginMetadata &metadata, const QJsonObject &object)
{
    Result<PluginVersion> version =
        readVersion(object.value(QLatin1String("version")), QStringLiteral("version"));
    if (!version)
        return version.error();
    metadata.version = version.value();

    const QJsonValue compat = object.value(QLatin1String("compatVersion"));
    metadata.compatVersion = metadata.version;
    if (!compat.isUndefined()) {
        Result<PluginVersion> compatVersion = readVersion(compat, QStringLiteral("compatVersion"));
        if (!compatVersion)
            return compatVersion.error();
        if (compatVersion.value() > metadata.version) {
            return fieldError(QStringLiteral("compatVersion"),
                              QStringLiteral("%1 is newer than version %2")
                                  .arg(compatVersion->toString(), metadata.version.toString()));
        }
        metadata.compatVersion = compatVersion.value();
    }
    return readSdk(metadata, object);
}

Result<PluginDependency> readDependency(const QJsonValue &entry, const QString &field)
{
    if (!entry.isObject())
        return fieldError(field, QStringLiteral("expected an object {\"id\", \"version\"}"));
    const QJsonValue id = entry.toObject().value(QLatin1String("id"));
    if (!id.isString() || !isPluginId(id.toString()))
        return fieldError(field + QLatin1String(".id"), QStringLiteral("expected a plugin id"));
    Result<PluginVersion> version =
        readVersion(entry.toObject().value(QLatin1String("version")), field + QLatin1String(".version"));
    if (!version)
        return version.error();
    return PluginDependency{id.toString(), version.value()};
}

Result<void> readDependencies(PluginMetadata &metadata, const QJsonObject &object)
{
    const QJsonValue dependencies = object.value(QLatin1String("dependencies"));
    if (dependencies.isUndefined())
        return {};
    if (!dependencies.isArray())
        return fieldError(QStringLiteral("dependencies"), QStringLiteral("expected an array"));
    const QJsonArray entries = dependencies.toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString field = QStringLiteral("dependencies[%1]").arg(i);
        Result<PluginDependency> dependency = readDependency(entries.at(i), field);
        if (!dependency)
            return dependency.error();
        const bool listedTwice =
            std::any_of(metadata.dependencies.cbegin(), metadata.dependencies.cend(),
                        [&](const PluginDependency &d) { return d.id == dependency->id; });
        if (listedTwice)
            return fieldError(field + QLatin1String(".id"),
                              QStringLiteral("\"%1\" is listed twice").arg(dependency->id));
        metadata.dependencies.append(dependency.value());
    }
    return {};
}

Result<void> readConfig(PluginMetadata &metadata, const QJsonObject &object)
{
    const QJsonValue config = object.value(QLatin1String("config"));
    if (config.isUndefined())
        return {};
    if (!config.isObject())
        return fieldError(QStringLiteral("config"), QStringLiteral("expected an object of config keys"));
    const QJsonObject keys = config.toObject();
    for (auto it = keys.begin(); it != keys.end(); ++it) {
        // The error names the plugin and the key; fromJson() prefixes the file.
        Result<ConfigKey> key = ConfigKey::fromPluginMetadata(metadata.id, it.key(), it.value());
        if (!key)
            return key.error();
        metadata.config.append(key.value());
    }
    return {};
}

} // namespace

const char *pluginKindName(PluginKind kind)
{
    for (const auto &[name, candidate] : kKindNames) {
        if (candidate == kind)
            return name;
    }
    Q_UNREACHABLE();
}

std::optional<PluginKind> parsePluginKind(const QString &name)
{
    for (const auto &[kindName, kind] : kKindNames) {
        if (name == QLatin1String(kindName))
            return kind;
    }
    return std::nullopt;
}

/*!
    Validates the "MetaData" object of a plugin library: "id" ([a-z0-9-]+), "kind",
    "version" and optional "compatVersion" (x.y.z, compatVersion <= version), "sdk"
    (major.minor, compatible with this host's SDK), optional "name", "description",
    "dependencies" ([{id, version}]) and "config" (key schemas). Unknown fields are
    ignored so that newer metadata stays readable. The first problem found is reported
    as "<file>: field "<name>": <problem>".
*/
Result<PluginMetadata> PluginMetadata::fromJson(const QJsonObject &metaData, const QString &file)
{
    PluginMetadata metadata;
    for (auto read : {readIdentity, readVersions, readDependencies, readConfig}) {
        if (Result<void> result = read(metadata, metaData); !result)
            return makeError(ErrorCode::BadRequest, file + QStringLiteral(": ") + result.error().message);
    }
    return metadata;
}

/*!
    A plugin stands in for any version from its compatVersion up to its version, both
    included: a dependent built against 1.1.0 runs with a 1.3.0 whose compatVersion is
    1.0.0, but not with a 1.0.5 (too old) nor with a 2.0.0 whose compatVersion is 2.0.0.
*/
bool PluginMetadata::provides(const PluginVersion &wanted) const
{
    return compatVersion <= wanted && wanted <= version;
}

const ConfigKey *PluginMetadata::configKey(const QString &name) const
{
    const QString fullName = id + u'.' + name;
    for (const ConfigKey &key : config) {
        if (key.name == fullName)
            return &key;
    }
    return nullptr;
}

} // namespace sm
