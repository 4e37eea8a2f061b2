#include "plugins/pluginmetadata.h"

#include <sm/version.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using sm::ConfigKey;
using sm::ConfigType;
using sm::PluginMetadata;
using sm::PluginVersion;

namespace {

const QString kFile = QStringLiteral("/plugins/store-x.so");

QJsonObject validMetadata()
{
    return QJsonDocument::fromJson(R"({
        "id": "store-x", "kind": "store", "version": "1.4.2", "sdk": "1.0",
        "dependencies": [{"id": "base", "version": "1.0.0"}],
        "config": {
            "path": {"type": "string", "default": "x.db", "description": "Database file"},
            "port": {"type": "int", "default": 5432, "min": 1, "max": 65535},
            "mode": {"type": "enum", "values": ["fast", "safe"], "default": "safe"},
            "hosts": {"type": "list", "default": ["a", "b"]},
            "password": {"type": "string", "secret": true},
            "verbose": {"type": "bool", "default": false}
        }
    })")
        .object();
}

QJsonObject with(const QString &key, const QJsonValue &value)
{
    QJsonObject metadata = validMetadata();
    metadata.insert(key, value);
    return metadata;
}

QJsonObject without(const QString &key)
{
    QJsonObject metadata = validMetadata();
    metadata.remove(key);
    return metadata;
}

QJsonObject withConfigKey(const QString &name, const char *schemaJson)
{
    return with(QStringLiteral("config"), QJsonObject{{name, QJsonDocument::fromJson(schemaJson).object()}});
}

// A config key's error as ConfigKey::fromPluginMetadata words it, for plugin "store-x".
QString configError(const char *key, const char *problem)
{
    return QStringLiteral(R"(plugin "store-x": config key "%1": %2)")
        .arg(QLatin1String(key), QString::fromUtf8(problem));
}

QJsonArray array(const char *json)
{
    return QJsonDocument::fromJson(json).array();
}

} // namespace

class TestPluginMetadata : public QObject {
    Q_OBJECT

private slots:
    void readsEveryField();
    void defaultsNameAndCompatVersion();
    void ignoresUnknownFields();
    void refusesAnInvalidFieldNamingFileAndField_data();
    void refusesAnInvalidFieldNamingFileAndField();
    void providesVersionsFromCompatVersionToVersion_data();
    void providesVersionsFromCompatVersionToVersion();
    void comparesVersionsNumerically();
    void validatesConfigValuesAgainstTheirKey();
};

void TestPluginMetadata::readsEveryField()
{
    QJsonObject json = validMetadata();
    json.insert(QStringLiteral("name"), QStringLiteral("Store X"));
    json.insert(QStringLiteral("description"), QStringLiteral("Keeps sessions"));
    json.insert(QStringLiteral("compatVersion"), QStringLiteral("1.2.0"));

    const sm::Result<PluginMetadata> read = PluginMetadata::fromJson(json, kFile);
    QVERIFY2(read, read ? "" : qPrintable(read.error().message));
    const PluginMetadata &metadata = read.value();
    QCOMPARE(metadata.id, QStringLiteral("store-x"));
    QCOMPARE(metadata.name, QStringLiteral("Store X"));
    QCOMPARE(metadata.description, QStringLiteral("Keeps sessions"));
    QCOMPARE(metadata.kind, sm::PluginKind::Store);
    QCOMPARE(metadata.version, (PluginVersion{1, 4, 2}));
    QCOMPARE(metadata.compatVersion, (PluginVersion{1, 2, 0}));
    QCOMPARE(metadata.sdkMajor, sm::kSdkVersionMajor);
    QCOMPARE(metadata.sdkMinor, 0); // "sdk": "1.0" above: older minors stay loadable
    QCOMPARE(metadata.dependencies.size(), 1);
    QCOMPARE(metadata.dependencies.first().id, QStringLiteral("base"));
    QCOMPARE(metadata.dependencies.first().version, (PluginVersion{1, 0, 0}));

    QCOMPARE(metadata.config.size(), 6);
    const ConfigKey *port = metadata.configKey(QStringLiteral("port"));
    QVERIFY(port);
    QCOMPARE(port->type, ConfigType::Int);
    QCOMPARE(port->defaultValue.toInteger(), 5432);
    QCOMPARE(port->min, 1);
    QCOMPARE(port->max, 65535);
    const ConfigKey *mode = metadata.configKey(QStringLiteral("mode"));
    QCOMPARE(mode->values, QStringList({"fast", "safe"}));
    QVERIFY(metadata.configKey(QStringLiteral("password"))->secret);
    // No "default" in the metadata: the type's implicit one, an empty string.
    QCOMPARE(metadata.configKey(QStringLiteral("password"))->defaultValue, QJsonValue(QString()));
    QCOMPARE(port->name, QStringLiteral("store-x.port"));
    QCOMPARE(metadata.configKey(QStringLiteral("path"))->description, QStringLiteral("Database file"));
    QVERIFY(!metadata.configKey(QStringLiteral("nope")));
}

