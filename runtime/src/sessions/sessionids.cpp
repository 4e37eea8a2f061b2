#include "sessions/sessionids.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <array>

namespace sm {

namespace {
template <size_t Words>
QString randomBase64Url()
{
    std::array<quint32, Words> words;
    QRandomGenerator::system()->fillRange(words.data(), Words);
    const QByteArray bytes(reinterpret_cast<const char *>(words.data()), Words * sizeof(quint32));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
} // namespace

QString SessionIds::newSessionId()
{
    return randomBase64Url<4>();
}

QString SessionIds::newToken()
{
    return randomBase64Url<8>();
}

QByteArray SessionIds::hashToken(const QString &token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

bool SessionIds::equalHashes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

quint64 SessionIds::seedFor(const QString &sessionId)
{
    const QByteArray digest = QCryptographicHash::hash(sessionId.toUtf8(), QCryptographicHash::Sha256);
    quint64 seed = 0;
    for (int i = 0; i < 8; ++i)
        seed = (seed << 8) | static_cast<unsigned char>(digest[i]);
    return seed;
}

} // namespace sm
