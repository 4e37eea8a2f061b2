#include "config/config.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <numeric>

namespace sm {

namespace {

constexpr qsizetype kMaxSuggestionDistance = 2;

Error configError(const QString &message)
{
    return makeError(ErrorCode::BadRequest, message);
}

// QJsonParseError::offset points just past the character it stopped at; the position
// shown is that character's, as an editor counts it.
QString lineAndColumn(const QByteArray &text, qsizetype offset)
{
    const QByteArray before = text.left(std::max<qsizetype>(offset - 1, 0));
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = before.size() - (before.lastIndexOf('\n') + 1) + 1;
    return QStringLiteral("near line %1, column %2").arg(line).arg(column);
}

qsizetype editDistance(const QString &a, const QString &b)
{
    QList<qsizetype> previous(b.size() + 1);
    std::iota(previous.begin(), previous.end(), 0);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        QList<qsizetype> current(b.size() + 1);
        current[0] = i;
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const qsizetype substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        previous = std::move(current);
    }
    return previous.last();
}

// " (did you mean "session_ttl"?)" for a near miss among the known keys.
QString suggestion(const QString &name, const ConfigSchema &schema)
{
    QString best;
    qsizetype bestDistance = kMaxSuggestionDistance + 1;
    for (const QMap<QString, ConfigKey> *keys : {&schema.hostKeys(), &schema.pluginKeys()}) {
        for (const QString &candidate : keys->keys()) {
            const qsizetype distance = editDistance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
    }
    return best.isEmpty() ? QString() : QStringLiteral(" (did you mean \"%1\"?)").arg(best);
}

} // namespace

/*
 * Reads the config file's JSON: a flat object of keys, where plugin keys are
 * "<plugin-id>.<key>" or nested as {"plugins": {"<plugin-id>": {"<key>": ...}}}.
 * Values are checked later, by resolve(), once every key is known.
 */
Result<void> Config::loadFile(const QString &path)
{
    m_filePath = path;
    m_fileValues.clear();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return configError(
            QStringLiteral("%1: cannot read: %2").arg(fileLayer(), file.errorString()));
    const QByteArray text = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return configError(
            QStringLiteral("%1: invalid JSON at offset %2 (%3): %4")
                .arg(fileLayer(), QString::number(parseError.offset),
                    lineAndColumn(text, parseError.offset), parseError.errorString()));
    if (!document.isObject())
        return configError(fileLayer() + QStringLiteral(": the top level must be a JSON object"));
    const QJsonObject root = document.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != u"plugins") {
            if (Result<void> added = addFileValue(it.key(), it.value()); !added)
                return added;
            continue;
        }
        if (!it.value().isObject())
            return configError(fileLayer()
                + QStringLiteral(": \"plugins\" must be an object of "
                                 "objects, one per plugin id"));
        const QJsonObject plugins = it.value().toObject();
        for (auto plugin = plugins.begin(); plugin != plugins.end(); ++plugin) {
            if (!plugin.value().isObject())
                return configError(QStringLiteral("%1: \"plugins\".\"%2\" must be an object")
                                       .arg(fileLayer(), plugin.key()));
            const QJsonObject settings = plugin.value().toObject();
            for (auto setting = settings.begin(); setting != settings.end(); ++setting) {
                Result<void> added
                    = addFileValue(plugin.key() + u'.' + setting.key(), setting.value());
                if (!added)
                    return added;
            }
        }
    }
    return {};
}

Result<void> Config::addFileValue(const QString &key, const QJsonValue &value)
{
    if (m_fileValues.contains(key))
        return configError(QStringLiteral("%1: key \"%2\" is given twice (flat and under "
                                          "\"plugins\")")
                               .arg(fileLayer(), key));
    m_fileValues.insert(key, value);
    return {};
}

void Config::loadEnvironment(const QProcessEnvironment &environment)
{
    m_environment = environment;
}

Result<void> Config::loadSetArguments(const QStringList &assignments)
{
    for (qsizetype i = 0; i < assignments.size(); ++i) {
        const QString &assignment = assignments[i];
        const qsizetype equals = assignment.indexOf(u'=');
        // The argument itself is not echoed: without '=' it may be a misplaced secret.
        if (equals < 0)
            return configError(
                QStringLiteral("--set argument %1: expected key=value, found no '='").arg(i + 1));
        const QString key = assignment.left(equals).trimmed();
        if (key.isEmpty())
            return configError(
                QStringLiteral("--set argument %1: the key before '=' is empty").arg(i + 1));
        m_setValues.insert(key, assignment.mid(equals + 1));
    }
    return {};
}

Result<void> Config::registerPlugin(const QString &pluginId, const QJsonObject &configSchema)
{
    return m_schema.registerPlugin(pluginId, configSchema);
}

