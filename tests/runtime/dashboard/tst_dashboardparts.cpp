// The pieces of the live feed that decide what goes over the wire: the delta between two
// states (and applying it back, as the page does) and reading figures from the metrics
// registry's exposition.
#include "dashboard/jsondelta.h"
#include "dashboard/metricsreading.h"
#include "metrics/metricsregistry.h"

#include <QJsonArray>
#include <QTest>

using sm::JsonDelta;

class TestDashboardParts : public QObject {
    Q_OBJECT

private slots:
    void unchangedStateGivesAnEmptyDelta();
    void deltaCarriesOnlyChangedMembersOfObjectSections();
    void arraysAndScalarsAreSentWhole();
    void removedMembersAreSentAsNullAndRemovedOnApply();
    void applyingTheDeltaReproducesTheNewState();
    void readingTotalsAndLabelsFromTheRegistry();
};

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