void TestPluginMetadata::defaultsNameAndCompatVersion()
{
    const sm::Result<PluginMetadata> read = PluginMetadata::fromJson(validMetadata(), kFile);
    QVERIFY(read);
    QCOMPARE(read->name, QStringLiteral("store-x"));
    QCOMPARE(read->compatVersion, read->version);
}

void TestPluginMetadata::ignoresUnknownFields()
{
    QVERIFY(PluginMetadata::fromJson(with(QStringLiteral("license"), QStringLiteral("MIT")), kFile));
}

void TestPluginMetadata::refusesAnInvalidFieldNamingFileAndField_data()
{
    QTest::addColumn<QJsonObject>("metadata");
    QTest::addColumn<QString>("reason");

    QTest::newRow("no id") << without("id") << R"(field "id": missing)";
    QTest::newRow("id in upper case")
        << with("id", "Store") << R"(field "id": expected lower-case letters, digits and '-')";
    QTest::newRow("id not a string") << with("id", 7)
                                     << R"(field "id": expected lower-case letters, digits and '-')";
    QTest::newRow("no kind") << without("kind") << R"(field "kind": missing)";
    QTest::newRow("unknown kind") << with("kind", "banana")
                                  << R"(field "kind": "banana" is not one of store, transport, backend)";
    QTest::newRow("no version") << without("version")
                                << R"(field "version": expected a version "major.minor.patch")";
    QTest::newRow("two-part version")
        << with("version", "1.0") << R"(field "version": expected a version "major.minor.patch")";
    QTest::newRow("version with suffix")
        << with("version", "1.0.0-beta") << R"(field "version": expected a version "major.minor.patch")";
    QTest::newRow("compatVersion above version")
        << with("compatVersion", "2.0.0") << R"(field "compatVersion": 2.0.0 is newer than version 1.4.2)";
    QTest::newRow("no sdk") << without("sdk") << R"(field "sdk": expected an SDK version "major.minor")";
    QTest::newRow("sdk of three parts")
        << with("sdk", "1.0.0") << R"(field "sdk": expected an SDK version "major.minor")";
    QTest::newRow("sdk of another major")
        << with("sdk", "2.0")
        << R"(field "sdk": built for SDK 2.0, this host provides SDK 1.2 (needs the same major version )"
           R"(and a minor version no newer than the host's))";
    QTest::newRow("sdk with a newer minor")
        << with("sdk", "1.3")
        << R"(field "sdk": built for SDK 1.3, this host provides SDK 1.2 (needs the same major version )"
           R"(and a minor version no newer than the host's))";
    QTest::newRow("name not a string") << with("name", true) << R"(field "name": expected a string)";
    QTest::newRow("description not a string")
        << with("description", 1) << R"(field "description": expected a string)";
    QTest::newRow("dependencies not an array")
        << with("dependencies", "base") << R"(field "dependencies": expected an array)";
    QTest::newRow("dependency not an object")
        << with("dependencies", array(R"(["base"])"))
        << R"(field "dependencies[0]": expected an object {"id", "version"})";
    QTest::newRow("dependency with a bad id")
        << with("dependencies", array(R"([{"id": "B", "version": "1.0.0"}])"))
        << R"(field "dependencies[0].id": expected a plugin id)";
    QTest::newRow("dependency without version")
        << with("dependencies", array(R"([{"id": "base"}])"))
        << R"(field "dependencies[0].version": expected a version "major.minor.patch")";
    QTest::newRow("dependency listed twice")
        << with("dependencies",
                array(R"([{"id": "base", "version": "1.0.0"}, {"id": "base", "version": "1.1.0"}])"))
        << R"(field "dependencies[1].id": "base" is listed twice)";
    QTest::newRow("config not an object")
        << with("config", array("[]")) << R"(field "config": expected an object of config keys)";
    QTest::newRow("config key in upper case")
        << withConfigKey("Port", R"({"type": "int"})")
        << configError("Port", R"(names use a-z, 0-9, '_' and '-', starting with a letter)");
    QTest::newRow("config key starting with a digit")
        << withConfigKey("2fa", R"({"type": "bool"})")
        << configError("2fa", R"(names use a-z, 0-9, '_' and '-', starting with a letter)");
    QTest::newRow("config key not an object")
        << with("config", QJsonObject{{"port", 5}}) << configError("port", R"(the key's spec must be an object)");
    QTest::newRow("config key of unknown type")
        << withConfigKey("port", R"({"type": "float"})")
        << configError("port", R"("type" must be one of string, int, duration, bool, enum, list, address)");
    QTest::newRow("config key with an unknown field")
        << withConfigKey("port", R"({"type": "int", "defualt": 1})") << configError("port", R"(unknown field "defualt")");
    QTest::newRow("int default with a fraction")
        << withConfigKey("port", R"({"type": "int", "default": 1.5})")
        << configError("port", R"(default: expected an integer, got 1.5)");
    QTest::newRow("int default out of range")
        << withConfigKey("port", R"({"type": "int", "default": 0, "min": 1, "max": 65535})")
        << configError("port", R"(default: expected an integer between 1 and 65535, got 0)");
    QTest::newRow("min above max") << withConfigKey("port", R"({"type": "int", "min": 10, "max": 1})")
                                   << configError("port", R"("min" is above "max")");
    QTest::newRow("bound not an integer")
        << withConfigKey("port", R"({"type": "int", "max": "10"})")
        << configError("port", R"("max" must be an integer and only given for int or duration keys)");
    QTest::newRow("bounds on a string")
        << withConfigKey("path", R"({"type": "string", "min": 1})")
        << configError("path", R"("min" must be an integer and only given for int or duration keys)");
    QTest::newRow("enum without values")
        << withConfigKey("mode", R"({"type": "enum", "default": "a"})")
        << configError("mode", R"(an enum key needs a non-empty "values" array)");
    QTest::newRow("enum with a value twice")
        << withConfigKey("mode", R"({"type": "enum", "values": ["a", "a"]})")
        << configError("mode", R"("values" lists "a" twice)");
    QTest::newRow("enum default not a value")
        << withConfigKey("mode", R"({"type": "enum", "values": ["fast", "safe"], "default": "slow"})")
        << configError("mode", R"(default: expected one of fast, safe, got "slow")");
    QTest::newRow("values on a string") << withConfigKey("path", R"({"type": "string", "values": ["a"]})")
                                        << configError("path", R"("values" is only for enum keys)");
    QTest::newRow("list default not strings")
        << withConfigKey("hosts", R"({"type": "list", "default": [1]})")
        << configError("hosts", R"(default: expected a list of strings, got [1])");
    QTest::newRow("bool default a string")
        << withConfigKey("verbose", R"({"type": "bool", "default": "yes"})")
        << configError("verbose", R"(default: expected true or false, got "yes")");
    QTest::newRow("secret not a bool") << withConfigKey("password", R"({"type": "string", "secret": "yes"})")
                                       << configError("password", R"("secret" must be true or false)");
    QTest::newRow("description not a string")
        << withConfigKey("path", R"({"type": "string", "description": 1})")
        << configError("path", R"("description" must be a string)");
}

