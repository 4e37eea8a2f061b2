#include "hellobackend.h"
#include "hellobackendfactory.h"
#include "helloplugin.h"

#include "plugins/pluginmetadata.h"

#include <sm/hostcontext.h>

#include <QFile>
#include <QJsonDocument>
#include <QtTest>

namespace {

// Collects what a back-end emits.
class RecordingSink : public sm::BackendEventSink {
public:
    void emitEvent(const QByteArray &type, const QJsonObject &data) override { events.append({type, data}); }

    QList<QPair<QByteArray, QJsonObject>> events;
};

// The host as the hello plugin sees it: one setting, "greeting".
class GreetingHostContext : public sm::HostContext {
public:
    explicit GreetingHostContext(QJsonValue greeting) : m_greeting(std::move(greeting)) {}

    QString pluginId() const override { return QStringLiteral("hello"); }
    QJsonValue setting(const QString &key) const override
    {
        return key == QLatin1String("greeting") ? m_greeting : QJsonValue();
    }
    sm::Logger &logger() override { unused("logger"); }
    sm::Metrics &metrics() override { unused("metrics"); }
    sm::SessionService &sessions() override { unused("sessions"); }
    sm::StreamHub &streams() override { unused("streams"); }
    sm::HttpRouter &http() override { unused("http"); }
    const sm::Authenticator &auth() const override { unused("auth"); }

private:
    [[noreturn]] static void unused(const char *service)
    {
        qFatal("hello does not use the host's %s", service);
    }

    QJsonValue m_greeting;
};

const QJsonObject kEcho{{QStringLiteral("type"), QStringLiteral("echo")},
                        {QStringLiteral("text"), QStringLiteral("hi")}};

} // namespace

class TestHelloBackend : public QObject {
    Q_OBJECT

private slots:
    void echoesTheRequestWithACounter();
    void emitsAnEchoEventPerRequest();
    void refusesOtherRequestTypes();
    void restoresTheCounterFromASnapshot();
    void refusesAMalformedSnapshot_data();
    void refusesAMalformedSnapshot();
    void asksForNoTicks();
    void pluginRepliesWithTheConfiguredGreeting();
    void pluginRefusesAGreetingThatIsNotAString();
    void metadataPassesTheHostsValidation();

private:
    RecordingSink m_sink;
    hello::HelloBackendFactory m_factory;
};

void TestHelloBackend::echoesTheRequestWithACounter()
{
    auto backend = m_factory.createBackend(QStringLiteral("s1"), 7, &m_sink);

    const sm::Result<QJsonObject> first = backend->handle(kEcho);
    const sm::Result<QJsonObject> second = backend->handle(kEcho);

    QVERIFY(first && second);
    QCOMPARE(first.value(),
             (QJsonObject{{"type", "echo"}, {"greeting", "hello"}, {"count", 1}, {"echo", kEcho}}));
    QCOMPARE(second->value(QLatin1String("count")).toInteger(), 2);
}

void TestHelloBackend::emitsAnEchoEventPerRequest()
{
    RecordingSink sink;
    auto backend = m_factory.createBackend(QStringLiteral("s1"), 7, &sink);

    QVERIFY(backend->handle(kEcho));
    QVERIFY(backend->handle(kEcho));

    QCOMPARE(sink.events.size(), 2);
    QCOMPARE(sink.events.at(0).first, QByteArray("hello.echo"));
    QCOMPARE(sink.events.at(0).second, (QJsonObject{{"count", 1}, {"echo", kEcho}}));
    QCOMPARE(sink.events.at(1).second.value(QLatin1String("count")).toInteger(), 2);
}

void TestHelloBackend::refusesOtherRequestTypes()
{
    RecordingSink sink;
    auto backend = m_factory.createBackend(QStringLiteral("s1"), 7, &sink);

    const sm::Result<QJsonObject> reply = backend->handle({{"type", "order"}});

    QVERIFY(!reply);
    QCOMPARE(reply.error().code, sm::ErrorCode::BadRequest);
    QCOMPARE(reply.error().message,
             QStringLiteral("unknown request type \"order\" (hello answers \"echo\")"));
    QVERIFY(sink.events.isEmpty());
    QCOMPARE(backend->handle(kEcho)->value(QLatin1String("count")).toInteger(), 1);
}

