// The connection monitor against a transport-like source, with a clock the test moves:
// scoring from what the source reports, advice to the degraded connection only (once per
// cooldown), reconnect frequency, the summary and metrics the dashboard reads, and drain
// advice spread over the window.
#include "metrics/metricsregistry.h"
#include "monitor/connectionmonitorcore.h"

#include <QTest>

using namespace std::chrono_literals;
using sm::ConnectionMonitorCore;
using sm::ConnectionSample;

namespace {
// Stands in for a transport's connection registry: what it reports is set by the test,
// what it is told is recorded.
class RecordingSource : public sm::ConnectionSource {
public:
    struct Advice {
        quint64 id;
        QByteArray type;
        QByteArray data;
        qint64 atMs;
    };

    QList<ConnectionSample> sample() const override { return connections; }
    void advise(quint64 id, const QByteArray &type, const QByteArray &data) override
    {
        advice << Advice{id, type, data, *clock};
    }
    void closeConnection(quint64 id) override
    {
        disconnected << id;
        connections.removeIf([id](const ConnectionSample &c) { return c.id == id; });
    }

    ConnectionSample &add(quint64 id, const QString &session)
    {
        ConnectionSample sample;
        sample.id = id;
        sample.sessionId = session;
        connections << sample;
        return connections.last();
    }
    ConnectionSample &connection(quint64 id)
    {
        for (ConnectionSample &c : connections)
            if (c.id == id)
                return c;
        qFatal("no such connection");
    }
    QList<QByteArray> typesFor(quint64 id) const
    {
        QList<QByteArray> types;
        for (const Advice &a : advice)
            if (a.id == id)
                types << a.type;
        return types;
    }

    const qint64 *clock = nullptr;
    QList<ConnectionSample> connections;
    QList<Advice> advice;
    QList<quint64> disconnected;
};
} // namespace

class TestConnectionMonitor : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void degradedConnectionAloneGetsQualityThenReconnectAdvice();
    void adviceRepeatsOnlyAfterTheCooldown();
    void frequentReconnectsOfASessionLowerItsScoreUntilTheyAgeOut();
    void dropsCountOnlyWithinTheLastMinute();
    void summaryAndMetricsShowBandsWorstConnectionsAndTransports();
    void removedSourceIsNeitherSampledNorAdvised();
    void connectionsOfASessionAreThoseScoredInTheLastRound();
    void drainAdviceIsSpreadEvenlyOverTheWindowThenDisconnects();
    void drainWithNoConnectionsIsDoneAtOnce();

private:
    qint64 m_nowMs = 0;
    std::unique_ptr<sm::MetricsRegistry> m_metrics;
    std::unique_ptr<ConnectionMonitorCore> m_monitor;
    RecordingSource m_sse;
};

void TestConnectionMonitor::init()
{
    m_nowMs = 1000;
    m_sse = RecordingSource();
    m_sse.clock = &m_nowMs;
    m_metrics = std::make_unique<sm::MetricsRegistry>();
    ConnectionMonitorCore::Options options;
    options.threshold = 50;
    options.adviceCooldown = 60s;
    options.worstCount = 2;
    m_monitor = std::make_unique<ConnectionMonitorCore>(options, *m_metrics, [this] { return m_nowMs; });
    m_monitor->addSource("sse", &m_sse);
}

void TestConnectionMonitor::cleanup()
{
    m_monitor.reset();
    m_metrics.reset();
}

void TestConnectionMonitor::degradedConnectionAloneGetsQualityThenReconnectAdvice()
{
    m_sse.add(1, "s1").rttMs = 30;
    ConnectionSample &bad = m_sse.add(2, "s2");
    bad.backlogBytes = 600 * 1024; // -25
    bad.flushMs = 6000;            // -20
    bad.rttMs = 1200;              // -20  => 35
    m_monitor->sampleNow();

    QVERIFY(m_sse.typesFor(1).isEmpty());
    QCOMPARE(m_sse.typesFor(2), (QList<QByteArray>{"quality", "reconnect"}));
    QCOMPARE(m_sse.advice[0].data, QByteArray(R"({"reasons":["backlog","rtt","flush"],"score":35})"));
    QCOMPARE(m_sse.advice[1].data, QByteArray(R"({"reason":"quality","score":35})"));
    QCOMPARE(m_monitor->summary().adviceSent, quint64(1));
}

