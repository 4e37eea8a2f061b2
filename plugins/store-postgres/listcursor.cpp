#include "listcursor.h"

#include <QByteArray>

namespace smpg {

namespace {

constexpr auto kBase64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

sm::Error badCursor()
{
    return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("invalid list cursor"));
}

} // namespace

QString ListCursor::encode() const
{
    const QByteArray plain = QByteArray::number(createdAt.toMSecsSinceEpoch()) + ':' + id.toUtf8();
    return QString::fromLatin1(plain.toBase64(kBase64));
}

sm::Result<ListCursor> ListCursor::decode(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(),
                                                        kBase64 | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return badCursor();
    const QByteArray &plain = decoded.decoded;
    const qsizetype colon = plain.indexOf(':');
    bool ok = false;
    const qint64 ms = plain.left(colon).toLongLong(&ok);
    if (colon <= 0 || !ok || colon + 1 >= plain.size())
        return badCursor();
    return ListCursor{QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC), QString::fromUtf8(plain.mid(colon + 1))};
}

} // namespace smpg
