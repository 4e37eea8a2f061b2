#pragma once

#include <QObject>
#include <QTemporaryDir>

#include <memory>

class SqlitePluginFixture;

// What the contract does not cover: the plugin's metadata and settings, the file on
// disk, WAL mode, crash durability across processes and schema migrations.
class StoreSqliteTests : public QObject {
    Q_OBJECT

public:
    explicit StoreSqliteTests(SqlitePluginFixture &fixture, QObject *parent = nullptr);

    // The child-process half of acknowledgedWritesSurviveAKilledProcess: writes a session
    // to the database at `path`, prints "acked" and waits to be killed.
    static int writeAndWaitForKill(SqlitePluginFixture &fixture, const QString &path, const QString &sessionId);
    static inline const QString kWriteAndWaitMode = QStringLiteral("--write-and-wait-for-kill");

private slots:
    void init();

    void metadataDescribesTheStorePlugin();
    void databaseDefaultsToSessionsDbUnderDataDir();
    void relativePathIsTakenFromDataDir();
    void absolutePathIsUsedAsIs();
    void configureRefusesUnknownSynchronousMode();
    void configureAcceptsNormalSynchronousMode();
    void configureRefusesMissingDataDir();
    void openFailsWhenTheDirectoryCannotBeCreated();
    void journalIsInWalMode();
    void aSecondOpenerOfTheFileIsRefusedWhileTheStoreIsOpen();
    void runsOnTheThreadThatOpenedIt();
    void acknowledgedWritesSurviveAKilledProcess();
    void migratesAVersion1Database();
    void refusesADatabaseWithANewerSchema();

private:
    SqlitePluginFixture &m_fixture;
    std::unique_ptr<QTemporaryDir> m_dir;
};