/*
 * Phase one: host keys only, so plugin discovery can read plugin_path and
 * disabled_plugins. Keys with a plugin prefix wait for resolve().
 */
Result<void> Config::resolveHost()
{
    return resolveKeys(Scope::HostKeys);
}

/*
 * Phase two, after every found plugin is registered: every value is checked against its
 * key, and every key given in the file or with --set must exist. All problems are
 * reported together, one per line, each naming the layer and the key.
 */
Result<void> Config::resolve()
{
    return resolveKeys(Scope::AllKeys);
}

Result<void> Config::resolveKeys(Scope scope)
{
    QStringList errors;
    m_effective.clear();
    for (const ConfigKey &key : m_schema.hostKeys())
        m_effective.insert(key.name, resolveKey(key, errors));
    if (scope == Scope::AllKeys) {
        for (const ConfigKey &key : m_schema.pluginKeys())
            m_effective.insert(key.name, resolveKey(key, errors));
    }
    for (auto it = m_fileValues.cbegin(); it != m_fileValues.cend(); ++it)
        checkKnown(it.key(), fileLayer(), scope, errors);
    for (auto it = m_setValues.cbegin(); it != m_setValues.cend(); ++it)
        checkKnown(it.key(), QStringLiteral("--set"), scope, errors);
    if (errors.isEmpty())
        return {};
    // Hash order is arbitrary; sorted, the report is the same on every run.
    errors.sort();
    return configError(errors.join(u'\n'));
}

Config::Effective Config::resolveKey(const ConfigKey &key, QStringList &errors) const
{
    Effective effective{key.defaultValue, QStringLiteral("default")};
    const auto apply = [&](const QJsonValue &raw, ConfigKey::Input input, const QString &layer,
                           const QString &source) {
        Result<QJsonValue> parsed = key.parse(raw, input);
        if (parsed)
            effective = Effective{parsed.value(), source};
        else
            errors.append(
                QStringLiteral("%1: key \"%2\": %3").arg(layer, key.name, parsed.error().message));
    };
    if (m_fileValues.contains(key.name))
        apply(m_fileValues.value(key.name), ConfigKey::Input::Json, fileLayer(),
            QStringLiteral("file ") + m_filePath);
    const QString envValue = m_environment.value(key.envName);
    if (!envValue.isEmpty()) {
        const QString layer = QStringLiteral("env ") + key.envName;
        apply(QJsonValue(envValue), ConfigKey::Input::Text, layer, layer);
    }
    if (m_setValues.contains(key.name))
        apply(QJsonValue(m_setValues.value(key.name)), ConfigKey::Input::Text,
            QStringLiteral("--set"), QStringLiteral("--set"));
    return effective;
}

void Config::checkKnown(
    const QString &name, const QString &layer, Scope scope, QStringList &errors) const
{
    if (m_schema.find(name))
        return;
    const qsizetype dot = name.indexOf(u'.');
    if (dot < 0 || m_schema.hasPlugin(name.left(dot))) {
        errors.append(QStringLiteral("%1: unknown key \"%2\"%3")
                          .arg(layer, name, suggestion(name, m_schema)));
        return;
    }
    const QString pluginId = name.left(dot);
    if (scope == Scope::HostKeys || list(QStringLiteral("disabled_plugins")).contains(pluginId))
        return;
    errors.append(QStringLiteral("%1: key \"%2\": no plugin \"%3\" was found (add it to "
                                 "disabled_plugins to keep its settings)")
                      .arg(layer, name, pluginId));
}

QString Config::fileLayer() const
{
    return QStringLiteral("config file ") + m_filePath;
}

QJsonValue Config::value(const QString &key) const
{
    return m_effective.value(key).value;
}

QStringList Config::list(const QString &key) const
{
    return value(key).toVariant().toStringList();
}

QList<Config::Entry> Config::entries() const
{
    QList<Entry> result;
    for (const QMap<QString, ConfigKey> *keys : {&m_schema.hostKeys(), &m_schema.pluginKeys()}) {
        for (const ConfigKey &key : *keys) {
            if (!m_effective.contains(key.name))
                continue;
            const Effective &effective = m_effective[key.name];
            result.append(Entry{key.name, key.display(effective.value), effective.source});
        }
    }
    return result;
}

QString Config::table() const
{
    const QList<Entry> rows = entries();
    qsizetype keyWidth = 0;
    qsizetype valueWidth = 0;
    for (const Entry &row : rows) {
        keyWidth = std::max(keyWidth, row.key.size());
        valueWidth = std::max(valueWidth, row.value.size());
    }
    QString text;
    for (const Entry &row : rows)
        text += row.key.leftJustified(keyWidth) + QLatin1String("  ")
            + row.value.leftJustified(valueWidth) + QLatin1String("  ") + row.source + u'\n';
    return text;
}

} // namespace sm
