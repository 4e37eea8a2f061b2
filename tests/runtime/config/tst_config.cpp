// The layered Config: precedence, provenance, two-phase validation with plugin keys.
#include "config/config.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using sm::Config;

namespace {

QProcessEnvironment environment(std::initializer_list<std::pair<const char *, const char *>> vars)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : vars)
        env.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    return env;
}

QJsonObject sqliteSchema()
{
    return QJsonDocument::fromJson(R"({
        "path": {"type": "string", "default": "sessions.db"},
        "busy_timeout": {"type": "int", "default": 5000, "min": 0},
        "wal": {"type": "bool", "default": true}
    })")
        .object();
}

QString errorOf(const sm::Result<void> &result)
{
    return result.ok() ? QString() : result.error().message;
}

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

private slots:
    void init();

    void defaultsApplyWithoutAnyLayer();
    void laterLayersWinWithProvenance_data();
    void laterLayersWinWithProvenance();
    void lastSetAssignmentWins();
    void typedAccessorsReadEffectiveValues();
    void badFileValueNamesFileAndKey();
    void badEnvValueNamesVariableAndKey();
    void badSetValueNamesLayerAndKey();
    void badValueIsReportedEvenWhenOverridden();
    void allProblemsAreReportedTogether();
    void unknownKeyInFileIsAnError();
    void unknownKeyInSetIsAnErrorWithSuggestion();
    void unknownSmEnvironmentVariablesAreIgnored();
    void emptyEnvironmentVariableCountsAsUnset();
    void malformedSetArgumentIsRefusedWithoutEcho();
    void pluginKeysAreRegisteredAfterLoading();
    void nestedPluginFormIsAccepted();
    void sameKeyFlatAndNestedIsRefused();
    void pluginKeysMapToEnvironmentVariables();
    void unknownKeyOfKnownPluginIsAnError();
    void keyOfMissingPluginIsAnError();
    void keyOfDisabledPluginIsIgnored();
    void badPluginValueIsReported();
    void secretsAreRedactedInTheTable();
    void tableListsHostKeysThenPluginKeysSorted();
    void badJsonFileGivesParseOffset();
    void unreadableFileIsAnError();
    void nonObjectFileIsAnError();

