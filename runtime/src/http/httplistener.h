#pragma once

#include "http/httpconnection.h"
#include "http/httpcorspolicy.h"
#include "http/httproutetable.h"

#include <sm/http.h>
#include <sm/logger.h>

#include <QHash>
#include <QObject>
#include <QSet>
#include <QWebSocketServer>

#include <chrono>

class QTcpServer;
class QWebSocket;

namespace sm {

class HttpConnectionExchange;

struct HttpListenerOptions {
    QString listenAddress = QStringLiteral("127.0.0.1:0"); // "ip:port", "[ipv6]:port"; port 0 = any
    qint64 maxBodyBytes = 1024 * 1024;
    int maxHeaderCount = 100;
    int maxHeaderBytes = 16 * 1024;
    std::chrono::milliseconds idleTimeout{60000};    // keep-alive connection without a request
    std::chrono::milliseconds requestTimeout{30000}; // first byte of a request to its last (slowloris)
    QStringList corsOrigins;                         // "*" = any origin, without credentials
    int listenBacklog = 4096;                        // the default 50 drops mass connects
};

// The runtime's one HTTP/1.1 listener: REST, SSE, health, metrics and the dashboard's
// WebSocket share its port. Owns limits, CORS, request ids, timeouts, JSON errors and
// access logs; handlers only see requests that passed them. Host thread only.
//
// Needs QT_NO_GLIB=1 before QCoreApplication exists (see eventloopsetup.h): Qt's glib
// dispatcher is quadratic in the number of sockets.
class HttpListener : public QObject, public HttpRouter {
    Q_OBJECT
public:
    using WebSocketHandler = std::function<void(QWebSocket *)>;
    // Decides on the upgrade request (e.g. checks Authorization or ?token=).
    using WebSocketAuthorizer = std::function<Result<void>(const HttpRequest &)>;

    HttpListener(HttpListenerOptions options, Logger &logger, QObject *parent = nullptr);
    ~HttpListener() override;

    Result<void> listen();
    quint16 port() const;
    QHostAddress address() const;
    // Stops accepting and drops every open connection (streams see their closed handler).
    void close();
    int connectionCount() const { return int(m_connections.size()); }

    void addRoute(const QByteArray &method, const QString &pattern, HttpHandler handler) override;
    // The handler gets a connected socket parented to the listener and deleted when it
    // disconnects; reparent it to keep it longer.
    void addWebSocketRoute(const QString &path, WebSocketHandler handler,
                           WebSocketAuthorizer authorize = {});
    // Sees every answered request (not streams, not upgrades): for traffic metrics.
    using CompletionObserver = std::function<void(int status, qint64 durationNs)>;
    void setCompletionObserver(CompletionObserver observer) { m_completionObserver = std::move(observer); }

    static Result<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text);

private:
    struct WebSocketRoute {
        QStringList segments;
        WebSocketHandler handler;
        WebSocketAuthorizer authorize;
    };

    void acceptConnections();
    HttpConnectionHooks connectionHooks();
    void dispatch(const std::shared_ptr<HttpConnectionExchange> &exchange);
    bool dispatchPreflight(HttpConnectionExchange &exchange, const QStringList &segments);
    bool dispatchWebSocket(HttpConnectionExchange &exchange, const QStringList &segments);
    void decorate(const HttpRequest &request, HttpHeaders &headers) const;
    void logAccess(const HttpConnectionExchange &exchange) const;
    void acceptWebSockets();
    const WebSocketRoute *webSocketRoute(const QStringList &segments) const;

    HttpListenerOptions m_options;
    HttpConnectionSettings m_settings;
    Logger &m_logger;
    HttpCorsPolicy m_cors;
    HttpRouteTable m_routes;
    QList<WebSocketRoute> m_webSocketRoutes;
    QTcpServer *m_server = nullptr;
    QWebSocketServer m_webSockets;
    QSet<HttpConnection *> m_connections;
    CompletionObserver m_completionObserver;
};

} // namespace sm
