#pragma once

#include <sm/streamhub.h>

#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <unordered_map>
#include <vector>

namespace sm {

class Counter;
class Gauge;
class Logger;
class Metrics;

// The runtime's StreamHub: per session a ring of the last `historyPerSession` events
// and the list of subscribers. Delivery is synchronous on the host thread; each event's
// bytes are shared by all subscribers. A subscriber whose backlog exceeds
// `maxBacklogBytes` is cut off with "slow_consumer" before it is handed more.
class SessionStreamHub : public StreamHub {
public:
    struct Options {
        quint64 epoch = 0;           // this process's history epoch; 0 = derive from the clock
        int historyPerSession = 1024;
        qint64 maxBacklogBytes = 1 << 20;
    };

    SessionStreamHub(Options options, Logger &logger, Metrics &metrics);
    ~SessionStreamHub() override;

    EventId publish(const QString &sessionId, const QByteArray &type,
                    const QByteArray &jsonData) override;
    std::unique_ptr<Subscription> subscribe(const QString &sessionId, std::optional<EventId> after,
                                            StreamSubscriber *subscriber) override;
    void closeSession(const QString &sessionId, const QByteArray &type,
                      const QByteArray &jsonData) override;

    // Closes every stream with "shutdown" (runtime stopping).
    void closeAll();

    quint64 epoch() const { return m_options.epoch; }
    int subscriberCount(const QString &sessionId) const;
    // The last `count` events still in the session's log, oldest first (read only: the
    // dashboard's session view). The last one's seq is how many this epoch has published.
    QList<Event> recentEvents(const QString &sessionId, int count) const;

private:
    class Handle;
    struct Log {
        quint64 nextSeq = 1;
        std::deque<Event> ring;
        std::vector<StreamSubscriber *> subscribers; // null = unsubscribed while delivering
        int delivering = 0;
    };

    void replay(Log &log, const QString &sessionId, std::optional<EventId> after,
                StreamSubscriber *subscriber);
    bool deliver(Log &log, const QString &sessionId, StreamSubscriber *subscriber, const Event &event);
    void cutOff(Log &log, const QString &sessionId, StreamSubscriber *subscriber,
                const QByteArray &reason);
    void unsubscribe(const QString &sessionId, StreamSubscriber *subscriber);
    void compact(Log &log);
    Event resetEvent(const Log &log, const QByteArray &reason, std::optional<EventId> requested) const;

    Options m_options;
    Logger &m_logger;
    // Node-based so a Log& stays valid while a callback adds another session's log.
    std::unordered_map<QString, Log> m_logs;
    Counter &m_published;
    Counter &m_slowConsumers;
    Counter &m_resets;
    Gauge &m_subscribers;
};

} // namespace sm
