#include "journalhostcontext.h"
#include "recordinglogger.h"

#include "plugins/pluginmanager.h"

#include <sm/plugin.h>

#include <QPointer>
#include <QtTest>

#include <memory>

using sm::PluginManager;
using sm::PluginSpec;
using State = sm::PluginSpec::State;

namespace {

QString scenarioDir(const QString &scenario)
{
    return QStringLiteral(SM_FIXTURE_DIR "/") + scenario;
}

QString fixtureFile(const QString &scenario, const QString &name)
{
    return scenarioDir(scenario) + u'/' + name + QStringLiteral(".so");
}

QStringList ids(const QList<const PluginSpec *> &specs)
{
    QStringList result;
    for (const PluginSpec *spec : specs)
        result.append(spec->id());
    return result;
}

const PluginSpec *specByFile(const PluginManager &manager, const QString &filePath)
{
    for (const PluginSpec *spec : manager.specs()) {
        if (spec->filePath() == filePath)
            return spec;
    }
    return nullptr;
}

} // namespace

class TestPluginManager : public QObject {
    Q_OBJECT

private slots:
    void init();

    void runsLifecycleInDependencyOrderAndStopsInReverse();
    void listsStartedPluginsByKind();
    void unloadDeletesThePluginObjects();
    void readsADirectoryListedTwiceOnce();
    void warnsAboutAMissingSearchDirectory();

    void refusesAMissingDependency();
    void refusesADependencyOutsideItsCompatibleRange();
    void refusesEveryPluginOnACycleNamingTheCycle();
    void refusesTheSecondFileWithAnIdNamingBoth();
    void refusesBrokenFilesWithoutLoadingThem_data();
    void refusesBrokenFilesWithoutLoadingThem();
    void disablesAPluginAndRefusesItsDependents();

    void refusesALibraryThatFailsToLoad();
    void refusesAPluginWithoutTheEntryPointOfItsKind();
    void refusesAPluginWhoseConfigureFails();
    void refusesAPluginWhoseStartFailsAndItsDependents();
    void stopsOnlyThePluginsThatStarted();
    void refusesAPluginTheHostGivesNoContext();

private:
    std::unique_ptr<PluginManager> load(const QStringList &scenarios, const QStringList &disabled = {});
    void runLifecycle(PluginManager &manager);
    void verifyRefused(const PluginManager &manager, const QString &id, const QString &reason);

    smtest::RecordingLogger m_log;
    QStringList m_journal;
};

void TestPluginManager::init()
{
    m_log.clear();
    m_journal.clear();
}

std::unique_ptr<PluginManager> TestPluginManager::load(const QStringList &scenarios,
                                                       const QStringList &disabled)
{
    auto manager = std::make_unique<PluginManager>(m_log);
    QStringList dirs;
    for (const QString &scenario : scenarios)
        dirs.append(scenarioDir(scenario));
    manager->setSearchPaths(dirs);
    manager->setDisabledPlugins(disabled);
    manager->setHostContextFactory([this](const PluginSpec &spec) {
        return std::make_unique<smtest::JournalHostContext>(spec.id(), m_journal);
    });
    manager->loadPlugins();
    return manager;
}

void TestPluginManager::runLifecycle(PluginManager &manager)
{
    manager.configurePlugins();
    manager.startPlugins();
    manager.stopPlugins();
}

void TestPluginManager::verifyRefused(const PluginManager &manager, const QString &id, const QString &reason)
{
    const PluginSpec *spec = manager.spec(id);
    QVERIFY2(spec, qPrintable(id));
    QCOMPARE(spec->state(), State::Refused);
    QCOMPARE(spec->errorString(), reason);
    QCOMPARE(m_log.count(QStringLiteral("plugin refused"), QStringLiteral("plugin"), id), 1);
}

void TestPluginManager::runsLifecycleInDependencyOrderAndStopsInReverse()
{
    // "chain" (b, c) is searched before "base" (a): the order must come from the dependencies.
    auto manager = load({QStringLiteral("chain"), QStringLiteral("base")});
    QCOMPARE(ids(manager->loadOrder()), QStringList({"a", "b", "c"}));

    runLifecycle(*manager);

    QCOMPARE(m_journal, QStringList({"a:configure", "b:configure", "c:configure", "a:start", "b:start",
                                     "c:start", "c:stop", "b:stop", "a:stop"}));
    for (const QString id : {"a", "b", "c"})
        QCOMPARE(manager->spec(id)->state(), State::Stopped);
}

void TestPluginManager::listsStartedPluginsByKind()
{
    auto manager = load({QStringLiteral("base"), QStringLiteral("chain")});
    manager->configurePlugins();
    manager->startPlugins();

    QCOMPARE(ids(manager->startedPlugins(sm::PluginKind::Transport)), QStringList({"a", "b", "c"}));
    QVERIFY(manager->startedPlugins(sm::PluginKind::Store).isEmpty());
    QVERIFY(manager->plugin(QStringLiteral("b")));
    QCOMPARE(manager->plugin(QStringLiteral("b")), manager->spec(QStringLiteral("b"))->plugin());
    QVERIFY(!manager->plugin(QStringLiteral("ghost")));
    QVERIFY(!manager->spec(QStringLiteral("ghost")));
}

