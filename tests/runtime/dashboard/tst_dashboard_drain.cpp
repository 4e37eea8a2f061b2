// Draining a real runtime with open SSE streams and a gRPC StreamEvents call: readiness
// goes 503 first, each stream gets `reconnect` advice (spread over drain_window) and is
// ended, then the process exits by itself, cleanly; no event acknowledged before is
// missing from the gRPC stream, and every acknowledged session is still there after a
// restart.
#include "apiclient.h"
#include "grpceventreader.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

namespace {
constexpr int kSseStreams = 4;
constexpr int kPublishedBeforeDrain = 3;
constexpr int kDrainWindowSecs = 2;

bool hasDrainAdvice(const QList<SseFrame> &frames)
{
    for (const SseFrame &frame : frames) {
        if (frame.event == "reconnect" && frame.data.contains(R"("reason":"drain")") && frame.id.isEmpty())
            return true;
    }
    return false;
}

bool hasDrainAdvice(const QList<sm::v1::Event> &events)
{
    for (const sm::v1::Event &event : events) {
        if (event.type() == "reconnect" && event.id().empty()
            && QByteArray::fromStdString(event.data_json()).contains(R"("reason":"drain")"))
            return true;
    }
    return false;
}

// The port of the transport-grpc plugin, from its "listening" log line.
quint16 grpcPort(const RuntimeProcess &runtime)
{
    for (const QByteArray &line : runtime.output().split('\n')) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        if (entry.value("component").toString() == QLatin1String("transport-grpc")
            && entry.value("message").toString() == QLatin1String("listening"))
            return quint16(entry.value("port").toInt());
    }
    return 0;
}
} // namespace

class TestDashboardDrain : public QObject {
    Q_OBJECT

private slots:
    void adminDrainGoesNotReadyThenSpreadsReconnectAdviceThenStops();
    void sigtermDrainsTooAndLosesNoAcknowledgedSession();
    void drainNeedsTheAdminRole();

private:
    struct Node {
        std::unique_ptr<RuntimeProcess> runtime;
        std::unique_ptr<ApiClient> api;
        QString admin;
        QStringList sessions;
        QList<std::shared_ptr<SseClient>> streams;
        std::unique_ptr<GrpcEventReader> grpcStream;
        QList<QByteArray> acknowledged; // ids of the events published to the gRPC stream's session
    };
    void startWithStreams(Node &node, const QString &dataDir = {});
    void openGrpcStream(Node &node);
    // Waits (event loop running) until every stream had drain advice; their arrival times,
    // the SSE streams' first, the gRPC stream's last.
    QList<qint64> waitForAdvice(Node &node, const QElapsedTimer &since);
    // Every event acknowledged before the drain reached the gRPC stream, in order, before
    // its advice, and the call ended UNAVAILABLE (the documented "reconnect" end).
    void verifyGrpcStreamLostNothing(const Node &node);
};

void TestDashboardDrain::startWithStreams(Node &node, const QString &dataDir)
{
    node.runtime = std::make_unique<RuntimeProcess>();
    node.runtime->addSetting("drain_window", QString::number(kDrainWindowSecs));
    if (!dataDir.isEmpty())
        node.runtime->addSetting("data_dir", dataDir);
    QVERIFY2(node.runtime->start(), node.runtime->output().constData());
    node.api = std::make_unique<ApiClient>(node.runtime->url("/"));
    node.admin = node.runtime->token("ops", "admin");
    for (int i = 0; i < kSseStreams; ++i) {
        const ApiReply created = node.api->send("POST", "/sessions", node.admin, R"({"user_id":"drainer"})");
        QCOMPARE(created.status, 201);
        const QString id = created.json().value("session_id").toString();
        node.sessions << id;
        auto stream = std::make_shared<SseClient>();
        QVERIFY(stream->open(node.runtime->url("/sessions/" + id + "/events"),
                             {{"Authorization", ApiClient::bearer(node.admin)}}));
        QCOMPARE(stream->status(), 200);
        node.streams << stream;
    }
    openGrpcStream(node);
    // The monitor samples once a second: wait until it has seen every stream.
    QTRY_VERIFY_WITH_TIMEOUT(node.api->send("GET", "/metrics").body.contains(
                                 QByteArray("sm_connections{transport=\"sse\"} ") + QByteArray::number(kSseStreams)),
                             5000);
    QTRY_VERIFY_WITH_TIMEOUT(node.api->send("GET", "/metrics").body.contains(R"(sm_connections{transport="grpc"} 1)"),
                             5000);
    // Subscribed now: these events are acknowledged (202) while the stream is open.
    const QString grpcSession = node.sessions.last();
    for (int i = 0; i < kPublishedBeforeDrain; ++i) {
        const ApiReply published = node.api->send("POST", "/sessions/" + grpcSession + "/events", node.admin,
                                                  QByteArray(R"({"type":"app.tick","data":{"n":)")
                                                      + QByteArray::number(i) + "}}");
        QCOMPARE(published.status, 202);
        node.acknowledged << published.json().value("id").toString().toLatin1();
    }
}

