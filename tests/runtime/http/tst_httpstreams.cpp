#include "http/httplistener.h"
#include "httptestclient.h"

using sm::HttpExchangePtr;
using sm::HttpListener;
using sm::HttpListenerOptions;
using sm::HttpStream;

namespace {
const sm::HttpHeaders kSseHeaders{{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-store"}};
}

// Streamed responses (SSE) and the connection traps of STACK-NOTES.md.
class TestHttpStreams : public QObject {
    Q_OBJECT

    CapturingLogger m_log;
    std::unique_ptr<HttpListener> m_listener;
    std::shared_ptr<HttpStream> m_stream;
    int m_closedCalls = 0;

    void start()
    {
        m_closedCalls = 0;
        m_stream.reset();
        m_listener = std::make_unique<HttpListener>(HttpListenerOptions{}, m_log);
        m_listener->addRoute("GET", "/events", [this](const HttpExchangePtr &e) {
            m_stream = e->startStream(200, kSseHeaders);
            m_stream->setClosedHandler([this] { ++m_closedCalls; });
            m_stream->write("data: first\n\n");
        });
        m_listener->addRoute("GET", "/hello", [](const HttpExchangePtr &e) {
            e->respond(sm::HttpResponse::json(200, QJsonObject{{"value", "hi"}}));
        });
        QVERIFY(m_listener->listen());
    }

private slots:
    void cleanup()
    {
        m_stream.reset();
        m_listener.reset();
    }

    void streamSendsHeadersAtOnceAndBodyAsWritten()
    {
        start();
        RawClient client(m_listener->port());
        client.send(getRequest("/events"));
        QVERIFY(client.waitForBytes("data: first\n\n"));
        const QByteArray head = client.received.first(client.received.indexOf("\r\n\r\n"));
        QVERIFY(head.startsWith("HTTP/1.1 200 OK"));
        QVERIFY(head.contains("Content-Type: text/event-stream"));
        QVERIFY(head.contains("X-Request-Id: "));
        QVERIFY(head.contains("Connection: close"));
        QVERIFY(!head.contains("Content-Length"));
        m_stream->write("data: second\n\n");
        QVERIFY(client.waitForBytes("data: second\n\n"));
        QVERIFY(m_stream->isOpen());
    }

    void closingTheStreamEndsTheConnectionAfterQueuedBytes()
    {
        start();
        RawClient client(m_listener->port());
        client.send(getRequest("/events"));
        QVERIFY(client.waitForBytes("data: first"));
        m_stream->write("data: last\n\n");
        m_stream->close();
        QCOMPARE(m_closedCalls, 1);
        QVERIFY(!m_stream->write("data: after\n\n"));
        QVERIFY(client.waitForDisconnect());
        QVERIFY(client.received.endsWith("data: last\n\n"));
        QTRY_COMPARE(m_listener->connectionCount(), 0);
    }

    // Trap: QtHttpServer wrote the reply to a request pipelined after an SSE request
    // into the open stream.
    void requestPipelinedAfterAStreamIsNotWrittenIntoIt()
    {
        start();
        RawClient client(m_listener->port());
        client.send(getRequest("/events") + getRequest("/hello")); // one write, two requests
        QVERIFY(client.waitForBytes("data: first"));
        m_stream->write("data: second\n\n");
        QVERIFY(client.waitForBytes("data: second"));
        QTest::qWait(100);
        QCOMPARE(client.received.count("HTTP/1.1"), 1);
        QVERIFY(!client.received.contains("\"value\""));
        QVERIFY(m_stream->isOpen());
    }

    // Trap: the socket is gone once the client disconnects; writes must not touch it.
    void writingAfterTheClientDisconnectedIsSafe()
    {
        start();
        {
            RawClient client(m_listener->port());
            client.send(getRequest("/events"));
            QVERIFY(client.waitForBytes("data: first"));
            client.socket.abort();
        }
        QTRY_COMPARE(m_closedCalls, 1);
        QTRY_COMPARE(m_listener->connectionCount(), 0);
        QTest::qWait(10); // let the connection's deleteLater run
        QVERIFY(!m_stream->isOpen());
        QVERIFY(!m_stream->write("data: into the void\n\n"));
        QCOMPARE(m_stream->bytesQueued(), 0);
        m_stream->close();
        m_stream->abort();
        QCOMPARE(m_closedCalls, 1); // once, whatever happens after
    }

    // Trap: write buffers grow without bound for a client that does not read. The
    // stream reports the backlog; abort() must be safe even when its closed handler
    // drops the last reference to the stream.
    void abortingAClientThatNeverReadsIsSafe()
    {
        start();
        RawClient client(m_listener->port());
        client.socket.setReadBufferSize(1); // reads nothing beyond one byte
        QObject::disconnect(&client.socket, &QTcpSocket::readyRead, nullptr, nullptr);
        client.send(getRequest("/events"));
        QTRY_VERIFY(m_stream);
        // Writes go straight to the kernel while it takes them, and loopback buffers
        // autotune to several MiB: write until the rest has to queue in user space.
        const QByteArray chunk(64 * 1024, 'x');
        for (int i = 0; i < 1024 && m_stream->bytesQueued() <= 1024 * 1024; ++i) { // ≤ 64 MiB
            QVERIFY(m_stream->write("data: " + chunk + "\n\n"));
            QCoreApplication::processEvents();
        }
        QVERIFY2(m_stream->bytesQueued() > 1024 * 1024, qPrintable(QString::number(m_stream->bytesQueued())));

        bool handlerRan = false;
        m_stream->setClosedHandler([&] {
            handlerRan = true;
            m_stream.reset(); // the hub erases its subscriber here
        });
        std::weak_ptr<HttpStream> watch = m_stream;
        m_stream->abort();
        QVERIFY(handlerRan);
        QVERIFY(watch.expired());
        QCOMPARE(m_listener->connectionCount(), 0);
        client.socket.setReadBufferSize(0); // now read, and see the reset
        QObject::connect(&client.socket, &QTcpSocket::readyRead, [&] { client.socket.readAll(); });
        client.socket.readAll();
        QVERIFY(client.waitForDisconnect());
    }

    void listenerCloseNotifiesOpenStreams()
    {
        start();
        RawClient client(m_listener->port());
        client.send(getRequest("/events"));
        QVERIFY(client.waitForBytes("data: first"));
        m_listener->close();
        QCOMPARE(m_closedCalls, 1);
        QCOMPARE(m_listener->connectionCount(), 0);
        QVERIFY(client.waitForDisconnect());
    }

    void streamBehindAPendingResponseWaitsItsTurn()
    {
        start();
        HttpExchangePtr slow;
        m_listener->addRoute("GET", "/slow", [&](const HttpExchangePtr &e) { slow = e; });
        RawClient client(m_listener->port());
        client.send(getRequest("/slow") + getRequest("/events"));
        QTRY_VERIFY(m_stream);
        QTest::qWait(50);
        QVERIFY(client.received.isEmpty()); // the stream may not overtake /slow
        slow->respond(sm::HttpResponse::json(200, QJsonObject{{"value", "slow"}}));
        QVERIFY(client.waitForBytes("data: first"));
        QVERIFY(client.received.indexOf("\"slow\"") < client.received.indexOf("text/event-stream"));
    }
};

QTEST_GUILESS_MAIN(TestHttpStreams)
#include "tst_httpstreams.moc"
