// TLS on the gRPC listener: with tls_cert_file and tls_key_file set (a self-signed
// certificate made with openssl for the test), a client that trusts the certificate calls
// the API, a plaintext client cannot; a bad certificate or key refuses the plugin with a
// message naming the setting.
#include "grpctestruntime.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sm::v1;

class TestGrpcTls : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void clientTrustingTheCertificateCreatesAndGetsSessions();
    void plaintextClientIsUnavailable();
    void badCertificateOrKeyRefusesThePluginNamingTheSetting_data();
    void badCertificateOrKeyRefusesThePluginNamingTheSetting();

private:
    std::shared_ptr<grpc::Channel> tlsChannel() const;

    QTemporaryDir m_files;
    QString m_certFile;
    QString m_keyFile;
    QByteArray m_certificate;
    std::unique_ptr<GrpcTestRuntime> m_runtime;
};

void TestGrpcTls::initTestCase()
{
    QVERIFY(m_files.isValid());
    m_certFile = m_files.filePath("cert.pem");
    m_keyFile = m_files.filePath("key.pem");
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start("openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                              "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                              "-keyout", m_keyFile, "-out", m_certFile});
    QVERIFY2(openssl.waitForFinished(30000), "openssl must be installed (package openssl)");
    QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
    QFile certificate(m_certFile);
    QVERIFY(certificate.open(QIODevice::ReadOnly));
    m_certificate = certificate.readAll();

    m_runtime = std::make_unique<GrpcTestRuntime>();
    m_runtime->addSetting("transport-grpc.tls_cert_file", m_certFile);
    m_runtime->addSetting("transport-grpc.tls_key_file", m_keyFile);
    QVERIFY2(m_runtime->start(), m_runtime->process().output().constData());
    QVERIFY(m_runtime->process().output().contains(R"("tls":true)"));
}

void TestGrpcTls::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

// The certificate is for "localhost"; the runtime listens on 127.0.0.1.
std::shared_ptr<grpc::Channel> TestGrpcTls::tlsChannel() const
{
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = m_certificate.toStdString();
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(m_runtime->grpcPort()),
                                     grpc::SslCredentials(ssl), args);
}

void TestGrpcTls::clientTrustingTheCertificateCreatesAndGetsSessions()
{
    auto stub = SessionService::NewStub(tlsChannel());
    const QString alice = m_runtime->token("alice");
    CreateSessionResponse created;
    {
        grpc::ClientContext context;
        authorize(context, alice);
        const grpc::Status status = stub->CreateSession(&context, CreateSessionRequest(), &created);
        QVERIFY2(status.ok(), status.error_message().c_str());
    }
    grpc::ClientContext context;
    authorize(context, alice);
    GetSessionRequest request;
    request.set_session_id(created.session().session_id());
    Session session;
    const grpc::Status status = stub->GetSession(&context, request, &session);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(session.session_id(), created.session().session_id());
    QCOMPARE(session.user_id(), "alice");
}

void TestGrpcTls::plaintextClientIsUnavailable()
{
    auto stub = m_runtime->stub(); // insecure credentials
    grpc::ClientContext context;
    authorize(context, m_runtime->token("alice"), 3000);
    CreateSessionResponse created;
    const grpc::Status status = stub->CreateSession(&context, CreateSessionRequest(), &created);
    QCOMPARE(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

void TestGrpcTls::badCertificateOrKeyRefusesThePluginNamingTheSetting_data()
{
    QTest::addColumn<QString>("certFile");
    QTest::addColumn<QString>("keyFile");
    QTest::addColumn<QString>("expected");
    const QString missing = m_files.filePath("no-such.pem");
    QTest::newRow("missing key") << m_certFile << missing
                                 << QStringLiteral("transport-grpc.tls_key_file: cannot read ") + missing;
    QTest::newRow("missing certificate") << missing << m_keyFile
                                         << QStringLiteral("transport-grpc.tls_cert_file: cannot read ") + missing;
    QTest::newRow("certificate as key") << m_certFile << m_certFile
                                        << QStringLiteral("transport-grpc.tls_key_file: ") + m_certFile
                                               + QStringLiteral(" holds no PEM block ending in 'PRIVATE KEY-----'");
    QTest::newRow("key only") << QString() << m_keyFile
                              << QStringLiteral("tls_cert_file and tls_key_file must be set together");
}

void TestGrpcTls::badCertificateOrKeyRefusesThePluginNamingTheSetting()
{
    QFETCH(QString, certFile);
    QFETCH(QString, keyFile);
    QFETCH(QString, expected);
    GrpcTestRuntime runtime;
    runtime.addSetting("transport-grpc.tls_cert_file", certFile);
    runtime.addSetting("transport-grpc.tls_key_file", keyFile);
    // The runtime itself starts; the plugin is refused and no gRPC port opens.
    QVERIFY2(!runtime.start(), "the gRPC listener must not start");
    QVERIFY2(runtime.process().httpPort() != 0, runtime.process().output().constData());
    const QByteArray output = runtime.process().output();
    QVERIFY2(output.contains("plugin refused"), output.constData());
    QVERIFY2(output.contains(expected.toUtf8()), output.constData());
    QCOMPARE(runtime.stop(), 0);
}

QTEST_GUILESS_MAIN(TestGrpcTls)
#include "tst_grpc_tls.moc"
