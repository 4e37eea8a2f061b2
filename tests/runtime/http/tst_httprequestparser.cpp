#include "http/httprequestparser.h"

#include <QTest>

using sm::HttpParserLimits;
using sm::HttpRequestParser;

class TestHttpRequestParser : public QObject {
    Q_OBJECT
private slots:
    void pipelinedRequestsComeOutInOrderAcrossSplitReads()
    {
        HttpRequestParser parser(HttpParserLimits{});
        const QByteArray wire = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                                "GET /b?x=1 HTTP/1.1\r\nHost: x\r\nX-B: 1\r\nX-A: 2\r\nX-A: 3\r\n\r\n";
        for (char c : wire) // one byte at a time: every boundary is a split
            parser.feed(QByteArrayView(&c, 1));
        const auto first = parser.next();
        const auto second = parser.next();
        QVERIFY(first && second && !parser.next());
        QCOMPARE(first->method, "POST");
        QCOMPARE(first->body, "hello");
        QCOMPARE(second->target, "/b?x=1");
        QCOMPARE(second->headers.size(), 4); // duplicates kept, arrival order
        QCOMPARE(second->headers[2], (QPair<QByteArray, QByteArray>{"x-a", "2"}));
        QCOMPARE(second->headers[3].second, "3");
        QVERIFY(parser.idle());
    }

    void chunkedBodyIsReassembled()
    {
        HttpRequestParser parser(HttpParserLimits{});
        parser.feed("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        const auto request = parser.next();
        QVERIFY(request);
        QCOMPARE(request->body, "hello world");
        QVERIFY(!parser.error());
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("code");
        const QByteArray big(300, 'v');
        QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400 << QByteArray("bad_request");
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << QByteArray("bad_request");
        QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n continued\r\n\r\n")
                                       << 400 << QByteArray("bad_request");
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n")
                                            << 400 << QByteArray("bad_request");
        QTest::newRow("smuggling shape")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n")
            << 400 << QByteArray("bad_request");
        QTest::newRow("conflicting lengths")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")
            << 400 << QByteArray("bad_request");
        QTest::newRow("negative length")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") << 400
            << QByteArray("bad_request");
        QTest::newRow("body too large")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n") << 413
            << QByteArray("payload_too_large");
        QTest::newRow("chunked too large")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3E9\r\n")
            << 413 << QByteArray("payload_too_large");
        QTest::newRow("too many headers")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n") << 431
            << QByteArray("headers_too_large");
        QTest::newRow("header too large")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nBig: " + big + big + "\r\n") << 431
            << QByteArray("headers_too_large");
        QTest::newRow("request line too long")
            << QByteArray("GET /" + big + big) << 414 << QByteArray("uri_too_long");
        QTest::newRow("http/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\n") << 505
                                        << QByteArray("http_version_not_supported");
        QTest::newRow("gzip transfer coding")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") << 501
            << QByteArray("not_implemented");
    }

    // Each refusal happens as soon as the offending bytes arrive, not after the body.
    void refusals()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, status);
        QFETCH(QByteArray, code);
        HttpRequestParser parser(HttpParserLimits{1000, 4, 512});
        parser.feed(wire);
        QVERIFY(!parser.next());
        QVERIFY(parser.error());
        QCOMPARE(parser.error()->status, status);
        QCOMPARE(parser.error()->code, code);
    }

    void connectionSemanticsFollowTheHttpVersion()
    {
        HttpRequestParser parser(HttpParserLimits{});
        parser.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    "GET / HTTP/1.0\r\n\r\n"
                    "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QVERIFY(!parser.next()->wantsClose());
        QVERIFY(parser.next()->wantsClose());
        QVERIFY(parser.next()->wantsClose());
        QVERIFY(!parser.next()->wantsClose());
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
