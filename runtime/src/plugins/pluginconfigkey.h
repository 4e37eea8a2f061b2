#pragma once

#include <sm/result.h>

#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace sm {

// One entry of a plugin's "config" metadata object: a setting the plugin reads with
// HostContext::setting("<name>"), set by operators as "<plugin-id>.<name>".
struct PluginConfigKey {
    enum class Type { String, Int, Bool, Enum, List };

    QString name;
    Type type = Type::String;
    QJsonValue defaultValue;   // Undefined when the metadata gives none
    std::optional<qint64> min; // Int only
    std::optional<qint64> max; // Int only
    QStringList values;        // Enum only: the allowed values
    bool secret = false;       // never logged or shown in clear
    QString description;

    static const char *typeName(Type type);
    // The entry `schema` of config key `name`; errors name the field ("config.<name>.<key>").
    static Result<PluginConfigKey> fromJson(const QString &name, const QJsonValue &schema);
    // Whether `value` is a valid value of this key; the error says what was expected.
    Result<void> validate(const QJsonValue &value) const;
};

} // namespace sm
