// StreamEvents over a real channel against a real runtime: live delivery, resume after a
// client-side cancel and after a server-side cut-off (slow consumer), reset across
// epochs, session-token auth, the end of a session, deadlines, health Check/Watch and
// graceful shutdown; the bytes every stream of a session gets (one shared encoding) and a
// slow stream cut off beside a fast one.
#include "grpctestruntime.h"

#include "health.grpc.pb.h"

#include <grpcpp/generic/generic_stub.h>

#include <QTest>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

using namespace sm::v1;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class TestGrpcStreams : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void publishedEventsArriveInOrderWithSseIds();
    void resumeAfterClientCancelReplaysWithoutGap();
    void resumeFromAnotherEpochStartsWithReset();
    void sessionTokenOpensTheStreamWithoutBearer();
    void wrongSessionTokenIsUnauthenticated();
    void otherUsersStreamIsNotFound();
    void malformedLastEventIdIsInvalidArgument();
    void deleteSendsTerminatedThenEndsWithOk();
    void endedSessionEndsAtOnceWithOk();
    void deadlineEndsTheStream();
    void slowConsumerIsCutOffAndResumesWithoutGap();
    void batchingClientGetsTheSameEventsInBatches();
    void streamsOfOneSessionGetByteIdenticalProtobufEncodings();
    void slowStreamIsCutOffWhileAnotherOnTheSameSessionGetsEverything();
    void healthCheckReportsServingPerService();
    void shutdownAdvisesReconnectEndsUnavailableAndWatchSeesNotServing();

private:
    std::string createSession(const QString &token, std::string *sessionToken = nullptr);
    // Publishes `count` events to the session (data from `dataOf(i)`) and returns a request
    // that resumes the session's stream from before the first of them; empty on failure.
    std::optional<StreamEventsRequest> publishForReplay(const std::string &id, int count,
                                                        const std::function<QByteArray(int)> &dataOf);
    QList<Event> readEvents(const StreamEventsRequest &request, const QString &token, int count,
                            grpc::Status *status = nullptr, int deadlineMs = 10000);

    std::unique_ptr<GrpcTestRuntime> m_runtime;
    std::unique_ptr<SessionService::Stub> m_stub;
    QString m_alice;
    QString m_bob;
};

namespace {
quint64 seqOf(const std::string &id)
{
    return std::stoull(id.substr(id.find('-') + 1));
}

std::string bytesOf(const grpc::ByteBuffer &buffer)
{
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (buffer.Dump(&slices).ok()) {
        for (const grpc::Slice &slice : slices)
            bytes.append(reinterpret_cast<const char *>(slice.begin()), slice.size());
    }
    return bytes;
}

// StreamEvents without the generated stub: the messages as the bytes on the wire.
class RawEventStream {
public:
    RawEventStream(const std::shared_ptr<grpc::Channel> &channel, const StreamEventsRequest &request,
                   const QString &token)
        : m_stub(channel)
    {
        authorize(m_context, token);
        m_call = m_stub.PrepareCall(&m_context, "/sm.v1.SessionService/StreamEvents", &m_queue);
        m_call->StartCall(this);
        m_ok = await();
        const std::string serialized = request.SerializeAsString();
        grpc::Slice slice(serialized);
        const grpc::ByteBuffer message(&slice, 1);
        if (m_ok) {
            m_call->Write(message, this);
            m_ok = await();
        }
        if (m_ok) {
            m_call->WritesDone(this);
            m_ok = await();
        }
    }
    ~RawEventStream()
    {
        m_context.TryCancel();
        grpc::Status status;
        m_call->Finish(&status, this);
        await();
        m_queue.Shutdown();
        void *tag = nullptr;
        bool ok = false;
        while (m_queue.Next(&tag, &ok)) {
        }
    }
    // The next message's bytes; empty when the stream has ended.
    std::string read()
    {
        grpc::ByteBuffer buffer;
        if (!m_ok)
            return {};
        m_call->Read(&buffer, this);
        m_ok = await();
        return m_ok ? bytesOf(buffer) : std::string();
    }

private:
    bool await()
    {
        void *tag = nullptr;
        bool ok = false;
        return m_queue.Next(&tag, &ok) && ok;
    }

    grpc::GenericStub m_stub;
    grpc::ClientContext m_context;
    grpc::CompletionQueue m_queue;
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> m_call;
    bool m_ok = false;
};
} // namespace

