// The SSE wire contract over loopback: headers, retry, frames, resume, heartbeats,
// several streams per session, the end of a session, and the exported figures.
#include "apiclient.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QTcpSocket>
#include <QTest>

#include <memory>

class TestSseStream : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void streamStartsWithHeadersAndRetry();
    void publishedEventsArriveAsFramesInOrder();
    void resumeWithLastEventIdHeaderReplaysWithoutGap();
    void resumeWithQueryParameterReplaysWithoutGap();
    void resumeFromAnotherEpochGetsReset();
    void quietStreamGetsHeartbeats();
    void everyStreamOfASessionGetsTheSameBytes();
    void bearerTokenOpensTheStreamOfOwnSessionOnly();
    void deleteSendsTerminatedAndEndsTheStream();
    void endedSessionAnswers204();
    void metricsExportConnectionFigures();
    void slowConsumerIsCutOffLoggedAndCounted();

private:
    struct Created {
        QString id;
        QString token;
    };
    Created createSession();
    QByteArray publish(const QString &sessionId, const QByteArray &type, const QByteArray &data);
    QUrl streamUrl(const Created &session, const QString &extraQuery = {}) const;

    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_alice;
    QString m_bob;
    QString m_service;
};

namespace {
auto hasEvents(int count)
{
    return [count](const QList<SseFrame> &frames) {
        int events = 0;
        for (const SseFrame &frame : frames)
            events += frame.event.isEmpty() ? 0 : 1;
        return events >= count;
    };
}

quint64 seqOf(const QByteArray &id)
{
    return id.mid(id.indexOf('-') + 1).toULongLong();
}
} // namespace

void TestSseStream::initTestCase()
{
    m_runtime = std::make_unique<RuntimeProcess>();
    m_runtime->addSetting("transport-sse.heartbeat_interval", "1");
    m_runtime->addSetting("transport-sse.retry_ms", "1500");
    QVERIFY2(m_runtime->start(), m_runtime->output().constData());
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_alice = m_runtime->token("alice");
    m_bob = m_runtime->token("bob");
    m_service = m_runtime->token("pricer", "service");
}

void TestSseStream::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

TestSseStream::Created TestSseStream::createSession()
{
    const ApiReply reply = m_api->send("POST", "/sessions", m_alice, "{}");
    return {reply.json().value("session_id").toString(), reply.json().value("token").toString()};
}

QByteArray TestSseStream::publish(const QString &sessionId, const QByteArray &type, const QByteArray &data)
{
    const ApiReply reply = m_api->send("POST", "/sessions/" + sessionId + "/events", m_service,
                                       R"({"type":")" + type + R"(","data":)" + data + "}");
    return reply.status == 202 ? reply.json().value("id").toString().toLatin1() : QByteArray();
}

QUrl TestSseStream::streamUrl(const Created &session, const QString &extraQuery) const
{
    return m_runtime->url("/sessions/" + session.id + "/events?token=" + QUrl::toPercentEncoding(session.token)
                          + extraQuery);
}

void TestSseStream::streamStartsWithHeadersAndRetry()
{
    const Created session = createSession();
    SseClient client;
    QVERIFY(client.open(streamUrl(session)));
    QCOMPARE(client.status(), 200);
    QVERIFY(client.header("Content-Type").startsWith("text/event-stream"));
    QCOMPARE(client.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(client.header("X-Accel-Buffering"), QByteArray("no"));
    QVERIFY(client.waitUntil([](const auto &frames) { return !frames.isEmpty(); }));
    QVERIFY2(client.raw().startsWith("retry: 1500\n\n"), client.raw().constData());
}

void TestSseStream::publishedEventsArriveAsFramesInOrder()
{
    const Created session = createSession();
    SseClient client;
    QVERIFY(client.open(streamUrl(session)));
    QList<QByteArray> ids;
    for (int i = 0; i < 3; ++i)
        ids << publish(session.id, "app.tick", QByteArray(R"({"n":)") + QByteArray::number(i) + "}");
    QVERIFY(client.waitUntil(hasEvents(3)));
    const QList<SseFrame> events = client.events();
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(events[i].id, ids[i]);
        QCOMPARE(events[i].event, QByteArray("app.tick"));
        QCOMPARE(events[i].data, QByteArray(R"({"n":)") + QByteArray::number(i) + "}");
    }
    QVERIFY(client.raw().contains("id: " + ids[0] + "\nevent: app.tick\ndata: {\"n\":0}\n\n"));
}

