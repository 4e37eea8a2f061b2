#pragma once

#include "sessions/backenddispatcher.h"

#include <sm/backend.h>

#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>
#include <unordered_map>

namespace sm {

class Counter;
class Logger;
class Metrics;
class StreamHub;

// Back-end instances living in the runtime process: one per session, created on the
// session's first request, ticked by one shared timer, and dropped after being idle for
// `idleTimeout` (parked as a snapshot, restored on the next request). Their events go
// to the stream hub.
class InProcessBackends : public QObject, public BackendDispatcher {
    Q_OBJECT
public:
    InProcessBackends(BackendFactory *factory, StreamHub &streams, Logger &logger, Metrics &metrics,
                      std::chrono::seconds idleTimeout);
    ~InProcessBackends() override;

    void request(const Session &session, const QJsonObject &body, const QString &requestId,
                 Callback<QJsonObject> done) override;
    void release(const QString &sessionId) override;
    bool isAvailable() const override { return m_factory != nullptr; }

    int activeCount() const { return int(m_instances.size()); }

private:
    class Sink;
    struct Instance {
        std::unique_ptr<Sink> sink;
        std::unique_ptr<SessionBackend> backend;
        qint64 lastUsedMs = 0;
    };

    Instance *activate(const QString &sessionId);
    void tickAll();
    void deactivateIdle();

    BackendFactory *m_factory;
    StreamHub &m_streams;
    Logger &m_logger;
    const qint64 m_idleTimeoutMs;
    std::unordered_map<QString, Instance> m_instances;
    // Snapshots of instances deactivated for idleness, restored on their next request.
    std::unordered_map<QString, QByteArray> m_parked;
    QTimer m_tickTimer;
    QTimer m_idleTimer;
    Counter &m_requests;
    Counter &m_activations;
};

} // namespace sm