void TestPluginMetadata::refusesAnInvalidFieldNamingFileAndField()
{
    QFETCH(QJsonObject, metadata);
    QFETCH(QString, reason);

    const sm::Result<PluginMetadata> read = PluginMetadata::fromJson(metadata, kFile);
    QVERIFY(!read);
    QCOMPARE(read.error().message, kFile + QStringLiteral(": ") + reason);
}

void TestPluginMetadata::providesVersionsFromCompatVersionToVersion_data()
{
    QTest::addColumn<QString>("wanted");
    QTest::addColumn<bool>("provided");

    // The plugin is 1.4.2, compatible down to 1.2.0.
    QTest::newRow("its version") << "1.4.2" << true;
    QTest::newRow("its compatVersion") << "1.2.0" << true;
    QTest::newRow("in between") << "1.3.9" << true;
    QTest::newRow("older than compatVersion") << "1.1.9" << false;
    QTest::newRow("newer than version") << "1.4.3" << false;
    QTest::newRow("next major") << "2.0.0" << false;
}

void TestPluginMetadata::providesVersionsFromCompatVersionToVersion()
{
    QFETCH(QString, wanted);
    QFETCH(bool, provided);
    const sm::Result<PluginMetadata> read =
        PluginMetadata::fromJson(with(QStringLiteral("compatVersion"), QStringLiteral("1.2.0")), kFile);
    QVERIFY(read);

    QCOMPARE(read->provides(*PluginVersion::parse(wanted)), provided);
}

