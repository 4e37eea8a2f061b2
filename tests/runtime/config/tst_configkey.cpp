// Type checks of single config keys and plugin metadata schemas, without layers.
#include "config/configkey.h"
#include "config/configschema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using sm::ConfigKey;
using sm::ConfigSchema;

namespace {

QJsonObject jsonObject(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

const ConfigKey &hostKey(const ConfigSchema &schema, const char *name)
{
    const ConfigKey *key = schema.find(QString::fromLatin1(name));
    Q_ASSERT(key);
    return *key;
}

} // namespace

class TestConfigKey : public QObject {
    Q_OBJECT

private slots:
    void textValuesAreConverted_data();
    void textValuesAreConverted();
    void badTextValuesAreRefused_data();
    void badTextValuesAreRefused();
    void jsonValuesMustHaveTheKeysType_data();
    void jsonValuesMustHaveTheKeysType();
    void secretValuesAreNeverEchoedInErrors();
    void displayRedactsSetSecretsOnly();
    void pluginEnvNameIsUpperCaseWithUnderscores();
    void pluginMetadataGivesTypedKeys();
    void pluginMetadataErrorsNameThePluginAndKey_data();
    void pluginMetadataErrorsNameThePluginAndKey();
    void pluginEnvNameClashWithHostKeyIsRefused();
    void failedPluginRegistrationAddsNothing();
    void markdownTableListsEveryHostKey();
};

void TestConfigKey::textValuesAreConverted_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonValue>("expected");
    QTest::newRow("int") << "db_port"
                         << " 6543 " << QJsonValue(6543);
    QTest::newRow("duration zero") << "idle_timeout"
                                   << "0" << QJsonValue(0);
    QTest::newRow("enum any case") << "log_level"
                                   << "DEBUG" << QJsonValue("debug");
    QTest::newRow("address v4") << "http_listen"
                                << "0.0.0.0:0" << QJsonValue("0.0.0.0:0");
    QTest::newRow("address v6") << "grpc_listen"
                                << "[::1]:65535" << QJsonValue("[::1]:65535");
    QTest::newRow("address name") << "http_listen"
                                  << "web-1.local:80" << QJsonValue("web-1.local:80");
    QTest::newRow("list trims and skips empty")
        << "plugin_path"
        << " /a , /b,,/c " << QJsonValue(QJsonArray{"/a", "/b", "/c"});
    QTest::newRow("empty list") << "cors_origins"
                                << "" << QJsonValue(QJsonArray());
    QTest::newRow("address list") << "workers"
                                  << "w1:5000,10.0.0.2:5001"
                                  << QJsonValue(QJsonArray{"w1:5000", "10.0.0.2:5001"});
    QTest::newRow("subnet list") << "trusted_proxies"
                                 << "10.0.0.0/8,::1,192.168.1.7"
                                 << QJsonValue(QJsonArray{"10.0.0.0/8", "::1", "192.168.1.7"});
}

void TestConfigKey::textValuesAreConverted()
{
    QFETCH(QString, key);
    QFETCH(QString, text);
    QFETCH(QJsonValue, expected);
    const ConfigSchema schema;
    const sm::Result<QJsonValue> parsed
        = hostKey(schema, qPrintable(key)).parse(QJsonValue(text), ConfigKey::Input::Text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed.value(), expected);
}

