#pragma once

#include "monitor/qualityscore.h"
#include "monitor/recentcounter.h"

#include <sm/connectionmonitor.h>

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace sm {

class Gauge;
class Counter;
class Metrics;

// The runtime's connection monitor. Once a second it samples every registered source,
// scores each connection (QualityScore), exports the distribution as metrics, keeps a
// summary for the dashboard and advises a connection whose score falls below the
// threshold: a `quality` event with the score and reasons, then a `reconnect` event.
// While the node drains it spreads `reconnect` advice over the drain window.
// Host thread only.
class ConnectionMonitorCore : public QObject, public ConnectionMonitor {
    Q_OBJECT
public:
    using Clock = std::function<qint64()>; // milliseconds, monotonic

    struct Options {
        int threshold = 50;                            // advise below this score
        std::chrono::milliseconds interval{1000};      // sampling period
        std::chrono::milliseconds adviceCooldown{60000}; // per connection, between advice
        int worstCount = 5;
    };

    // One scored connection, as the dashboard shows it.
    struct Scored {
        QString transport;
        ConnectionSample sample;
        QualityScore quality;
    };

    struct Summary {
        int connections = 0;
        QHash<QString, int> perTransport;
        QList<int> bands{0, 0, 0, 0, 0}; // scores 0-19, 20-39, 40-59, 60-79, 80-100
        double meanRttMs = -1;           // over connections that report it
        qint64 backlogBytes = 0;
        quint64 recentDrops = 0;
        quint64 recentReconnects = 0;
        quint64 adviceSent = 0;          // quality advice since start
        QList<Scored> worst;             // lowest scores first
    };

    ConnectionMonitorCore(Options options, Metrics &metrics, Clock clock = {},
                          QObject *parent = nullptr);
    ~ConnectionMonitorCore() override;

    void addSource(const QString &transport, ConnectionSource *source) override;
    void removeSource(ConnectionSource *source) override;

    void start();
    // One sampling round (the timer calls it; tests call it with their own clock).
    void sampleNow();
    const Summary &summary() const { return m_summary; }
    // The connections of one session as scored in the last round (the dashboard's session
    // view); linear in open connections.
    QList<Scored> connectionsOf(const QString &sessionId) const;

    // Drain: sends `reconnect` advice to every open connection, one after another spread
    // evenly over `window`, and ends each connection after its advice. Emits
    // drainAdviceDone() when the last one was advised (at once when there are none).
    void adviseReconnectAll(std::chrono::milliseconds window);
    // Advice still to be sent by adviseReconnectAll(); the drain timer calls it, tests too.
    void sendDueDrainAdvice();

signals:
    void drainAdviceDone();

private:
    struct Key {
        ConnectionSource *source;
        quint64 id;
        bool operator==(const Key &other) const = default;
    };
    friend size_t qHash(const Key &key, size_t seed) { return qHashMulti(seed, key.source, key.id); }

    struct Tracked {
        RecentCounter drops;
        qint64 advisedAtMs = 0;
        bool advised = false;
        quint64 round = 0;
    };
    struct SessionHistory {
        RecentCounter reconnects;
        quint64 round = 0;
    };
    struct PendingAdvice {
        Key key;
        qint64 dueMs;
    };

    Scored score(const QString &transport, ConnectionSource *source, const ConnectionSample &sample);
    void adviseIfDegraded(ConnectionSource *source, const Scored &scored, Tracked &tracked);
    void publish(const Summary &summary);
    void forgetGone();
    qint64 now() const { return m_clock(); }

    Options m_options;
    Metrics &m_metrics;
    Clock m_clock;
    QHash<ConnectionSource *, QString> m_sources;
    QHash<Key, Tracked> m_tracked;
    QHash<QString, SessionHistory> m_sessions;
    quint64 m_round = 0;
    Summary m_summary;
    QList<Scored> m_lastRound; // every connection scored in the last round
    QList<Gauge *> m_bandGauges;
    Gauge &m_backlogGauge;
    Counter &m_qualityAdvice;
    Counter &m_drainAdvice;
    QHash<QString, Gauge *> m_transportGauges;
    QList<PendingAdvice> m_drainQueue;
    bool m_drainAdvising = false;
    QTimer m_sampler;
    QTimer m_drainTimer;
};

} // namespace sm