void TestGrpcStreams::initTestCase()
{
    m_runtime = std::make_unique<GrpcTestRuntime>();
    QVERIFY2(m_runtime->start(), m_runtime->process().output().constData());
    m_stub = m_runtime->stub();
    m_alice = m_runtime->token("alice");
    m_bob = m_runtime->token("bob");
}

void TestGrpcStreams::cleanupTestCase()
{
    m_stub.reset();
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

std::string TestGrpcStreams::createSession(const QString &token, std::string *sessionToken)
{
    grpc::ClientContext context;
    authorize(context, token);
    CreateSessionResponse created;
    const grpc::Status status = m_stub->CreateSession(&context, CreateSessionRequest(), &created);
    if (!status.ok())
        qWarning("CreateSession: %s", status.error_message().c_str());
    if (sessionToken)
        *sessionToken = created.token();
    return created.session().session_id();
}

std::optional<StreamEventsRequest> TestGrpcStreams::publishForReplay(const std::string &id, int count,
                                                                      const std::function<QByteArray(int)> &dataOf)
{
    QByteArray firstId;
    for (int i = 0; i < count; ++i) {
        const QByteArray published = m_runtime->publish(QString::fromStdString(id), "app.tick", dataOf(i));
        if (published.isEmpty())
            return std::nullopt;
        if (i == 0)
            firstId = published;
    }
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id(firstId.left(firstId.indexOf('-')).toStdString() + "-0");
    return request;
}

// Reads up to `count` events (then cancels), or until the stream ends.
QList<Event> TestGrpcStreams::readEvents(const StreamEventsRequest &request, const QString &token, int count,
                                         grpc::Status *status, int deadlineMs)
{
    grpc::ClientContext context;
    authorize(context, token, deadlineMs);
    auto reader = m_stub->StreamEvents(&context, request);
    QList<Event> events;
    Event event;
    while (events.size() < count && reader->Read(&event))
        events << event;
    if (events.size() >= count)
        context.TryCancel();
    const grpc::Status finished = reader->Finish();
    if (status)
        *status = finished;
    return events;
}

void TestGrpcStreams::publishedEventsArriveInOrderWithSseIds()
{
    const std::string id = createSession(m_alice);
    QList<QByteArray> published;
    for (int i = 0; i < 5; ++i)
        published << m_runtime->publish(QString::fromStdString(id), "app.tick", QByteArray("{\"n\":") + QByteArray::number(i) + "}");
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id(published.first().left(published.first().indexOf('-')).toStdString() + "-0");
    const QList<Event> events = readEvents(request, m_alice, 5);
    QCOMPARE(events.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(QByteArray::fromStdString(events[i].id()), published[i]);
        QCOMPARE(events[i].type(), "app.tick");
        QCOMPARE(events[i].data_json(), "{\"n\":" + std::to_string(i) + "}");
    }
}

void TestGrpcStreams::resumeAfterClientCancelReplaysWithoutGap()
{
    const std::string id = createSession(m_alice);
    const QString sessionId = QString::fromStdString(id);
    QByteArray first;
    for (int i = 0; i < 3; ++i)
        first = m_runtime->publish(sessionId, "app.step", "{}");
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id(first.left(first.indexOf('-')).toStdString() + "-0");
    const QList<Event> before = readEvents(request, m_alice, 2);
    QCOMPARE(before.size(), 2);
    for (int i = 0; i < 4; ++i)
        m_runtime->publish(sessionId, "app.step", "{}");

    request.set_last_event_id(before.last().id());
    const QList<Event> after = readEvents(request, m_alice, 5);
    QCOMPARE(after.size(), 5);
    quint64 expected = seqOf(before.last().id()) + 1;
    for (const Event &event : after)
        QCOMPARE(seqOf(event.id()), expected++);
}

void TestGrpcStreams::resumeFromAnotherEpochStartsWithReset()
{
    const std::string id = createSession(m_alice);
    m_runtime->publish(QString::fromStdString(id), "app.step", "{}");
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id("1-1");
    const QList<Event> events = readEvents(request, m_alice, 1);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].type(), "reset");
    QVERIFY(QByteArray::fromStdString(events[0].data_json()).contains("\"requested\":\"1-1\""));
}

