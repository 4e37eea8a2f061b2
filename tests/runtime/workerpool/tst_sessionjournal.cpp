// SessionJournal: what an Assign after a worker's death carries, given what arrived.
#include "workerpool/sessionjournal.h"

#include <QTest>

using sm::SessionJournal;

class TestSessionJournal : public QObject {
    Q_OBJECT

private slots:
    void freshSessionAssignsWithoutSnapshotOrJournal();
    void answeredRequestsAreJournaledAfterTheSnapshot();
    void snapshotDropsTheRequestsItContains();
    void eventsOfAnUnansweredRequestAreHeldUntilItsReply();
    void heldEventsAndSnapshotsAreDroppedWhenTheWorkerDies();
    void releasedStateReplacesSnapshotAndJournal();
};

void TestSessionJournal::freshSessionAssignsWithoutSnapshotOrJournal()
{
    const SessionJournal journal;
    const auto assign = journal.assignMessage("s1", 42);
    QCOMPARE(assign.session_id(), std::string("s1"));
    QCOMPARE(assign.seed(), quint64(42));
    QVERIFY(assign.snapshot().empty());
    QCOMPARE(assign.journal_size(), 0);
    QCOMPARE(assign.resume_op_seq(), quint64(0));
}

void TestSessionJournal::answeredRequestsAreJournaledAfterTheSnapshot()
{
    SessionJournal journal;
    QVERIFY(journal.holdOrPublish(1, "market.quote", "{}", false)); // a tick
    journal.recordReply(2, R"({"type":"order"})");
    QVERIFY(journal.holdOrPublish(3, "market.quote", "{}", false));
    const auto assign = journal.assignMessage("s1", 7);
    QCOMPARE(assign.journal_size(), 1);
    QCOMPARE(assign.journal(0).op_seq(), quint64(2));
    QCOMPARE(assign.journal(0).request_json(), std::string(R"({"type":"order"})"));
    QCOMPARE(assign.resume_op_seq(), quint64(3));
}

void TestSessionJournal::snapshotDropsTheRequestsItContains()
{
    SessionJournal journal;
    journal.recordReply(2, "a");
    journal.recordReply(5, "b");
    journal.recordSnapshot("state@4", 4, false);
    const auto assign = journal.assignMessage("s1", 7);
    QCOMPARE(assign.snapshot(), std::string("state@4"));
    QCOMPARE(assign.snapshot_op_seq(), quint64(4));
    QCOMPARE(assign.journal_size(), 1);
    QCOMPARE(assign.journal(0).op_seq(), quint64(5));
    QCOMPARE(assign.resume_op_seq(), quint64(5));
}

void TestSessionJournal::eventsOfAnUnansweredRequestAreHeldUntilItsReply()
{
    SessionJournal journal;
    QVERIFY(!journal.holdOrPublish(3, "order.ack", "{\"id\":1}", true));
    QVERIFY(journal.hasHeld());
    QCOMPARE(journal.resumeOpSeq(), quint64(0)); // not published: not to be replayed silently
    const QList<SessionJournal::HeldEvent> released = journal.recordReply(3, "order");
    QCOMPARE(released.size(), 1);
    QCOMPARE(released.first().type, QByteArray("order.ack"));
    QVERIFY(!journal.hasHeld());
    QCOMPARE(journal.resumeOpSeq(), quint64(3));
}

void TestSessionJournal::heldEventsAndSnapshotsAreDroppedWhenTheWorkerDies()
{
    SessionJournal journal;
    journal.recordReply(1, "subscribe");
    journal.recordSnapshot("state@1", 1, false);
    QVERIFY(!journal.holdOrPublish(2, "order.ack", "{}", true));
    journal.recordSnapshot("state@2", 2, true); // contains the unanswered order
    journal.dropHeld();
    const auto assign = journal.assignMessage("s1", 7);
    QCOMPARE(assign.snapshot(), std::string("state@1"));
    QCOMPARE(assign.journal_size(), 0);
    QCOMPARE(assign.resume_op_seq(), quint64(1));
}

void TestSessionJournal::releasedStateReplacesSnapshotAndJournal()
{
    SessionJournal journal;
    journal.recordReply(1, "a");
    journal.recordReply(2, "b");
    journal.recordReleased("final", 9);
    const auto assign = journal.assignMessage("s1", 7);
    QCOMPARE(assign.snapshot(), std::string("final"));
    QCOMPARE(assign.snapshot_op_seq(), quint64(9));
    QCOMPARE(assign.journal_size(), 0);
    QCOMPARE(assign.resume_op_seq(), quint64(9));
}

QTEST_GUILESS_MAIN(TestSessionJournal)
#include "tst_sessionjournal.moc"
