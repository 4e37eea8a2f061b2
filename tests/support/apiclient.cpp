#include "apiclient.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTimer>

QByteArray ApiReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

QJsonObject ApiReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString ApiReply::errorCode() const
{
    return json().value("error").toObject().value("code").toString();
}

ApiReply ApiClient::send(const QByteArray &method, const QString &pathAndQuery, const QString &token,
                         const QByteArray &body, const RawHeaders &headers)
{
    QNetworkRequest request(m_base.resolved(QUrl(pathAndQuery)));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", bearer(token));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);

    QBuffer buffer;
    buffer.setData(body);
    buffer.open(QIODevice::ReadOnly);
    QNetworkReply *reply = m_manager.sendCustomRequest(request, method, body.isEmpty() ? nullptr : &buffer);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();

    ApiReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.append({name.toLower(), value});
    result.body = reply->isFinished() ? reply->readAll() : QByteArray();
    reply->abort();
    reply->deleteLater();
    return result;
}

ApiReply ApiClient::sendRaw(const QByteArray &request, const QHostAddress &from, int timeoutMs)
{
    QTcpSocket socket;
    if (!from.isNull())
        socket.bind(from);
    socket.connectToHost(m_base.host(), quint16(m_base.port()));
    ApiReply result;
    if (!socket.waitForConnected(timeoutMs))
        return result;
    socket.write(request);
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    // The server may answer before it has read all we sent; keep reading until it closes
    // or the head and the announced body are in.
    while (timer.elapsed() < timeoutMs) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(100)
            && socket.state() != QAbstractSocket::ConnectedState)
            break;
        received += socket.readAll();
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0)
            continue;
        const QList<QByteArray> lines = received.left(headEnd).split('\n');
        result.status = lines.value(0).split(' ').value(1).toInt();
        result.headers.clear();
        qsizetype contentLength = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            const QByteArray name = lines[i].left(colon).trimmed().toLower();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            result.headers.append({name, value});
            if (name == "content-length")
                contentLength = value.toLongLong();
        }
        result.body = received.mid(headEnd + 4);
        if (result.body.size() >= contentLength) {
            result.body.truncate(contentLength);
            break;
        }
    }
    return result;
}
