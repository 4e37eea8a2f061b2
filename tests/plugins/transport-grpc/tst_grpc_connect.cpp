// Connect (bidirectional) over a real channel against a real runtime: requests and
// events interleaved, pings both ways with quality advice, client half-close answered
// after the pending replies, cancellation, deadline and protocol errors.
#include "grpctestruntime.h"

#include "apiclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

using namespace sm::v1;

class TestGrpcConnect : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void opensThenInterleavesRepliesAndEvents();
    void halfCloseAnswersPendingRequestsThenEndsOk();
    void clientPingGetsPongAndServerPingMeasuresRoundTrip();
    void badRequestIsAnErrorReplyAndTheStreamGoesOn();
    void firstMessageMustBeOpen();
    void secondOpenIsInvalidArgument();
    void unauthenticatedOpenFails();
    void cancellationEndsTheCall();
    void deadlineEndsTheCall();
    void connectWithPongsShowsUpInTheMonitorWithItsRoundTrip();
    void batchingConnectGetsTheReplayInBatchesInOrder();

private:
    using Stream = grpc::ClientReaderWriter<ConnectRequest, ConnectResponse>;
    std::string createSession(const QString &token);
    static ConnectRequest openMessage(const std::string &sessionId);
    static ConnectRequest requestMessage(const std::string &correlationId, const std::string &json);

    std::unique_ptr<GrpcTestRuntime> m_runtime;
    std::unique_ptr<SessionService::Stub> m_stub;
    QString m_alice;
};

void TestGrpcConnect::initTestCase()
{
    m_runtime = std::make_unique<GrpcTestRuntime>();
    m_runtime->addSetting("transport-grpc.ping_interval", "1");
    QVERIFY2(m_runtime->start(), m_runtime->process().output().constData());
    m_stub = m_runtime->stub();
    m_alice = m_runtime->token("alice");
}

void TestGrpcConnect::cleanupTestCase()
{
    m_stub.reset();
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

std::string TestGrpcConnect::createSession(const QString &token)
{
    grpc::ClientContext context;
    authorize(context, token);
    CreateSessionResponse created;
    const grpc::Status status = m_stub->CreateSession(&context, CreateSessionRequest(), &created);
    if (!status.ok())
        qWarning("CreateSession: %s", status.error_message().c_str());
    return created.session().session_id();
}

ConnectRequest TestGrpcConnect::openMessage(const std::string &sessionId)
{
    ConnectRequest message;
    message.mutable_open()->set_session_id(sessionId);
    return message;
}

ConnectRequest TestGrpcConnect::requestMessage(const std::string &correlationId, const std::string &json)
{
    ConnectRequest message;
    message.mutable_request()->set_correlation_id(correlationId);
    message.mutable_request()->set_request_json(json);
    return message;
}

void TestGrpcConnect::opensThenInterleavesRepliesAndEvents()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    ConnectResponse response;
    QVERIFY(stream->Read(&response));
    QVERIFY(response.has_opened());
    QCOMPARE(response.opened().session().session_id(), id);

    QVERIFY(stream->Write(requestMessage("a", R"({"type":"positions"})")));
    QStringList seen;
    auto readUntil = [&](auto done) {
        while (!done() && stream->Read(&response)) {
            if (response.has_reply())
                seen << QStringLiteral("reply:") + QString::fromStdString(response.reply().correlation_id());
            else if (response.has_event() && response.event().type().rfind("app.", 0) == 0)
                seen << QStringLiteral("event:") + QString::fromStdString(response.event().type());
        }
    };
    readUntil([&] { return seen.contains("reply:a"); });
    m_runtime->publish(QString::fromStdString(id), "app.one", "{}");
    readUntil([&] { return seen.contains("event:app.one"); });
    QVERIFY(stream->Write(requestMessage("b", R"({"type":"orders"})")));
    readUntil([&] { return seen.contains("reply:b"); });
    m_runtime->publish(QString::fromStdString(id), "app.two", "{}");
    readUntil([&] { return seen.contains("event:app.two"); });
    QCOMPARE(seen, QStringList({"reply:a", "event:app.one", "reply:b", "event:app.two"}));
    context.TryCancel();
    stream->Finish();
}

