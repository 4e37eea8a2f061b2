#include "encodedeventcache.h"

namespace smgrpc {

std::shared_ptr<const EncodedEvent> EncodedEventCache::encode(const sm::Event &event)
{
    if (!m_last || !m_last->encodes(event))
        m_last = EncodedEvent::encode(event);
    return m_last;
}

} // namespace smgrpc
