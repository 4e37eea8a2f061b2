// The pieces of the live feed that decide what goes over the wire: the delta between two
// states (and applying it back, as the page does), reading figures from the metrics
// registry's exposition, and the session view's live part (connections and events).
#include "dashboard/jsondelta.h"
#include "dashboard/metricsreading.h"
#include "dashboard/sessionliveview.h"
#include "logging/jsonlogger.h"
#include "metrics/metricsregistry.h"
#include "monitor/connectionmonitorcore.h"
#include "streams/sessionstreamhub.h"

#include <QJsonArray>
#include <QTest>

using sm::JsonDelta;

namespace {
// One open connection of session "s1", as a transport would report it.
class OneConnection : public sm::ConnectionSource {
public:
    QList<sm::ConnectionSample> sample() const override
    {
        sm::ConnectionSample sample;
        sample.id = 1;
        sample.sessionId = QStringLiteral("s1");
        sample.peer = QStringLiteral("10.0.0.7");
        sample.rttMs = 1000; // loses all 20 RTT points
        return {sample};
    }
    void advise(quint64, const QByteArray &, const QByteArray &) override {}
    void closeConnection(quint64) override {}
};
} // namespace

class TestDashboardParts : public QObject {
    Q_OBJECT

private slots:
    void unchangedStateGivesAnEmptyDelta();
    void deltaCarriesOnlyChangedMembersOfObjectSections();
    void arraysAndScalarsAreSentWhole();
    void removedMembersAreSentAsNullAndRemovedOnApply();
    void applyingTheDeltaReproducesTheNewState();
    void readingTotalsAndLabelsFromTheRegistry();
    void sessionViewShowsItsConnectionsAndItsLastEvents();
};

void TestDashboardParts::sessionViewShowsItsConnectionsAndItsLastEvents()
{
    sm::JsonLogger log;
    sm::JsonLogger::Component logger(log, "test");
    sm::MetricsRegistry metrics;
    sm::SessionStreamHub::Options options;
    options.epoch = 9;
    sm::SessionStreamHub streams(options, logger, metrics);
    sm::ConnectionMonitorCore monitor({}, metrics, [] { return qint64(0); });
    OneConnection source;
    monitor.addSource("sse", &source);
    monitor.sampleNow();
    const int published = sm::SessionLiveView::kRecentEvents + 5;
    for (int i = 1; i <= published; ++i)
        streams.publish("s1", "app.tick", QByteArray(R"({"n":)") + QByteArray::number(i) + '}');
    const sm::SessionLiveView view(streams, monitor);

    const QJsonObject live = view.read("s1");
    const QJsonArray connections = live.value("connections").toArray();
    QCOMPARE(connections.size(), 1);
    QCOMPARE(connections[0]["transport"].toString(), QString("sse"));
    QCOMPARE(connections[0]["peer"].toString(), QString("10.0.0.7"));
    QCOMPARE(connections[0]["score"].toInt(), 80);
    QCOMPARE(connections[0]["rtt_ms"].toDouble(), 1000.0);
    const QJsonObject stream = live.value("stream").toObject();
    QCOMPARE(stream["events_total"].toInt(), published);
    const QJsonArray recent = stream["recent"].toArray();
    QCOMPARE(recent.size(), sm::SessionLiveView::kRecentEvents);
    QCOMPARE(recent.first()["id"].toString(), QString("9-6"));
    QCOMPARE(recent.last()["data"]["n"].toInt(), published);

    const QJsonObject unknown = view.read("nobody");
    QVERIFY(unknown["connections"].toArray().isEmpty());
    QCOMPARE(unknown["stream"]["events_total"].toInt(), 0);
    monitor.removeSource(&source);
}

void TestDashboardParts::unchangedStateGivesAnEmptyDelta()
{
    const QJsonObject state{{"rates", QJsonObject{{"requests", 3}}}, {"plugins", QJsonArray{1, 2}}};
    QVERIFY(JsonDelta::between(state, state).isEmpty());
}

void TestDashboardParts::deltaCarriesOnlyChangedMembersOfObjectSections()
{
    const QJsonObject before{{"rates", QJsonObject{{"requests", 3}, {"events", 10}, {"errors", 0}}}};
    const QJsonObject after{{"rates", QJsonObject{{"requests", 4}, {"events", 10}, {"errors", 0}}}};
    QCOMPARE(JsonDelta::between(before, after), (QJsonObject{{"rates", QJsonObject{{"requests", 4}}}}));
}

void TestDashboardParts::arraysAndScalarsAreSentWhole()
{
    const QJsonObject before{{"plugins", QJsonArray{"a", "b"}}, {"t", 1}};
    const QJsonObject after{{"plugins", QJsonArray{"a", "c"}}, {"t", 2}};
    QCOMPARE(JsonDelta::between(before, after), after);
}

void TestDashboardParts::removedMembersAreSentAsNullAndRemovedOnApply()
{
    const QJsonObject before{{"errors", QJsonObject{{"404", 1}, {"503", 2}}}};
    const QJsonObject after{{"errors", QJsonObject{{"404", 1}}}};
    const QJsonObject delta = JsonDelta::between(before, after);
    QCOMPARE(delta, (QJsonObject{{"errors", QJsonObject{{"503", QJsonValue::Null}}}}));
    QJsonObject state = before;
    JsonDelta::apply(state, delta);
    QCOMPARE(state, after);
}

void TestDashboardParts::applyingTheDeltaReproducesTheNewState()
{
    const QJsonObject before{{"rates", QJsonObject{{"requests", 1}}},
                             {"workers", QJsonObject{{"mode", "pool"}, {"list", QJsonArray{1}}}},
                             {"node", QJsonObject{{"draining", false}}}};
    const QJsonObject after{{"rates", QJsonObject{{"requests", 2}, {"errors", 1}}},
                            {"workers", QJsonObject{{"mode", "pool"}, {"list", QJsonArray{1, 2}}}},
                            {"node", QJsonObject{{"draining", false}}},
                            {"plugins", QJsonArray{"x"}}};
    QJsonObject state = before;
    JsonDelta::apply(state, JsonDelta::between(before, after));
    QCOMPARE(state, after);
}

void TestDashboardParts::readingTotalsAndLabelsFromTheRegistry()
{
    sm::MetricsRegistry registry;
    registry.counter("sm_sessions_created_total", "created", {}).increment(7);
    registry.counter("sm_http_requests_total", "by code", {{"code", "200"}}).increment(5);
    registry.counter("sm_http_requests_total", "by code", {{"code", "404"}}).increment(2);
    registry.histogram("sm_latency_seconds", "h", {0.1, 1}, {}).observe(0.5);
    const sm::MetricsReading reading(registry.exposition());
    QCOMPARE(reading.total("sm_sessions_created_total"), 7.0);
    QCOMPARE(reading.total("sm_http_requests_total"), 7.0);
    QCOMPARE(reading.byLabel("sm_http_requests_total", "code"),
             (QMap<QString, double>{{"200", 5.0}, {"404", 2.0}}));
    QCOMPARE(reading.total("sm_latency_seconds_count"), 1.0);
    QCOMPARE(reading.total("sm_no_such_metric"), 0.0);
}

QTEST_GUILESS_MAIN(TestDashboardParts)
#include "tst_dashboardparts.moc"