void TestGrpcConnect::halfCloseAnswersPendingRequestsThenEndsOk()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    // Everything at once, before the stream has even opened: nothing may be lost.
    QVERIFY(stream->Write(openMessage(id)));
    for (int i = 0; i < 20; ++i)
        QVERIFY(stream->Write(requestMessage(std::to_string(i), R"({"type":"positions"})")));
    QVERIFY(stream->WritesDone());
    QSet<std::string> replies;
    ConnectResponse response;
    while (stream->Read(&response)) {
        if (response.has_reply()) {
            QVERIFY(response.reply().has_reply_json());
            replies.insert(response.reply().correlation_id());
        }
    }
    const grpc::Status status = stream->Finish();
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(replies.size(), 20);
}

void TestGrpcConnect::clientPingGetsPongAndServerPingMeasuresRoundTrip()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    ConnectRequest ping;
    ping.mutable_ping()->set_nonce(42);
    QVERIFY(stream->Write(ping));
    bool gotPong = false;
    bool gotQuality = false;
    ConnectResponse response;
    while (!(gotPong && gotQuality) && stream->Read(&response)) {
        if (response.has_pong())
            gotPong = response.pong().nonce() == 42;
        if (response.has_ping()) {
            ConnectRequest pong;
            pong.mutable_pong()->set_nonce(response.ping().nonce());
            QVERIFY(stream->Write(pong));
        }
        if (response.has_quality()) {
            QVERIFY(response.quality().rtt_ms() >= 0);
            QVERIFY(!response.quality().reconnect());
            gotQuality = true;
        }
    }
    QVERIFY(gotPong);
    QVERIFY(gotQuality);
    context.TryCancel();
    stream->Finish();
    QVERIFY(m_runtime->metrics().contains("sm_grpc_ping_rtt_seconds_count"));
}

void TestGrpcConnect::badRequestIsAnErrorReplyAndTheStreamGoesOn()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    QVERIFY(stream->Write(requestMessage("broken", "not json")));
    QVERIFY(stream->Write(requestMessage("unknown", R"({"type":"teleport"})")));
    QVERIFY(stream->Write(requestMessage("good", R"({"type":"positions"})")));
    QVERIFY(stream->WritesDone());
    QHash<std::string, std::string> codes;
    ConnectResponse response;
    while (stream->Read(&response)) {
        if (response.has_reply())
            codes.insert(response.reply().correlation_id(),
                         response.reply().has_error() ? response.reply().error().code() : "ok");
    }
    QVERIFY(stream->Finish().ok());
    QCOMPARE(codes.value("broken"), "bad_request");
    QCOMPARE(codes.value("unknown"), "bad_request");
    QCOMPARE(codes.value("good"), "ok");
}

void TestGrpcConnect::firstMessageMustBeOpen()
{
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(requestMessage("x", "{}")));
    ConnectResponse response;
    while (stream->Read(&response)) {
    }
    const grpc::Status status = stream->Finish();
    QCOMPARE(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY(QString::fromStdString(status.error_message()).contains("open"));
}

void TestGrpcConnect::secondOpenIsInvalidArgument()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    stream->Write(openMessage(id));
    ConnectResponse response;
    while (stream->Read(&response)) {
    }
    QCOMPARE(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

void TestGrpcConnect::unauthenticatedOpenFails()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, QStringLiteral("bogus"));
    auto stream = m_stub->Connect(&context);
    stream->Write(openMessage(id));
    ConnectResponse response;
    while (stream->Read(&response)) {
    }
    const grpc::Status status = stream->Finish();
    QCOMPARE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    QCOMPARE(errorCode(status), QStringLiteral("unauthenticated"));
}