void TestConnectionMonitor::adviceRepeatsOnlyAfterTheCooldown()
{
    m_sse.add(7, "s").backlogBytes = 10 << 20;
    m_sse.connection(7).flushMs = 9000;
    m_sse.connection(7).rttMs = 2000;
    m_monitor->sampleNow();
    QCOMPARE(m_sse.typesFor(7).size(), 2);
    m_nowMs += 59000;
    m_monitor->sampleNow();
    QCOMPARE(m_sse.typesFor(7).size(), 2);
    m_nowMs += 1000;
    m_monitor->sampleNow();
    QCOMPARE(m_sse.typesFor(7).size(), 4);
}

void TestConnectionMonitor::frequentReconnectsOfASessionLowerItsScoreUntilTheyAgeOut()
{
    // Each resume is a new connection of the same session with a higher running count.
    for (quint64 resume = 1; resume <= 6; ++resume) {
        m_sse.connections.clear();
        m_sse.add(resume, "flappy").reconnects = resume;
        m_monitor->sampleNow();
        m_nowMs += 10000;
    }
    QCOMPARE(m_monitor->summary().worst.first().quality.score, 85);
    QCOMPARE(m_monitor->summary().worst.first().quality.reasons, QStringList{"reconnects"});
    QCOMPARE(m_monitor->summary().recentReconnects, quint64(6));
    // Five quiet minutes later the same connection is healthy again.
    m_nowMs += 5 * 60 * 1000;
    m_monitor->sampleNow();
    QCOMPARE(m_monitor->summary().worst.first().quality.score, 100);
}

void TestConnectionMonitor::dropsCountOnlyWithinTheLastMinute()
{
    m_sse.add(3, "d").drops = 5;
    m_monitor->sampleNow();
    QCOMPARE(m_monitor->summary().worst.first().quality.score, 90);
    QCOMPARE(m_monitor->summary().recentDrops, quint64(5));
    m_nowMs += 61000;
    m_monitor->sampleNow();
    QCOMPARE(m_monitor->summary().worst.first().quality.score, 100);
    QCOMPARE(m_monitor->summary().recentDrops, quint64(0));
}

void TestConnectionMonitor::connectionsOfASessionAreThoseScoredInTheLastRound()
{
    RecordingSource grpc;
    grpc.clock = &m_nowMs;
    m_monitor->addSource("grpc", &grpc);
    m_sse.add(1, "mine").rttMs = 12;
    m_sse.add(2, "other");
    grpc.add(5, "mine").backlogBytes = 512 * 1024;
    QVERIFY(m_monitor->connectionsOf("mine").isEmpty()); // nothing scored yet
    m_monitor->sampleNow();

    QList<ConnectionMonitorCore::Scored> mine = m_monitor->connectionsOf("mine");
    std::sort(mine.begin(), mine.end(), [](const auto &a, const auto &b) { return a.transport < b.transport; });
    QCOMPARE(mine.size(), 2);
    QCOMPARE(mine[0].transport, QString("grpc"));
    QCOMPARE(mine[0].sample.id, quint64(5));
    QCOMPARE(mine[0].quality.score, 75);
    QCOMPARE(mine[1].transport, QString("sse"));
    QCOMPARE(mine[1].sample.rttMs, 12.0);
    QCOMPARE(mine[1].quality.score, 100);

    grpc.connections.clear(); // closed: gone from the next round
    m_monitor->sampleNow();
    QCOMPARE(m_monitor->connectionsOf("mine").size(), 1);
    m_monitor->removeSource(&grpc);
}

