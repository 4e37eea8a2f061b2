// OutboundQueue: one write in flight, order kept, the bound, finish after the queued
// messages or at once, and nothing after the reactor has gone.
#include "encodedevent.h"
#include "outboundqueue.h"
#include "streamwriter.h"
#include "writekicker.h"

#include "session.pb.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

namespace {
// Records what the queue asks of a reactor.
class RecordingWriter : public smgrpc::StreamWriter {
public:
    void startWrite(const google::protobuf::Message &message) override
    {
        writes.push_back(static_cast<const sm::v1::Event &>(message).id());
    }
    // A batch is recorded as its ids joined with '+'.
    void startEventsWrite(const std::vector<const smgrpc::EncodedEvent *> &events) override
    {
        writerThread = std::this_thread::get_id();
        std::string ids;
        for (const smgrpc::EncodedEvent *event : events)
            ids += (ids.empty() ? "" : "+") + event->event().id.toString().toStdString();
        writes.push_back(ids);
    }
    void finishCall(const grpc::Status &status) override { finishes.push_back(status.error_code()); }

    std::vector<std::string> writes;
    std::atomic<std::thread::id> writerThread;
    std::vector<grpc::StatusCode> finishes;
};

std::unique_ptr<google::protobuf::Message> eventWithId(const std::string &id)
{
    auto message = std::make_unique<sm::v1::Event>();
    message->set_id(id);
    message->set_data_json("{}");
    return message;
}

std::shared_ptr<const smgrpc::EncodedEvent> hubEvent(quint64 seq)
{
    return smgrpc::EncodedEvent::encode(sm::Event{sm::EventId{1, seq}, "app.tick", "{}"});
}
} // namespace

class TestOutboundQueue : public QObject {
    Q_OBJECT

private slots:
    void writesOneAtATimeInOrder();
    void refusesPushesBeyondTheBound();
    void finishWaitsForQueuedMessages();
    void finishDroppingQueuedEndsAfterTheWriteInFlight();
    void failedWriteFinishesCancelled();
    void detachedQueueRefusesEverything();
    void backlogOfEventsIsWrittenInBatchesUpToTheMax();
    void controlMessagesKeepTheirPlaceBetweenBatches();
    void kickedQueueStartsItsWriteOnTheKickerThread();
};

void TestOutboundQueue::writesOneAtATimeInOrder()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 10);
    QCOMPARE(queue.push(eventWithId("1-1")), smgrpc::OutboundQueue::Push::Queued);
    QCOMPARE(queue.push(eventWithId("1-2")), smgrpc::OutboundQueue::Push::Queued);
    QCOMPARE(writer.writes, std::vector<std::string>({"1-1"}));
    QCOMPARE(queue.depth(), 2);
    QVERIFY(queue.bytes() > 0);
    queue.writeDone(true);
    QCOMPARE(writer.writes, std::vector<std::string>({"1-1", "1-2"}));
    queue.writeDone(true);
    QCOMPARE(queue.depth(), 0);
    QCOMPARE(queue.bytes(), 0);
}

void TestOutboundQueue::refusesPushesBeyondTheBound()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 2);
    QCOMPARE(queue.push(eventWithId("1-1")), smgrpc::OutboundQueue::Push::Queued);
    QCOMPARE(queue.push(eventWithId("1-2")), smgrpc::OutboundQueue::Push::Queued);
    QCOMPARE(queue.push(eventWithId("1-3")), smgrpc::OutboundQueue::Push::Full);
    queue.writeDone(true);
    QCOMPARE(queue.push(eventWithId("1-3")), smgrpc::OutboundQueue::Push::Queued);
}

void TestOutboundQueue::finishWaitsForQueuedMessages()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 10);
    queue.push(eventWithId("1-1"));
    queue.push(eventWithId("1-2"));
    queue.finish(grpc::Status::OK);
    QVERIFY(queue.isClosed());
    QCOMPARE(queue.push(eventWithId("1-3")), smgrpc::OutboundQueue::Push::Closed);
    QVERIFY(writer.finishes.empty());
    queue.writeDone(true);
    QVERIFY(writer.finishes.empty());
    queue.writeDone(true);
    QCOMPARE(writer.writes.size(), size_t(2));
    QCOMPARE(writer.finishes, std::vector<grpc::StatusCode>({grpc::StatusCode::OK}));
}