void TestHelloBackend::restoresTheCounterFromASnapshot()
{
    auto original = m_factory.createBackend(QStringLiteral("s1"), 7, &m_sink);
    QVERIFY(original->handle(kEcho));
    QVERIFY(original->handle(kEcho));
    auto rebuilt = m_factory.createBackend(QStringLiteral("s1"), 7, &m_sink);

    QVERIFY(rebuilt->restore(original->snapshot()));

    QCOMPARE(rebuilt->snapshot(), original->snapshot());
    QCOMPARE(rebuilt->handle(kEcho)->value(QLatin1String("count")).toInteger(), 3);
}

void TestHelloBackend::refusesAMalformedSnapshot_data()
{
    QTest::addColumn<QByteArray>("snapshot");
    QTest::newRow("not JSON") << QByteArray("garbage");
    QTest::newRow("no count") << QByteArray(R"({"n":1})");
    QTest::newRow("negative count") << QByteArray(R"({"count":-1})");
    QTest::newRow("count as text") << QByteArray(R"({"count":"2"})");
}

void TestHelloBackend::refusesAMalformedSnapshot()
{
    QFETCH(QByteArray, snapshot);
    auto backend = m_factory.createBackend(QStringLiteral("s1"), 7, &m_sink);
    QVERIFY(backend->handle(kEcho));

    const sm::Result<void> restored = backend->restore(snapshot);

    QVERIFY(!restored);
    QCOMPARE(restored.error().code, sm::ErrorCode::BadRequest);
    QCOMPARE(backend->snapshot(), QByteArray(R"({"count":1})"));
}

void TestHelloBackend::asksForNoTicks()
{
    RecordingSink sink;
    auto backend = m_factory.createBackend(QStringLiteral("s1"), 7, &sink);

    QCOMPARE(m_factory.tickIntervalMs(), 0);
    backend->tick();

    QVERIFY(sink.events.isEmpty());
    QCOMPARE(backend->snapshot(), QByteArray(R"({"count":0})"));
}

void TestHelloBackend::pluginRepliesWithTheConfiguredGreeting()
{
    hello::HelloPlugin plugin;
    GreetingHostContext host(QStringLiteral("bonjour"));

    QVERIFY(plugin.configure(host));
    QVERIFY(plugin.start());
    QVERIFY(plugin.backendFactory());
    auto backend = plugin.backendFactory()->createBackend(QStringLiteral("s1"), 7, &m_sink);
    QCOMPARE(backend->handle(kEcho)->value(QLatin1String("greeting")).toString(), QStringLiteral("bonjour"));
    plugin.stop();
}

void TestHelloBackend::pluginRefusesAGreetingThatIsNotAString()
{
    hello::HelloPlugin plugin;
    GreetingHostContext host(5);

    const sm::Result<void> configured = plugin.configure(host);

    QVERIFY(!configured);
    QCOMPARE(configured.error().message, QStringLiteral("setting \"greeting\" must be a string"));
}

void TestHelloBackend::metadataPassesTheHostsValidation()
{
    QFile file(QStringLiteral(SM_HELLO_METADATA));
    QVERIFY(file.open(QIODevice::ReadOnly));

    const sm::Result<sm::PluginMetadata> metadata =
        sm::PluginMetadata::fromJson(QJsonDocument::fromJson(file.readAll()).object(), file.fileName());

    QVERIFY2(metadata, metadata ? "" : qPrintable(metadata.error().message));
    QCOMPARE(metadata->id, QStringLiteral("hello"));
    QCOMPARE(metadata->kind, sm::PluginKind::Backend);
    const sm::ConfigKey *greeting = metadata->configKey(QStringLiteral("greeting"));
    QVERIFY(greeting);
    QCOMPARE(greeting->type, sm::ConfigType::String);
    QCOMPARE(greeting->defaultValue.toString(), QStringLiteral("hello"));
}

QTEST_GUILESS_MAIN(TestHelloBackend)
#include "tst_hellobackend.moc"
