#include "pagecursor.h"

#include <QByteArray>

namespace smsqlite {

namespace {
constexpr auto kBase64Options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr char kSeparator = ':';
} // namespace

QString PageCursor::encode() const
{
    const QByteArray key = QByteArray::number(createdAtMs) + kSeparator + id.toUtf8();
    return QString::fromLatin1(key.toBase64(kBase64Options));
}

std::optional<PageCursor> PageCursor::decode(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), kBase64Options | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QByteArray &key = *decoded;
    const qsizetype separator = key.indexOf(kSeparator);
    if (separator <= 0 || separator == key.size() - 1)
        return std::nullopt;
    bool isNumber = false;
    const qint64 createdAtMs = key.left(separator).toLongLong(&isNumber);
    if (!isNumber)
        return std::nullopt;
    return PageCursor{createdAtMs, QString::fromUtf8(key.mid(separator + 1))};
}

} // namespace smsqlite
