#include "streams/sessionstreamhub.h"

#include <sm/logger.h>
#include <sm/metrics.h>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace sm {

// Unsubscribes on destruction. Holds the session id, not a pointer into the hash,
// because logs come and go.
class SessionStreamHub::Handle : public Subscription {
public:
    Handle(SessionStreamHub *hub, QString sessionId, StreamSubscriber *subscriber)
        : m_hub(hub), m_sessionId(std::move(sessionId)), m_subscriber(subscriber)
    {
    }
    ~Handle() override { m_hub->unsubscribe(m_sessionId, m_subscriber); }

private:
    SessionStreamHub *m_hub;
    QString m_sessionId;
    StreamSubscriber *m_subscriber;
};

SessionStreamHub::SessionStreamHub(Options options, Logger &logger, Metrics &metrics)
    : m_options(options)
    , m_logger(logger)
    , m_published(metrics.counter("sm_stream_events_published_total", "Events appended to session streams"))
    , m_slowConsumers(metrics.counter("sm_stream_slow_consumer_cutoffs_total",
                                      "Subscribers cut off because their backlog exceeded the bound"))
    , m_resets(metrics.counter("sm_stream_resets_total",
                               "Resumes that could not be served from history"))
    , m_subscribers(metrics.gauge("sm_stream_subscribers", "Open stream subscriptions"))
{
    if (m_options.epoch == 0)
        m_options.epoch = quint64(QDateTime::currentMSecsSinceEpoch());
    m_options.historyPerSession = std::max(1, m_options.historyPerSession);
}

SessionStreamHub::~SessionStreamHub() = default;

EventId SessionStreamHub::publish(const QString &sessionId, const QByteArray &type,
                                  const QByteArray &jsonData)
{
    Log &log = m_logs[sessionId];
    const EventId id{m_options.epoch, log.nextSeq++};
    if (int(log.ring.size()) >= m_options.historyPerSession)
        log.ring.pop_front();
    log.ring.push_back(Event{id, type, jsonData});
    m_published.increment();

    // Index loop: a subscriber may unsubscribe (nulling its slot) or a new one may be
    // added while we deliver; slots are compacted once delivery is over.
    const Event &event = log.ring.back();
    ++log.delivering;
    for (size_t i = 0; i < log.subscribers.size(); ++i) {
        if (StreamSubscriber *subscriber = log.subscribers[i])
            deliver(log, sessionId, subscriber, event);
    }
    --log.delivering;
    compact(log);
    return id;
}

bool SessionStreamHub::deliver(Log &log, const QString &sessionId, StreamSubscriber *subscriber,
                               const Event &event)
{
    if (subscriber->backlogBytes() > m_options.maxBacklogBytes) {
        cutOff(log, sessionId, subscriber, "slow_consumer");
        return false;
    }
    subscriber->onEvent(event);
    return true;
}

void SessionStreamHub::cutOff(Log &log, const QString &sessionId, StreamSubscriber *subscriber,
                              const QByteArray &reason)
{
    auto it = std::find(log.subscribers.begin(), log.subscribers.end(), subscriber);
    if (it == log.subscribers.end())
        return;
    *it = nullptr; // removed before the callback, which may destroy the subscription
    m_subscribers.add(-1);
    if (reason == "slow_consumer") {
        m_slowConsumers.increment();
        m_logger.warning("stream subscriber cut off", {{"session_id", sessionId},
                                                       {"reason", QString::fromLatin1(reason)},
                                                       {"backlog_bytes", subscriber->backlogBytes()},
                                                       {"limit_bytes", m_options.maxBacklogBytes}});
    }
    subscriber->onClosed(reason);
}

std::unique_ptr<Subscription> SessionStreamHub::subscribe(const QString &sessionId,
                                                          std::optional<EventId> after,
                                                          StreamSubscriber *subscriber)
{
    Log &log = m_logs[sessionId];
    log.subscribers.push_back(subscriber);
    m_subscribers.add(1);
    auto handle = std::make_unique<Handle>(this, sessionId, subscriber);
    if (after)
        replay(log, sessionId, after, subscriber);
    return handle;
}