void TestPluginManager::unloadDeletesThePluginObjects()
{
    auto manager = load({QStringLiteral("base")});
    manager->configurePlugins();
    manager->startPlugins();
    QPointer<QObject> root = dynamic_cast<QObject *>(manager->plugin(QStringLiteral("a")));
    QVERIFY(root);

    manager->unloadPlugins();

    QVERIFY(!root);
    QVERIFY(!manager->plugin(QStringLiteral("a")));
    QCOMPARE(m_journal, QStringList({"a:configure", "a:start", "a:stop"}));
}

void TestPluginManager::readsADirectoryListedTwiceOnce()
{
    auto manager = load({QStringLiteral("base"), QStringLiteral(SM_FIXTURE_DIR "/../fixtures/base")});

    QCOMPARE(manager->specs().size(), 1);
    QCOMPARE(manager->spec(QStringLiteral("a"))->state(), State::Loaded);
}

void TestPluginManager::warnsAboutAMissingSearchDirectory()
{
    auto manager = load({QStringLiteral("no-such-scenario"), QStringLiteral("base")});

    QCOMPARE(m_log.count(QStringLiteral("plugin directory does not exist"), QStringLiteral("path"),
                         scenarioDir(QStringLiteral("no-such-scenario"))),
             1);
    QCOMPARE(manager->spec(QStringLiteral("a"))->state(), State::Loaded);
}

void TestPluginManager::refusesAMissingDependency()
{
    auto manager = load({QStringLiteral("missing")});

    verifyRefused(*manager, QStringLiteral("orphan"),
                  QStringLiteral("missing dependency \"ghost\" (version 1.0.0)"));
    QVERIFY(!manager->plugin(QStringLiteral("orphan")));
}

void TestPluginManager::refusesADependencyOutsideItsCompatibleRange()
{
    auto manager = load({QStringLiteral("base"), QStringLiteral("versions")});

    verifyRefused(*manager, QStringLiteral("wants-newer-a"),
                  QStringLiteral("dependency \"a\" has version 1.2.0 (compatible down to 1.0.0), which "
                                 "does not provide the wanted version 2.0.0"));
    QCOMPARE(manager->spec(QStringLiteral("a"))->state(), State::Loaded);
}

void TestPluginManager::refusesEveryPluginOnACycleNamingTheCycle()
{
    auto manager = load({QStringLiteral("cycle")});

    verifyRefused(*manager, QStringLiteral("x"), QStringLiteral("dependency cycle: x -> y -> x"));
    verifyRefused(*manager, QStringLiteral("y"), QStringLiteral("dependency cycle: y -> x -> y"));
    verifyRefused(*manager, QStringLiteral("z"),
                  QStringLiteral("dependency \"x\" was refused: dependency cycle: x -> y -> x"));
    QVERIFY(manager->loadOrder().isEmpty());
}

void TestPluginManager::refusesTheSecondFileWithAnIdNamingBoth()
{
    auto manager = load({QStringLiteral("duplicate")});
    const QString first = fixtureFile(QStringLiteral("duplicate"), QStringLiteral("twin-1"));
    const QString second = fixtureFile(QStringLiteral("duplicate"), QStringLiteral("twin-2"));

    QCOMPARE(manager->spec(QStringLiteral("twin"))->filePath(), first);
    QCOMPARE(manager->spec(QStringLiteral("twin"))->state(), State::Loaded);
    const PluginSpec *refused = specByFile(*manager, second);
    QVERIFY(refused);
    QCOMPARE(refused->state(), State::Refused);
    QCOMPARE(refused->errorString(), QStringLiteral("duplicate plugin id \"twin\": %1 already provides "
                                                    "it, so %2 is ignored")
                                         .arg(first, second));
    QVERIFY(!refused->plugin());
}

void TestPluginManager::refusesBrokenFilesWithoutLoadingThem_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason"); // after "<file>: "

    QTest::newRow("metadata without id") << "no-id"
                                         << R"(field "id": missing)";
    QTest::newRow("unknown kind") << "banana"
                                  << R"(field "kind": "banana" is not one of store, transport, backend)";
    QTest::newRow("newer SDK") << "newer-sdk"
                               << R"(field "sdk": built for SDK 2.0, this host provides SDK 1.2 (needs )"
                                  R"(the same major version and a minor version no newer than the host's))";
    QTest::newRow("foreign interface id")
        << "foreign"
        << R"(interface id "org.example.SomethingElse/1" is not "dev.sessionmanager.Plugin/1" )"
           R"((not a Session Manager plugin, or built against another major SDK version))";
    QTest::newRow("not a Qt plugin") << "not-a-plugin"
                                     << "not a Qt plugin (";
}

