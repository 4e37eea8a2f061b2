// Draining a real runtime with open SSE streams: readiness goes 503 first, each stream
// gets `reconnect` advice (spread over drain_window) and is ended, then the process
// exits cleanly; every session acknowledged before is still there after a restart.
#include "apiclient.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

#include <memory>

namespace {
constexpr int kStreams = 4;
constexpr int kDrainWindowSecs = 2;

bool hasDrainAdvice(const QList<SseFrame> &frames)
{
    for (const SseFrame &frame : frames) {
        if (frame.event == "reconnect" && frame.data.contains(R"("reason":"drain")") && frame.id.isEmpty())
            return true;
    }
    return false;
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
    };
    void startWithStreams(Node &node, const QString &dataDir = {});
    // Waits (event loop running) until every stream had drain advice; their arrival times.
    QList<qint64> waitForAdvice(Node &node, const QElapsedTimer &since);
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
    for (int i = 0; i < kStreams; ++i) {
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
    // The monitor samples once a second: wait until it has seen every stream.
    QTRY_VERIFY_WITH_TIMEOUT(node.api->send("GET", "/metrics").body.contains(
                                 QByteArray("sm_connections{transport=\"sse\"} ") + QByteArray::number(kStreams)),
                             5000);
}

QList<qint64> TestDashboardDrain::waitForAdvice(Node &node, const QElapsedTimer &since)
{
    QList<qint64> arrivals(node.streams.size(), -1);
    QDeadlineTimer deadline(kDrainWindowSecs * 1000 + 8000);
    while (!deadline.hasExpired() && arrivals.contains(-1)) {
        for (qsizetype i = 0; i < node.streams.size(); ++i) {
            if (arrivals[i] < 0 && hasDrainAdvice(node.streams[i]->events()))
                arrivals[i] = since.elapsed();
        }
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
    // Four streams over two seconds: due at 0, 0.5, 1 and 1.5 s.
    QVERIFY2(*last - *first >= 1200, qPrintable(QStringLiteral("advice spread over %1 ms").arg(*last - *first)));
    for (const auto &stream : node.streams)
        QVERIFY(stream->waitForEnd(5000));
    QTRY_VERIFY_WITH_TIMEOUT(node.api->send("GET", "/healthz").status == 0, 10000);
    // On failure, the runtime's own log says how it ended (seen once: -1, a crash at exit).
    const int exitCode = node.runtime->stop();
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