void TestPluginMetadata::comparesVersionsNumerically()
{
    QVERIFY(*PluginVersion::parse(QStringLiteral("1.10.0")) > *PluginVersion::parse(QStringLiteral("1.9.0")));
    QVERIFY(*PluginVersion::parse(QStringLiteral("2.0.0")) >
            *PluginVersion::parse(QStringLiteral("1.99.99")));
    QCOMPARE(PluginVersion::parse(QStringLiteral("0.3.12"))->toString(), QStringLiteral("0.3.12"));
    QVERIFY(!PluginVersion::parse(QStringLiteral("1.0.x")));
    QVERIFY(!PluginVersion::parse(QStringLiteral(" 1.0.0")));
    QVERIFY(!PluginVersion::parse(QStringLiteral("-1.0.0")));
}

void TestPluginMetadata::validatesConfigValuesAgainstTheirKey()
{
    const sm::Result<PluginMetadata> read = PluginMetadata::fromJson(validMetadata(), kFile);
    QVERIFY(read);
    const auto validate = [](const ConfigKey &key, const QJsonValue &value) {
        return key.parse(value, ConfigKey::Input::Json);
    };
    const ConfigKey &port = *read->configKey(QStringLiteral("port"));
    QVERIFY(validate(port, 80));
    QCOMPARE(validate(port, 70000).error().message,
             QStringLiteral("expected an integer between 1 and 65535, got 70000"));
    QCOMPARE(validate(port, QStringLiteral("80")).error().code, sm::ErrorCode::BadRequest);
    const ConfigKey &hosts = *read->configKey(QStringLiteral("hosts"));
    QVERIFY(validate(hosts, QJsonArray{QStringLiteral("h1:1")}));
    QVERIFY(!validate(hosts, QStringLiteral("h1:1")));
    const ConfigKey &mode = *read->configKey(QStringLiteral("mode"));
    QVERIFY(validate(mode, QStringLiteral("fast")));
    QCOMPARE(validate(mode, QStringLiteral("turbo")).error().message,
             QStringLiteral(R"(expected one of fast, safe, got "turbo")"));
}

QTEST_GUILESS_MAIN(TestPluginMetadata)
#include "tst_pluginmetadata.moc"
