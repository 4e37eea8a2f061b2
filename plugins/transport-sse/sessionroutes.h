#pragma once

#include "clientaddressresolver.h"

#include <sm/http.h>

namespace sm {
class HostContext;
}

namespace sse {

// The REST session API: create, read, update, delete, list and back-end requests.
// Each handler authenticates, validates its input completely before calling the session
// service, and answers from the service's callback. Callbacks hold only the exchange,
// never this object, so a late answer after stop() is harmless.
class SessionRoutes {
public:
    SessionRoutes(sm::HostContext &host, ClientAddressResolver addresses);

    void registerOn(sm::HttpRouter &router);

private:
    void createSession(const sm::HttpExchangePtr &exchange);
    void getSession(const sm::HttpExchangePtr &exchange);
    void updateSession(const sm::HttpExchangePtr &exchange);
    void deleteSession(const sm::HttpExchangePtr &exchange);
    void listSessions(const sm::HttpExchangePtr &exchange);
    void submitRequest(const sm::HttpExchangePtr &exchange);

    sm::HostContext &m_host;
    ClientAddressResolver m_addresses;
};

} // namespace sse
