#pragma once

#include <sm/result.h>
#include <sm/version.h>

#include <QtPlugin>

#include <memory>

namespace sm {

class BackendFactory;
class HostContext;
class SessionStore;

// Creates the store the host runs on its store thread. Implemented by store plugins.
class StoreFactory {
public:
    virtual ~StoreFactory() = default;
    virtual std::unique_ptr<SessionStore> createStore() = 0;
};

// The root object of every plugin library. Lifecycle, driven by the host in dependency
// order: configure() for every plugin, then start() for every plugin, and stop() in
// reverse order on shutdown (also on SIGTERM/SIGINT). A failed configure() or start()
// refuses the plugin with the error's message; stop() is called only after a
// successful start(). All three run on the host thread and must not block it.
//
// A plugin class derives from QObject and this interface and declares
//   Q_OBJECT
//   Q_PLUGIN_METADATA(IID SM_PLUGIN_IID FILE "myplugin.json")
//   Q_INTERFACES(sm::Plugin)
class Plugin {
public:
    virtual ~Plugin() = default;

    // Read and validate settings; keep the context. No network or file I/O yet.
    virtual Result<void> configure(HostContext &host) = 0;
    // Begin work: register routes, open listeners.
    virtual Result<void> start() = 0;
    // Release everything started; the host context is still valid.
    virtual void stop() = 0;

    // Kind-specific entry points; a plugin returns the one its metadata "kind" names.
    virtual StoreFactory *storeFactory() { return nullptr; }
    virtual BackendFactory *backendFactory() { return nullptr; }
};

} // namespace sm

Q_DECLARE_INTERFACE(sm::Plugin, SM_PLUGIN_IID)
