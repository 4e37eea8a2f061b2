#include "pooltestbed.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <cmath>

PoolTestbed::PoolTestbed() : m_runtime(std::make_unique<RuntimeProcess>())
{
    m_runtime->addSetting("exchange-sim.tick_interval_ms", "20");
    m_runtime->addSetting("worker_snapshot_interval", "200");
}

PoolTestbed::~PoolTestbed() = default;

bool PoolTestbed::start(int localWorkers, int expectedWorkers)
{
    m_runtime->addSetting("worker_count", QString::number(localWorkers));
    if (!m_runtime->start()) {
        qWarning("runtime did not start: %s", m_runtime->output().constData());
        return false;
    }
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_user = m_runtime->token("alice");
    m_admin = m_runtime->token("ops", "admin");
    return waitForLiveWorkers(expectedWorkers < 0 ? localWorkers : expectedWorkers);
}

int PoolTestbed::stop()
{
    return m_runtime->stop();
}

PoolTestbed::SessionRef PoolTestbed::createSession()
{
    const ApiReply reply = m_api->send("POST", "/sessions", m_user, "{}");
    if (reply.status != 201)
        qWarning("POST /sessions answered %d: %s", reply.status, reply.body.constData());
    return {reply.json().value("session_id").toString(), reply.json().value("token").toString()};
}

ApiReply PoolTestbed::request(const SessionRef &session, const QJsonObject &body)
{
    return m_api->send("POST", "/sessions/" + session.id + "/request", m_user,
                       QJsonDocument(body).toJson(QJsonDocument::Compact));
}

ApiReply PoolTestbed::admin(const QByteArray &method, const QString &path, const QByteArray &body)
{
    return m_api->send(method, path, m_admin, body);
}

QUrl PoolTestbed::eventsUrl(const SessionRef &session) const
{
    return m_runtime->url("/sessions/" + session.id + "/events?token=" + QUrl::toPercentEncoding(session.token));
}

QJsonObject PoolTestbed::poolStatus()
{
    return admin("GET", "/admin/workers").json();
}

QJsonObject PoolTestbed::workerStatus(const QString &workerId)
{
    for (const QJsonValue &entry : poolStatus().value("workers").toArray()) {
        if (entry.toObject().value("id").toString() == workerId)
            return entry.toObject();
    }
    return {};
}

int PoolTestbed::liveWorkers()
{
    const QJsonArray workers = poolStatus().value("workers").toArray();
    return int(std::count_if(workers.begin(), workers.end(), [](const QJsonValue &worker) {
        return worker.toObject().value("state").toString() == QLatin1String("live");
    }));
}

bool PoolTestbed::waitForLiveWorkers(int count, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (liveWorkers() == count && poolStatus().value("workers").toArray().size() == count)
            return true;
        QTest::qWait(50);
    }
    qWarning("workers: %s", QJsonDocument(poolStatus()).toJson().constData());
    return false;
}

QString PoolTestbed::workerOf(const SessionRef &session)
{
    return admin("GET", "/admin/sessions/" + session.id + "/worker").json().value("worker").toString();
}

qint64 PoolTestbed::pidOf(const QString &workerId)
{
    return workerStatus(workerId).value("pid").toInteger();
}

double PoolTestbed::waitForBestAsk(const SessionRef &session)
{
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        const ApiReply book = request(session, {{"type", "book"}, {"symbol", "SIM-A"}, {"depth", 3}});
        const QJsonArray asks = book.json().value("asks").toArray();
        if (asks.size() == 3)
            return asks.at(0).toArray().at(0).toDouble();
        QTest::qWait(50);
    }
    return 0;
}

bool PoolTestbed::tradeAndRest(const SessionRef &session, const QString &clientOrderId)
{
    const ApiReply subscribed = request(session, {{"type", "subscribe"}, {"symbols", QJsonArray{"SIM-A", "SIM-B"}}});
    const double ask = subscribed.status == 200 ? waitForBestAsk(session) : 0;
    if (ask <= 0) {
        qWarning("session %s: subscribe answered %d %s; best ask %f", qPrintable(session.id), subscribed.status,
                 subscribed.body.constData(), ask);
        return false;
    }
    const ApiReply filled = request(session, {{"type", "order"}, {"side", "buy"}, {"symbol", "SIM-A"},
                                              {"kind", "limit"}, {"tif", "ioc"},
                                              {"price", std::round(ask * 100 + 500) / 100}, {"qty", 2},
                                              {"client_order_id", clientOrderId + "-fill"}});
    const ApiReply resting = request(session, {{"type", "order"}, {"side", "buy"}, {"symbol", "SIM-A"},
                                               {"kind", "limit"}, {"tif", "gtc"},
                                               {"price", std::round(ask * 93) / 100}, {"qty", 3},
                                               {"client_order_id", clientOrderId}});
    const bool done = filled.json().value("status").toString() == QLatin1String("filled")
        && resting.json().value("type").toString() == QLatin1String("order.ack");
    if (!done)
        qWarning("orders of session %s answered %d %s and %d %s", qPrintable(session.id), filled.status,
                 filled.body.constData(), resting.status, resting.body.constData());
    return done;
}

void verifyNoGap(const QList<SseFrame> &events)
{
    QVERIFY(!events.isEmpty());
    const QList<QByteArray> first = events.first().id.split('-');
    QCOMPARE(first.size(), 2);
    quint64 expected = first.at(1).toULongLong();
    for (const SseFrame &frame : events) {
        QVERIFY2(frame.event != "reset", frame.data.constData());
        const QList<QByteArray> parts = frame.id.split('-');
        QCOMPARE(parts.value(0), first.at(0));
        QCOMPARE(parts.value(1).toULongLong(), expected++);
    }
}

bool waitForFramesBeyond(SseClient &stream, qsizetype count)
{
    if (stream.waitUntil([count](const QList<SseFrame> &frames) { return frames.size() > count; }, 30000))
        return true;
    qWarning("the stream (status %d) has %lld frames, waited for more than %lld; its last bytes: %s", stream.status(),
             qlonglong(stream.frames().size()), qlonglong(count), stream.raw().right(600).constData());
    return false;
}

bool hasEventTypes(const QList<SseFrame> &frames, const QList<QByteArray> &types)
{
    return std::all_of(types.begin(), types.end(), [&frames](const QByteArray &type) {
        return std::any_of(frames.begin(), frames.end(), [&type](const SseFrame &frame) { return frame.event == type; });
    });
}
