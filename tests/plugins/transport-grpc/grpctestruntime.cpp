#include "grpctestruntime.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <chrono>

namespace {
QByteArray httpCall(const QByteArray &verb, const QUrl &url, const QString &token, const QByteArray &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setRawHeader("authorization", "Bearer " + token.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = network.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray answer = reply->readAll();
    delete reply;
    return answer;
}
} // namespace

GrpcTestRuntime::GrpcTestRuntime()
{
    m_process.addSetting("grpc_listen", "127.0.0.1:0");
}

bool GrpcTestRuntime::start()
{
    if (!m_process.start())
        return false;
    // Plugins start before the HTTP listener, so the plugin's line is already read.
    for (const QByteArray &line : m_process.output().split('\n')) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        if (entry.value("component").toString() == QLatin1String("transport-grpc")
            && entry.value("message").toString() == QLatin1String("listening")) {
            m_grpcPort = quint16(entry.value("port").toInt());
        }
    }
    m_serviceToken = token("publisher", "service");
    return m_grpcPort != 0;
}

std::shared_ptr<grpc::Channel> GrpcTestRuntime::channel(int maxReceiveBytes) const
{
    grpc::ChannelArguments args;
    if (maxReceiveBytes > 0)
        args.SetMaxReceiveMessageSize(maxReceiveBytes);
    // A fresh connection per channel, so suites do not share HTTP/2 flow-control windows.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(m_grpcPort),
                                     grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<sm::v1::SessionService::Stub> GrpcTestRuntime::stub() const
{
    return sm::v1::SessionService::NewStub(channel());
}

QString GrpcTestRuntime::token(const QString &user, const QString &role) const
{
    return m_process.token(user, role);
}

QByteArray GrpcTestRuntime::publish(const QString &sessionId, const QByteArray &type, const QByteArray &dataJson)
{
    const QByteArray body = R"({"type":")" + type + R"(","data":)" + dataJson + '}';
    const QByteArray answer =
        httpCall("POST", m_process.url(QStringLiteral("/sessions/%1/events").arg(sessionId)), m_serviceToken, body);
    return QJsonDocument::fromJson(answer).object().value("id").toString().toLatin1();
}

QByteArray GrpcTestRuntime::metrics()
{
    return httpCall("GET", m_process.url(QStringLiteral("/metrics")), m_serviceToken);
}

void authorize(grpc::ClientContext &context, const QString &token, int deadlineMs)
{
    if (!token.isEmpty())
        context.AddMetadata("authorization", "Bearer " + token.toStdString());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadlineMs));
}

QString errorCode(const grpc::Status &status)
{
    sm::v1::ErrorStatus details;
    sm::v1::ErrorInfo info;
    if (!details.ParseFromString(status.error_details()) || details.details_size() == 0
        || !details.details(0).UnpackTo(&info)) {
        return {};
    }
    return QString::fromStdString(info.code());
}