void TestConfigKey::badTextValuesAreRefused_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("int not a number") << "db_port"
                                      << "abc"
                                      << R"(expected an integer between 1 and 65535, got "abc")";
    QTest::newRow("int above max") << "db_port"
                                   << "65536"
                                   << R"(expected an integer between 1 and 65535, got "65536")";
    QTest::newRow("int below min") << "db_port"
                                   << "0"
                                   << R"(expected an integer between 1 and 65535, got "0")";
    QTest::newRow("int with unit") << "worker_count"
                                   << "4x"
                                   << R"(expected an integer between 0 and 256, got "4x")";
    QTest::newRow("duration negative") << "idle_timeout"
                                       << "-1"
                                       << R"(expected a duration in seconds ≥ 0, got "-1")";
    QTest::newRow("duration below min") << "session_ttl"
                                        << "0"
                                        << R"(expected a duration in seconds ≥ 1, got "0")";
    QTest::newRow("enum") << "log_level"
                          << "verbose"
                          << R"(expected one of debug, info, warning, error, got "verbose")";
    QTest::newRow("address without port")
        << "http_listen"
        << "localhost"
        << R"(expected host:port with a port in 0..65535, got "localhost")";
    QTest::newRow("address port too big")
        << "http_listen"
        << "localhost:65536"
        << R"(expected host:port with a port in 0..65535, got "localhost:65536")";
    QTest::newRow("address without host")
        << "grpc_listen"
        << ":50051"
        << R"(expected host:port with a port in 0..65535, got ":50051")";
    QTest::newRow("address bare v6")
        << "grpc_listen"
        << "::1:50051"
        << R"(expected host:port with a port in 0..65535, got "::1:50051")";
    QTest::newRow("address list item")
        << "workers"
        << "w1:5000,w2"
        << R"(expected a list of host:port addresses, got item "w2")";
    QTest::newRow("subnet list item")
        << "trusted_proxies"
        << "10.0.0.0/33"
        << R"(expected a list of IP addresses or CIDR subnets, got item "10.0.0.0/33")";
}

void TestConfigKey::badTextValuesAreRefused()
{
    QFETCH(QString, key);
    QFETCH(QString, text);
    QFETCH(QString, message);
    const ConfigSchema schema;
    const sm::Result<QJsonValue> parsed
        = hostKey(schema, qPrintable(key)).parse(QJsonValue(text), ConfigKey::Input::Text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, sm::ErrorCode::BadRequest);
    QCOMPARE(parsed.error().message, message);
}

void TestConfigKey::jsonValuesMustHaveTheKeysType_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("raw");
    QTest::addColumn<QString>("message");
    QTest::newRow("string given a number")
        << "db_host" << QJsonValue(5) << "expected a string, got 5";
    QTest::newRow("int given a numeric string")
        << "session_ttl" << QJsonValue("60") << R"(expected a duration in seconds ≥ 1, got "60")";
    QTest::newRow("int given a fraction")
        << "db_port" << QJsonValue(5432.5) << "expected an integer between 1 and 65535, got 5432.5";
    QTest::newRow("int given a bool")
        << "worker_count" << QJsonValue(true) << "expected an integer between 0 and 256, got true";
    QTest::newRow("list given a string")
        << "plugin_path" << QJsonValue("/a,/b") << R"(expected a list of strings, got "/a,/b")";
    QTest::newRow("list of numbers") << "disabled_plugins" << QJsonValue(QJsonArray{1, 2})
                                     << "expected a list of strings, got [1,2]";
    QTest::newRow("address given an object")
        << "http_listen" << QJsonValue(QJsonObject{{"port", 1}})
        << R"(expected host:port with a port in 0..65535, got {"port":1})";
}

void TestConfigKey::jsonValuesMustHaveTheKeysType()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, raw);
    QFETCH(QString, message);
    const ConfigSchema schema;
    const sm::Result<QJsonValue> parsed
        = hostKey(schema, qPrintable(key)).parse(raw, ConfigKey::Input::Json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().message, message);
}

void TestConfigKey::secretValuesAreNeverEchoedInErrors()
{
    sm::Result<ConfigKey> key
        = ConfigKey::fromPluginMetadata(QStringLiteral("vault"), QStringLiteral("pin"),
            jsonObject(
                R"({"type": "int", "min": 1000, "max": 9999, "default": 1234, "secret": true})"));
    QVERIFY(key.ok());
    const sm::Result<QJsonValue> parsed
        = key->parse(QJsonValue(QStringLiteral("hunter2")), ConfigKey::Input::Text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().message, QStringLiteral("expected an integer between 1000 and 9999"));

    const ConfigSchema schema;
    const sm::Result<QJsonValue> dsn
        = hostKey(schema, "db_dsn").parse(QJsonValue(42), ConfigKey::Input::Json);
    QVERIFY(!dsn.ok());
    QVERIFY(!dsn.error().message.contains(u"42"));
}

