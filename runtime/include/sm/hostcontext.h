#pragma once

#include <QJsonValue>
#include <QString>

namespace sm {

class Authenticator;
class ConnectionMonitor;
class HttpRouter;
class Logger;
class Metrics;
class SessionService;
class StreamHub;

// What the host offers a plugin. One per plugin, valid from configure() until after
// stop(). All of it is used on the host thread unless a class says otherwise.
// In a worker process (`session-manager worker`) only back-end plugins run, and only
// pluginId(), setting(), logger() and metrics() are available: a back-end reaches
// sessions and streams through what its factory is given, never through the context.
class HostContext {
public:
    virtual ~HostContext() = default;

    // The plugin's id from its metadata.
    virtual QString pluginId() const = 0;
    // The effective value of one of the plugin's own config keys (declared in its
    // metadata, without the "<plugin-id>." prefix) or of a host key such as
    // "session_ttl". Null for an unknown key.
    virtual QJsonValue setting(const QString &key) const = 0;

    virtual Logger &logger() = 0;     // component = plugin id
    virtual Metrics &metrics() = 0;
    virtual SessionService &sessions() = 0;
    virtual StreamHub &streams() = 0;
    virtual HttpRouter &http() = 0;
    virtual const Authenticator &auth() const = 0;

    // SDK 1.1. Where transports report their connections for quality scoring; null when
    // the host runs without a monitor. Not pure, so hosts and test contexts written
    // against 1.0 still compile; appended last, so the vtable of 1.0 is unchanged.
    virtual ConnectionMonitor *connectionMonitor() { return nullptr; }

    // SDK 1.2. Whether the runtime is ready to take traffic, decided as /readyz decides it
    // (store reachable, a back-end available when one is configured, not draining). For
    // transports that report health in their own protocol (gRPC health): they poll it, as
    // it can change at any time. Appended last with a default, like connectionMonitor():
    // hosts written against 1.0/1.1 still compile and report "ready".
    virtual bool isReady() const { return true; }
};

} // namespace sm
