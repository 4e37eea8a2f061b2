#include "jwtforge.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

namespace {
QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}
} // namespace

QString JwtForge::sign(const QByteArray &secret, const QString &user, const QString &role, qint64 expiresInSecs)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject header{{"alg", "HS256"}, {"typ", "JWT"}};
    const QJsonObject claims{{"sub", user}, {"role", role}, {"iat", now - 7200}, {"exp", now + expiresInSecs}};
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signature = QMessageAuthenticationCode::hash(signingInput, secret, QCryptographicHash::Sha256);
    return QString::fromLatin1(signingInput + '.' + base64Url(signature));
}
