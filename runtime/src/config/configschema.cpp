#include "config/configschema.h"

#include <QtGlobal>

#include <algorithm>

namespace sm {

namespace {

struct HostKeySpec {
    const char *name;
    const char *envName;
    ConfigType type;
    const char *defaultText; // read like an environment value
    const char *description;
    qint64 min = ConfigKey::kNoMin;
    qint64 max = ConfigKey::kNoMax;
    const char *enumValues = ""; // '|'-separated
    bool secret = false;
};

constexpr qint64 kGiB = 1024 * 1024 * 1024;

// The one table of host keys: defaults, validation, `session-manager config` and the
// README table all come from it. Environment names are part of the external contract.
// clang-format off
constexpr HostKeySpec kHostKeys[] = {
    {.name = "http_listen", .envName = "SM_HTTP_LISTEN", .type = ConfigType::Address,
     .defaultText = "127.0.0.1:8080",
     .description = "HTTP listener: REST, SSE, health, metrics, dashboard"},
    {.name = "grpc_listen", .envName = "SM_GRPC_LISTEN", .type = ConfigType::Address,
     .defaultText = "127.0.0.1:50051", .description = "gRPC listener"},
    {.name = "store", .envName = "SM_STORE", .type = ConfigType::String, .defaultText = "sqlite",
     .description = "Session store; the plugin used is store-<value>"},
    {.name = "data_dir", .envName = "SM_DATA_DIR", .type = ConfigType::String,
     .defaultText = "./data", .description = "Directory for local state (SQLite file, jwt-secret)"},
    {.name = "db_host", .envName = "DB_HOST", .type = ConfigType::String,
     .defaultText = "127.0.0.1", .description = "PostgreSQL host"},
    {.name = "db_port", .envName = "DB_PORT", .type = ConfigType::Int, .defaultText = "5432",
     .description = "PostgreSQL port", .min = 1, .max = 65535},
    {.name = "db_name", .envName = "SM_DB_NAME", .type = ConfigType::String,
     .defaultText = "session_manager", .description = "PostgreSQL database"},
    {.name = "db_user", .envName = "SM_DB_USER", .type = ConfigType::String,
     .defaultText = "postgres", .description = "PostgreSQL user"},
    {.name = "db_password", .envName = "SM_DB_PASSWORD", .type = ConfigType::String,
     .defaultText = "", .description = "PostgreSQL password", .secret = true},
    {.name = "db_dsn", .envName = "SM_DB_DSN", .type = ConfigType::String, .defaultText = "",
     .description = "libpq key=value string or postgresql:// URI; overrides the db_* keys",
     .secret = true},
    {.name = "session_ttl", .envName = "SESSION_TTL", .type = ConfigType::Duration,
     .defaultText = "3600", .description = "Absolute session lifetime (s)", .min = 1},
    {.name = "idle_timeout", .envName = "SM_IDLE_TIMEOUT", .type = ConfigType::Duration,
     .defaultText = "900", .description = "Idle timeout (s); 0 = none", .min = 0},
    {.name = "max_ttl", .envName = "SM_MAX_TTL", .type = ConfigType::Duration,
     .defaultText = "86400", .description = "Largest ttl a client may ask for (s)", .min = 1},
    {.name = "worker_count", .envName = "WORKER_COUNT", .type = ConfigType::Int,
     .defaultText = "4", .description = "Local worker processes to spawn", .min = 0, .max = 256},
    {.name = "workers", .envName = "SM_WORKERS", .type = ConfigType::AddressList,
     .defaultText = "", .description = "Remote worker addresses"},
    {.name = "worker_heartbeat_interval", .envName = "SM_WORKER_HEARTBEAT_INTERVAL",
     .type = ConfigType::Int, .defaultText = "200", .description = "Worker ping interval (ms)",
     .min = 10, .max = 60000},
    {.name = "worker_heartbeat_misses", .envName = "SM_WORKER_HEARTBEAT_MISSES",
     .type = ConfigType::Int, .defaultText = "3",
     .description = "Missed heartbeats after which a worker counts as dead", .min = 1, .max = 100},
    {.name = "worker_load_factor", .envName = "SM_WORKER_LOAD_FACTOR", .type = ConfigType::Int,
     .defaultText = "125",
     .description = "Router load bound, percent of the average worker load", .min = 100,
     .max = 1000},
    {.name = "worker_snapshot_interval", .envName = "SM_WORKER_SNAPSHOT_INTERVAL",
     .type = ConfigType::Int, .defaultText = "1000",
     .description = "How often workers snapshot a changing session (ms)", .min = 10,
     .max = 3600000},
    {.name = "worker_request_timeout", .envName = "SM_WORKER_REQUEST_TIMEOUT",
     .type = ConfigType::Int, .defaultText = "5000",
     .description = "A worker request unanswered after this answers 503 (ms)", .min = 10,
     .max = 600000},
    {.name = "worker_idle_timeout", .envName = "SM_WORKER_IDLE_TIMEOUT",
     .type = ConfigType::Duration, .defaultText = "300",
     .description = "A session's back-end without requests or open streams for this long is "
                    "parked to a snapshot and restored on its next request (s); 0 = never",
     .min = 0},
    {.name = "jwt_secret", .envName = "SM_JWT_SECRET", .type = ConfigType::String,
     .defaultText = "",
     .description = "HS256 secret, ≥ 32 bytes; empty = generated into <data_dir>/jwt-secret",
     .secret = true},
    {.name = "jwt_clock_skew", .envName = "SM_JWT_CLOCK_SKEW", .type = ConfigType::Duration,
     .defaultText = "30", .description = "Tolerance for JWT exp/nbf/iat (s)", .min = 0,
     .max = 3600},
    {.name = "api_keys", .envName = "SM_API_KEYS", .type = ConfigType::List, .defaultText = "",
     .description = "API keys: <key>:<role>[:<user>], role user|service|admin", .secret = true},
    {.name = "plugin_path", .envName = "SM_PLUGIN_PATH", .type = ConfigType::List,
     .defaultText = "", .description = "Extra plugin directories"},
    {.name = "disabled_plugins", .envName = "SM_DISABLED_PLUGINS", .type = ConfigType::List,
     .defaultText = "", .description = "Plugin ids not to load (their config keys are ignored)"},
    {.name = "log_level", .envName = "SM_LOG_LEVEL", .type = ConfigType::Enum,
     .defaultText = "info", .description = "Lowest level logged",
     .enumValues = "debug|info|warning|error"},
    {.name = "backend", .envName = "SM_BACKEND", .type = ConfigType::String,
     .defaultText = "exchange-sim", .description = "Id of the back-end plugin workers run"},
    {.name = "cors_origins", .envName = "SM_CORS_ORIGINS", .type = ConfigType::List,
     .defaultText = "", .description = "Allowed CORS origins; \"*\" = any, without credentials"},
    {.name = "trusted_proxies", .envName = "SM_TRUSTED_PROXIES", .type = ConfigType::SubnetList,
     .defaultText = "", .description = "Peers whose Forwarded/X-Forwarded-For is believed"},
    {.name = "http_max_body", .envName = "SM_HTTP_MAX_BODY", .type = ConfigType::Int,
     .defaultText = "1048576", .description = "Largest request body (bytes)", .min = 1,
     .max = kGiB},
    {.name = "http_idle_timeout", .envName = "SM_HTTP_IDLE_TIMEOUT", .type = ConfigType::Duration,
     .defaultText = "60", .description = "Idle HTTP connections are closed after (s)", .min = 1},
    {.name = "stream_history", .envName = "SM_STREAM_HISTORY", .type = ConfigType::Int,
     .defaultText = "1024", .description = "Events kept per session for resumption", .min = 1,
     .max = 1000000},
    {.name = "stream_max_backlog", .envName = "SM_STREAM_MAX_BACKLOG", .type = ConfigType::Int,
     .defaultText = "1048576", .description = "Unsent bytes per subscriber before it is dropped",
     .min = 1024, .max = kGiB},
    {.name = "sweep_interval", .envName = "SM_SWEEP_INTERVAL", .type = ConfigType::Duration,
     .defaultText = "5", .description = "How often expired sessions are swept (s)", .min = 1},
    {.name = "session_retention", .envName = "SM_SESSION_RETENTION",
     .type = ConfigType::Duration, .defaultText = "86400",
     .description = "Final sessions are purged after (s)", .min = 0},
    {.name = "drain_window", .envName = "SM_DRAIN_WINDOW", .type = ConfigType::Duration,
     .defaultText = "10", .description = "Draining spreads reconnect advice to clients over (s)", .min = 0,
     .max = 3600},
    {.name = "quality_threshold", .envName = "SM_QUALITY_THRESHOLD", .type = ConfigType::Int,
     .defaultText = "50", .description = "Connections scoring below this (0-100) are advised to reconnect",
     .min = 0, .max = 100},
};
// clang-format on

ConfigKey hostKey(const HostKeySpec &spec)
{
    ConfigKey key;
    key.name = QString::fromLatin1(spec.name);
    key.envName = QString::fromLatin1(spec.envName);
    key.type = spec.type;
    key.min = spec.min;
    key.max = spec.max;
    key.values = QString::fromLatin1(spec.enumValues).split(u'|', Qt::SkipEmptyParts);
    key.secret = spec.secret;
    key.description = QString::fromUtf8(spec.description);
    Result<QJsonValue> defaultValue
        = key.parse(QJsonValue(QString::fromLatin1(spec.defaultText)), ConfigKey::Input::Text);
    if (!defaultValue)
        qFatal("host config key %s: bad default: %s", spec.name,
            qPrintable(defaultValue.error().message));
    key.defaultValue = defaultValue.value();
    return key;
}

// '|' would end the cell and "<key>" would be read as an HTML tag.
QString markdownCell(QString text)
{
    return text.replace(u'|', QStringLiteral("\\|"))
        .replace(u'<', QStringLiteral("&lt;"))
        .replace(u'>', QStringLiteral("&gt;"));
}

} // namespace

ConfigSchema::ConfigSchema()
{
    for (const HostKeySpec &spec : kHostKeys)
        m_hostKeys.insert(QString::fromLatin1(spec.name), hostKey(spec));
}

QString ConfigSchema::hostKeysMarkdown()
{
    QString table = QStringLiteral("| key | environment | default | type | description |\n"
                                   "|---|---|---|---|---|\n");
    for (const HostKeySpec &spec : kHostKeys) {
        const ConfigKey key = hostKey(spec);
        table += QStringLiteral("| `%1` | `%2` | %3 | %4 | %5%6 |\n")
                     .arg(key.name, key.envName,
                         *spec.defaultText
                             ? QStringLiteral("`%1`").arg(QLatin1String(spec.defaultText))
                             : QString(),
                         markdownCell(key.typeName()), markdownCell(key.description),
                         key.secret ? QStringLiteral(" (secret)") : QString());
    }
    return table;
}

/*
 * Registers a plugin's keys. Besides each key's own checks, an environment name that
 * would shadow another key's (plugin "db" key "name" → SM_DB_NAME) is refused.
 */
Result<void> ConfigSchema::registerPlugin(const QString &pluginId, const QJsonObject &config)
{
    if (pluginId.isEmpty() || pluginId.contains(u'.'))
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("plugin id \"%1\": must be non-empty without '.'").arg(pluginId));
    if (m_plugins.contains(pluginId))
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("plugin \"%1\": config registered twice").arg(pluginId));
    QList<ConfigKey> keys;
    for (auto it = config.begin(); it != config.end(); ++it) {
        Result<ConfigKey> key = ConfigKey::fromPluginMetadata(pluginId, it.key(), it.value());
        if (!key)
            return key.error();
        const auto sameEnvName
            = [&](const ConfigKey &other) { return other.envName == key->envName; };
        const auto pending = std::find_if(keys.cbegin(), keys.cend(), sameEnvName);
        const ConfigKey *clash = pending != keys.cend() ? &*pending : findByEnvName(key->envName);
        if (clash)
            return makeError(ErrorCode::BadRequest,
                QStringLiteral("plugin \"%1\": config key \"%2\": environment name "
                               "%3 is already used by \"%4\"")
                    .arg(pluginId, it.key(), key->envName, clash->name));
        keys.append(std::move(key).value());
    }
    for (ConfigKey &key : keys)
        m_pluginKeys.insert(key.name, std::move(key));
    m_plugins.insert(pluginId);
    return {};
}

const ConfigKey *ConfigSchema::find(const QString &name) const
{
    if (auto it = m_hostKeys.constFind(name); it != m_hostKeys.cend())
        return &*it;
    if (auto it = m_pluginKeys.constFind(name); it != m_pluginKeys.cend())
        return &*it;
    return nullptr;
}

const ConfigKey *ConfigSchema::findByEnvName(const QString &envName) const
{
    for (const QMap<QString, ConfigKey> *keys : {&m_hostKeys, &m_pluginKeys}) {
        for (const ConfigKey &key : *keys) {
            if (key.envName == envName)
                return &key;
        }
    }
    return nullptr;
}

} // namespace sm
