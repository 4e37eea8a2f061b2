// OutboundQueue: one write in flight, order kept, the bound, finish after the queued
// messages or at once, and nothing after the reactor has gone.
#include "outboundqueue.h"
#include "streamwriter.h"

#include "session.pb.h"

#include <QTest>

#include <vector>

namespace {
// Records what the queue asks of a reactor.
class RecordingWriter : public smgrpc::StreamWriter {
public:
    void startWrite(const google::protobuf::Message &message) override
    {
        writes.push_back(static_cast<const sm::v1::Event &>(message).id());
    }
    void finishCall(const grpc::Status &status) override { finishes.push_back(status.error_code()); }

    std::vector<std::string> writes;
    std::vector<grpc::StatusCode> finishes;
};

std::unique_ptr<google::protobuf::Message> eventWithId(const std::string &id)
{
    auto message = std::make_unique<sm::v1::Event>();
    message->set_id(id);
    message->set_data_json("{}");
    return message;
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

QTEST_GUILESS_MAIN(TestOutboundQueue)
#include "tst_outboundqueue.moc"
