// The dashboard in a real browser and /metrics read by a real Prometheus text parser,
// against a real runtime with one worker process: headless Chromium (playwright-core) logs
// in, watches the live counters follow sessions being created and deleted, opens a session
// (connections, events, rate) and terminates it from the page, sees a worker killed with
// SIGKILL restart and the page go stale while the runtime is frozen, and leaves screenshots
// in the build tree.
#include "apiclient.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <memory>

class TestDashboardBrowser : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void pageIsServedWithCachingHeaders();
    void liveFeedRefusesANonAdminToken();
    void metricsParseAsPrometheusTextWithTheExpectedSeries();
    void chromiumFollowsSessionsWorkersAndFeedLossAndTerminatesASession();

private:
    QByteArray runScript(const QString &script);

    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_admin;
};

void TestDashboardBrowser::initTestCase()
{
    const QString modules = QStringLiteral(SM_NODE_PACKAGE_DIR "/node_modules");
    QVERIFY2(QFileInfo::exists(modules + "/playwright-core") && QFileInfo::exists(modules + "/parse-prometheus-text-format"),
             "missing node_modules: run `npm ci` in tests/node first");
    QVERIFY2(QFileInfo(QStringLiteral("/usr/bin/chromium")).isExecutable(), "needs Debian's chromium package");
    QVERIFY2(!QStandardPaths::findExecutable("node").isEmpty(), "needs node (20 or newer) on PATH");
    m_runtime = std::make_unique<RuntimeProcess>();
    m_runtime->addSetting("worker_count", "1");
    QVERIFY2(m_runtime->start(), m_runtime->output().constData());
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_admin = m_runtime->token("ops", "admin");
}

void TestDashboardBrowser::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

void TestDashboardBrowser::pageIsServedWithCachingHeaders()
{
    const ApiReply page = m_api->send("GET", "/dashboard/");
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("content-type").startsWith("text/html"));
    QCOMPARE(page.header("cache-control"), QByteArray("no-cache"));
    QVERIFY(page.body.contains("/dashboard/app.js"));
    const ApiReply script = m_api->send("GET", "/dashboard/app.js");
    QCOMPARE(script.status, 200);
    QVERIFY(script.header("cache-control").contains("max-age"));
    QVERIFY(script.body.size() > 10000); // the bundle, uPlot included
    const ApiReply again = m_api->send("GET", "/dashboard/app.js", {}, {}, {{"If-None-Match", script.header("etag")}});
    QCOMPARE(again.status, 304);
    QVERIFY(again.body.isEmpty());
    QCOMPARE(m_api->send("GET", "/dashboard/nope.js").status, 404);
}

void TestDashboardBrowser::liveFeedRefusesANonAdminToken()
{
    QCOMPARE(m_api->send("GET", "/admin/dashboard").status, 401);
    QCOMPARE(m_api->send("GET", "/admin/dashboard", m_runtime->token("alice")).status, 403);
    const ApiReply state = m_api->send("GET", "/admin/dashboard", m_admin);
    QCOMPARE(state.status, 200);
    QCOMPARE(state.json().value("workers").toObject().value("mode").toString(), QString("pool"));
    QCOMPARE(m_api->send("GET", "/admin/sessions/x/live", m_runtime->token("alice")).status, 403);
    const QByteArray upgrade = "GET /dashboard/live?token=" + m_runtime->token("alice").toUtf8()
        + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    QCOMPARE(m_api->sendRaw(upgrade).status, 403);
}

QByteArray TestDashboardBrowser::runScript(const QString &script)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("SM_BASE_URL", m_runtime->url("").toString());
    env.insert("SM_ADMIN_TOKEN", m_admin);
    env.insert("SM_RUNTIME_PID", QString::number(m_runtime->processId()));
    env.insert("SM_NODE_PACKAGE_DIR", QStringLiteral(SM_NODE_PACKAGE_DIR));
    env.insert("SM_ARTIFACT_DIR", QStringLiteral(SM_DASHBOARD_ARTIFACT_DIR));
    QProcess node;
    node.setProcessEnvironment(env);
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.start("node", {QStringLiteral(SM_DASHBOARD_SCRIPT_DIR "/") + script});
    if (!node.waitForStarted())
        return "FAIL: node did not start";
    // Wait with the event loop running: the runtime's log pipe must keep draining.
    if (!QTest::qWaitFor([&node] { return node.state() == QProcess::NotRunning; }, 150000))
        return "FAIL: node did not finish in time";
    const QByteArray output = node.readAll();
    qInfo().noquote() << script << "output:\n" << output;
    return node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0 ? output : "FAIL:\n" + output;
}

void TestDashboardBrowser::metricsParseAsPrometheusTextWithTheExpectedSeries()
{
    // An open stream, so that the monitor has an SSE connection to report.
    const ApiReply created = m_api->send("POST", "/sessions", m_admin, "{}");
    QCOMPARE(created.status, 201);
    SseClient stream;
    QVERIFY(stream.open(m_runtime->url("/sessions/" + created.json().value("session_id").toString() + "/events"),
                        {{"Authorization", ApiClient::bearer(m_admin)}}));
    QCOMPARE(m_api->send("GET", "/sessions/does-not-exist", m_admin).status, 404);
    QTest::qWait(1500); // one sampling round of the monitor
    const QByteArray output = runScript("metrics-parse.mjs");
    QVERIFY2(output.contains("PASS"), output.constData());
}

void TestDashboardBrowser::chromiumFollowsSessionsWorkersAndFeedLossAndTerminatesASession()
{
    const QByteArray output = runScript("dashboard-chromium.mjs");
    QVERIFY2(output.contains("PASS"), output.constData());
    for (const char *shot : {"dashboard-1280x800.png", "dashboard-phone.png", "dashboard-session.png",
                             "dashboard-workers.png", "dashboard-stale.png"})
        QVERIFY2(QFileInfo(QStringLiteral(SM_DASHBOARD_ARTIFACT_DIR "/") + shot).size() > 0, shot);
}

QTEST_GUILESS_MAIN(TestDashboardBrowser)
#include "tst_dashboard_browser.moc"
