#pragma once

#include <sm/store.h>

#include <QObject>

#include <functional>
#include <memory>

// The behaviour every sm::SessionStore must have, as a QtTest suite that any store's
// test executable runs with QTest::qExec(&suite, argc, argv). It uses the store only
// through the SDK interface, so it knows nothing of SQLite or PostgreSQL.
class StoreContractTests : public QObject {
    Q_OBJECT

public:
    using StoreMaker = std::function<std::unique_ptr<sm::SessionStore>()>;

    // `createFresh` answers a new, not yet opened store over an empty database on every
    // call (one per test function). `reopen` answers another store over the database of
    // the latest createFresh() call, to prove what was written survives close().
    StoreContractTests(StoreMaker createFresh, StoreMaker reopen, QObject *parent = nullptr);

private slots:
    void init();
    void cleanup();

    void insertThenGetReturnsEveryField();
    void insertKeepsUnsetFieldsUnset();
    void insertOfTakenIdIsAlreadyExistsAndKeepsTheOriginal();
    void insertWithoutIdIsRejected();
    void getOfUnknownIdIsNotFound();
    void updateWithCurrentVersionReplacesWritableFieldsAndBumpsVersion();
    void updateWithStaleVersionIsConflictAndLeavesRowUnchanged();
    void writeToUnknownIdIsNotFound_data();
    void writeToUnknownIdIsNotFound();
    void touchChangesOnlyLastActivity();
    void touchPushesTheIdleDeadlineOut();
    void deleteRemovesTheSession();
    void emptyBatchAnswersNothing();
    void batchCommitsTheWritesAroundFailedOnes();
    void batchWritesSeeEarlierWritesOfTheSameBatch();
    void listFiltersByUserAndState();
    void listPagesCoverEveryRowOnceInCreationOrder();
    void listPagingIsStableWhileRowsAreInserted();
    void listClampsTheLimit();
    void listRejectsMalformedCursor();
    void expireDueTakesOnlyDueActiveOrIdleSessions();
    void expireDueTakesAtMostLimit();
    void purgeFinalDeletesOnlyFinalSessionsUpdatedBefore();
    void purgeFinalTakesAtMostLimit();
    void pingAnswersOnOpenStore();
    void callsAfterCloseAreUnavailable();
    void sessionsSurviveReopen();

private:
    sm::Result<sm::Session> writeOne(const sm::StoreWrite &write);
    bool insertAll(const QList<sm::Session> &sessions);
    QStringList listAllIds(sm::ListSessionsQuery query);

    StoreMaker m_createFresh;
    StoreMaker m_reopen;
    std::unique_ptr<sm::SessionStore> m_store;
};
