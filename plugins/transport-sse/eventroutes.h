#pragma once

#include "clientaddressresolver.h"

#include <sm/callback.h>
#include <sm/caller.h>
#include <sm/event.h>
#include <sm/http.h>
#include <sm/session.h>

#include <QObject>

#include <optional>

namespace sm {
class HostContext;
}

namespace sse {

class ConnectionRegistry;

// A session's event stream over HTTP: GET opens a resumable Server-Sent-Events stream,
// POST lets a service or admin push an application event into it.
class EventRoutes : public QObject {
public:
    EventRoutes(sm::HostContext &host, ConnectionRegistry &registry, ClientAddressResolver addresses,
                QObject *parent = nullptr);

    void registerOn(sm::HttpRouter &router);

private:
    void openStream(const sm::HttpExchangePtr &exchange);
    void publishEvent(const sm::HttpExchangePtr &exchange);

    void authenticateStream(const sm::HttpExchangePtr &exchange, sm::Callback<sm::Caller> done);
    void startStream(const sm::HttpExchangePtr &exchange, const sm::Caller &caller,
                     const sm::Session &session, std::optional<sm::EventId> after);

    sm::HostContext &m_host;
    ConnectionRegistry &m_registry;
    ClientAddressResolver m_addresses;
};

} // namespace sse
