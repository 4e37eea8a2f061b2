// The HTTP traffic figures the dashboard shows each second and /metrics exports.
#include "metrics/metricsregistry.h"
#include "monitor/httptrafficmeter.h"

#include <QTest>

class TestHttpTrafficMeter : public QObject {
    Q_OBJECT

private slots:
    void secondReportsRateAndPercentilesThenStartsOver();
    void errorsAreCountedByStatusAndExported();
};

void TestHttpTrafficMeter::secondReportsRateAndPercentilesThenStartsOver()
{
    sm::MetricsRegistry metrics;
    sm::HttpTrafficMeter meter(metrics);
    for (int ms = 1; ms <= 100; ++ms)
        meter.record(200, qint64(ms) * 1000000);
    const sm::HttpTrafficMeter::Second second = meter.takeSecond();
    QCOMPARE(second.requests, quint64(100));
    QCOMPARE(second.p50Ms, 51.0);
    QCOMPARE(second.p99Ms, 99.0);
    QCOMPARE(meter.takeSecond().requests, quint64(0));
}

void TestHttpTrafficMeter::errorsAreCountedByStatusAndExported()
{
    sm::MetricsRegistry metrics;
    sm::HttpTrafficMeter meter(metrics);
    meter.record(404, 1000);
    meter.record(404, 1000);
    meter.record(503, 1000);
    meter.record(201, 1000);
    QCOMPARE(meter.errorsByStatus().value(404), quint64(2));
    QCOMPARE(meter.errorsByStatus().value(503), quint64(1));
    QVERIFY(!meter.errorsByStatus().contains(201));
    const QByteArray text = metrics.exposition();
    QVERIFY(text.contains(R"(sm_http_requests_total{code="404"} 2)"));
    QVERIFY(text.contains(R"(sm_http_requests_total{code="201"} 1)"));
    QVERIFY(text.contains("sm_http_request_duration_seconds_count 4"));
}

QTEST_GUILESS_MAIN(TestHttpTrafficMeter)
#include "tst_httptrafficmeter.moc"
