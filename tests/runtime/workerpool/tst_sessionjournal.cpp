// SessionJournal: what an Assign after a worker's death carries, given what arrived.
#include "workerpool/sessionjournal.h"

#include <QTest>

#include <algorithm>

using sm::SessionJournal;

class TestSessionJournal : public QObject {
    Q_OBJECT

private slots:
    void freshSessionAssignsWithoutSnapshotOrJournal();
    void answeredRequestsAreJournaledAfterTheSnapshot();
    void snapshotDropsTheRequestsItContains();
    void eventsOfAnUnansweredRequestAreHeldUntilItsReply();
    void heldEventsAndSnapshotsAreDroppedWhenTheWorkerDies();
    void tickEventsAreHeldUntilTheLastOfTheOperation();
    void deathMidTickDropsItsEventsAndResumesAtTheLastCompleteOperation();
    void snapshotCompletesTheTickItCovers();
    void releaseCompletesHeldEvents();
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
    QCOMPARE(journal.recordEvent(1, "market.quote", "{}", true, false).size(), 1); // a tick
    journal.recordReply(2, R"({"type":"order"})");
    QCOMPARE(journal.recordEvent(3, "market.quote", "{}", true, false).size(), 1);
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
    QVERIFY(journal.recordEvent(3, "order.ack", "{\"id\":1}", true, true).isEmpty());
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
    QVERIFY(journal.recordEvent(2, "order.ack", "{}", true, true).isEmpty());
    journal.recordSnapshot("state@2", 2, true); // contains the unanswered order
    QCOMPARE(journal.dropHeld(), 1);
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

void TestSessionJournal::tickEventsAreHeldUntilTheLastOfTheOperation()
{
    SessionJournal journal;
    QVERIFY(journal.recordEvent(4, "market.quote", "a", false, false).isEmpty());
    QVERIFY(journal.recordEvent(4, "market.trade", "b", false, false).isEmpty());
    QVERIFY(journal.hasHeld());
    QCOMPARE(journal.resumeOpSeq(), quint64(0)); // tick 4 may still be cut short
    const QList<SessionJournal::HeldEvent> released = journal.recordEvent(4, "market.quote", "c", true, false);
    QCOMPARE(released.size(), 3);
    QCOMPARE(released.at(0).data, QByteArray("a"));
    QCOMPARE(released.at(1).type, QByteArray("market.trade"));
    QCOMPARE(released.at(1).data, QByteArray("b"));
    QCOMPARE(released.at(2).data, QByteArray("c"));
    QVERIFY(std::all_of(released.cbegin(), released.cend(), [](const auto &event) { return event.opSeq == 4; }));
    QVERIFY(!journal.hasHeld());
    QCOMPARE(journal.resumeOpSeq(), quint64(4));
}

void TestSessionJournal::deathMidTickDropsItsEventsAndResumesAtTheLastCompleteOperation()
{
    SessionJournal journal;
    journal.recordReply(1, "subscribe");
    QCOMPARE(journal.recordEvent(2, "market.quote", "{}", true, false).size(), 1);
    QVERIFY(journal.recordEvent(3, "market.quote", "x", false, false).isEmpty());
    QVERIFY(journal.recordEvent(3, "market.quote", "y", false, false).isEmpty());
    QCOMPARE(journal.dropHeld(), 2); // killed before tick 3's last event
    QVERIFY(!journal.hasHeld());
    const auto assign = journal.assignMessage("s1", 7);
    QCOMPARE(assign.resume_op_seq(), quint64(2)); // the new worker runs tick 3 live, all of it
    QCOMPARE(assign.journal_size(), 1);
    QCOMPARE(assign.journal(0).op_seq(), quint64(1));
}

void TestSessionJournal::snapshotCompletesTheTickItCovers()
{
    SessionJournal journal;
    QVERIFY(journal.recordEvent(5, "market.quote", "{}", false, false).isEmpty());
    const QList<SessionJournal::HeldEvent> released = journal.recordSnapshot("state@5", 5, false);
    QCOMPARE(released.size(), 1);
    QCOMPARE(released.first().opSeq, quint64(5));
    QCOMPARE(journal.resumeOpSeq(), quint64(5));
}

void TestSessionJournal::releaseCompletesHeldEvents()
{
    SessionJournal journal;
    QVERIFY(journal.recordEvent(2, "market.quote", "{}", false, false).isEmpty());
    QCOMPARE(journal.recordReleased("final", 2).size(), 1);
    QVERIFY(!journal.hasHeld());
}

QTEST_GUILESS_MAIN(TestSessionJournal)
#include "tst_sessionjournal.moc"
