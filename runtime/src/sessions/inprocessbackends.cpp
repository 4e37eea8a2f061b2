#include "sessions/inprocessbackends.h"

#include "sessions/sessionids.h"

#include <sm/logger.h>
#include <sm/metrics.h>
#include <sm/streamhub.h>

#include <QDateTime>
#include <QJsonDocument>

namespace sm {

class InProcessBackends::Sink : public BackendEventSink {
public:
    Sink(StreamHub &streams, QString sessionId) : m_streams(streams), m_sessionId(std::move(sessionId)) {}
    void emitEvent(const QByteArray &type, const QJsonObject &data) override
    {
        m_streams.publish(m_sessionId, type, QJsonDocument(data).toJson(QJsonDocument::Compact));
    }

private:
    StreamHub &m_streams;
    QString m_sessionId;
};

InProcessBackends::InProcessBackends(BackendFactory *factory, StreamHub &streams, Logger &logger,
                                     Metrics &metrics, std::chrono::seconds idleTimeout)
    : m_factory(factory)
    , m_streams(streams)
    , m_logger(logger)
    , m_idleTimeoutMs(std::chrono::duration_cast<std::chrono::milliseconds>(idleTimeout).count())
    , m_requests(metrics.counter("sm_backend_requests_total", "Back-end requests handled in process"))
    , m_activations(metrics.counter("sm_backend_activations_total", "Back-end instances created"))
{
    if (m_factory && m_factory->tickIntervalMs() > 0) {
        m_tickTimer.setInterval(m_factory->tickIntervalMs());
        connect(&m_tickTimer, &QTimer::timeout, this, &InProcessBackends::tickAll);
        m_tickTimer.start();
    }
    m_idleTimer.setInterval(std::max<qint64>(1000, m_idleTimeoutMs / 4));
    connect(&m_idleTimer, &QTimer::timeout, this, &InProcessBackends::deactivateIdle);
    m_idleTimer.start();
}

InProcessBackends::~InProcessBackends() = default;

void InProcessBackends::request(const Session &session, const QJsonObject &body,
                                const QString &requestId, Callback<QJsonObject> done)
{
    if (!m_factory) {
        QMetaObject::invokeMethod(this, [done] {
            done(makeError(ErrorCode::Unavailable, "no back-end plugin is loaded"));
        }, Qt::QueuedConnection);
        return;
    }
    Instance *instance = activate(session.id);
    Result<QJsonObject> reply = instance
        ? instance->backend->handle(body)
        : Result<QJsonObject>(makeError(ErrorCode::Unavailable, "the back-end could not be activated"));
    m_requests.increment();
    if (instance)
        instance->lastUsedMs = QDateTime::currentMSecsSinceEpoch();
    if (!reply.ok()) {
        m_logger.debug("back-end rejected a request", {{"session_id", session.id},
                                                        {"request_id", requestId},
                                                        {"error", reply.error().message}});
    }
    QMetaObject::invokeMethod(this, [done, reply = std::move(reply)]() mutable {
        done(std::move(reply));
    }, Qt::QueuedConnection);
}

InProcessBackends::Instance *InProcessBackends::activate(const QString &sessionId)
{
    auto found = m_instances.find(sessionId);
    if (found != m_instances.end())
        return &found->second;
    Instance instance;
    instance.sink = std::make_unique<Sink>(m_streams, sessionId);
    instance.backend = m_factory->createBackend(sessionId, SessionIds::seedFor(sessionId),
                                                instance.sink.get());
    if (!instance.backend) {
        m_logger.error("back-end factory returned no instance", {{"session_id", sessionId}});
        return nullptr;
    }
    if (auto parked = m_parked.find(sessionId); parked != m_parked.end()) {
        Result<void> restored = instance.backend->restore(parked->second);
        if (!restored.ok()) {
            m_logger.error("back-end state could not be restored; starting afresh",
                           {{"session_id", sessionId}, {"error", restored.error().message}});
        }
        m_parked.erase(parked);
    }
    m_activations.increment();
    m_logger.debug("back-end activated", {{"session_id", sessionId}});
    return &m_instances.emplace(sessionId, std::move(instance)).first->second;
}

void InProcessBackends::release(const QString &sessionId)
{
    m_instances.erase(sessionId);
    m_parked.erase(sessionId);
}

void InProcessBackends::tickAll()
{
    for (auto &entry : m_instances)
        entry.second.backend->tick();
}

void InProcessBackends::deactivateIdle()
{
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - m_idleTimeoutMs;
    for (auto it = m_instances.begin(); it != m_instances.end();) {
        if (it->second.lastUsedMs >= cutoff) {
            ++it;
            continue;
        }
        m_parked[it->first] = it->second.backend->snapshot();
        it = m_instances.erase(it);
    }
}

} // namespace sm