void TestDashboardDrain::openGrpcStream(Node &node)
{
    const quint16 port = grpcPort(*node.runtime);
    QVERIFY2(port != 0, "the runtime serves gRPC on an ephemeral port");
    const ApiReply created = node.api->send("POST", "/sessions", node.admin, R"({"user_id":"drainer"})");
    QCOMPARE(created.status, 201);
    node.sessions << created.json().value("session_id").toString();
    sm::v1::StreamEventsRequest request;
    request.set_session_id(node.sessions.last().toStdString());
    node.grpcStream = std::make_unique<GrpcEventReader>(port, node.admin, request);
}

void TestDashboardDrain::verifyGrpcStreamLostNothing(const Node &node)
{
    QTRY_VERIFY_WITH_TIMEOUT(node.grpcStream->status().has_value(), 5000);
    QCOMPARE(node.grpcStream->status()->error_code(), grpc::StatusCode::UNAVAILABLE);
    const QList<sm::v1::Event> events = node.grpcStream->events();
    QList<QByteArray> received;
    for (const sm::v1::Event &event : events) {
        if (event.type() == "reconnect")
            break;
        received << QByteArray::fromStdString(event.id());
    }
    QCOMPARE(received, node.acknowledged);
    QVERIFY2(received.size() < events.size(), "the stream ends with its reconnect advice");
}

QList<qint64> TestDashboardDrain::waitForAdvice(Node &node, const QElapsedTimer &since)
{
    QList<qint64> arrivals(node.streams.size() + 1, -1);
    QDeadlineTimer deadline(kDrainWindowSecs * 1000 + 8000);
    while (!deadline.hasExpired() && arrivals.contains(-1)) {
        for (qsizetype i = 0; i < node.streams.size(); ++i) {
            if (arrivals[i] < 0 && hasDrainAdvice(node.streams[i]->events()))
                arrivals[i] = since.elapsed();
        }
        if (arrivals.last() < 0 && hasDrainAdvice(node.grpcStream->events()))
            arrivals.last() = since.elapsed();
        QTest::qWait(20);
    }
    return arrivals;
}

void TestDashboardDrain::adminDrainGoesNotReadyThenSpreadsReconnectAdviceThenStops()
{
    Node node;
    startWithStreams(node);
    QCOMPARE(node.api->send("GET", "/readyz").status, 200);

    QElapsedTimer since;
    since.start();
    const ApiReply drain = node.api->send("POST", "/admin/drain", node.admin);
    QCOMPARE(drain.status, 202);
    QCOMPARE(drain.json().value("window_s").toInt(), kDrainWindowSecs);
    const ApiReply ready = node.api->send("GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QVERIFY(ready.json().value("reasons").toArray().contains("draining"));

    const QList<qint64> arrivals = waitForAdvice(node, since);
    QVERIFY2(!arrivals.contains(-1), "every stream gets reconnect advice");
    const auto [first, last] = std::minmax_element(arrivals.begin(), arrivals.end());
    // Five streams over two seconds: due at 0, 0.4, 0.8, 1.2 and 1.6 s.
    QVERIFY2(*last - *first >= 1200, qPrintable(QStringLiteral("advice spread over %1 ms").arg(*last - *first)));
    for (const auto &stream : node.streams)
        QVERIFY(stream->waitForEnd(5000));
    verifyGrpcStreamLostNothing(node);
    // "Then the node stops": by itself, no signal sent. On failure, its log says how it ended.
    const int exitCode = node.runtime->waitForExit(10000);
    QVERIFY2(exitCode == 0, node.runtime->output().right(4000).constData());
}

void TestDashboardDrain::sigtermDrainsTooAndLosesNoAcknowledgedSession()
{
    Node node;
    startWithStreams(node);
    const QString dataDir = node.runtime->dataDir();
    // stop() sends SIGTERM and waits for the exit: the drain advice is read afterwards
    // from what the streams received.
    QElapsedTimer took;
    took.start();
    QCOMPARE(node.runtime->stop(), 0);
    QVERIFY2(took.elapsed() >= kDrainWindowSecs * 1000 / 2, "SIGTERM drained over the window, not at once");
    QElapsedTimer since;
    since.start();
    QVERIFY(!waitForAdvice(node, since).contains(-1));
    verifyGrpcStreamLostNothing(node);

    Node again;
    again.runtime = std::make_unique<RuntimeProcess>();
    again.runtime->addSetting("data_dir", dataDir);
    QVERIFY2(again.runtime->start(), again.runtime->output().constData());
    ApiClient api(again.runtime->url("/"));
    const QString admin = again.runtime->token("ops", "admin");
    for (const QString &id : std::as_const(node.sessions)) {
        const ApiReply session = api.send("GET", "/sessions/" + id, admin);
        QCOMPARE(session.status, 200);
        QCOMPARE(session.json().value("user_id").toString(), QString("drainer"));
    }
    QCOMPARE(again.runtime->stop(), 0);
}

void TestDashboardDrain::drainNeedsTheAdminRole()
{
    RuntimeProcess runtime;
    QVERIFY2(runtime.start(), runtime.output().constData());
    ApiClient api(runtime.url("/"));
    QCOMPARE(api.send("POST", "/admin/drain").status, 401);
    QCOMPARE(api.send("POST", "/admin/drain", runtime.token("svc", "service")).status, 403);
    QCOMPARE(api.send("GET", "/readyz").status, 200);
    QCOMPARE(runtime.stop(), 0);
}

QTEST_GUILESS_MAIN(TestDashboardDrain)
#include "tst_dashboard_drain.moc"