void TestGrpcConnect::cancellationEndsTheCall()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    ConnectResponse response;
    QVERIFY(stream->Read(&response));
    context.TryCancel();
    while (stream->Read(&response)) {
    }
    QCOMPARE(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->metrics().contains("\nsm_grpc_streams 0"), 5000);
}

void TestGrpcConnect::deadlineEndsTheCall()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice, 400);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    ConnectResponse response;
    while (stream->Read(&response)) {
    }
    QCOMPARE(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

// The connection monitor samples gRPC streams: a Connect stream that answers the
// server's pings is on the dashboard as a "grpc" connection with its round-trip time.
void TestGrpcConnect::connectWithPongsShowsUpInTheMonitorWithItsRoundTrip()
{
    const std::string id = createSession(m_alice);
    grpc::ClientContext context;
    authorize(context, m_alice, 30000);
    auto stream = m_stub->Connect(&context);
    QVERIFY(stream->Write(openMessage(id)));
    std::atomic<int> pongs{0};
    std::thread answerer([&] {
        ConnectResponse response;
        while (stream->Read(&response)) {
            if (!response.has_ping())
                continue;
            ConnectRequest pong;
            pong.mutable_pong()->set_nonce(response.ping().nonce());
            if (stream->Write(pong))
                ++pongs;
        }
    });
    ApiClient api(m_runtime->process().url("/"));
    const QString admin = m_runtime->token("ops", "admin");
    QJsonObject seen;
    auto grpcConnectionWithRtt = [&] {
        const QJsonArray worst =
            api.send("GET", "/admin/dashboard", admin).json().value("connections").toObject().value("worst").toArray();
        for (const QJsonValue &entry : worst) {
            const QJsonObject connection = entry.toObject();
            if (connection.value("transport").toString() == QLatin1String("grpc")
                && connection.value("session_id").toString() == QString::fromStdString(id)
                && connection.value("rtt_ms").isDouble()) {
                seen = connection;
                return true;
            }
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(grpcConnectionWithRtt(), 10000);
    QVERIFY(pongs.load() > 0);
    QVERIFY(seen.value("rtt_ms").toDouble() >= 0);
    QVERIFY(seen.value("rtt_ms").toDouble() < 1000);
    context.TryCancel();
    answerer.join();
    stream->Finish();
}

void TestGrpcConnect::batchingConnectGetsTheReplayInBatchesInOrder()
{
    constexpr int kEvents = 50;
    const std::string id = createSession(m_alice);
    QList<QByteArray> published;
    for (int i = 0; i < kEvents; ++i)
        published << m_runtime->publish(QString::fromStdString(id), "app.tick", "[]");
    QVERIFY(!published.first().isEmpty());
    grpc::ClientContext context;
    authorize(context, m_alice);
    auto stream = m_stub->Connect(&context);
    ConnectRequest open = openMessage(id);
    open.mutable_open()->set_last_event_id(published.first().left(published.first().indexOf('-')).toStdString() + "-0");
    open.mutable_open()->set_max_batch(16);
    QVERIFY(stream->Write(open));
    QList<QByteArray> received;
    int batches = 0;
    ConnectResponse response;
    while (received.size() < kEvents && stream->Read(&response)) {
        if (!response.has_event())
            continue;
        const Event &event = response.event();
        batches += event.batch_size() > 0 ? 1 : 0;
        QVERIFY(event.batch_size() <= 16);
        auto take = [&received](const Event &one) {
            if (one.type() == "app.tick")
                received << QByteArray::fromStdString(one.id());
        };
        if (event.batch_size() == 0)
            take(event);
        for (const Event &inner : event.batch())
            take(inner);
    }
    context.TryCancel();
    stream->Finish();
    QVERIFY2(batches > 0, "the replay's backlog is sent in batches");
    QCOMPARE(received, published);
}

QTEST_GUILESS_MAIN(TestGrpcConnect)
#include "tst_grpc_connect.moc"
