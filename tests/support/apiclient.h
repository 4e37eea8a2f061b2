#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

struct ApiReply {
    int status = 0; // 0 = no HTTP response at all
    RawHeaders headers; // names in lower case
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const;
    QString errorCode() const; // error.code of an error body
};

// Synchronous HTTP calls against a running runtime for tests: QNetworkAccessManager for
// well-formed requests, a raw socket for the ones a client library would refuse to send.
class ApiClient {
public:
    explicit ApiClient(QUrl base) : m_base(std::move(base)) {}

    ApiReply send(const QByteArray &method, const QString &pathAndQuery, const QString &token = {},
                  const QByteArray &body = {}, const RawHeaders &headers = {});
    // Writes `request` as is on a new connection (from `from`, when given) and reads one
    // response.
    ApiReply sendRaw(const QByteArray &request, const QHostAddress &from = {}, int timeoutMs = 10000);

    static QByteArray bearer(const QString &token) { return "Bearer " + token.toUtf8(); }

private:
    QUrl m_base;
    QNetworkAccessManager m_manager;
};
