#include "dashboard/dashboardfeed.h"

#include "dashboard/jsondelta.h"
#include "dashboard/metricsreading.h"
#include "metrics/metricsregistry.h"
#include "monitor/connectionmonitorcore.h"
#include "monitor/httptrafficmeter.h"
#include "plugins/pluginmanager.h"
#include "plugins/pluginspec.h"
#include "workerpool/workerdirectory.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QWebSocket>

#include <cmath>

namespace sm {

namespace {
constexpr int kTickMs = 1000;
constexpr size_t kHistoryPoints = 15 * 60; // one point a second: the charts' 15 minutes
// A dashboard that cannot keep up (a stalled tab) is dropped rather than buffered.
constexpr qint64 kMaxClientBacklog = 1024 * 1024;
// RTTs to the microsecond: TCP's own estimate on a LAN or loopback is well under 0.1 ms.
constexpr int kRttDecimals = 3;

// Counters the feed shows as totals and as per-second rates: key -> metric.
const std::pair<const char *, const char *> kCounters[] = {
    {"sessions_created", "sm_sessions_created_total"},
    {"sessions_terminated", "sm_sessions_terminated_total"},
    {"sessions_expired", "sm_sessions_expired_total"},
    {"events_published", "sm_stream_events_published_total"},
    {"events_delivered", "sm_sse_events_sent_total"},
    {"slow_consumer_cutoffs", "sm_stream_slow_consumer_cutoffs_total"},
    {"backend_requests", "sm_backend_requests_total"},
};

double rounded(double value, int decimals = 1)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

const char *workerStateName(WorkerStatus::State state)
{
    switch (state) {
    case WorkerStatus::State::Starting: return "starting";
    case WorkerStatus::State::Live: return "live";
    case WorkerStatus::State::Draining: return "draining";
    case WorkerStatus::State::Dead: return "dead";
    }
    return "unknown";
}
} // namespace

DashboardFeed::DashboardFeed(Sources sources, QObject *parent)
    : QObject(parent)
    , m_sources(std::move(sources))
    , m_bytesSent(m_sources.metrics->counter("sm_dashboard_feed_bytes_total", "Bytes sent to live dashboards", {}))
{
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &DashboardFeed::tick);
}

DashboardFeed::~DashboardFeed()
{
    for (QWebSocket *socket : std::as_const(m_clients))
        socket->disconnect(this);
}

void DashboardFeed::start()
{
    m_lastTickMs = QDateTime::currentMSecsSinceEpoch();
    m_state = readState(m_lastTickMs);
    m_timer.start();
}

void DashboardFeed::addClient(QWebSocket *socket)
{
    socket->setParent(this);
    m_clients << socket;
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { dropClient(socket); });
    qsizetype bytes = 0;
    const QString text =
        serialize(QJsonObject{{"type", "snapshot"}, {"state", m_state}, {"history", history()}}, &bytes);
    send(socket, text, bytes);
}

void DashboardFeed::tick()
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QJsonObject next = readState(nowMs);
    const QJsonObject delta = JsonDelta::between(m_state, next);
    m_state = std::move(next);
    const QJsonObject rates = m_state.value("rates").toObject();
    const QJsonObject latency = m_state.value("latency").toObject();
    m_history.push_back(Point{nowMs, rates.value("requests").toDouble(), rates.value("events_delivered").toDouble(),
                              latency.value("p50_ms").toDouble(), latency.value("p99_ms").toDouble(),
                              m_state.value("sessions").toObject().value("open").toDouble(),
                              m_state.value("connections").toObject().value("open").toDouble(),
                              rates.value("errors").toDouble()});
    if (m_history.size() > kHistoryPoints)
        m_history.pop_front();
    if (m_clients.isEmpty())
        return;
    qsizetype bytes = 0;
    const QString text = serialize(QJsonObject{{"type", "delta"}, {"t", nowMs}, {"delta", delta}}, &bytes);
    const QList<QWebSocket *> clients = m_clients;
    for (QWebSocket *socket : clients)
        send(socket, text, bytes);
}

/*!
 * Everything the page shows, from aggregates: the metrics registry's exposition (the same
 * figures as /metrics), the HTTP traffic of the last second, the connection monitor's
 * summary, the worker directory and the plugin manager. Rates are per second over the
 * time since the previous round.
 */
QJsonObject DashboardFeed::readState(qint64 nowMs)
{
    const MetricsReading metrics(m_sources.metrics->exposition());
    const double seconds = std::max(0.001, double(nowMs - m_lastTickMs) / 1000);
    m_lastTickMs = nowMs;

    QJsonObject totals;
    QJsonObject rates;
    auto count = [&](const QString &key, double total) {
        totals.insert(key, total);
        const double previous = m_lastTotals.value(key, total);
        rates.insert(key, rounded(std::max(0.0, total - previous) / seconds));
        m_lastTotals.insert(key, total);
    };
    for (const auto &[key, metric] : kCounters)
        count(QLatin1String(key), metrics.total(metric));

    const HttpTrafficMeter::Second second = m_sources.traffic->takeSecond();
    QJsonObject errors;
    double errorTotal = 0;
    for (auto it = m_sources.traffic->errorsByStatus().cbegin(); it != m_sources.traffic->errorsByStatus().cend(); ++it) {
        errors.insert(QString::number(it.key()), double(it.value()));
        errorTotal += double(it.value());
    }
    count(QStringLiteral("errors"), errorTotal);
    rates.insert("requests", rounded(double(second.requests) / seconds));

    // Sessions are counted from the service's counters: exact for this process's
    // lifetime without querying the store every second.
    const double created = totals.value("sessions_created").toDouble();
    const double ended = totals.value("sessions_terminated").toDouble() + totals.value("sessions_expired").toDouble();
    const QJsonObject sessions{{"open", std::max(0.0, created - ended)},
                               {"terminated", totals.value("sessions_terminated")},
                               {"expired", totals.value("sessions_expired")},
                               {"streams", metrics.total("sm_stream_subscribers")}};

    return QJsonObject{
        {"node", QJsonObject{{"draining", m_sources.draining && m_sources.draining()}}},
        {"totals", totals},
        {"rates", rates},
        {"latency", QJsonObject{{"p50_ms", rounded(second.p50Ms, 2)}, {"p99_ms", rounded(second.p99Ms, 2)}}},
        {"sessions", sessions},
        {"errors", errors},
        {"workers", readWorkers()},
        {"connections", readConnections()},
        {"plugins", readPlugins()},
    };
}

