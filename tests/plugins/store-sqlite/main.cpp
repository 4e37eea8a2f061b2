// Runs the SessionStore contract and the SQLite-specific tests against the built
// store-sqlite module. With StoreSqliteTests::kWriteAndWaitMode as first argument it
// is instead the child process of the crash test.
#include "sqliteplugintestfixture.h"
#include "storecontracttests.h"
#include "storesqlitetests.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    SqlitePluginFixture fixture;
    if (!fixture.plugin()) {
        qCritical("cannot load %s: %s", STORE_SQLITE_PLUGIN_PATH, qPrintable(fixture.loadError()));
        return 1;
    }
    const QStringList arguments = app.arguments();
    if (arguments.value(1) == StoreSqliteTests::kWriteAndWaitMode)
        return StoreSqliteTests::writeAndWaitForKill(fixture, arguments.value(2), arguments.value(3));

    QTemporaryDir root;
    int databases = 0;
    QString latestDataDir;
    auto freshStore = [&] {
        latestDataDir = root.filePath(QStringLiteral("contract-%1").arg(++databases));
        return fixture.storeFor({{"data_dir", latestDataDir}});
    };
    auto reopenStore = [&] { return fixture.storeFor({{"data_dir", latestDataDir}}); };

    StoreContractTests contract(freshStore, reopenStore);
    StoreSqliteTests sqliteSpecific(fixture);
    int failures = QTest::qExec(&contract, argc, argv);
    failures += QTest::qExec(&sqliteSpecific, argc, argv);
    return failures;
}
