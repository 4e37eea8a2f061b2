#pragma once

#include <sm/event.h>

#include <QString>

#include <memory>
#include <optional>

namespace sm {

// Receives a session's events. Called on the host thread.
class StreamSubscriber {
public:
    virtual ~StreamSubscriber() = default;

    virtual void onEvent(const Event &event) = 0;
    // Bytes this subscriber has accepted but not yet written out. The hub cuts a
    // subscriber off (onClosed with "slow_consumer") once this exceeds its bound.
    virtual qint64 backlogBytes() const = 0;
    // The stream ended: "session.terminated", "session.expired", "slow_consumer",
    // "shutdown". The subscription is already gone when this runs.
    virtual void onClosed(const QByteArray &reason) = 0;
};

// Ends delivery when destroyed. Destroying it from inside a callback is allowed.
class Subscription {
public:
    virtual ~Subscription() = default;
};

// Per-session bounded event log that every transport subscribes to.
class StreamHub {
public:
    virtual ~StreamHub() = default;

    // Appends an event to the session's log and delivers it to its subscribers.
    virtual EventId publish(const QString &sessionId, const QByteArray &type,
                            const QByteArray &jsonData) = 0;

    // Subscribes from just after `after` (the client's Last-Event-ID), or live only when
    // empty. Events still in the log are replayed first; when the requested position is no
    // longer in the log (evicted, other epoch), the subscriber first gets a `reset` event
    // whose data says what was lost: {"reason","requested","first_available"}.
    virtual std::unique_ptr<Subscription> subscribe(const QString &sessionId,
                                                    std::optional<EventId> after,
                                                    StreamSubscriber *subscriber) = 0;

    // Publishes a final event of `type` and closes every subscription of the session.
    virtual void closeSession(const QString &sessionId, const QByteArray &type,
                              const QByteArray &jsonData) = 0;
};

} // namespace sm
