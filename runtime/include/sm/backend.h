#pragma once

#include <sm/result.h>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>

namespace sm {

// Where a session back-end sends what it emits. Events get their stream ids from the
// runtime's stream hub, never from the back-end.
class BackendEventSink {
public:
    virtual ~BackendEventSink() = default;
    virtual void emitEvent(const QByteArray &type, const QJsonObject &data) = 0;
};

// The back-end state of one session (e.g. one simulated exchange). The host drives it:
// requests and clock ticks arrive one at a time on one thread, so an instance needs no
// locking. Given the same seed and the same sequence of handle()/tick() calls, an
// instance must emit the same events and replies: the host rebuilds a crashed
// instance from its last snapshot plus the journal of calls since.
class SessionBackend {
public:
    virtual ~SessionBackend() = default;

    // One request (e.g. {"type":"order",...}); the reply or a BadRequest error.
    virtual Result<QJsonObject> handle(const QJsonObject &request) = 0;
    // Advances simulated time by one step (market data, resting-order fills).
    virtual void tick() = 0;
    // The whole state as bytes, and its inverse.
    virtual QByteArray snapshot() const = 0;
    virtual Result<void> restore(const QByteArray &snapshot) = 0;
};

// Creates back-end instances. Implemented by back-end plugins.
class BackendFactory {
public:
    virtual ~BackendFactory() = default;

    virtual std::unique_ptr<SessionBackend> createBackend(const QString &sessionId, quint64 seed,
                                                          BackendEventSink *sink) = 0;
    // Milliseconds between tick() calls the back-end wants; 0 for none.
    virtual int tickIntervalMs() const = 0;
};

} // namespace sm