// Resumes a subscriber after `after`. Three cases: the position is in the ring (replay
// what follows), it is older than the ring or from another epoch (reset, then replay
// all we have), or it lies in the future (reset, live from now).
void SessionStreamHub::replay(Log &log, const QString &sessionId, std::optional<EventId> after,
                              StreamSubscriber *subscriber)
{
    const quint64 firstSeq = log.ring.empty() ? log.nextSeq : log.ring.front().id.seq;
    const quint64 lastSeq = log.nextSeq - 1;
    size_t from = 0;
    if (after->epoch != m_options.epoch) {
        if (!deliver(log, sessionId, subscriber, resetEvent(log, "epoch_changed", after)))
            return;
    } else if (after->seq > lastSeq) {
        deliver(log, sessionId, subscriber, resetEvent(log, "unknown_position", after));
        return;
    } else if (after->seq + 1 < firstSeq) {
        if (!deliver(log, sessionId, subscriber, resetEvent(log, "history_evicted", after)))
            return;
    } else {
        from = size_t(after->seq + 1 - firstSeq);
    }
    ++log.delivering;
    for (size_t i = from; i < log.ring.size(); ++i) {
        if (!deliver(log, sessionId, subscriber, log.ring[i]))
            break;
    }
    --log.delivering;
    compact(log);
}

Event SessionStreamHub::resetEvent(const Log &log, const QByteArray &reason,
                                   std::optional<EventId> requested) const
{
    m_resets.increment();
    const quint64 firstSeq = log.ring.empty() ? log.nextSeq : log.ring.front().id.seq;
    const QJsonObject data{
        {"reason", QString::fromLatin1(reason)},
        {"requested", requested ? QString::fromLatin1(requested->toString()) : QString()},
        {"first_available", QString::fromLatin1(EventId{m_options.epoch, firstSeq}.toString())},
    };
    // The reset carries the id just before the first event that follows it, so a client
    // that reconnects after it resumes from the right place.
    return Event{EventId{m_options.epoch, firstSeq - 1}, "reset",
                 QJsonDocument(data).toJson(QJsonDocument::Compact)};
}

void SessionStreamHub::closeSession(const QString &sessionId, const QByteArray &type,
                                    const QByteArray &jsonData)
{
    if (!m_logs.contains(sessionId))
        return;
    publish(sessionId, type, jsonData);
    Log &log = m_logs.at(sessionId);
    ++log.delivering;
    for (size_t i = 0; i < log.subscribers.size(); ++i) {
        if (StreamSubscriber *subscriber = log.subscribers[i])
            cutOff(log, sessionId, subscriber, type);
    }
    m_logs.erase(sessionId);
}

void SessionStreamHub::closeAll()
{
    std::vector<QString> ids;
    for (const auto &entry : m_logs)
        ids.push_back(entry.first);
    for (const QString &id : ids)
        closeSession(id, "shutdown", "{}");
}

void SessionStreamHub::unsubscribe(const QString &sessionId, StreamSubscriber *subscriber)
{
    auto it = m_logs.find(sessionId);
    if (it == m_logs.end())
        return;
    Log &log = it->second;
    auto slot = std::find(log.subscribers.begin(), log.subscribers.end(), subscriber);
    if (slot == log.subscribers.end())
        return;
    *slot = nullptr;
    m_subscribers.add(-1);
    compact(log);
}

void SessionStreamHub::compact(Log &log)
{
    if (log.delivering > 0)
        return;
    std::erase(log.subscribers, nullptr);
}

QList<Event> SessionStreamHub::recentEvents(const QString &sessionId, int count) const
{
    QList<Event> events;
    auto it = m_logs.find(sessionId);
    if (it == m_logs.end())
        return events;
    const std::deque<Event> &ring = it->second.ring;
    const size_t first = ring.size() > size_t(count) ? ring.size() - size_t(count) : 0;
    events.reserve(qsizetype(ring.size() - first));
    for (size_t i = first; i < ring.size(); ++i)
        events << ring[i];
    return events;
}

int SessionStreamHub::subscriberCount(const QString &sessionId) const
{
    auto it = m_logs.find(sessionId);
    if (it == m_logs.end())
        return 0;
    const auto &subscribers = it->second.subscribers;
    return int(std::count_if(subscribers.begin(), subscribers.end(),
                             [](auto *s) { return s != nullptr; }));
}

} // namespace sm