void TestSseStream::resumeWithLastEventIdHeaderReplaysWithoutGap()
{
    const Created session = createSession();
    QList<QByteArray> ids;
    for (int i = 0; i < 5; ++i)
        ids << publish(session.id, "app.tick", "{}");
    SseClient client;
    QVERIFY(client.open(streamUrl(session), {{"Last-Event-ID", ids[1]}}));
    QCOMPARE(client.status(), 200);
    QVERIFY(client.waitUntil(hasEvents(3)));
    const QList<SseFrame> events = client.events();
    QCOMPARE(events[0].id, ids[2]);
    QCOMPARE(events[1].id, ids[3]);
    QCOMPARE(events[2].id, ids[4]);
    const QByteArray live = publish(session.id, "app.tick", "{}");
    QVERIFY(client.waitUntil(hasEvents(4)));
    QCOMPARE(seqOf(client.events()[3].id), seqOf(ids[4]) + 1);
    QCOMPARE(client.events()[3].id, live);
}

void TestSseStream::resumeWithQueryParameterReplaysWithoutGap()
{
    const Created session = createSession();
    const QByteArray first = publish(session.id, "app.tick", "{}");
    const QByteArray second = publish(session.id, "app.tick", "{}");
    SseClient client;
    QVERIFY(client.open(streamUrl(session, "&last_event_id=" + QString::fromLatin1(first))));
    QVERIFY(client.waitUntil(hasEvents(1)));
    QCOMPARE(client.events()[0].id, second);
}

void TestSseStream::resumeFromAnotherEpochGetsReset()
{
    const Created session = createSession();
    publish(session.id, "app.tick", "{}");
    SseClient client;
    QVERIFY(client.open(streamUrl(session), {{"Last-Event-ID", "1-5"}}));
    QVERIFY(client.waitUntil(hasEvents(2)));
    QCOMPARE(client.events()[0].event, QByteArray("reset"));
    QVERIFY(client.events()[0].data.contains("\"requested\":\"1-5\""));
    QCOMPARE(client.events()[1].event, QByteArray("app.tick"));
}

void TestSseStream::quietStreamGetsHeartbeats()
{
    const Created session = createSession();
    SseClient client;
    QVERIFY(client.open(streamUrl(session)));
    QVERIFY(client.waitUntil([](const QList<SseFrame> &frames) {
        int beats = 0;
        for (const SseFrame &frame : frames)
            beats += frame.comment == "hb" ? 1 : 0;
        return beats >= 2;
    }, 5000));
    QVERIFY(client.raw().contains("\n\n: hb\n\n"));
}

void TestSseStream::everyStreamOfASessionGetsTheSameBytes()
{
    const Created session = createSession();
    SseClient one;
    SseClient two;
    SseClient three;
    QVERIFY(one.open(streamUrl(session)));
    QVERIFY(two.open(streamUrl(session)));
    QVERIFY(three.open(m_runtime->url("/sessions/" + session.id + "/events"), {{"Authorization", ApiClient::bearer(m_alice)}}));
    QCOMPARE(three.status(), 200);
    const QByteArray id = publish(session.id, "market.quote", R"({"symbol":"ACME","bid":10.5})");
    const QByteArray frame = "id: " + id + "\nevent: market.quote\ndata: {\"bid\":10.5,\"symbol\":\"ACME\"}\n\n";
    for (SseClient *client : {&one, &two, &three}) {
        QVERIFY(client->waitUntil(hasEvents(1)));
        QVERIFY2(client->raw().contains(frame), client->raw().constData());
    }
}

void TestSseStream::bearerTokenOpensTheStreamOfOwnSessionOnly()
{
    const Created session = createSession();
    SseClient owner;
    QVERIFY(owner.open(m_runtime->url("/sessions/" + session.id + "/events"), {{"Authorization", ApiClient::bearer(m_alice)}}));
    QCOMPARE(owner.status(), 200);
    SseClient other;
    QVERIFY(other.open(m_runtime->url("/sessions/" + session.id + "/events"), {{"Authorization", ApiClient::bearer(m_bob)}}));
    QCOMPARE(other.status(), 404);
    SseClient wrongToken;
    QVERIFY(wrongToken.open(m_runtime->url("/sessions/" + session.id + "/events?token=" + createSession().token)));
    QCOMPARE(wrongToken.status(), 401);
}

