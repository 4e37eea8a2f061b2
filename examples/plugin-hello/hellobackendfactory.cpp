#include "hellobackendfactory.h"

#include "hellobackend.h"

namespace hello {

// An echo needs neither the session id nor randomness: every instance starts at count 0.
std::unique_ptr<sm::SessionBackend> HelloBackendFactory::createBackend(const QString &sessionId, quint64 seed,
                                                                       sm::BackendEventSink *sink)
{
    Q_UNUSED(sessionId);
    Q_UNUSED(seed);
    return std::make_unique<HelloBackend>(m_greeting, sink);
}

} // namespace hello
