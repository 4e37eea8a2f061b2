#include "httpsupport.h"

#include <sm/authenticator.h>

namespace sse {

sm::Result<sm::Caller> HttpSupport::authenticate(const sm::Authenticator &auth,
                                                 const sm::HttpRequest &request)
{
    sm::Result<sm::Caller> caller = auth.authenticate(request.header("authorization"));
    if (caller)
        caller->requestId = request.requestId;
    return caller;
}

sm::HttpResponse HttpSupport::errorResponse(const sm::Error &error)
{
    sm::HttpResponse response = sm::HttpResponse::error(error);
    if (error.code == sm::ErrorCode::Unavailable)
        response.headers.emplaceBack("retry-after", "1");
    else if (error.code == sm::ErrorCode::Unauthenticated)
        response.headers.emplaceBack("www-authenticate", "Bearer");
    return response;
}

sm::Result<void> HttpSupport::checkQueryKeys(const QUrlQuery &query, const QSet<QString> &allowed)
{
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!allowed.contains(key)) {
            return sm::makeError(sm::ErrorCode::BadRequest,
                                 QStringLiteral("unknown query parameter '%1'").arg(key));
        }
    }
    return {};
}

QByteArray HttpSupport::etag(qint64 version)
{
    return '"' + QByteArray::number(version) + '"';
}

sm::Result<std::optional<qint64>> HttpSupport::parseIfMatch(const QByteArray &header)
{
    const QByteArray value = header.trimmed();
    if (value.isEmpty() || value == "*")
        return std::optional<qint64>();
    const auto malformed = sm::makeError(
        sm::ErrorCode::BadRequest,
        QStringLiteral("If-Match must be one quoted session version, e.g. \"3\""));
    if (value.size() < 3 || value.front() != '"' || value.back() != '"')
        return malformed;
    const QByteArray digits = value.mid(1, value.size() - 2);
    for (char c : digits) {
        if (c < '0' || c > '9')
            return malformed;
    }
    bool ok = false;
    const qint64 version = digits.toLongLong(&ok);
    if (!ok)
        return malformed;
    return std::optional<qint64>(version);
}

} // namespace sse
