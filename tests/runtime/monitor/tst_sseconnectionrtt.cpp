// The SSE transport's round-trip time for the connection monitor: the kernel's TCP
// estimate (TCP_INFO) read from the connection's socket. First on a plain loopback
// connection, then end to end: an open SSE stream shows an RTT on the dashboard.
#include "apiclient.h"
#include "connectionstats.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUdpSocket>

class TestSseConnectionRtt : public QObject {
    Q_OBJECT

private slots:
    void loopbackConnectionHasAMeasuredRoundTrip();
    void noSocketOrNotTcpMeansUnknown();
    void openSseStreamReportsItsRttToTheMonitor();
};

void TestSseConnectionRtt::loopbackConnectionHasAMeasuredRoundTrip()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(server.waitForNewConnection(5000));
    QTcpSocket *accepted = server.nextPendingConnection();
    QVERIFY(client.waitForConnected(5000));
    // A few acknowledged writes from the accepting side, as an SSE server makes them.
    for (int i = 0; i < 3; ++i) {
        accepted->write("data: x\n\n");
        QVERIFY(accepted->waitForBytesWritten(5000));
        QVERIFY(client.waitForReadyRead(5000));
        client.readAll();
    }
    sse::ConnectionStats stats;
    stats.socketDescriptor = accepted->socketDescriptor();
    QTRY_VERIFY_WITH_TIMEOUT(stats.readRttMs() > 0, 5000);
    QVERIFY2(stats.readRttMs() < 1000, "loopback round trips take well under a second");
}

void TestSseConnectionRtt::noSocketOrNotTcpMeansUnknown()
{
    sse::ConnectionStats stats;
    QCOMPARE(stats.readRttMs(), -1.0);
    QUdpSocket udp;
    QVERIFY(udp.bind(QHostAddress::LocalHost, 0));
    stats.socketDescriptor = udp.socketDescriptor();
    QCOMPARE(stats.readRttMs(), -1.0);
}

void TestSseConnectionRtt::openSseStreamReportsItsRttToTheMonitor()
{
    RuntimeProcess runtime;
    QVERIFY2(runtime.start(), runtime.output().constData());
    ApiClient api(runtime.url("/"));
    const QString admin = runtime.token("ops", "admin");
    const ApiReply created = api.send("POST", "/sessions", admin, R"({"user_id":"rtt"})");
    QCOMPARE(created.status, 201);
    const QString id = created.json().value("session_id").toString();
    SseClient stream;
    QVERIFY(stream.open(runtime.url("/sessions/" + id + "/events"), {{"Authorization", ApiClient::bearer(admin)}}));
    QCOMPARE(stream.status(), 200);

    // The monitor samples once a second and the feed reads its summary once a second.
    const auto sseRtt = [&] {
        const QJsonObject connections = api.send("GET", "/admin/dashboard", admin).json().value("connections").toObject();
        for (const QJsonValue &worst : connections.value("worst").toArray()) {
            const QJsonObject connection = worst.toObject();
            if (connection.value("transport").toString() == "sse" && connection.value("session_id").toString() == id)
                return connection.value("rtt_ms").toDouble(-1);
        }
        return -1.0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(sseRtt() > 0, 8000);
    QVERIFY(sseRtt() < 1000);
    QCOMPARE(runtime.stop(), 0);
}

QTEST_GUILESS_MAIN(TestSseConnectionRtt)
#include "tst_sseconnectionrtt.moc"