void TestPluginManager::refusesBrokenFilesWithoutLoadingThem()
{
    QFETCH(QString, name);
    QFETCH(QString, reason);
    auto manager = load({QStringLiteral("broken")});
    const QString file = fixtureFile(QStringLiteral("broken"), name);

    const PluginSpec *spec = specByFile(*manager, file);
    QVERIFY(spec);
    QCOMPARE(spec->state(), State::Refused);
    QVERIFY2(spec->errorString().startsWith(file + QStringLiteral(": ") + reason),
             qPrintable(spec->errorString()));
    QVERIFY(!spec->hasMetadata());
    QVERIFY(!spec->plugin());
    QCOMPARE(m_log.count(QStringLiteral("plugin refused"), QStringLiteral("file"), file), 1);
    QVERIFY(manager->loadOrder().isEmpty());
}

void TestPluginManager::disablesAPluginAndRefusesItsDependents()
{
    auto manager = load({QStringLiteral("base"), QStringLiteral("chain")}, {QStringLiteral("b")});
    runLifecycle(*manager);

    const PluginSpec *disabled = manager->spec(QStringLiteral("b"));
    QCOMPARE(disabled->state(), State::Disabled);
    QCOMPARE(disabled->errorString(), QStringLiteral("disabled by config (disabled_plugins)"));
    QVERIFY(!disabled->plugin());
    verifyRefused(*manager, QStringLiteral("c"), QStringLiteral("dependency \"b\" is disabled by config"));
    QCOMPARE(m_journal, QStringList({"a:configure", "a:start", "a:stop"}));
}

void TestPluginManager::refusesALibraryThatFailsToLoad()
{
    auto manager = load({QStringLiteral("failures")});
    const PluginSpec *spec = manager->spec(QStringLiteral("unloadable"));

    QCOMPARE(spec->state(), State::Refused);
    QVERIFY2(spec->errorString().contains(spec->filePath()), qPrintable(spec->errorString()));
    QVERIFY2(spec->errorString().contains(QStringLiteral("sm_fixture_undefined_symbol")),
             qPrintable(spec->errorString()));
    QVERIFY(!spec->plugin());
}

void TestPluginManager::refusesAPluginWithoutTheEntryPointOfItsKind()
{
    auto manager = load({QStringLiteral("failures")});

    verifyRefused(*manager, QStringLiteral("no-factory"),
                  QStringLiteral("its kind is \"store\" but storeFactory() returns null"));
    QVERIFY(!manager->plugin(QStringLiteral("no-factory")));
}

void TestPluginManager::refusesAPluginWhoseConfigureFails()
{
    auto manager = load({QStringLiteral("failures")});
    manager->configurePlugins();

    verifyRefused(*manager, QStringLiteral("fails-configure"),
                  QStringLiteral("configure() failed: fixture fails in configure"));
    manager->startPlugins();
    QVERIFY(!m_journal.contains(QStringLiteral("fails-configure:start")));
}

void TestPluginManager::refusesAPluginWhoseStartFailsAndItsDependents()
{
    auto manager = load({QStringLiteral("failures")});
    manager->configurePlugins();
    manager->startPlugins();

    verifyRefused(*manager, QStringLiteral("fails-start"),
                  QStringLiteral("start() failed: fixture fails in start"));
    verifyRefused(
        *manager, QStringLiteral("after-fails-start"),
        QStringLiteral("dependency \"fails-start\" was refused: start() failed: fixture fails in start"));
    QVERIFY(!m_journal.contains(QStringLiteral("after-fails-start:start")));
}

void TestPluginManager::stopsOnlyThePluginsThatStarted()
{
    auto manager = load({QStringLiteral("base"), QStringLiteral("failures")});
    runLifecycle(*manager);

    // Load order: a, then after-fails-start after its dependency fails-start, then
    // fails-configure (no-factory and unloadable were refused while loading).
    QCOMPARE(m_journal, QStringList({"a:configure", "fails-start:configure", "after-fails-start:configure",
                                     "fails-configure:configure", "a:start", "fails-start:start", "a:stop"}));
    QCOMPARE(manager->spec(QStringLiteral("a"))->state(), State::Stopped);
}

void TestPluginManager::refusesAPluginTheHostGivesNoContext()
{
    auto manager = std::make_unique<PluginManager>(m_log);
    manager->setSearchPaths({scenarioDir(QStringLiteral("base")), scenarioDir(QStringLiteral("chain"))});
    manager->setHostContextFactory([this](const PluginSpec &spec) -> std::unique_ptr<sm::HostContext> {
        if (spec.id() == QLatin1String("b"))
            return nullptr;
        return std::make_unique<smtest::JournalHostContext>(spec.id(), m_journal);
    });
    manager->loadPlugins();
    manager->configurePlugins();

    verifyRefused(*manager, QStringLiteral("b"), QStringLiteral("the host could not create its context"));
    verifyRefused(*manager, QStringLiteral("c"),
                  QStringLiteral("dependency \"b\" was refused: the host could not create its context"));
    QCOMPARE(m_journal, QStringList({"a:configure"}));
}

QTEST_GUILESS_MAIN(TestPluginManager)
#include "tst_pluginmanager.moc"
