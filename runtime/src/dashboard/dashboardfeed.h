#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>

class QWebSocket;

namespace sm {

class ConnectionMonitorCore;
class Counter;
class HttpTrafficMeter;
class MetricsRegistry;
class PluginManager;
class WorkerDirectory;

// The dashboard's live feed (WebSocket /dashboard/live). Once a second it reads the
// runtime's figures into one state object and sends every client only what changed
// since the last second (JsonDelta); a client that connects gets the whole state and the
// last 15 minutes of the charted series first. The state is built once per second for
// all clients, from aggregates only, so its cost does not grow with sessions.
// Host thread only.
class DashboardFeed : public QObject {
    Q_OBJECT
public:
    struct Sources {
        MetricsRegistry *metrics = nullptr;
        HttpTrafficMeter *traffic = nullptr;
        const ConnectionMonitorCore *connections = nullptr;
        const PluginManager *plugins = nullptr;
        WorkerDirectory *workers = nullptr; // null: back-ends run in process
        std::function<bool()> draining;
    };

    explicit DashboardFeed(Sources sources, QObject *parent = nullptr);
    ~DashboardFeed() override;

    void start();
    // Takes a connected, authorized WebSocket (reparented to the feed).
    void addClient(QWebSocket *socket);
    int clientCount() const { return int(m_clients.size()); }
    // One round: read, diff, send. The timer calls it; tests may too.
    void tick();
    const QJsonObject &state() const { return m_state; }

private:
    struct Point {
        qint64 t;
        double requests, events, p50, p99, sessions, connections, errors;
    };

    QJsonObject readState(qint64 nowMs);
    QJsonObject readWorkers() const;
    QJsonObject readConnections() const;
    QJsonArray readPlugins() const;
    QJsonObject history() const;
    void send(QWebSocket *socket, const QString &text, qsizetype bytes);
    static QString serialize(const QJsonObject &message, qsizetype *bytes);
    void dropClient(QWebSocket *socket);

    Sources m_sources;
    QTimer m_timer;
    QList<QWebSocket *> m_clients;
    QJsonObject m_state;
    QHash<QString, double> m_lastTotals;
    qint64 m_lastTickMs = 0;
    std::deque<Point> m_history;
    Counter &m_bytesSent;
};

} // namespace sm