void TestOutboundQueue::finishDroppingQueuedEndsAfterTheWriteInFlight()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 10);
    for (const char *id : {"1-1", "1-2", "1-3"})
        queue.push(eventWithId(id));
    queue.finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow"), true);
    QCOMPARE(queue.depth(), 1);
    QVERIFY(writer.finishes.empty());
    queue.writeDone(true);
    QCOMPARE(writer.writes, std::vector<std::string>({"1-1"}));
    QCOMPARE(writer.finishes, std::vector<grpc::StatusCode>({grpc::StatusCode::RESOURCE_EXHAUSTED}));
    queue.finish(grpc::Status::OK);
    QCOMPARE(writer.finishes.size(), size_t(1));
}

void TestOutboundQueue::failedWriteFinishesCancelled()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 10);
    queue.push(eventWithId("1-1"));
    queue.push(eventWithId("1-2"));
    queue.writeDone(false);
    QCOMPARE(writer.writes.size(), size_t(1));
    QCOMPARE(writer.finishes, std::vector<grpc::StatusCode>({grpc::StatusCode::CANCELLED}));
    QCOMPARE(queue.bytes(), 0);
}

void TestOutboundQueue::detachedQueueRefusesEverything()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 10);
    queue.detach();
    QCOMPARE(queue.push(eventWithId("1-1")), smgrpc::OutboundQueue::Push::Closed);
    queue.finish(grpc::Status::OK);
    QVERIFY(!queue.ifOpen([] {}));
    QVERIFY(writer.writes.empty());
    QVERIFY(writer.finishes.empty());
}

void TestOutboundQueue::backlogOfEventsIsWrittenInBatchesUpToTheMax()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 100);
    queue.setMaxBatch(3);
    for (quint64 seq = 1; seq <= 6; ++seq)
        QCOMPARE(queue.pushEvent(hubEvent(seq)), smgrpc::OutboundQueue::Push::Queued);
    QCOMPARE(queue.depth(), 6);
    queue.writeDone(true);
    queue.writeDone(true);
    QCOMPARE(queue.depth(), 2); // the batch in flight
    queue.writeDone(true);
    // The first went alone (nothing was waiting), the rest in batches of at most three.
    QCOMPARE(writer.writes, std::vector<std::string>({"1-1", "1-2+1-3+1-4", "1-5+1-6"}));
    QCOMPARE(queue.depth(), 0);
    QCOMPARE(queue.bytes(), 0);
}

void TestOutboundQueue::controlMessagesKeepTheirPlaceBetweenBatches()
{
    RecordingWriter writer;
    smgrpc::OutboundQueue queue(&writer, 100);
    queue.setMaxBatch(10);
    queue.pushEvent(hubEvent(1));
    queue.pushEvent(hubEvent(2));
    queue.pushEvent(hubEvent(3));
    queue.push(eventWithId("advice"));
    queue.pushEvent(hubEvent(4));
    for (int i = 0; i < 4; ++i)
        queue.writeDone(true);
    QCOMPARE(writer.writes, std::vector<std::string>({"1-1", "1-2+1-3", "advice", "1-4"}));
}

void TestOutboundQueue::kickedQueueStartsItsWriteOnTheKickerThread()
{
    RecordingWriter writer;
    smgrpc::WriteKicker kicker;
    auto queue = std::make_shared<smgrpc::OutboundQueue>(&writer, 100, &kicker);
    QCOMPARE(queue->pushEvent(hubEvent(1)), smgrpc::OutboundQueue::Push::Queued);
    QTRY_VERIFY(writer.writerThread.load() != std::thread::id());
    QVERIFY(writer.writerThread.load() != std::this_thread::get_id());
    QCOMPARE(queue->depth(), 1);
    queue->writeDone(true);
    QCOMPARE(queue->depth(), 0);
    queue->detach();
}

QTEST_GUILESS_MAIN(TestOutboundQueue)
#include "tst_outboundqueue.moc"