void TestConfigKey::displayRedactsSetSecretsOnly()
{
    const ConfigSchema schema;
    const ConfigKey &secret = hostKey(schema, "jwt_secret");
    QCOMPARE(secret.display(QJsonValue(QStringLiteral("s3cr3t"))), QStringLiteral("<redacted>"));
    QCOMPARE(secret.display(QJsonValue(QString())), QString());
    const ConfigKey &apiKeys = hostKey(schema, "api_keys");
    QCOMPARE(apiKeys.display(QJsonValue(QJsonArray{"k:admin"})), QStringLiteral("<redacted>"));
    QCOMPARE(apiKeys.display(QJsonValue(QJsonArray())), QString());
    const ConfigKey &plain = hostKey(schema, "plugin_path");
    QCOMPARE(plain.display(QJsonValue(QJsonArray{"/a", "/b"})), QStringLiteral("/a,/b"));
    QCOMPARE(hostKey(schema, "db_port").display(QJsonValue(5432)), QStringLiteral("5432"));
}

void TestConfigKey::pluginEnvNameIsUpperCaseWithUnderscores()
{
    QCOMPARE(ConfigKey::pluginEnvName(QStringLiteral("store-sqlite"), QStringLiteral("path")),
        QStringLiteral("SM_STORE_SQLITE_PATH"));
    QCOMPARE(
        ConfigKey::pluginEnvName(QStringLiteral("transport-grpc"), QStringLiteral("max-streams")),
        QStringLiteral("SM_TRANSPORT_GRPC_MAX_STREAMS"));
}

void TestConfigKey::pluginMetadataGivesTypedKeys()
{
    ConfigSchema schema;
    const sm::Result<void> registered
        = schema.registerPlugin(QStringLiteral("exchange-sim"), jsonObject(R"({
            "seed": {"type": "int", "default": 7, "min": 0, "description": "RNG seed"},
            "venue": {"type": "enum", "values": ["xnas", "xlon"]},
            "replay": {"type": "bool"},
            "symbols": {"type": "list", "default": ["AAPL", "MSFT"]},
            "window": {"type": "duration", "default": 30}
        })"));
    QVERIFY2(registered.ok(), qPrintable(registered.ok() ? QString() : registered.error().message));
    QVERIFY(schema.hasPlugin(QStringLiteral("exchange-sim")));
    const ConfigKey *seed = schema.find(QStringLiteral("exchange-sim.seed"));
    QVERIFY(seed);
    QCOMPARE(seed->envName, QStringLiteral("SM_EXCHANGE_SIM_SEED"));
    QCOMPARE(seed->defaultValue, QJsonValue(7));
    QCOMPARE(seed->description, QStringLiteral("RNG seed"));
    QCOMPARE(schema.find(QStringLiteral("exchange-sim.venue"))->defaultValue, QJsonValue("xnas"));
    QCOMPARE(schema.find(QStringLiteral("exchange-sim.replay"))->defaultValue, QJsonValue(false));
    QCOMPARE(schema.find(QStringLiteral("exchange-sim.symbols"))->defaultValue,
        QJsonValue(QJsonArray{"AAPL", "MSFT"}));
    const ConfigKey *replay = schema.find(QStringLiteral("exchange-sim.replay"));
    QCOMPARE(replay->parse(QJsonValue("yes"), ConfigKey::Input::Text).value(), QJsonValue(true));
    QCOMPARE(replay->parse(QJsonValue("off"), ConfigKey::Input::Text).value(), QJsonValue(false));
    const sm::Result<QJsonValue> notBool
        = replay->parse(QJsonValue("maybe"), ConfigKey::Input::Text);
    QVERIFY(!notBool.ok());
    QCOMPARE(notBool.error().message, QStringLiteral(R"(expected true or false, got "maybe")"));
    QVERIFY(!replay->parse(QJsonValue("true"), ConfigKey::Input::Json).ok());
}

