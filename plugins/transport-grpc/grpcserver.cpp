#include "grpcserver.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <QFile>

namespace smgrpc {

namespace {
// Clients may ping this often without being told off (GOAWAY "too_many_pings").
constexpr int kMinClientPingIntervalMs = 5000;

// A PEM file named by one of the TLS keys, checked for the block it must hold: grpc++ only
// says "cannot listen" about a bad file, so the message names the setting here.
sm::Result<std::string> readPem(const QString &settingKey, const QString &path, const QByteArray &blockEnd)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("transport-grpc.%1: cannot read %2: %3")
                                                            .arg(settingKey, path, file.errorString()));
    }
    const QByteArray pem = file.readAll();
    if (!pem.contains("-----BEGIN ") || !pem.contains(blockEnd)) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("transport-grpc.%1: %2 holds no PEM block ending in '%3'")
                                 .arg(settingKey, path, QString::fromLatin1(blockEnd)));
    }
    return pem.toStdString();
}

sm::Result<std::shared_ptr<grpc::ServerCredentials>> credentials(const GrpcOptions &options)
{
    if (!options.tlsEnabled())
        return grpc::InsecureServerCredentials();
    auto certificate = readPem(QStringLiteral("tls_cert_file"), options.tlsCertFile, "CERTIFICATE-----");
    if (!certificate)
        return certificate.error();
    auto key = readPem(QStringLiteral("tls_key_file"), options.tlsKeyFile, "PRIVATE KEY-----");
    if (!key)
        return key.error();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({std::move(key).value(), std::move(certificate).value()});
    return grpc::SslServerCredentials(ssl);
}
} // namespace

GrpcServer::GrpcServer(GrpcOptions options, grpc::Service &service)
    : m_options(std::move(options)), m_service(service)
{
}

GrpcServer::~GrpcServer()
{
    shutdown(std::chrono::milliseconds(0));
}

sm::Result<int> GrpcServer::start()
{
    auto creds = credentials(m_options);
    if (!creds)
        return creds.error();
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(m_options.listenAddress.toStdString(), creds.value(), &port);
    builder.RegisterService(&m_service);
    builder.SetMaxReceiveMessageSize(m_options.maxMessageBytes);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, m_options.keepaliveTimeSecs * 1000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, m_options.keepaliveTimeoutSecs * 1000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, kMinClientPingIntervalMs);
    // Without this a second runtime on the same address would silently share the port.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    m_server = builder.BuildAndStart();
    if (!m_server || port == 0) {
        m_server.reset();
        const QString why = m_options.tlsEnabled()
            ? QStringLiteral("address in use or invalid, or tls_key_file does not match tls_cert_file")
            : QStringLiteral("address in use or invalid");
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("cannot listen for gRPC on %1 (%2)").arg(m_options.listenAddress, why));
    }
    return port;
}

void GrpcServer::setServing(bool serving)
{
    if (!m_server)
        return;
    if (grpc::HealthCheckServiceInterface *health = m_server->GetHealthCheckService()) {
        health->SetServingStatus(kServiceName, serving);
        health->SetServingStatus(serving);
    }
}

void GrpcServer::shutdown(std::chrono::milliseconds deadline)
{
    if (!m_server)
        return;
    m_server->Shutdown(std::chrono::system_clock::now() + deadline);
    m_server->Wait();
    m_server.reset();
}

} // namespace smgrpc
