#pragma once

#include <sm/result.h>

#include <QHostAddress>
#include <QJsonValue>
#include <QList>
#include <QPair>

namespace sm {
struct HttpRequest;
}

namespace sse {

// Finds the address of the client behind load balancers. `Forwarded` (RFC 7239) and
// `X-Forwarded-For` are believed only when the TCP peer is a configured trusted proxy,
// and then only as far back as the chain stays within trusted proxies: the address
// recorded is the nearest hop that is not one of ours, so a client cannot spoof it by
// sending its own header through the proxy.
class ClientAddressResolver {
public:
    ClientAddressResolver() = default;

    // `trustedProxies` is the host setting: a list of addresses or CIDR subnets (a JSON
    // array, or one comma-separated string).
    static sm::Result<ClientAddressResolver> fromSetting(const QJsonValue &trustedProxies);

    QHostAddress clientAddress(const sm::HttpRequest &request) const;

private:
    using Subnet = QPair<QHostAddress, int>;

    bool isTrusted(const QHostAddress &address) const;
    QList<QHostAddress> forwardedChain(const sm::HttpRequest &request) const;

    QList<Subnet> m_trusted;
};

} // namespace sse
