#include "http/httplistener.h"
#include "httptestclient.h"

#include <QTcpServer>
#include <QTimer>
#include <QWebSocket>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;
using sm::HttpExchangePtr;
using sm::HttpListener;
using sm::HttpListenerOptions;
using sm::HttpResponse;

namespace {

HttpResponse jsonOk(const QString &value)
{
    return HttpResponse::json(200, QJsonObject{{"value", value}});
}

// Enough descriptors for the mass-connect test (client and server ends).
void raiseDescriptorLimit()
{
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace

class TestHttpListener : public QObject {
    Q_OBJECT

    CapturingLogger m_log;
    std::unique_ptr<HttpListener> m_listener;

    HttpListener &start(HttpListenerOptions options = {})
    {
        m_log.lines.clear();
        m_listener = std::make_unique<HttpListener>(std::move(options), m_log);
        m_listener->addRoute("GET", "/hello", [](const HttpExchangePtr &e) { e->respond(jsonOk("hi")); });
        m_listener->addRoute("GET", "/sessions/{id}/events/{n}", [](const HttpExchangePtr &e) {
            const auto &r = e->request();
            e->respond(HttpResponse::json(
                200, QJsonObject{{"id", r.pathParams.value(0)}, {"n", r.pathParams.value(1)},
                                 {"q", r.query.queryItemValue("q")},
                                 {"auth", QString::fromLatin1(r.header("authorization"))}}));
        });
        m_listener->addRoute("POST", "/echo", [](const HttpExchangePtr &e) {
            e->respond(HttpResponse{200, {{"content-type", "text/plain"}}, e->request().body});
        });
        const auto listening = m_listener->listen();
        if (!listening)
            qFatal("listen failed: %s", qPrintable(listening.error().message));
        return *m_listener;
    }

    quint16 port() const { return m_listener->port(); }

    RawResponse roundTrip(const QByteArray &request)
    {
        RawClient client(port());
        client.send(request);
        if (!client.waitForResponses(1))
            return {};
        return client.responses().first();
    }

private slots:
    void initTestCase() { raiseDescriptorLimit(); }
    void cleanup() { m_listener.reset(); }

    void routeGetsDecodedPathParamsQueryAndHeaders()
    {
        start();
        const RawResponse r = roundTrip(
            getRequest("/sessions/a%2Fb/events/7?q=x%20y", "Authorization: Bearer t\r\n"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["id"].toString(), "a/b"); // an encoded slash stays in its segment
        QCOMPARE(r.json()["n"].toString(), "7");
        QCOMPARE(r.json()["q"].toString(), "x y");
        QCOMPARE(r.json()["auth"].toString(), "Bearer t");
    }

    void unknownPathAnswers404Json()
    {
        start();
        const RawResponse r = roundTrip(getRequest("/nope"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), "not_found");
        QCOMPARE(r.header("content-type"), "application/json");
        QVERIFY(r.hasHeader("x-request-id"));
    }

    void wrongMethodAnswers405WithAllow()
    {
        start();
        const RawResponse r = roundTrip("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.errorCode(), "method_not_allowed");
        QCOMPARE(r.header("allow"), "GET, HEAD");
    }

    void headAnswersHeadersWithoutBody()
    {
        start();
        RawClient client(port());
        client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n" + getRequest("/hello"));
        QVERIFY(client.waitForBytes("{\"value\":\"hi\"}"));
        // The HEAD response announces the body's length but sends none, so the next
        // response starts right after its headers.
        QVERIFY(client.received.startsWith("HTTP/1.1 200 OK"));
        QCOMPARE(client.received.count("HTTP/1.1 200 OK"), 2);
        QCOMPARE(client.received.count("{\"value\":\"hi\"}"), 1);
    }

    void bodyOverLimitAnswers413BeforeTheBodyIsSent()
    {
        HttpListenerOptions options;
        options.maxBodyBytes = 1000;
        start(options);
        RawClient client(port());
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n");
        QVERIFY(client.waitForResponses(1));
        QCOMPARE(client.responses().first().status, 413);
        QCOMPARE(client.responses().first().errorCode(), "payload_too_large");
        QVERIFY(client.waitForDisconnect());
    }

    void bodyWithinLimitIsDelivered()
    {
        HttpListenerOptions options;
        options.maxBodyBytes = 1000;
        start(options);
        const QByteArray body(1000, 'b');
        const RawResponse r = roundTrip("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, body);
    }

    void expectContinueGets100BeforeTheBody()
    {
        start();
        RawClient client(port());
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        QVERIFY(client.waitForBytes("HTTP/1.1 100 Continue\r\n\r\n"));
        client.send("ok");
        QVERIFY(client.waitForBytes("\r\n\r\nok"));
    }

    void tooManyOrTooLargeHeadersAnswer431()
    {
        HttpListenerOptions options;
        options.maxHeaderCount = 5;
        options.maxHeaderBytes = 1024;
        start(options);
        QByteArray many;
        for (int i = 0; i < 6; ++i)
            many += "X-" + QByteArray::number(i) + ": v\r\n";
        QCOMPARE(roundTrip(getRequest("/hello", many)).status, 431);
        const RawResponse large = roundTrip(getRequest("/hello", "X-Big: " + QByteArray(2000, 'v') + "\r\n"));
        QCOMPARE(large.status, 431);
        QCOMPARE(large.errorCode(), "headers_too_large");
    }

    void malformedRequestAnswers400AndCloses()
    {
        start();
        RawClient client(port());
        client.send("THIS IS NOT HTTP\r\n\r\n");
        QVERIFY(client.waitForResponses(1));
        QCOMPARE(client.responses().first().status, 400);
        QCOMPARE(client.responses().first().errorCode(), "bad_request");
        QCOMPARE(client.responses().first().header("connection"), "close");
        QVERIFY(client.waitForDisconnect());
    }

    void requestIdIsEchoedWhenSaneElseGenerated()
    {
        start();
        QCOMPARE(roundTrip(getRequest("/hello", "X-Request-Id: abc-123_x.y\r\n")).header("x-request-id"),
                 "abc-123_x.y");
        const QByteArray generated =
            roundTrip(getRequest("/hello", "X-Request-Id: bad id<script>\r\n")).header("x-request-id");
        QCOMPARE(generated.size(), 32);
        QVERIFY(!generated.contains("bad"));
        const QByteArray tooLong(65, 'a');
        QVERIFY(roundTrip(getRequest("/hello", "X-Request-Id: " + tooLong + "\r\n")).header("x-request-id")
                != tooLong);
    }

    void corsPreflightForListedOriginAllowsCredentials()
    {
        HttpListenerOptions options;
        options.corsOrigins = {"https://app.example"};
        start(options);
        const RawResponse r = roundTrip(
            "OPTIONS /hello HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\n"
            "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\n\r\n");
        QCOMPARE(r.status, 204);
        QCOMPARE(r.header("access-control-allow-origin"), "https://app.example");
        QCOMPARE(r.header("access-control-allow-credentials"), "true");
        QVERIFY(r.header("access-control-allow-methods").contains("GET"));
        for (const char *name : {"Authorization", "If-Match", "Last-Event-ID", "Content-Type"})
            QVERIFY2(r.header("access-control-allow-headers").contains(name), name);

        const RawResponse actual = roundTrip(getRequest("/hello", "Origin: https://app.example\r\n"));
        QCOMPARE(actual.header("access-control-allow-origin"), "https://app.example");
        for (const char *name : {"ETag", "Location", "X-Request-Id", "Retry-After"})
            QVERIFY2(actual.header("access-control-expose-headers").contains(name), name);
    }

    void corsWildcardNeverAllowsCredentials()
    {
        HttpListenerOptions options;
        options.corsOrigins = {"*"};
        start(options);
        const RawResponse r = roundTrip(getRequest("/hello", "Origin: https://any.example\r\n"));
        QCOMPARE(r.header("access-control-allow-origin"), "*");
        QVERIFY(!r.hasHeader("access-control-allow-credentials"));
    }

    void corsUnlistedOriginGetsNoCorsHeaders()
    {
        HttpListenerOptions options;
        options.corsOrigins = {"https://app.example"};
        start(options);
        QVERIFY(!roundTrip(getRequest("/hello", "Origin: https://evil.example\r\n"))
                     .hasHeader("access-control-allow-origin"));
        const RawResponse preflight = roundTrip(
            "OPTIONS /hello HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\n"
            "Access-Control-Request-Method: GET\r\n\r\n");
        QCOMPARE(preflight.status, 403);
        QVERIFY(!preflight.hasHeader("access-control-allow-origin"));
    }

    void keepAliveServesSeveralRequestsOnOneConnection()
    {
        start();
        RawClient client(port());
        for (int i = 1; i <= 3; ++i) {
            client.send(getRequest("/hello"));
            QVERIFY(client.waitForResponses(i));
        }
        QVERIFY(!client.disconnected);
        QCOMPARE(client.responses().last().header("connection"), "keep-alive");
    }

    void pipelinedResponsesKeepRequestOrderWhenHandlersAnswerOutOfOrder()
    {
        start();
        m_listener->addRoute("GET", "/slow", [](const HttpExchangePtr &e) {
            QTimer::singleShot(100, [e] { e->respond(jsonOk("slow")); });
        });
        m_listener->addRoute("GET", "/fast", [](const HttpExchangePtr &e) { e->respond(jsonOk("fast")); });
        RawClient client(port());
        client.send(getRequest("/slow") + getRequest("/fast") + getRequest("/slow") + getRequest("/fast"));
        QVERIFY(client.waitForResponses(4));
        const auto responses = client.responses();
        QStringList order;
        for (const RawResponse &r : responses)
            order << r.json()["value"].toString();
        QCOMPARE(order, (QStringList{"slow", "fast", "slow", "fast"}));
    }

    void connectionCloseIsHonoured()
    {
        start();
        RawClient client(port());
        client.send(getRequest("/hello", "Connection: close\r\n") + getRequest("/hello"));
        QVERIFY(client.waitForDisconnect());
        QCOMPARE(client.responses().size(), 1); // the request after "close" is not served
        QCOMPARE(client.responses().first().header("connection"), "close");
    }

    void http10WithoutKeepAliveIsClosed()
    {
        start();
        RawClient client(port());
        client.send("GET /hello HTTP/1.0\r\n\r\n");
        QVERIFY(client.waitForDisconnect());
        QCOMPARE(client.responses().size(), 1);
    }

    void idleKeepAliveConnectionIsClosedAfterTheTimeout()
    {
        HttpListenerOptions options;
        options.idleTimeout = 300ms;
        start(options);
        RawClient client(port());
        client.send(getRequest("/hello"));
        QVERIFY(client.waitForResponses(1));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(client.waitForDisconnect(3000));
        QVERIFY(timer.elapsed() >= 250);
        QTRY_COMPARE(m_listener->connectionCount(), 0);
    }

    void activeConnectionIsNotClosedAsIdle()
    {
        HttpListenerOptions options;
        options.idleTimeout = 300ms;
        start(options);
        RawClient client(port());
        for (int i = 1; i <= 6; ++i) { // 6 x 100 ms: longer than the idle timeout
            client.send(getRequest("/hello"));
            QVERIFY(client.waitForResponses(i));
            QTest::qWait(100);
        }
        QVERIFY(!client.disconnected);
    }

    void connectionWaitingForASlowHandlerIsNotClosedAsIdle()
    {
        HttpListenerOptions options;
        options.idleTimeout = 200ms;
        start(options);
        m_listener->addRoute("GET", "/slow", [](const HttpExchangePtr &e) {
            QTimer::singleShot(600ms, [e] { e->respond(jsonOk("late")); });
        });
        RawClient client(port());
        client.send(getRequest("/slow"));
        QVERIFY(client.waitForResponses(1, 3000));
        QCOMPARE(client.responses().first().status, 200);
        QVERIFY(!client.disconnected);
        // Idleness counts from the response, not from the request.
        QElapsedTimer sinceResponse;
        sinceResponse.start();
        QVERIFY(client.waitForDisconnect(3000));
        QVERIFY(sinceResponse.elapsed() >= 150);
    }

    void slowHeadersGet408AfterTheRequestTimeout()
    {
        HttpListenerOptions options;
        options.requestTimeout = 300ms;
        options.idleTimeout = 10s;
        start(options);
        RawClient client(port());
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n");
        // A slowloris client trickles header bytes; that must not extend the deadline.
        QTimer trickle;
        QObject::connect(&trickle, &QTimer::timeout, [&] { client.send("X-A: b\r\n"); });
        trickle.start(50);
        QVERIFY(client.waitForResponses(1, 3000));
        QCOMPARE(client.responses().first().status, 408);
        QCOMPARE(client.responses().first().errorCode(), "request_timeout");
        QVERIFY(client.waitForDisconnect());
    }

    void respondingAfterTheClientLeftIsANoOp()
    {
        start();
        HttpExchangePtr kept;
        m_listener->addRoute("GET", "/later", [&](const HttpExchangePtr &e) { kept = e; });
        {
            RawClient client(port());
            client.send(getRequest("/later"));
            QTRY_VERIFY(kept);
            QVERIFY(kept->isClientConnected());
            client.socket.abort();
        }
        QTRY_VERIFY(!kept->isClientConnected());
        QTRY_COMPARE(m_listener->connectionCount(), 0);
        kept->respond(jsonOk("too late")); // must neither crash nor write anywhere
        QVERIFY(!kept->startStream(200, {}));
        QCOMPARE(roundTrip(getRequest("/hello")).status, 200); // the listener lives on
    }

    void accessLogHasOneLinePerRequest()
    {
        start();
        roundTrip(getRequest("/nope", "X-Request-Id: log-1\r\n"));
        QTRY_VERIFY(!m_log.lines.isEmpty());
        const QJsonObject line = m_log.lines.last();
        QCOMPARE(line["method"].toString(), "GET");
        QCOMPARE(line["path"].toString(), "/nope");
        QCOMPARE(line["status"].toInt(), 404);
        QCOMPARE(line["request_id"].toString(), "log-1");
        QVERIFY(line["bytes"].toInt() > 0);
        QVERIFY(line.contains("duration_ms"));
        QCOMPARE(m_log.lines.size(), 1);
    }

    // With the default backlog of 50 most of these SYNs would be dropped while the
    // event loop is busy; the kernel must complete every handshake on its own.
    void thousandSimultaneousConnectionsAreAllAnswered()
    {
        start();
        constexpr int kClients = 1000;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::vector<pollfd> fds;
        for (int i = 0; i < kClients; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            QVERIFY(fd >= 0);
            ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
            fds.push_back({fd, POLLOUT, 0});
        }
        // No event loop has run: every connect must complete from the accept queue.
        QElapsedTimer waited;
        waited.start();
        int connected = 0;
        while (connected < kClients && waited.elapsed() < 500) {
            ::poll(fds.data(), fds.size(), 50);
            connected = int(std::count_if(fds.begin(), fds.end(), [](const pollfd &p) {
                return p.revents & POLLOUT;
            }));
        }
        QCOMPARE(connected, kClients);

        const QByteArray request = getRequest("/hello", "Connection: close\r\n");
        for (const pollfd &p : fds)
            QCOMPARE(::write(p.fd, request.constData(), request.size()), request.size());
        int answered = 0;
        std::vector<QByteArray> replies(kClients);
        QVERIFY(QTest::qWaitFor([&] {
            for (int i = 0; i < kClients; ++i) {
                char buffer[4096];
                ssize_t n;
                while ((n = ::read(fds[i].fd, buffer, sizeof buffer)) > 0)
                    replies[i].append(buffer, n);
            }
            answered = int(std::count_if(replies.begin(), replies.end(), [](const QByteArray &r) {
                return r.startsWith("HTTP/1.1 200 OK") && r.endsWith("{\"value\":\"hi\"}");
            }));
            return answered == kClients;
        }, 20000));
        for (const pollfd &p : fds)
            ::close(p.fd);
    }

    void listenReportsAddressInUse()
    {
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
        HttpListenerOptions options;
        options.listenAddress = QStringLiteral("127.0.0.1:%1").arg(occupant.serverPort());
        HttpListener listener(options, m_log);
        const auto result = listener.listen();
        QVERIFY(!result);
        QCOMPARE(result.error().code, sm::ErrorCode::Unavailable);
        QVERIFY2(result.error().message.contains(options.listenAddress), qPrintable(result.error().message));
    }

    void listenRejectsUnparsableAddresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::newRow("no port") << "127.0.0.1";
        QTest::newRow("bad port") << "127.0.0.1:99999";
        QTest::newRow("hostname") << "example.com:80";
        QTest::newRow("garbage") << "::::";
    }

    void listenRejectsUnparsableAddresses()
    {
        QFETCH(QString, address);
        HttpListenerOptions options;
        options.listenAddress = address;
        HttpListener listener(options, m_log);
        const auto result = listener.listen();
        QVERIFY(!result);
        QCOMPARE(result.error().code, sm::ErrorCode::BadRequest);
    }

    void listensOnIpv6Loopback()
    {
        HttpListenerOptions options;
        options.listenAddress = "[::1]:0";
        HttpListener listener(options, m_log);
        QVERIFY(listener.listen());
        QCOMPARE(listener.address(), QHostAddress(QHostAddress::LocalHostIPv6));
        QVERIFY(listener.port() != 0);
    }

    void webSocketRouteUpgradesAndAuthorizerCanRefuse()
    {
        start();
        m_listener->addWebSocketRoute(
            "/live",
            [](QWebSocket *socket) {
                QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                                 [socket](const QString &text) { socket->sendTextMessage("echo:" + text); });
            },
            [](const sm::HttpRequest &request) -> sm::Result<void> {
                if (request.query.queryItemValue("token") == "good")
                    return {};
                return sm::makeError(sm::ErrorCode::Unauthenticated, "bad token");
            });
        QWebSocket client;
        QString reply;
        QObject::connect(&client, &QWebSocket::textMessageReceived, [&](const QString &t) { reply = t; });
        QObject::connect(&client, &QWebSocket::connected, [&] { client.sendTextMessage("ping"); });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/live?token=good").arg(port())));
        QTRY_COMPARE(reply, "echo:ping");

        const RawResponse refused = roundTrip(getRequest(
            "/live?token=bad", "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"));
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.errorCode(), "unauthenticated");
    }
};

QTEST_GUILESS_MAIN(TestHttpListener)
#include "tst_httplistener.moc"