QJsonObject DashboardFeed::readWorkers() const
{
    if (!m_sources.workers)
        return QJsonObject{{"mode", "in-process"}, {"list", QJsonArray()}};
    QJsonArray list;
    for (const WorkerStatus &worker : m_sources.workers->workers()) {
        list.append(QJsonObject{{"id", worker.id},
                                {"address", worker.address},
                                {"pid", worker.pid},
                                {"state", workerStateName(worker.state)},
                                {"sessions", worker.sessions},
                                {"rps", rounded(worker.requestsPerSecond)},
                                {"p99_ms", rounded(worker.p99RequestMs, 2)},
                                {"heartbeat_age_ms", worker.heartbeatAgeMs},
                                {"restarts", worker.restarts},
                                {"ring_share", rounded(worker.ringShare, 3)}});
    }
    return QJsonObject{{"mode", "pool"}, {"list", list}};
}

QJsonObject DashboardFeed::readConnections() const
{
    const ConnectionMonitorCore::Summary &summary = m_sources.connections->summary();
    QJsonObject transports;
    for (auto it = summary.perTransport.cbegin(); it != summary.perTransport.cend(); ++it)
        transports.insert(it.key(), it.value());
    QJsonArray bands;
    for (int band : summary.bands)
        bands.append(band);
    QJsonArray worst;
    for (const ConnectionMonitorCore::Scored &scored : summary.worst) {
        worst.append(QJsonObject{{"transport", scored.transport},
                                 {"session_id", scored.sample.sessionId},
                                 {"user_id", scored.sample.userId},
                                 {"peer", scored.sample.peer},
                                 {"score", scored.quality.score},
                                 {"reasons", QJsonArray::fromStringList(scored.quality.reasons)},
                                 {"rtt_ms", scored.sample.rttMs < 0 ? QJsonValue() : rounded(scored.sample.rttMs, kRttDecimals)},
                                 {"backlog_bytes", scored.sample.backlogBytes},
                                 {"flush_ms", rounded(scored.sample.flushMs)}});
    }
    return QJsonObject{{"open", summary.connections},
                       {"by_transport", transports},
                       {"quality_bands", bands},
                       {"mean_rtt_ms", summary.meanRttMs < 0 ? QJsonValue() : rounded(summary.meanRttMs, kRttDecimals)},
                       {"backlog_bytes", summary.backlogBytes},
                       {"drops_last_minute", double(summary.recentDrops)},
                       {"reconnects_last_5min", double(summary.recentReconnects)},
                       {"advice_sent", double(summary.adviceSent)},
                       {"worst", worst}};
}

QJsonArray DashboardFeed::readPlugins() const
{
    QJsonArray plugins;
    for (const PluginSpec *spec : m_sources.plugins->specs()) {
        if (!spec->hasMetadata())
            continue;
        plugins.append(QJsonObject{{"id", spec->id()},
                                   {"version", spec->versionString()},
                                   {"kind", spec->kindName()},
                                   {"state", QLatin1String(PluginSpec::stateName(spec->state()))}});
    }
    return plugins;
}

// Columns, as the chart library takes them.
QJsonObject DashboardFeed::history() const
{
    QJsonArray t, requests, events, p50, p99, sessions, connections, errors;
    for (const Point &point : m_history) {
        t.append(double(point.t) / 1000);
        requests.append(point.requests);
        events.append(point.events);
        p50.append(point.p50);
        p99.append(point.p99);
        sessions.append(point.sessions);
        connections.append(point.connections);
        errors.append(point.errors);
    }
    return QJsonObject{{"t", t}, {"requests", requests}, {"events", events}, {"p50_ms", p50}, {"p99_ms", p99},
                       {"sessions", sessions}, {"connections", connections}, {"errors", errors}};
}

// Serialized once per round, whatever the number of dashboards.
QString DashboardFeed::serialize(const QJsonObject &message, qsizetype *bytes)
{
    const QByteArray utf8 = QJsonDocument(message).toJson(QJsonDocument::Compact);
    *bytes = utf8.size();
    return QString::fromUtf8(utf8);
}

void DashboardFeed::send(QWebSocket *socket, const QString &text, qsizetype bytes)
{
    if (socket->bytesToWrite() > kMaxClientBacklog) {
        socket->abort();
        return;
    }
    socket->sendTextMessage(text);
    m_bytesSent.increment(double(bytes));
}

void DashboardFeed::dropClient(QWebSocket *socket)
{
    m_clients.removeOne(socket);
    socket->deleteLater();
}

} // namespace sm
