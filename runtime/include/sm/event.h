#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace sm {

// Stream event ids are "<epoch>-<seq>". The epoch changes whenever a session's history
// starts afresh (a new runtime process, a lost log), so a resume from another epoch is
// recognised as a gap instead of being silently misread.
struct EventId {
    quint64 epoch = 0;
    quint64 seq = 0;

    QByteArray toString() const;
    static std::optional<EventId> parse(QByteArrayView text);
    friend bool operator==(const EventId &, const EventId &) = default;
};

// One event in a session's stream. `data` is serialized JSON, produced once and shared
// (implicitly) by every subscriber: transports must not re-serialize it per connection.
struct Event {
    EventId id;
    QByteArray type; // e.g. "session.updated", "market.quote", "reset"
    QByteArray data;
};

} // namespace sm