private:
    QString writeFile(const QByteArray &content);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestConfig::writeFile(const QByteArray &content)
{
    const QString path = m_dir->filePath(QStringLiteral("config.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestConfig::defaultsApplyWithoutAnyLayer()
{
    Config config;
    QVERIFY(config.resolve().ok());
    QCOMPARE(config.integer(QStringLiteral("session_ttl")), 3600);
    QCOMPARE(config.string(QStringLiteral("http_listen")), QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(config.integer(QStringLiteral("db_port")), 5432);
    QCOMPARE(config.list(QStringLiteral("workers")), QStringList());
    QCOMPARE(config.source(QStringLiteral("session_ttl")), QStringLiteral("default"));
    QVERIFY(config.value(QStringLiteral("no_such_key")).isNull());
}

void TestConfig::laterLayersWinWithProvenance_data()
{
    QTest::addColumn<bool>("withFile");
    QTest::addColumn<bool>("withEnv");
    QTest::addColumn<bool>("withSet");
    QTest::addColumn<qint64>("ttl");
    QTest::addColumn<QString>("source");
    QTest::newRow("default") << false << false << false << qint64(3600) << "default";
    QTest::newRow("file over default") << true << false << false << qint64(60) << "file";
    QTest::newRow("env over file") << true << true << false << qint64(120) << "env SESSION_TTL";
    QTest::newRow("set over env") << true << true << true << qint64(180) << "--set";
    QTest::newRow("set over file") << true << false << true << qint64(180) << "--set";
    QTest::newRow("env over default") << false << true << false << qint64(120) << "env SESSION_TTL";
}

void TestConfig::laterLayersWinWithProvenance()
{
    QFETCH(bool, withFile);
    QFETCH(bool, withEnv);
    QFETCH(bool, withSet);
    QFETCH(qint64, ttl);
    QFETCH(QString, source);
    Config config;
    const QString path = writeFile(R"({"session_ttl": 60, "db_host": "db.internal"})");
    if (withFile)
        QVERIFY(config.loadFile(path).ok());
    if (withEnv)
        config.loadEnvironment(environment({{"SESSION_TTL", "120"}}));
    if (withSet)
        QVERIFY(config.loadSetArguments({QStringLiteral("session_ttl=180")}).ok());
    QVERIFY(config.resolve().ok());

    QCOMPARE(config.integer(QStringLiteral("session_ttl")), ttl);
    QCOMPARE(config.source(QStringLiteral("session_ttl")),
        source == u"file" ? QStringLiteral("file ") + path : source);
    // A key only the file sets keeps the file as its source whatever else is loaded.
    QCOMPARE(config.source(QStringLiteral("db_host")),
        withFile ? QStringLiteral("file ") + path : QStringLiteral("default"));
}

void TestConfig::lastSetAssignmentWins()
{
    Config config;
    QVERIFY(
        config
            .loadSetArguments({QStringLiteral("worker_count=2"), QStringLiteral("worker_count=3")})
            .ok());
    QVERIFY(config.resolve().ok());
    QCOMPARE(config.integer(QStringLiteral("worker_count")), 3);
}

void TestConfig::typedAccessorsReadEffectiveValues()
{
    Config config;
    QVERIFY(
        config.loadFile(writeFile(R"({"workers": ["w1:7000", "w2:7000"], "log_level": "WARNING"})"))
            .ok());
    config.loadEnvironment(environment({{"SM_DISABLED_PLUGINS", "a,b"}, {"DB_PORT", "6000"}}));
    QVERIFY(config.loadSetArguments({QStringLiteral("data_dir=/var/lib/sm")}).ok());
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QVERIFY(config.resolve().ok());
    QCOMPARE(config.list(QStringLiteral("workers")), QStringList({"w1:7000", "w2:7000"}));
    QCOMPARE(config.string(QStringLiteral("log_level")), QStringLiteral("warning"));
    QCOMPARE(config.list(QStringLiteral("disabled_plugins")), QStringList({"a", "b"}));
    QCOMPARE(config.integer(QStringLiteral("db_port")), 6000);
    QCOMPARE(config.string(QStringLiteral("data_dir")), QStringLiteral("/var/lib/sm"));
    QCOMPARE(config.boolean(QStringLiteral("store-sqlite.wal")), true);
    QCOMPARE(config.value(QStringLiteral("store-sqlite.busy_timeout")), QJsonValue(5000));
}

void TestConfig::badFileValueNamesFileAndKey()
{
    Config config;
    const QString path = writeFile(R"({"session_ttl": "abc"})");
    QVERIFY(config.loadFile(path).ok());
    QCOMPARE(errorOf(config.resolve()),
        QStringLiteral(R"(config file %1: key "session_ttl": expected a duration in seconds )"
                       R"(≥ 1, got "abc")")
            .arg(path));
}

void TestConfig::badEnvValueNamesVariableAndKey()
{
    Config config;
    config.loadEnvironment(environment({{"WORKER_COUNT", "many"}}));
    QCOMPARE(errorOf(config.resolve()),
        QStringLiteral(R"(env WORKER_COUNT: key "worker_count": expected an integer between )"
                       R"(0 and 256, got "many")"));
}

void TestConfig::badSetValueNamesLayerAndKey()
{
    Config config;
    QVERIFY(config.loadSetArguments({QStringLiteral("http_listen=8080")}).ok());
    QCOMPARE(errorOf(config.resolveHost()),
        QStringLiteral(R"(--set: key "http_listen": expected host:port with a port in )"
                       R"(0..65535, got "8080")"));
}

void TestConfig::badValueIsReportedEvenWhenOverridden()
{
    Config config;
    config.loadEnvironment(environment({{"SM_LOG_LEVEL", "loud"}}));
    QVERIFY(config.loadSetArguments({QStringLiteral("log_level=debug")}).ok());
    QVERIFY(errorOf(config.resolve()).startsWith(u"env SM_LOG_LEVEL: key \"log_level\""));
}

void TestConfig::allProblemsAreReportedTogether()
{
    Config config;
    QVERIFY(config.loadFile(writeFile(R"({"db_port": 0, "sesion_ttl": 5})")).ok());
    config.loadEnvironment(environment({{"SM_MAX_TTL", "-5"}}));
    const QStringList lines = errorOf(config.resolve()).split(u'\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].contains(u"key \"db_port\""));
    QVERIFY(lines[1].contains(u"unknown key \"sesion_ttl\""));
    QVERIFY(lines[2].startsWith(u"env SM_MAX_TTL: key \"max_ttl\""));
}

void TestConfig::unknownKeyInFileIsAnError()
{
    Config config;
    const QString path = writeFile(R"({"colour": "blue"})");
    QVERIFY(config.loadFile(path).ok());
    QCOMPARE(errorOf(config.resolveHost()),
        QStringLiteral(R"(config file %1: unknown key "colour")").arg(path));
}

void TestConfig::unknownKeyInSetIsAnErrorWithSuggestion()
{
    Config config;
    QVERIFY(config.loadSetArguments({QStringLiteral("sesion_ttl=60")}).ok());
    QCOMPARE(errorOf(config.resolveHost()),
        QStringLiteral("--set: unknown key \"sesion_ttl\" (did you mean \"session_ttl\"?)"));
}

void TestConfig::unknownSmEnvironmentVariablesAreIgnored()
{
    Config config;
    config.loadEnvironment(environment({{"SM_SESION_TTL", "x"}, {"SM_UNRELATED", "1"}}));
    QVERIFY(config.resolve().ok());
}

void TestConfig::emptyEnvironmentVariableCountsAsUnset()
{
    Config config;
    config.loadEnvironment(environment({{"DB_PORT", ""}}));
    QVERIFY(config.resolve().ok());
    QCOMPARE(config.integer(QStringLiteral("db_port")), 5432);
    QCOMPARE(config.source(QStringLiteral("db_port")), QStringLiteral("default"));
}

void TestConfig::malformedSetArgumentIsRefusedWithoutEcho()
{
    Config config;
    const sm::Result<void> loaded = config.loadSetArguments(
        {QStringLiteral("session_ttl=60"), QStringLiteral("supersecretvalue")});
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().message,
        QStringLiteral("--set argument 2: expected key=value, found no '='"));
    QVERIFY(!config.loadSetArguments({QStringLiteral("=5")}).ok());
}

void TestConfig::pluginKeysAreRegisteredAfterLoading()
{
    Config config;
    const QString path = writeFile(R"({"store-sqlite.path": "/srv/sessions.db"})");
    QVERIFY(config.loadFile(path).ok());
    // Phase one knows no plugin yet and must not complain about its keys.
    QVERIFY(config.resolveHost().ok());
    QVERIFY(config.value(QStringLiteral("store-sqlite.path")).isNull());
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QVERIFY(config.resolve().ok());
    QCOMPARE(
        config.string(QStringLiteral("store-sqlite.path")), QStringLiteral("/srv/sessions.db"));
    QCOMPARE(config.source(QStringLiteral("store-sqlite.path")), QStringLiteral("file ") + path);
    QCOMPARE(config.integer(QStringLiteral("store-sqlite.busy_timeout")), 5000);
    QCOMPARE(config.source(QStringLiteral("store-sqlite.busy_timeout")), QStringLiteral("default"));
}

void TestConfig::nestedPluginFormIsAccepted()
{
    Config config;
    const QByteArray nested
        = R"({"session_ttl": 60, "plugins": {"store-sqlite": {"path": "nested.db", "wal": false}}})";
    QVERIFY(config.loadFile(writeFile(nested)).ok());
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QVERIFY2(config.resolve().ok(), qPrintable(errorOf(config.resolve())));
    QCOMPARE(config.string(QStringLiteral("store-sqlite.path")), QStringLiteral("nested.db"));
    QCOMPARE(config.boolean(QStringLiteral("store-sqlite.wal")), false);
    QCOMPARE(config.integer(QStringLiteral("session_ttl")), 60);

    Config notObjects;
    QVERIFY(!notObjects.loadFile(writeFile(R"({"plugins": {"store-sqlite": 5}})")).ok());
    QVERIFY(!notObjects.loadFile(writeFile(R"({"plugins": []})")).ok());
}

void TestConfig::sameKeyFlatAndNestedIsRefused()
{
    Config config;
    const sm::Result<void> loaded = config.loadFile(writeFile(
        R"({"store-sqlite.path": "a.db", "plugins": {"store-sqlite": {"path": "b.db"}}})"));
    QVERIFY(!loaded.ok());
    QVERIFY(loaded.error().message.contains(u"key \"store-sqlite.path\" is given twice"));
}

void TestConfig::pluginKeysMapToEnvironmentVariables()
{
    Config config;
    config.loadEnvironment(environment(
        {{"SM_STORE_SQLITE_PATH", "/env.db"}, {"SM_STORE_SQLITE_BUSY_TIMEOUT", "250"}}));
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QVERIFY(config.resolve().ok());
    QCOMPARE(config.string(QStringLiteral("store-sqlite.path")), QStringLiteral("/env.db"));
    QCOMPARE(config.source(QStringLiteral("store-sqlite.path")),
        QStringLiteral("env SM_STORE_SQLITE_PATH"));
    QCOMPARE(config.integer(QStringLiteral("store-sqlite.busy_timeout")), 250);
}

void TestConfig::unknownKeyOfKnownPluginIsAnError()
{
    Config config;
    QVERIFY(config.loadSetArguments({QStringLiteral("store-sqlite.pth=x")}).ok());
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QCOMPARE(errorOf(config.resolve()),
        QStringLiteral("--set: unknown key \"store-sqlite.pth\" (did you mean "
                       "\"store-sqlite.path\"?)"));
}

void TestConfig::keyOfMissingPluginIsAnError()
{
    Config config;
    const QString path = writeFile(R"({"plugins": {"store-redis": {"url": "redis-host:6379"}}})");
    QVERIFY(config.loadFile(path).ok());
    QVERIFY(config.resolveHost().ok());
    QCOMPARE(errorOf(config.resolve()),
        QStringLiteral("config file %1: key \"store-redis.url\": no plugin \"store-redis\" was "
                       "found (add it to disabled_plugins to keep its settings)")
            .arg(path));
}

void TestConfig::keyOfDisabledPluginIsIgnored()
{
    Config config;
    QVERIFY(
        config.loadFile(writeFile(R"({"plugins": {"store-redis": {"url": "redis-host:6379"}}})"))
            .ok());
    config.loadEnvironment(environment({{"SM_DISABLED_PLUGINS", "store-redis"}}));
    QVERIFY(config.resolve().ok());
    QVERIFY(config.value(QStringLiteral("store-redis.url")).isNull());
}

void TestConfig::badPluginValueIsReported()
{
    Config config;
    config.loadEnvironment(environment({{"SM_STORE_SQLITE_WAL", "sometimes"}}));
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QCOMPARE(errorOf(config.resolve()),
        QStringLiteral(R"(env SM_STORE_SQLITE_WAL: key "store-sqlite.wal": expected true or )"
                       R"(false, got "sometimes")"));
}

void TestConfig::secretsAreRedactedInTheTable()
{
    Config config;
    config.loadEnvironment(environment({{"SM_JWT_SECRET", "0123456789abcdef0123456789abcdef"},
        {"SM_API_KEYS", "key-one-0123456789:admin"}}));
    QVERIFY(config.resolve().ok());
    const QString table = config.table();
    QVERIFY(!table.contains(u"0123456789abcdef"));
    QVERIFY(!table.contains(u"key-one"));
    QVERIFY(table.contains(
        QRegularExpression(QStringLiteral("^jwt_secret +<redacted> +env SM_JWT_SECRET$"),
            QRegularExpression::MultilineOption)));
    QVERIFY(
        table.contains(QRegularExpression(QStringLiteral("^api_keys +<redacted> +env SM_API_KEYS$"),
            QRegularExpression::MultilineOption)));
    // An unset secret shows as empty, so the operator can tell it is not configured.
    QVERIFY(table.contains(QRegularExpression(
        QStringLiteral("^db_password +default$"), QRegularExpression::MultilineOption)));
    QCOMPARE(config.string(QStringLiteral("jwt_secret")),
        QStringLiteral("0123456789abcdef0123456789abcdef"));
}

void TestConfig::tableListsHostKeysThenPluginKeysSorted()
{
    Config config;
    QVERIFY(config.registerPlugin(QStringLiteral("store-sqlite"), sqliteSchema()).ok());
    QVERIFY(config
                .registerPlugin(QStringLiteral("exchange-sim"),
                    QJsonDocument::fromJson(R"({"seed": {"type": "int"}})").object())
                .ok());
    QVERIFY(config.resolve().ok());
    const QList<Config::Entry> entries = config.entries();
    QStringList keys;
    for (const Config::Entry &entry : entries)
        keys.append(entry.key);
    const qsizetype hostCount = config.schema().hostKeys().size();
    QCOMPARE(keys.size(), hostCount + 4);
    QStringList hostKeys = keys.mid(0, hostCount);
    QVERIFY(std::is_sorted(hostKeys.begin(), hostKeys.end()));
    QVERIFY(!hostKeys.join(u' ').contains(u'.'));
    QCOMPARE(keys.mid(hostCount),
        QStringList({"exchange-sim.seed", "store-sqlite.busy_timeout", "store-sqlite.path",
            "store-sqlite.wal"}));
    const QStringList lines = config.table().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), keys.size());
    QVERIFY(lines.first().startsWith(keys.first()));
    QVERIFY(lines.last().startsWith(u"store-sqlite.wal"));
    QVERIFY(lines.last().endsWith(u"default"));
}

void TestConfig::badJsonFileGivesParseOffset()
{
    Config config;
    const QString path = writeFile("{\n  \"session_ttl\": 60,\n}");
    const sm::Result<void> loaded = config.loadFile(path);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.error().message.startsWith(
                 QStringLiteral("config file %1: invalid JSON at offset ").arg(path)),
        qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(
                 u"offset 24 (near line 3, column 1): object is missing after a comma"),
        qPrintable(loaded.error().message));
}

void TestConfig::unreadableFileIsAnError()
{
    Config config;
    const QString path = m_dir->filePath(QStringLiteral("missing.json"));
    const sm::Result<void> loaded = config.loadFile(path);
    QVERIFY(!loaded.ok());
    QVERIFY(
        loaded.error().message.startsWith(QStringLiteral("config file %1: cannot read").arg(path)));
}

void TestConfig::nonObjectFileIsAnError()
{
    Config config;
    const sm::Result<void> loaded = config.loadFile(writeFile("[1, 2]"));
    QVERIFY(!loaded.ok());
    QVERIFY(loaded.error().message.endsWith(u"the top level must be a JSON object"));
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