void TestConnectionMonitor::summaryAndMetricsShowBandsWorstConnectionsAndTransports()
{
    RecordingSource grpc;
    grpc.clock = &m_nowMs;
    m_monitor->addSource("grpc", &grpc);
    m_sse.add(1, "a").rttMs = 10;
    m_sse.add(2, "b").rttMs = 1000;           // 80
    m_sse.connection(2).backlogBytes = 1000;
    grpc.add(1, "c").backlogBytes = 512 * 1024; // 75
    grpc.connection(1).rttMs = 30;
    grpc.connection(1).flushMs = 5000;          // 55
    m_monitor->sampleNow();

    const ConnectionMonitorCore::Summary &summary = m_monitor->summary();
    QCOMPARE(summary.connections, 3);
    QCOMPARE(summary.perTransport.value("sse"), 2);
    QCOMPARE(summary.perTransport.value("grpc"), 1);
    QCOMPARE(summary.bands, (QList<int>{0, 0, 1, 0, 2}));
    QCOMPARE(summary.backlogBytes, qint64(1000 + 512 * 1024));
    QCOMPARE(summary.meanRttMs, (10.0 + 1000 + 30) / 3);
    QCOMPARE(summary.worst.size(), 2);
    QCOMPARE(summary.worst[0].transport, QString("grpc"));
    QCOMPARE(summary.worst[0].quality.score, 55);
    QCOMPARE(summary.worst[1].sample.sessionId, QString("b"));

    const QByteArray text = m_metrics->exposition();
    QVERIFY2(text.contains(R"(sm_connection_quality_connections{band="80-100"} 2)"), text.constData());
    QVERIFY(text.contains(R"(sm_connection_quality_connections{band="40-59"} 1)"));
    QVERIFY(text.contains(R"(sm_connections{transport="grpc"} 1)"));
    QVERIFY(text.contains(R"(sm_connections{transport="sse"} 2)"));
    m_monitor->removeSource(&grpc);
}

void TestConnectionMonitor::removedSourceIsNeitherSampledNorAdvised()
{
    m_sse.add(1, "x").rttMs = 5000;
    m_sse.connection(1).backlogBytes = 1 << 20;
    m_sse.connection(1).flushMs = 10000;
    m_monitor->removeSource(&m_sse);
    m_monitor->sampleNow();
    QCOMPARE(m_monitor->summary().connections, 0);
    QVERIFY(m_sse.advice.isEmpty());
}

void TestConnectionMonitor::drainAdviceIsSpreadEvenlyOverTheWindowThenDisconnects()
{
    for (quint64 id = 1; id <= 4; ++id)
        m_sse.add(id, QString::number(id));
    bool done = false;
    connect(m_monitor.get(), &ConnectionMonitorCore::drainAdviceDone, this, [&done] { done = true; });
    m_monitor->adviseReconnectAll(8s); // due at +0, +2, +4, +6 s
    QCOMPARE(m_sse.advice.size(), 1);
    for (int step = 0; step < 6; ++step) {
        m_nowMs += 1000;
        m_monitor->sendDueDrainAdvice();
    }
    QCOMPARE(m_sse.advice.size(), 4);
    QVERIFY(done);
    const QList<qint64> expected{1000, 3000, 5000, 7000};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(m_sse.advice[i].type, QByteArray("reconnect"));
        QCOMPARE(m_sse.advice[i].data, QByteArray(R"({"reason":"drain"})"));
        QCOMPARE(m_sse.advice[i].atMs, expected[i]);
    }
    QCOMPARE(m_sse.disconnected, (QList<quint64>{1, 2, 3, 4}));
    QVERIFY(m_metrics->exposition().contains(R"(sm_connection_advice_total{reason="drain"} 4)"));
}

void TestConnectionMonitor::drainWithNoConnectionsIsDoneAtOnce()
{
    bool done = false;
    connect(m_monitor.get(), &ConnectionMonitorCore::drainAdviceDone, this, [&done] { done = true; });
    m_monitor->adviseReconnectAll(10s);
    QVERIFY(done);
}

QTEST_GUILESS_MAIN(TestConnectionMonitor)
#include "tst_connectionmonitor.moc"
