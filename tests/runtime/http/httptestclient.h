#pragma once

#include <sm/logger.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

// Shared by the HTTP listener tests: a raw client that shows exactly what is on the
// wire, and a logger that keeps what it is given.

struct CapturingLogger : sm::Logger {
    QList<QJsonObject> lines;
    void log(sm::LogLevel, const QString &message, const QJsonObject &fields) override
    {
        QJsonObject line = fields;
        line.insert("message", message);
        lines.append(line);
    }
    bool enabled(sm::LogLevel) const override { return true; }
};

struct RawResponse {
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        return {};
    }
    bool hasHeader(const QByteArray &name) const { return !header(name).isNull(); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const { return json()["error"].toObject()["code"].toString(); }
};

// Splits bytes into complete Content-Length-framed responses; stops at the first
// incomplete one.
inline QList<RawResponse> parseResponses(QByteArray bytes)
{
    QList<RawResponse> out;
    while (true) {
        const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return out;
        const QList<QByteArray> lines = bytes.first(headEnd).split('\n');
        RawResponse response;
        response.status = lines[0].split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            response.headers.append({line.first(colon), line.sliced(colon + 1).trimmed()});
        }
        const qsizetype length = response.header("content-length").toLongLong();
        if (bytes.size() < headEnd + 4 + length)
            return out;
        response.body = bytes.sliced(headEnd + 4, length);
        bytes.remove(0, headEnd + 4 + length);
        out.append(response);
    }
}

class RawClient : public QObject {
public:
    QTcpSocket socket;
    QByteArray received;
    bool disconnected = false;

    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { disconnected = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    void send(const QByteArray &bytes) { socket.write(bytes); }
    QList<RawResponse> responses() const { return parseResponses(received); }
    bool waitForResponses(int count, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return responses().size() >= count; }, timeoutMs);
    }
    bool waitForDisconnect(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return disconnected; }, timeoutMs);
    }
    bool waitForBytes(const QByteArray &needle, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return received.contains(needle); }, timeoutMs);
    }
};

inline QByteArray getRequest(const QByteArray &path, const QByteArray &extraHeaders = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}
