#pragma once

#include <sm/result.h>

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <functional>
#include <memory>

namespace sm {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest {
    QByteArray method;        // upper case, e.g. "GET"
    QString path;             // percent-decoded, without the query
    QUrlQuery query;
    HttpHeaders headers;      // names in lower case, in arrival order
    QByteArray body;
    QHostAddress peerAddress; // the TCP peer (a proxy, possibly)
    QString requestId;        // X-Request-Id if the client sent a sane one, else generated
    QStringList pathParams;   // the `{name}` segments of the route pattern, in order

    // First value of a header (name in lower case), or empty.
    QByteArray header(QByteArrayView name) const;
};

struct HttpResponse {
    int status = 200;
    HttpHeaders headers;
    QByteArray body;

    static HttpResponse json(int status, const QJsonObject &body);
    static HttpResponse empty(int status);
    // {"error":{"code","message"}} with the status matching the error code.
    static HttpResponse error(const Error &error);
    static HttpResponse error(int status, const QByteArray &code, const QString &message);
};

// HTTP status for an error code (BadRequest 400, NotFound 404, VersionConflict 412, ...).
int httpStatusFor(ErrorCode code);

// A response whose body is written over time (Server-Sent Events). The connection is
// not reused after it. All methods on the host thread.
class HttpStream {
public:
    virtual ~HttpStream() = default;

    // Queues bytes for the client; false once the stream is closed.
    virtual bool write(const QByteArray &bytes) = 0;
    // Bytes written by the stream but not yet handed to the kernel.
    virtual qint64 bytesQueued() const = 0;
    virtual bool isOpen() const = 0;
    // Ends the response after the queued bytes are sent.
    virtual void close() = 0;
    // Drops the connection at once (slow client).
    virtual void abort() = 0;
    // Runs once when the client goes away or the stream is closed or aborted.
    virtual void setClosedHandler(std::function<void()> handler) = 0;

    // SDK 1.2. The connection's socket descriptor while it is open, else -1: for figures
    // only the kernel has (TCP_INFO round-trip time). Read it, never close or write to it.
    // Appended last with a default, so hosts written against 1.0/1.1 still compile.
    virtual qintptr socketDescriptor() const { return -1; }
};

// One request waiting for its response. Handlers may answer later (after an
// asynchronous call); responses on one connection still go out in request order.
class HttpExchange {
public:
    virtual ~HttpExchange() = default;

    virtual const HttpRequest &request() const = 0;
    // Sends the response; at most once. Ignored if the client has gone.
    virtual void respond(HttpResponse response) = 0;
    // Sends the status line and headers at once and keeps the connection for a body
    // written over time. Null if the client has gone.
    virtual std::shared_ptr<HttpStream> startStream(int status, const HttpHeaders &headers) = 0;
    virtual bool isClientConnected() const = 0;
};

using HttpExchangePtr = std::shared_ptr<HttpExchange>;
using HttpHandler = std::function<void(const HttpExchangePtr &)>;

// Route registration on the runtime's one HTTP listener. Patterns are literal segments
// and `{name}` captures: "/sessions/{id}/events". The listener owns CORS, body and
// header limits, request ids, timeouts and access logs; a handler sees only requests
// that passed them. Register routes in Plugin::start().
class HttpRouter {
public:
    virtual ~HttpRouter() = default;
    virtual void addRoute(const QByteArray &method, const QString &pattern, HttpHandler handler) = 0;
};

} // namespace sm
