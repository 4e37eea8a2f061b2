#include "http/httplistener.h"

#include "http/httpconnectionexchange.h"

#include <QJsonObject>
#include <QTcpServer>
#include <QWebSocket>

namespace sm {

HttpListener::HttpListener(HttpListenerOptions options, Logger &logger, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_logger(logger)
    , m_cors(m_options.corsOrigins)
    , m_webSockets(QStringLiteral("session-manager"), QWebSocketServer::NonSecureMode)
{
    m_settings.limits = HttpParserLimits{m_options.maxBodyBytes, m_options.maxHeaderCount,
                                         m_options.maxHeaderBytes};
    m_settings.idleTimeout = m_options.idleTimeout;
    m_settings.requestTimeout = m_options.requestTimeout;
    connect(&m_webSockets, &QWebSocketServer::newConnection, this, &HttpListener::acceptWebSockets);
}

HttpListener::~HttpListener()
{
    // Connections call back into this object while they close: do it while it is whole.
    close();
}

Result<std::pair<QHostAddress, quint16>> HttpListener::parseListenAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("listen address '%1' has no port (want ip:port)").arg(text));
    QString host = text.first(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.sliced(1, host.size() - 2);
    bool portOk = false;
    const quint16 port = text.sliced(colon + 1).toUShort(&portOk);
    if (!portOk)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("listen address '%1' has an invalid port").arg(text));
    QHostAddress address;
    if (host.isEmpty() || host == u"*")
        address = QHostAddress::Any;
    else if (host == u"localhost")
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("listen address '%1': '%2' is not an IP address")
                             .arg(text, host));
    return std::pair{address, port};
}

Result<void> HttpListener::listen()
{
    if (m_server)
        return makeError(ErrorCode::Internal, QStringLiteral("the HTTP listener is already listening"));
    const auto endpoint = parseListenAddress(m_options.listenAddress);
    if (!endpoint)
        return endpoint.error();
    auto server = std::make_unique<QTcpServer>(this);
    server->setListenBacklogSize(m_options.listenBacklog);
    if (!server->listen(endpoint->first, endpoint->second))
        return makeError(ErrorCode::Unavailable, QStringLiteral("cannot listen on %1: %2")
                                                     .arg(m_options.listenAddress,
                                                          server->errorString()));
    m_server = server.release();
    connect(m_server, &QTcpServer::newConnection, this, &HttpListener::acceptConnections);
    return {};
}

quint16 HttpListener::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QHostAddress HttpListener::address() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

void HttpListener::close()
{
    if (m_server)
        m_server->close();
    const QSet<HttpConnection *> open = m_connections;
    for (HttpConnection *connection : open)
        connection->abort();
}

void HttpListener::addRoute(const QByteArray &method, const QString &pattern, HttpHandler handler)
{
    m_routes.add(method, pattern, std::move(handler));
}

void HttpListener::addWebSocketRoute(const QString &path, WebSocketHandler handler,
                                     WebSocketAuthorizer authorize)
{
    m_webSocketRoutes.append(
        {HttpRouteTable::splitPath(path.toUtf8()), std::move(handler), std::move(authorize)});
}

void HttpListener::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection())
        m_connections.insert(new HttpConnection(socket, m_settings, connectionHooks(), this));
}

HttpConnectionHooks HttpListener::connectionHooks()
{
    HttpConnectionHooks hooks;
    hooks.dispatch = [this](const auto &exchange) { dispatch(exchange); };
    hooks.decorate = [this](const HttpRequest &request, HttpHeaders &headers) {
        decorate(request, headers);
    };
    hooks.completed = [this](const HttpConnectionExchange &exchange) {
        logAccess(exchange);
        if (m_completionObserver && exchange.state == HttpConnectionExchange::State::Responded)
            m_completionObserver(exchange.status, exchange.elapsed.nsecsElapsed());
    };
    hooks.webSocketHandover = [this](QTcpSocket *socket) {
        m_webSockets.handleConnection(socket);
        // The handshake bytes are already buffered: make the WebSocket server look.
        QMetaObject::invokeMethod(socket, [socket] { Q_EMIT socket->readyRead(); },
                                  Qt::QueuedConnection);
    };
    hooks.finished = [this](HttpConnection *connection) { m_connections.remove(connection); };
    return hooks;
}

