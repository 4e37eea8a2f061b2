// Real SSE clients against a real runtime: the `eventsource` npm package (the reference
// EventSource for Node) and a headless Chromium page's own EventSource, each forced off
// the network mid-stream and required to resume with no gap in event ids.
#include "apiclient.h"
#include "runtimeprocess.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <memory>

class TestSseNode : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void eventSourcePackageResumesAfterForcedDisconnectWithoutGap();
    void chromiumEventSourceResumesAfterNetworkDropWithoutGap();

private:
    void runScript(const QString &script, const QString &testName);

    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_service;
};

void TestSseNode::initTestCase()
{
    const QString modules = QStringLiteral(SM_NODE_PACKAGE_DIR "/node_modules");
    QVERIFY2(QFileInfo::exists(modules + "/eventsource") && QFileInfo::exists(modules + "/playwright-core"),
             "missing node_modules: run `npm ci` in tests/node first");
    QVERIFY2(QFileInfo(QStringLiteral("/usr/bin/chromium")).isExecutable(), "needs Debian's chromium package");
    QVERIFY2(!QStandardPaths::findExecutable("node").isEmpty(), "needs node (20 or newer) on PATH");

    m_runtime = std::make_unique<RuntimeProcess>();
    m_runtime->addSetting("transport-sse.retry_ms", "300");
    QVERIFY2(m_runtime->start(), m_runtime->output().constData());
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_service = m_runtime->token("pricer", "service");
}

void TestSseNode::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

void TestSseNode::runScript(const QString &script, const QString &testName)
{
    const ApiReply created = m_api->send("POST", "/sessions", m_runtime->token("alice"), "{}");
    QCOMPARE(created.status, 201);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("SM_BASE_URL", m_runtime->url("").toString());
    env.insert("SM_SESSION_ID", created.json().value("session_id").toString());
    env.insert("SM_SESSION_TOKEN", created.json().value("token").toString());
    env.insert("SM_SERVICE_TOKEN", m_service);
    env.insert("SM_NODE_PACKAGE_DIR", QStringLiteral(SM_NODE_PACKAGE_DIR));
    env.insert("SM_ARTIFACT_DIR", QStringLiteral(SM_SSE_ARTIFACT_DIR));
    QProcess node;
    node.setProcessEnvironment(env);
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.start("node", {QStringLiteral(SM_SSE_SCRIPT_DIR "/") + script});
    QVERIFY2(node.waitForStarted(), "node did not start");
    // Wait with the event loop running: the runtime's log pipe must keep draining.
    QTRY_VERIFY_WITH_TIMEOUT(node.state() == QProcess::NotRunning, 120000);
    const QByteArray output = node.readAll();
    qInfo().noquote() << testName << "output:\n" << output;
    QCOMPARE(node.exitStatus(), QProcess::NormalExit);
    QVERIFY2(node.exitCode() == 0, output.constData());
    QVERIFY(output.contains("PASS"));
}

void TestSseNode::eventSourcePackageResumesAfterForcedDisconnectWithoutGap()
{
    runScript("sse-resume.mjs", "eventsource");
}

void TestSseNode::chromiumEventSourceResumesAfterNetworkDropWithoutGap()
{
    runScript("chromium-eventsource.mjs", "chromium");
    QVERIFY(QFileInfo(QStringLiteral(SM_SSE_ARTIFACT_DIR "/chromium-eventsource.png")).size() > 0);
}

QTEST_GUILESS_MAIN(TestSseNode)
#include "tst_sse_node.moc"
