#include "http/httpwire.h"

#include <QDateTime>
#include <QLocale>

namespace sm {

namespace {

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    }
    return "Status";
}

bool isFramingHeader(const QByteArray &name)
{
    return name.compare("content-length", Qt::CaseInsensitive) == 0
           || name.compare("connection", Qt::CaseInsensitive) == 0
           || name.compare("transfer-encoding", Qt::CaseInsensitive) == 0
           || name.compare("keep-alive", Qt::CaseInsensitive) == 0;
}

bool hasNoBody(int status)
{
    return status < 200 || status == 204 || status == 304;
}

// RFC 9110 wants a Date on responses; formatting it once per second keeps it cheap.
// Only the host thread encodes responses.
const QByteArray &httpDateNow()
{
    static QByteArray cached;
    static qint64 cachedSecond = -1;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 second = now.toSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QLocale::c().toString(now, u"ddd, dd MMM yyyy hh:mm:ss 'GMT'").toLatin1();
    }
    return cached;
}

} // namespace

// Appends only: every `a + b` of QByteArrays would allocate a temporary.
QByteArray encodeHttpResponse(const HttpResponse &response, const HttpFraming &framing)
{
    QByteArray out;
    qsizetype headerBytes = 0;
    for (const auto &[name, value] : response.headers)
        headerBytes += name.size() + value.size() + 4;
    out.reserve(128 + headerBytes + response.body.size());
    out.append("HTTP/1.1 ").append(QByteArray::number(response.status)).append(' ');
    out.append(reasonPhrase(response.status)).append("\r\nDate: ").append(httpDateNow());
    out.append("\r\n");
    for (const auto &[name, value] : response.headers) {
        if (!isFramingHeader(name))
            out.append(name).append(": ").append(value).append("\r\n");
    }
    if (framing.streaming) {
        out.append("Connection: close\r\n\r\n");
        return out;
    }
    const bool bodyless = hasNoBody(response.status);
    if (!bodyless)
        out.append("Content-Length: ").append(QByteArray::number(response.body.size())).append("\r\n");
    out.append(framing.keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
    if (!bodyless && !framing.omitBody)
        out.append(response.body);
    return out;
}

} // namespace sm
