#include "http/httprequestid.h"

#include <QRandomGenerator>

#include <algorithm>

namespace sm {

namespace {
constexpr qsizetype kMaxClientRequestIdLength = 64;

bool isSafeIdChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
           || c == '_' || c == '-';
}
} // namespace

QString requestIdFor(const QByteArray &clientValue)
{
    if (!clientValue.isEmpty() && clientValue.size() <= kMaxClientRequestIdLength
        && std::all_of(clientValue.begin(), clientValue.end(), isSafeIdChar))
        return QString::fromLatin1(clientValue);
    quint64 random[2];
    QRandomGenerator::global()->fillRange(random);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(random), sizeof random).toHex());
}

} // namespace sm
