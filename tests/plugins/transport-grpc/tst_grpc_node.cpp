// Node's @grpc/grpc-js, loading proto/sm/v1/session.proto, as a second and independent
// client implementation against a real runtime (see grpc-client.mjs).
#include "grpctestruntime.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <memory>

class TestGrpcNode : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void grpcJsClientCreatesGetsStreamsAndResumes();

private:
    std::unique_ptr<GrpcTestRuntime> m_runtime;
};

void TestGrpcNode::initTestCase()
{
    const QString modules = QStringLiteral(SM_NODE_PACKAGE_DIR "/node_modules/@grpc");
    QVERIFY2(QFileInfo::exists(modules + "/grpc-js") && QFileInfo::exists(modules + "/proto-loader"),
             "missing node_modules: run `npm ci` in tests/node first");
    QVERIFY2(!QStandardPaths::findExecutable("node").isEmpty(), "needs node (20 or newer) on PATH");
    m_runtime = std::make_unique<GrpcTestRuntime>();
    QVERIFY2(m_runtime->start(), m_runtime->process().output().constData());
}

void TestGrpcNode::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

void TestGrpcNode::grpcJsClientCreatesGetsStreamsAndResumes()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("SM_GRPC_ADDRESS", QStringLiteral("127.0.0.1:%1").arg(m_runtime->grpcPort()));
    env.insert("SM_BASE_URL", m_runtime->process().url("").toString());
    env.insert("SM_USER_TOKEN", m_runtime->token("alice"));
    env.insert("SM_SERVICE_TOKEN", m_runtime->token("pricer", "service"));
    env.insert("SM_NODE_PACKAGE_DIR", QStringLiteral(SM_NODE_PACKAGE_DIR));
    env.insert("SM_PROTO_DIR", QStringLiteral(SM_PROTO_DIR));
    QProcess node;
    node.setProcessEnvironment(env);
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.start("node", {QStringLiteral(SM_GRPC_SCRIPT)});
    QVERIFY2(node.waitForStarted(), "node did not start");
    // Wait with the event loop running: the runtime's log pipe must keep draining.
    QTRY_VERIFY_WITH_TIMEOUT(node.state() == QProcess::NotRunning, 60000);
    const QByteArray output = node.readAll();
    qInfo().noquote() << "grpc-client.mjs output:\n" << output;
    QCOMPARE(node.exitStatus(), QProcess::NormalExit);
    QVERIFY2(node.exitCode() == 0, output.constData());
    QVERIFY(output.contains("PASS"));
}

QTEST_GUILESS_MAIN(TestGrpcNode)
#include "tst_grpc_node.moc"