void TestGrpcStreams::sessionTokenOpensTheStreamWithoutBearer()
{
    std::string token;
    const std::string id = createSession(m_alice, &token);
    const QByteArray published = m_runtime->publish(QString::fromStdString(id), "app.step", "{}");
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_session_token(token);
    request.set_last_event_id(published.left(published.indexOf('-')).toStdString() + "-0");
    const QList<Event> events = readEvents(request, QString(), 1);
    QCOMPARE(events.size(), 1);
    QCOMPARE(QByteArray::fromStdString(events[0].id()), published);
}

void TestGrpcStreams::wrongSessionTokenIsUnauthenticated()
{
    const std::string id = createSession(m_alice);
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_session_token("wrong");
    grpc::Status status;
    QVERIFY(readEvents(request, QString(), 1, &status).isEmpty());
    QCOMPARE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

    request.clear_session_token();
    QVERIFY(readEvents(request, QString(), 1, &status).isEmpty());
    QCOMPARE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

void TestGrpcStreams::otherUsersStreamIsNotFound()
{
    const std::string id = createSession(m_alice);
    StreamEventsRequest request;
    request.set_session_id(id);
    grpc::Status status;
    QVERIFY(readEvents(request, m_bob, 1, &status).isEmpty());
    QCOMPARE(status.error_code(), grpc::StatusCode::NOT_FOUND);
    QCOMPARE(errorCode(status), QStringLiteral("not_found"));
}

void TestGrpcStreams::malformedLastEventIdIsInvalidArgument()
{
    const std::string id = createSession(m_alice);
    for (const char *bad : {"12", "a-b", "-1", "1-", "1-2-3"}) {
        StreamEventsRequest request;
        request.set_session_id(id);
        request.set_last_event_id(bad);
        grpc::Status status;
        QVERIFY(readEvents(request, m_alice, 1, &status).isEmpty());
        QCOMPARE(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    }
    StreamEventsRequest missing;
    grpc::Status status;
    readEvents(missing, m_alice, 1, &status);
    QCOMPARE(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

void TestGrpcStreams::deleteSendsTerminatedThenEndsWithOk()
{
    const std::string id = createSession(m_alice);
    // Published first and replayed, so the stream cannot miss it while subscribing.
    const QByteArray ready = m_runtime->publish(QString::fromStdString(id), "app.ready", "{}");
    grpc::ClientContext context;
    authorize(context, m_alice);
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id(ready.left(ready.indexOf('-')).toStdString() + "-0");
    auto reader = m_stub->StreamEvents(&context, request);
    Event event;
    QVERIFY(reader->Read(&event));
    QCOMPARE(event.type(), "app.ready");

    grpc::ClientContext deleteContext;
    authorize(deleteContext, m_alice);
    DeleteSessionRequest remove;
    remove.set_session_id(id);
    DeleteSessionResponse removed;
    QVERIFY(m_stub->DeleteSession(&deleteContext, remove, &removed).ok());

    QVERIFY(reader->Read(&event));
    QCOMPARE(event.type(), "session.terminated");
    QVERIFY(!reader->Read(&event));
    const grpc::Status status = reader->Finish();
    QVERIFY2(status.ok(), status.error_message().c_str());
}

void TestGrpcStreams::endedSessionEndsAtOnceWithOk()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    DeleteSessionRequest remove;
    remove.set_session_id(id);
    DeleteSessionResponse removed;
    QVERIFY(m_stub->DeleteSession(&context, remove, &removed).ok());
    StreamEventsRequest request;
    request.set_session_id(id);
    grpc::Status status;
    QVERIFY(readEvents(request, m_alice, 1, &status).isEmpty());
    QVERIFY2(status.ok(), status.error_message().c_str());
}

void TestGrpcStreams::deadlineEndsTheStream()
{
    const std::string id = createSession(m_alice);
    StreamEventsRequest request;
    request.set_session_id(id);
    grpc::Status status;
    QVERIFY(readEvents(request, m_alice, 1, &status, 300).isEmpty());
    QCOMPARE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    // The server let go of it: no stream stays open.
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->metrics().contains("\nsm_grpc_streams 0"), 5000);
}

void TestGrpcStreams::slowConsumerIsCutOffAndResumesWithoutGap()
{
    GrpcTestRuntime runtime;
    runtime.addSetting("transport-grpc.max_stream_queue", "8");
    // The resumed stream replays up to 200 × 32 KiB: the hub's own per-subscriber bound
    // (1 MiB by default) must not be what cuts it off while a loaded machine reads slowly.
    runtime.addSetting("stream_max_backlog", "67108864");
    QVERIFY2(runtime.start(), runtime.process().output().constData());
    auto stub = runtime.stub();
    const QString alice = runtime.token("alice");
    CreateSessionResponse created;
    {
        grpc::ClientContext context;
        authorize(context, alice);
        QVERIFY(stub->CreateSession(&context, CreateSessionRequest(), &created).ok());
    }
    const std::string id = created.session().session_id();
    const QByteArray ready = runtime.publish(QString::fromStdString(id), "app.ready", "{}");
    grpc::ClientContext context;
    authorize(context, alice, 30000);
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id(ready.left(ready.indexOf('-')).toStdString() + "-0");
    auto reader = stub->StreamEvents(&context, request);
    Event event;
    QVERIFY(reader->Read(&event));

    // The client stops reading: HTTP/2 flow control stalls the writes, the queue fills.
    const QByteArray blob = "{\"blob\":\"" + QByteArray(32 * 1024, 'x') + "\"}";
    QByteArray last;
    for (int i = 0; i < 200; ++i)
        last = runtime.publish(QString::fromStdString(id), "app.bulk", blob);
    QList<Event> received;
    while (reader->Read(&event))
        received << event;
    const grpc::Status status = reader->Finish();
    QCOMPARE(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    QCOMPARE(errorCode(status), QStringLiteral("slow_consumer"));
    QVERIFY(received.size() < 200);

    StreamEventsRequest resume;
    resume.set_session_id(id);
    resume.set_last_event_id(received.isEmpty() ? std::string() : received.last().id());
    QVERIFY(!received.isEmpty());
    grpc::ClientContext again;
    authorize(again, alice);
    auto resumed = stub->StreamEvents(&again, resume);
    quint64 expected = seqOf(received.last().id()) + 1;
    while (expected <= seqOf(last.toStdString()) && resumed->Read(&event))
        QCOMPARE(seqOf(event.id()), expected++);
    QCOMPARE(expected, seqOf(last.toStdString()) + 1);
    again.TryCancel();
    resumed->Finish();
    QVERIFY(runtime.metrics().contains("sm_grpc_slow_consumer_disconnects_total 1"));
    stub.reset();
    QCOMPARE(runtime.stop(), 0);
    QVERIFY(runtime.process().output().contains("gRPC stream cut off: slow consumer"));
}

void TestGrpcStreams::batchingClientGetsTheSameEventsInBatches()
{
    constexpr int kEvents = 200;
    constexpr quint32 kMaxBatch = 64;
    std::optional<StreamEventsRequest> replay = publishForReplay(
        createSession(m_alice), kEvents, [](int i) { return QByteArray::number(i).prepend('[').append(']'); });
    QVERIFY(replay);
    StreamEventsRequest &request = *replay;
    // A resume replays the history in one burst: the queue has a backlog at once.
    const QList<Event> single = readEvents(request, m_alice, kEvents);
    QCOMPARE(single.size(), kEvents);

    request.set_max_batch(kMaxBatch);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto reader = m_stub->StreamEvents(&context, request);
    QList<Event> flattened;
    int batches = 0;
    Event message;
    while (flattened.size() < kEvents && reader->Read(&message)) {
        if (message.batch_size() == 0) {
            flattened << message;
            continue;
        }
        ++batches;
        QVERIFY(message.batch_size() >= 2 && quint32(message.batch_size()) <= kMaxBatch);
        QVERIFY(message.id().empty() && message.type().empty() && message.data_json().empty());
        for (const Event &event : message.batch()) {
            QCOMPARE(event.batch_size(), 0);
            flattened << event;
        }
    }
    context.TryCancel();
    reader->Finish();
    QVERIFY2(batches > 0, "a backlog is sent in batches");
    QCOMPARE(flattened.size(), single.size());
    for (int i = 0; i < single.size(); ++i) {
        QCOMPARE(flattened[i].id(), single[i].id());
        QCOMPARE(flattened[i].type(), single[i].type());
        QCOMPARE(flattened[i].data_json(), single[i].data_json());
    }
}

// Every stream of a session writes the event's one shared encoding: two streams get the
// very same bytes, and those bytes are exactly what protobuf itself makes of the message;
// a batching stream's messages are protobuf's encoding of the batch, element by element
// the same bytes (batch boundaries depend on each stream's pace, so they may differ).
void TestGrpcStreams::streamsOfOneSessionGetByteIdenticalProtobufEncodings()
{
    constexpr int kEvents = 30;
    std::optional<StreamEventsRequest> replay = publishForReplay(createSession(m_alice), kEvents, [](int i) {
        return "{\"n\":" + QByteArray::number(i) + ",\"text\":\"é ✓\"}";
    });
    QVERIFY(replay);
    StreamEventsRequest &request = *replay;
    RawEventStream first(m_runtime->channel(), request, m_alice);
    RawEventStream second(m_runtime->channel(), request, m_alice);
    request.set_max_batch(8);
    RawEventStream batching(m_runtime->channel(), request, m_alice);
    QList<std::string> events;
    for (int i = 0; i < kEvents; ++i) {
        const std::string bytes = first.read();
        QVERIFY2(!bytes.empty(), "the stream ended early");
        QCOMPARE(second.read(), bytes);
        Event message;
        QVERIFY(message.ParseFromString(bytes));
        QCOMPARE(message.batch_size(), 0);
        QCOMPARE(message.SerializeAsString(), bytes);
        events << bytes;
    }
    QList<std::string> batchedEvents;
    while (batchedEvents.size() < kEvents) {
        const std::string bytes = batching.read();
        QVERIFY2(!bytes.empty(), "the batching stream ended early");
        Event message;
        QVERIFY(message.ParseFromString(bytes));
        QCOMPARE(message.SerializeAsString(), bytes);
        if (message.batch_size() == 0)
            batchedEvents << bytes;
        for (const Event &element : message.batch())
            batchedEvents << element.SerializeAsString();
    }
    QCOMPARE(batchedEvents, events);
}

// The streams of a session share each event's bytes, not their queues: a stream that
// stops reading is cut off with RESOURCE_EXHAUSTED at its own bound while another stream of
// the same session, reading along, gets every event in order.
void TestGrpcStreams::slowStreamIsCutOffWhileAnotherOnTheSameSessionGetsEverything()
{
    constexpr int kEvents = 200;
    GrpcTestRuntime runtime;
    runtime.addSetting("transport-grpc.max_stream_queue", "8");
    runtime.addSetting("stream_max_backlog", "67108864");
    QVERIFY2(runtime.start(), runtime.process().output().constData());
    const QString alice = runtime.token("alice");
    CreateSessionResponse created;
    {
        auto stub = runtime.stub();
        grpc::ClientContext context;
        authorize(context, alice);
        QVERIFY(stub->CreateSession(&context, CreateSessionRequest(), &created).ok());
    }
    const std::string id = created.session().session_id();
    // Both streams resume from before the first event: each gets it, whenever it subscribes.
    const QByteArray ready = runtime.publish(QString::fromStdString(id), "app.ready", "{}");
    StreamEventsRequest request;
    request.set_session_id(id);
    request.set_last_event_id(ready.left(ready.indexOf('-')).toStdString() + "-0");
    auto slowStub = runtime.stub();
    auto fastStub = runtime.stub();
    grpc::ClientContext slowContext;
    authorize(slowContext, alice, 60000);
    auto slow = slowStub->StreamEvents(&slowContext, request);
    grpc::ClientContext fastContext;
    authorize(fastContext, alice, 60000);
    auto fast = fastStub->StreamEvents(&fastContext, request);
    Event event;
    QVERIFY(slow->Read(&event));
    QCOMPARE(QByteArray::fromStdString(event.id()), ready);
    QVERIFY(fast->Read(&event));
    QCOMPARE(QByteArray::fromStdString(event.id()), ready);

    std::atomic<int> fastReceived{0};
    QList<Event> fastEvents;
    std::thread fastReader([&] {
        Event next;
        while (fastReceived < kEvents && fast->Read(&next)) {
            fastEvents << next;
            ++fastReceived;
        }
    });
    // The slow stream reads nothing more: HTTP/2 flow control stalls it and its queue
    // fills. The publisher keeps within a few events of the fast reader, far below the bound.
    const QByteArray blob = "{\"blob\":\"" + QByteArray(32 * 1024, 'x') + "\"}";
    QList<QByteArray> published;
    for (int i = 0; i < kEvents; ++i) {
        published << runtime.publish(QString::fromStdString(id), "app.bulk", blob);
        QVERIFY(QTest::qWaitFor([&] { return fastReceived >= i - 2; }, 20000));
    }
    fastReader.join();
    QList<Event> slowEvents;
    while (slow->Read(&event))
        slowEvents << event;
    const grpc::Status slowStatus = slow->Finish();
    QCOMPARE(slowStatus.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    QCOMPARE(errorCode(slowStatus), QStringLiteral("slow_consumer"));
    QVERIFY(slowEvents.size() < kEvents);

    QCOMPARE(fastEvents.size(), kEvents);
    for (int i = 0; i < kEvents; ++i) {
        QCOMPARE(QByteArray::fromStdString(fastEvents[i].id()), published[i]);
        QCOMPARE(QByteArray::fromStdString(fastEvents[i].data_json()), blob);
    }
    fastContext.TryCancel();
    fast->Finish();
    slowStub.reset();
    fastStub.reset();
    QCOMPARE(runtime.stop(), 0);
}

void TestGrpcStreams::healthCheckReportsServingPerService()
{
    auto health = Health::NewStub(m_runtime->channel());
    for (const char *service : {"", "sm.v1.SessionService"}) {
        grpc::ClientContext context;
        authorize(context, QString());
        HealthCheckRequest request;
        request.set_service(service);
        HealthCheckResponse response;
        const grpc::Status status = health->Check(&context, request, &response);
        QVERIFY2(status.ok(), status.error_message().c_str());
        QCOMPARE(response.status(), HealthCheckResponse::SERVING);
    }
    grpc::ClientContext context;
    authorize(context, QString());
    HealthCheckRequest unknown;
    unknown.set_service("no.such.Service");
    HealthCheckResponse response;
    QCOMPARE(health->Check(&context, unknown, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

void TestGrpcStreams::shutdownAdvisesReconnectEndsUnavailableAndWatchSeesNotServing()
{
    GrpcTestRuntime runtime;
    QVERIFY2(runtime.start(), runtime.process().output().constData());
    auto channel = runtime.channel();
    auto stub = SessionService::NewStub(channel);
    auto health = Health::NewStub(channel);
    const QString alice = runtime.token("alice");
    CreateSessionResponse created;
    {
        grpc::ClientContext context;
        authorize(context, alice);
        QVERIFY(stub->CreateSession(&context, CreateSessionRequest(), &created).ok());
    }
    grpc::ClientContext watchContext;
    authorize(watchContext, QString(), 30000);
    HealthCheckRequest watchRequest;
    watchRequest.set_service("sm.v1.SessionService");
    auto watch = health->Watch(&watchContext, watchRequest);
    HealthCheckResponse status;
    QVERIFY(watch->Read(&status));
    QCOMPARE(status.status(), HealthCheckResponse::SERVING);

    const QByteArray ready = runtime.publish(QString::fromStdString(created.session().session_id()), "app.ready", "{}");
    grpc::ClientContext context;
    authorize(context, alice, 30000);
    StreamEventsRequest request;
    request.set_session_id(created.session().session_id());
    request.set_last_event_id(ready.left(ready.indexOf('-')).toStdString() + "-0");
    auto reader = stub->StreamEvents(&context, request);
    Event event;
    QVERIFY(reader->Read(&event));

    std::thread stopper([&runtime] { runtime.stop(); });
    QList<Event> rest;
    while (reader->Read(&event))
        rest << event;
    const grpc::Status finished = reader->Finish();
    bool sawNotServing = false;
    while (watch->Read(&status))
        sawNotServing = sawNotServing || status.status() == HealthCheckResponse::NOT_SERVING;
    stopper.join();
    QCOMPARE(finished.error_code(), grpc::StatusCode::UNAVAILABLE);
    QVERIFY(!rest.isEmpty());
    QCOMPARE(rest.last().type(), "reconnect");
    QCOMPARE(rest.last().id(), "");
    QVERIFY(sawNotServing);
}

QTEST_GUILESS_MAIN(TestGrpcStreams)
#include "tst_grpc_streams.moc"