void TestSseStream::deleteSendsTerminatedAndEndsTheStream()
{
    const Created session = createSession();
    SseClient client;
    QVERIFY(client.open(streamUrl(session)));
    QCOMPARE(m_api->send("DELETE", "/sessions/" + session.id, m_alice).status, 204);
    QVERIFY(client.waitUntil(hasEvents(1)));
    QCOMPARE(client.events().last().event, QByteArray("session.terminated"));
    QVERIFY(client.events().last().data.contains("\"state\":\"terminated\""));
    QVERIFY(client.waitForEnd(5000));
}

void TestSseStream::endedSessionAnswers204()
{
    const Created session = createSession();
    QCOMPARE(m_api->send("DELETE", "/sessions/" + session.id, m_alice).status, 204);
    SseClient client;
    QVERIFY(client.open(streamUrl(session)));
    QCOMPARE(client.status(), 204);
}

void TestSseStream::metricsExportConnectionFigures()
{
    const Created session = createSession();
    const QByteArray id = publish(session.id, "app.tick", "{}");
    SseClient client;
    QVERIFY(client.open(streamUrl(session), {{"Last-Event-ID", id}}));
    publish(session.id, "app.tick", "{}");
    QVERIFY(client.waitUntil(hasEvents(1)));
    const ApiReply metrics = m_api->send("GET", "/metrics", m_runtime->token("root", "admin"));
    QCOMPARE(metrics.status, 200);
    for (const char *name : {"sm_sse_connections", "sm_sse_events_sent_total", "sm_sse_reconnects_total",
                             "sm_sse_slow_consumer_disconnects_total", "sm_sse_flush_duration_seconds_bucket"}) {
        QVERIFY2(metrics.body.contains(name), name);
    }
    QVERIFY(!metrics.body.contains("\nsm_sse_connections 0\n"));
    QVERIFY(!metrics.body.contains("\nsm_sse_reconnects_total 0\n"));
}

void TestSseStream::slowConsumerIsCutOffLoggedAndCounted()
{
    RuntimeProcess runtime;
    runtime.addSetting("stream_max_backlog", "65536");
    QVERIFY2(runtime.start(), runtime.output().constData());
    ApiClient api(runtime.url("/"));
    const QString service = runtime.token("pricer", "service");
    const ApiReply created = api.send("POST", "/sessions", runtime.token("alice"), "{}");
    const QString id = created.json().value("session_id").toString();

    // A client that connects and then never reads, with a tiny receive window.
    QTcpSocket stalled;
    stalled.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    stalled.connectToHost(QHostAddress::LocalHost, runtime.httpPort());
    QVERIFY(stalled.waitForConnected(5000));
    stalled.write("GET /sessions/" + id.toUtf8() + "/events?token="
                  + QUrl::toPercentEncoding(created.json().value("token").toString())
                  + " HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n");
    QVERIFY(stalled.waitForBytesWritten(5000));
    QVERIFY(stalled.waitForReadyRead(5000));
    stalled.setReadBufferSize(1);

    const QByteArray event = R"({"type":"market.book","data":{"levels":")" + QByteArray(32 * 1024, 'x') + R"("}})";
    QByteArray metrics;
    for (int i = 0; i < 400 && !metrics.contains("\nsm_sse_slow_consumer_disconnects_total 1"); ++i) {
        QCOMPARE(api.send("POST", "/sessions/" + id + "/events", service, event).status, 202);
        if (i % 10 == 9)
            metrics = api.send("GET", "/metrics", service).body;
    }
    QVERIFY2(metrics.contains("\nsm_sse_slow_consumer_disconnects_total 1"), metrics.constData());
    QVERIFY(metrics.contains("\nsm_sse_connections 0"));
    QCOMPARE(runtime.stop(), 0); // output() holds the whole log only once the process is done
    QVERIFY(runtime.output().contains("SSE client cut off"));
    QVERIFY(runtime.output().contains("\"reason\":\"slow_consumer\""));
}

QTEST_GUILESS_MAIN(TestSseStream)
#include "tst_sse_stream.moc"
