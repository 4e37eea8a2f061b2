#pragma once

#include "encodedevent.h"

#include <sm/event.h>

#include <memory>

namespace smgrpc {

// The encoding of the last event the hub delivered, on the host thread. The hub hands an
// event to every subscriber of its session in turn, so all of them but the first get the
// encoding the first one made; another event (a replay, another session) just replaces
// it. Keyed by the event's identity (EncodedEvent::encodes), so a hit is always right.
class EncodedEventCache {
public:
    std::shared_ptr<const EncodedEvent> encode(const sm::Event &event);

private:
    std::shared_ptr<const EncodedEvent> m_last;
};

} // namespace smgrpc
