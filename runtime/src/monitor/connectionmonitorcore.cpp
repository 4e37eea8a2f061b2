#include "monitor/connectionmonitorcore.h"

#include <sm/metrics.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace sm {

namespace {
constexpr qint64 kDropWindowMs = 60 * 1000;
constexpr qint64 kReconnectWindowMs = 5 * 60 * 1000;
constexpr int kDrainTickMs = 50;
const char *const kBandNames[] = {"0-19", "20-39", "40-59", "60-79", "80-100"};

ConnectionMonitorCore::Clock steadyClock()
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    return [timer] { return timer->elapsed(); };
}

int bandOf(int score)
{
    return std::min(score / 20, 4);
}

QByteArray qualityJson(const QualityScore &quality)
{
    return QJsonDocument(QJsonObject{{"score", quality.score},
                                     {"reasons", QJsonArray::fromStringList(quality.reasons)}})
        .toJson(QJsonDocument::Compact);
}
} // namespace

ConnectionMonitorCore::ConnectionMonitorCore(Options options, Metrics &metrics, Clock clock, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_metrics(metrics)
    , m_clock(clock ? std::move(clock) : steadyClock())
    , m_backlogGauge(metrics.gauge("sm_connection_backlog_bytes",
                                   "Bytes queued on all monitored connections, not yet sent"))
    , m_qualityAdvice(metrics.counter("sm_connection_advice_total",
                                      "Advice sent to clients by the connection monitor",
                                      {{"reason", "quality"}}))
    , m_drainAdvice(metrics.counter("sm_connection_advice_total",
                                    "Advice sent to clients by the connection monitor", {{"reason", "drain"}}))
{
    for (const char *band : kBandNames) {
        m_bandGauges << &metrics.gauge("sm_connection_quality_connections",
                                       "Open connections by quality score band (0-100)",
                                       {{"band", QLatin1String(band)}});
    }
    m_sampler.setInterval(m_options.interval);
    connect(&m_sampler, &QTimer::timeout, this, &ConnectionMonitorCore::sampleNow);
    m_drainTimer.setInterval(kDrainTickMs);
    connect(&m_drainTimer, &QTimer::timeout, this, &ConnectionMonitorCore::sendDueDrainAdvice);
}

ConnectionMonitorCore::~ConnectionMonitorCore() = default;

void ConnectionMonitorCore::addSource(const QString &transport, ConnectionSource *source)
{
    m_sources.insert(source, transport);
    if (!m_transportGauges.contains(transport)) {
        m_transportGauges.insert(transport, &m_metrics.gauge("sm_connections", "Open client connections",
                                                             {{"transport", transport}}));
    }
}

void ConnectionMonitorCore::removeSource(ConnectionSource *source)
{
    m_sources.remove(source);
    m_tracked.removeIf([source](const auto &entry) { return entry.key().source == source; });
    m_drainQueue.removeIf([source](const PendingAdvice &advice) { return advice.key.source == source; });
}

void ConnectionMonitorCore::start()
{
    m_sampler.start();
}

/*!
 * Scores every open connection. Cost is linear in connections (a sample copy, two hash
 * lookups and a few comparisons each); the worst list is a partial sort.
 */
void ConnectionMonitorCore::sampleNow()
{
    ++m_round;
    Summary summary;
    double rttSum = 0;
    int rttCount = 0;
    QList<Scored> all;
    for (auto source = m_sources.cbegin(); source != m_sources.cend(); ++source) {
        const QList<ConnectionSample> samples = source.key()->sample();
        summary.perTransport[source.value()] += int(samples.size());
        for (const ConnectionSample &sample : samples) {
            Scored scored = score(source.value(), source.key(), sample);
            ++summary.bands[bandOf(scored.quality.score)];
            summary.backlogBytes += sample.backlogBytes;
            if (sample.rttMs >= 0) {
                rttSum += sample.rttMs;
                ++rttCount;
            }
            all << std::move(scored);
        }
    }
    summary.connections = int(all.size());
    summary.meanRttMs = rttCount ? rttSum / rttCount : -1;
    const qint64 nowMs = now();
    for (auto it = m_tracked.cbegin(); it != m_tracked.cend(); ++it)
        summary.recentDrops += it->drops.recent(nowMs);
    for (const SessionHistory &session : std::as_const(m_sessions))
        summary.recentReconnects += session.reconnects.recent(nowMs);
    const qsizetype worst = std::min<qsizetype>(m_options.worstCount, all.size());
    std::partial_sort(all.begin(), all.begin() + worst, all.end(), [](const Scored &a, const Scored &b) {
        return a.quality.score < b.quality.score;
    });
    summary.worst = all.first(worst);
    forgetGone();
    summary.adviceSent = m_summary.adviceSent;
    m_summary = std::move(summary);
    m_lastRound = std::move(all);
    publish(m_summary);
}

QList<ConnectionMonitorCore::Scored> ConnectionMonitorCore::connectionsOf(const QString &sessionId) const
{
    QList<Scored> connections;
    for (const Scored &scored : m_lastRound) {
        if (scored.sample.sessionId == sessionId)
            connections << scored;
    }
    return connections;
}

ConnectionMonitorCore::Scored ConnectionMonitorCore::score(const QString &transport, ConnectionSource *source,
                                                           const ConnectionSample &sample)
{
    const qint64 nowMs = now();
    auto tracked = m_tracked.find(Key{source, sample.id});
    if (tracked == m_tracked.end())
        tracked = m_tracked.insert(Key{source, sample.id}, Tracked{RecentCounter(kDropWindowMs)});
    tracked->round = m_round;
    tracked->drops.observe(sample.drops, nowMs);
    auto session = m_sessions.find(sample.sessionId);
    if (session == m_sessions.end()) {
        // A session we have no history for counts at most this connection's own resume:
        // its older reconnects may be hours old.
        session = m_sessions.insert(sample.sessionId, SessionHistory{RecentCounter(kReconnectWindowMs)});
        session->reconnects.setBaseline(sample.reconnects > 0 ? sample.reconnects - 1 : 0);
    }
    session->round = m_round;
    session->reconnects.observe(sample.reconnects, nowMs);

    QualityScore::Inputs inputs;
    inputs.rttMs = sample.rttMs;
    inputs.backlogBytes = sample.backlogBytes;
    inputs.flushMs = sample.flushMs;
    inputs.recentDrops = tracked->drops.recent(nowMs);
    inputs.recentReconnects = session->reconnects.recent(nowMs);
    Scored scored{transport, sample, QualityScore::compute(inputs)};
    adviseIfDegraded(source, scored, *tracked);
    return scored;
}

// Advice goes straight to the one connection (see ConnectionSource::advise), once per
// cooldown: a client that ignores it is not flooded.
void ConnectionMonitorCore::adviseIfDegraded(ConnectionSource *source, const Scored &scored, Tracked &tracked)
{
    if (scored.quality.score >= m_options.threshold)
        return;
    const qint64 nowMs = now();
    if (tracked.advised && nowMs - tracked.advisedAtMs < m_options.adviceCooldown.count())
        return;
    tracked.advised = true;
    tracked.advisedAtMs = nowMs;
    const QByteArray quality = qualityJson(scored.quality);
    source->advise(scored.sample.id, "quality", quality);
    source->advise(scored.sample.id, "reconnect",
                   QJsonDocument(QJsonObject{{"reason", "quality"}, {"score", scored.quality.score}})
                       .toJson(QJsonDocument::Compact));
    m_qualityAdvice.increment();
    ++m_summary.adviceSent;
}

void ConnectionMonitorCore::publish(const Summary &summary)
{
    for (int band = 0; band < m_bandGauges.size(); ++band)
        m_bandGauges[band]->set(summary.bands[band]);
    m_backlogGauge.set(double(summary.backlogBytes));
    for (auto gauge = m_transportGauges.cbegin(); gauge != m_transportGauges.cend(); ++gauge)
        gauge.value()->set(summary.perTransport.value(gauge.key()));
}

// Connections not seen this round have closed. A session's reconnect history is kept
// while it has connections (the running total is the baseline) or may still reconnect
// within the window, then dropped.
void ConnectionMonitorCore::forgetGone()
{
    const quint64 round = m_round;
    const qint64 nowMs = now();
    m_tracked.removeIf([round](const auto &entry) { return entry.value().round != round; });
    m_sessions.removeIf([round, nowMs](const auto &entry) {
        return entry.value().round != round && entry.value().reconnects.isQuiet(nowMs);
    });
}

void ConnectionMonitorCore::adviseReconnectAll(std::chrono::milliseconds window)
{
    QList<Key> keys;
    for (auto source = m_sources.cbegin(); source != m_sources.cend(); ++source) {
        for (const ConnectionSample &sample : source.key()->sample())
            keys << Key{source.key(), sample.id};
    }
    const qint64 startMs = now();
    m_drainQueue.clear();
    for (qsizetype i = 0; i < keys.size(); ++i)
        m_drainQueue << PendingAdvice{keys[i], startMs + window.count() * i / keys.size()};
    m_drainAdvising = true;
    m_drainTimer.start();
    sendDueDrainAdvice();
}

void ConnectionMonitorCore::sendDueDrainAdvice()
{
    const qint64 nowMs = now();
    qsizetype sent = 0;
    for (; sent < m_drainQueue.size() && m_drainQueue[sent].dueMs <= nowMs; ++sent) {
        const Key key = m_drainQueue[sent].key;
        if (!m_sources.contains(key.source))
            continue;
        key.source->advise(key.id, "reconnect", R"({"reason":"drain"})");
        key.source->closeConnection(key.id);
        m_drainAdvice.increment();
    }
    m_drainQueue.remove(0, sent);
    if (m_drainQueue.isEmpty() && m_drainAdvising) {
        m_drainAdvising = false;
        m_drainTimer.stop();
        emit drainAdviceDone();
    }
}

} // namespace sm