void TestConfigKey::pluginMetadataErrorsNameThePluginAndKey_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown type") << R"({"k": {"type": "float"}})"
                                  << R"(plugin "p": config key "k": "type" must be one of)";
    QTest::newRow("spec not object")
        << R"({"k": 5})"
        << R"(plugin "p": config key "k": the key's spec must be an object)";
    QTest::newRow("enum without values") << R"({"k": {"type": "enum"}})"
                                         << R"(plugin "p": config key "k": an enum key needs)";
    QTest::newRow("default out of range")
        << R"({"k": {"type": "int", "min": 5, "default": 3}})"
        << R"(plugin "p": config key "k": default: expected an integer ≥ 5, got 3)";
    QTest::newRow("implicit default out of range")
        << R"({"k": {"type": "int", "min": 5}})"
        << R"(plugin "p": config key "k": default: expected an integer ≥ 5, got 0)";
    QTest::newRow("default of wrong type") << R"({"k": {"type": "bool", "default": "yes"}})"
                                           << R"(default: expected true or false, got "yes")";
    QTest::newRow("min on a string") << R"({"k": {"type": "string", "min": 1}})"
                                     << R"("min" must be an integer and only given for int)";
    QTest::newRow("min above max") << R"({"k": {"type": "int", "min": 9, "max": 1, "default": 5}})"
                                   << R"("min" is above "max")";
    QTest::newRow("misspelt field") << R"({"k": {"type": "string", "defualt": "x"}})"
                                    << R"(unknown field "defualt")";
    QTest::newRow("bad key name") << R"({"Path.x": {"type": "string"}})"
                                  << R"(config key "Path.x": names use a-z)";
    QTest::newRow("keys sharing an env name")
        << R"({"a-b": {"type": "string"}, "a_b": {"type": "string"}})"
        << R"(environment name SM_P_A_B is already used by "p.a-b")";
}

void TestConfigKey::pluginMetadataErrorsNameThePluginAndKey()
{
    QFETCH(QString, config);
    QFETCH(QString, message);
    ConfigSchema schema;
    const sm::Result<void> registered
        = schema.registerPlugin(QStringLiteral("p"), jsonObject(config.toUtf8().constData()));
    QVERIFY(!registered.ok());
    QVERIFY2(registered.error().message.contains(message), qPrintable(registered.error().message));
}

void TestConfigKey::pluginEnvNameClashWithHostKeyIsRefused()
{
    ConfigSchema schema;
    const sm::Result<void> registered = schema.registerPlugin(
        QStringLiteral("db"), jsonObject(R"({"name": {"type": "string"}})"));
    QVERIFY(!registered.ok());
    QCOMPARE(registered.error().message,
        QStringLiteral(R"(plugin "db": config key "name": environment name SM_DB_NAME is )"
                       R"(already used by "db_name")"));
}

void TestConfigKey::failedPluginRegistrationAddsNothing()
{
    ConfigSchema schema;
    QVERIFY(!schema
                 .registerPlugin(QStringLiteral("p"), jsonObject(R"({
        "good": {"type": "string"}, "zbad": {"type": "nope"}})"))
                 .ok());
    QVERIFY(!schema.hasPlugin(QStringLiteral("p")));
    QVERIFY(!schema.find(QStringLiteral("p.good")));
    QVERIFY(schema.registerPlugin(QStringLiteral("p"), QJsonObject()).ok());
    QVERIFY(!schema.registerPlugin(QStringLiteral("p"), QJsonObject()).ok());
}

void TestConfigKey::markdownTableListsEveryHostKey()
{
    const QString table = ConfigSchema::hostKeysMarkdown();
    const ConfigSchema schema;
    for (const ConfigKey &key : schema.hostKeys()) {
        QVERIFY2(table.contains(QStringLiteral("| `%1` | `%2` |").arg(key.name, key.envName)),
            qPrintable(key.name));
    }
    QVERIFY(table.contains(u"| `db_port` | `DB_PORT` | `5432` | int 1..65535 | PostgreSQL port |"));
    QVERIFY(table.contains(u"| `session_ttl` | `SESSION_TTL` | `3600` | seconds ≥ 1 |"));
    // A '|' inside a cell would split it: enum values are escaped.
    QVERIFY(table.contains(u"| enum: debug\\|info\\|warning\\|error |"));
    QVERIFY(table.contains(u"| `jwt_secret` | `SM_JWT_SECRET` |  | string |"));
    QVERIFY(table.contains(u"(secret) |\n"));
    QCOMPARE(table.count(u'\n'), schema.hostKeys().size() + 2);
}

QTEST_GUILESS_MAIN(TestConfigKey)
#include "tst_configkey.moc"