void HttpListener::dispatch(const std::shared_ptr<HttpConnectionExchange> &exchange)
{
    HttpRequest &request = exchange->mutableRequest();
    const QStringList segments = HttpRouteTable::splitPath(exchange->rawPath());
    if (m_cors.isEnabled() && HttpCorsPolicy::isPreflight(request)
        && dispatchPreflight(*exchange, segments))
        return;
    if (exchange->upgradeRequested && dispatchWebSocket(*exchange, segments))
        return;

    const HttpRouteTable::Lookup lookup = m_routes.find(request.method, segments);
    if (const auto *match = std::get_if<HttpRouteTable::Match>(&lookup)) {
        request.pathParams = match->params;
        (*match->handler)(exchange);
    } else if (const auto *wrongMethod = std::get_if<HttpRouteTable::MethodNotAllowed>(&lookup)) {
        HttpResponse response = HttpResponse::error(
            405, "method_not_allowed",
            QStringLiteral("%1 is not allowed on %2")
                .arg(QString::fromLatin1(request.method), request.path));
        response.headers.append({"Allow", wrongMethod->allowed.join(", ")});
        exchange->respond(std::move(response));
    } else {
        exchange->respond(HttpResponse::error(
            404, "not_found", QStringLiteral("no route for %1").arg(request.path)));
    }
}

bool HttpListener::dispatchPreflight(HttpConnectionExchange &exchange, const QStringList &segments)
{
    QByteArrayList methods = m_routes.methodsFor(segments);
    if (webSocketRoute(segments) && !methods.contains("GET"))
        methods.append("GET");
    if (methods.isEmpty())
        return false; // answered as an unknown path
    const HttpRequest &request = exchange.request();
    if (!m_cors.allows(request.header("origin"))) {
        exchange.respond(HttpResponse::error(403, "permission_denied",
                                             QStringLiteral("origin not allowed")));
        return true;
    }
    exchange.respond(m_cors.preflightResponse(request, methods));
    return true;
}

bool HttpListener::dispatchWebSocket(HttpConnectionExchange &exchange, const QStringList &segments)
{
    const WebSocketRoute *route = webSocketRoute(segments);
    if (!route)
        return false;
    if (route->authorize) {
        const Result<void> allowed = route->authorize(exchange.request());
        if (!allowed) {
            exchange.respond(HttpResponse::error(allowed.error()));
            return true;
        }
    }
    if (!exchange.upgradeToWebSocket())
        exchange.respond(HttpResponse::error(
            400, "bad_request",
            QStringLiteral("a WebSocket upgrade must be the first request on its connection")));
    return true;
}

void HttpListener::acceptWebSockets()
{
    while (m_webSockets.hasPendingConnections()) {
        QWebSocket *socket = m_webSockets.nextPendingConnection();
        socket->setParent(this);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        const WebSocketRoute *route = webSocketRoute(
            HttpRouteTable::splitPath(socket->requestUrl().path(QUrl::FullyEncoded).toUtf8()));
        if (route)
            route->handler(socket);
        else
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated);
    }
}

const HttpListener::WebSocketRoute *HttpListener::webSocketRoute(const QStringList &segments) const
{
    for (const WebSocketRoute &route : m_webSocketRoutes)
        if (route.segments == segments)
            return &route;
    return nullptr;
}

void HttpListener::decorate(const HttpRequest &request, HttpHeaders &headers) const
{
    headers.append({"X-Request-Id", request.requestId.toLatin1()});
    if (m_cors.isEnabled())
        m_cors.decorate(request.header("origin"), headers);
}

void HttpListener::logAccess(const HttpConnectionExchange &exchange) const
{
    if (!m_logger.enabled(LogLevel::Info))
        return;
    const HttpRequest &request = exchange.request();
    m_logger.info(QStringLiteral("http request"),
                  QJsonObject{{"method", QString::fromLatin1(request.method)},
                              {"path", request.path},
                              {"status", exchange.status},
                              {"duration_ms", double(exchange.elapsed.nsecsElapsed()) / 1e6},
                              {"request_id", request.requestId},
                              {"bytes", exchange.bytesSent},
                              {"peer", request.peerAddress.toString()}});
}

} // namespace sm
