// The store-agnostic SessionStore contract, run against store-postgres: every test
// function gets a store over an empty database.
#include "postgrestestbed.h"
#include "storecontracttests.h"

#include <QCoreApplication>
#include <QTest>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (PostgresTestBed::fixturePort() <= 0) {
        qCritical("SM_TEST_PG_PORT is not set: run this test through ctest (fixture 'postgres')");
        return 1;
    }
    PostgresTestBed bed;
    const QString database = bed.freshDatabaseName(QStringLiteral("contract"));
    bool created = false;
    // One database (CREATE DATABASE costs about a second), emptied for every test function.
    auto createFresh = [&]() -> std::unique_ptr<sm::SessionStore> {
        if (created && !bed.exec(database, QStringLiteral("TRUNCATE sessions"))) {
            qCritical("cannot empty %s: %s", qPrintable(database), qPrintable(bed.lastError()));
            return nullptr;
        }
        created = true;
        return bed.createStore(database);
    };
    StoreContractTests suite(createFresh, [&] { return bed.createStore(database); });
    return QTest::qExec(&suite, argc, argv);
}
