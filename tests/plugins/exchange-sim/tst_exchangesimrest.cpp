// End to end: the exchange-sim plugin behind the real session-manager process, driven
// over REST and watched over the session's SSE stream.
#include "apiclient.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

class TestExchangeSimRest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void crossingOrderStreamsAckFillAndQuotesWithoutGaps();
    void rejectAndMalformedRequestAnswerOverRest();

private:
    struct Created {
        QString id;
        QString token;
    };
    Created createSession();
    ApiReply sessionRequest(const Created &session, const QJsonObject &body);
    // Waits until the generator has built SIM-A's ask side several levels deep; the best
    // ask or 0.
    double waitForBestAsk(const Created &session);

    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_alice;
};

namespace {

bool hasEventTypes(const QList<SseFrame> &frames, const QList<QByteArray> &types)
{
    for (const QByteArray &type : types) {
        const auto sameType = [&type](const SseFrame &frame) { return frame.event == type; };
        if (std::none_of(frames.begin(), frames.end(), sameType))
            return false;
    }
    return true;
}

QJsonObject dataOf(const SseFrame &frame)
{
    return QJsonDocument::fromJson(frame.data).object();
}

} // namespace

void TestExchangeSimRest::initTestCase()
{
    m_runtime = std::make_unique<RuntimeProcess>();
    m_runtime->addSetting("exchange-sim.tick_interval_ms", "20");
    QVERIFY2(m_runtime->start(), m_runtime->output().constData());
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_alice = m_runtime->token("alice");
    QVERIFY(!m_alice.isEmpty());
}

void TestExchangeSimRest::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

TestExchangeSimRest::Created TestExchangeSimRest::createSession()
{
    const ApiReply reply = m_api->send("POST", "/sessions", m_alice, "{}");
    if (reply.status != 201)
        qWarning("POST /sessions answered %d: %s", reply.status, reply.body.constData());
    return {reply.json().value("session_id").toString(), reply.json().value("token").toString()};
}

ApiReply TestExchangeSimRest::sessionRequest(const Created &session, const QJsonObject &body)
{
    return m_api->send("POST", "/sessions/" + session.id + "/request", m_alice,
                       QJsonDocument(body).toJson(QJsonDocument::Compact));
}

double TestExchangeSimRest::waitForBestAsk(const Created &session)
{
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        const ApiReply book = sessionRequest(session, {{"type", "book"}, {"symbol", "SIM-A"}, {"depth", 3}});
        const QJsonArray asks = book.json().value("asks").toArray();
        if (asks.size() == 3)
            return asks.at(0).toArray().at(0).toDouble();
        QTest::qWait(50);
    }
    return 0;
}

void TestExchangeSimRest::crossingOrderStreamsAckFillAndQuotesWithoutGaps()
{
    const Created session = createSession();
    QVERIFY(!session.id.isEmpty());
    SseClient stream;
    QVERIFY(stream.open(m_runtime->url("/sessions/" + session.id + "/events?token="
                                       + QUrl::toPercentEncoding(session.token))));
    QCOMPARE(stream.status(), 200);

    const ApiReply subscribed = sessionRequest(session, {{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A"}}});
    QCOMPARE(subscribed.status, 200);
    QCOMPARE(subscribed.json().value("type").toString(), QStringLiteral("subscribed"));
    const double ask = waitForBestAsk(session);
    QVERIFY(ask > 0);

    // Priced well through the ask (inside the +-10 % band) so that the market moving
    // meanwhile cannot leave it unfilled. Summed in cents: 100.03 + 5.0 need not be 105.03.
    const double price = std::round(ask * 100 + 500) / 100;
    const ApiReply placed = sessionRequest(session, {{"type", "order"}, {"side", "buy"}, {"symbol", "SIM-A"},
                                                     {"kind", "limit"}, {"tif", "ioc"}, {"price", price},
                                                     {"qty", 1}, {"client_order_id", "e2e-1"}});
    QCOMPARE(placed.status, 200);
    const QJsonObject ack = placed.json();
    QCOMPARE(ack.value("type").toString(), QStringLiteral("order.ack"));
    QCOMPARE(ack.value("client_order_id").toString(), QStringLiteral("e2e-1"));
    QCOMPARE(ack.value("status").toString(), QStringLiteral("filled"));

    QVERIFY(stream.waitUntil([](const QList<SseFrame> &frames) {
        return hasEventTypes(frames, {"order.ack", "order.fill", "market.quote", "market.trade"});
    }));
    const QList<SseFrame> events = stream.events();
    for (const SseFrame &frame : events) {
        if (frame.event == "order.ack" || frame.event == "order.fill") {
            QCOMPARE(dataOf(frame).value("order_id"), ack.value("order_id"));
            QCOMPARE(dataOf(frame).value("client_order_id").toString(), QStringLiteral("e2e-1"));
        }
        if (frame.event.startsWith("market."))
            QCOMPARE(dataOf(frame).value("symbol").toString(), QStringLiteral("SIM-A"));
    }

    // Ids are "<epoch>-<seq>": one epoch, sequence numbers increasing by one.
    const QList<QByteArray> first = events.first().id.split('-');
    QCOMPARE(first.size(), 2);
    quint64 expectedSeq = first.at(1).toULongLong();
    for (const SseFrame &frame : events) {
        const QList<QByteArray> parts = frame.id.split('-');
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts.at(0), first.at(0));
        QCOMPARE(parts.at(1).toULongLong(), expectedSeq++);
    }
}

void TestExchangeSimRest::rejectAndMalformedRequestAnswerOverRest()
{
    const Created session = createSession();
    const ApiReply rejected = sessionRequest(session, {{"type", "order"}, {"side", "sell"}, {"symbol", "SIM-A"},
                                                       {"price", 100.001}, {"qty", 1}});
    QCOMPARE(rejected.status, 200);
    QCOMPARE(rejected.json().value("type").toString(), QStringLiteral("order.reject"));
    QCOMPARE(rejected.json().value("reason").toString(), QStringLiteral("price_not_on_tick"));

    const ApiReply malformed = sessionRequest(session, {{"type", "order"}, {"symbol", "SIM-A"}, {"qty", 1}});
    QCOMPARE(malformed.status, 400);
    QCOMPARE(malformed.errorCode(), QStringLiteral("bad_request"));
    QVERIFY2(malformed.body.contains("side"), malformed.body.constData());
}

QTEST_GUILESS_MAIN(TestExchangeSimRest)
#include "tst_exchangesimrest.moc"
